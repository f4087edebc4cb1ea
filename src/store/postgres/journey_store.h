// The postgres JourneyStore; created by and sharing the pool of the postgres Store.
#pragma once

#include <memory>

#include "store/journey_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<JourneyStore> NewPostgresJourneyStore(postgres::Pool& pool);

}  // namespace guanxi
