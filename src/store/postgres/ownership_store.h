// The postgres implementation of OwnershipStore; created by and sharing the
// connections of the postgres Store.
#pragma once

#include <memory>

#include "store/ownership_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<OwnershipStore> NewPostgresOwnershipStore(postgres::Pool& pool);

}  // namespace guanxi
