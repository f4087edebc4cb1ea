// The postgres implementation of InteractionStore; created by and sharing the
// connections of the postgres Store.
#pragma once

#include <memory>

#include "store/interaction_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<InteractionStore> NewPostgresInteractionStore(postgres::Pool& pool);

}  // namespace guanxi
