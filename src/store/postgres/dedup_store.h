// The postgres DedupStore; created by and sharing the connections of the postgres Store.
#pragma once

#include <memory>

#include "store/dedup_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<DedupStore> NewPostgresDedupStore(postgres::Pool& pool);

}  // namespace guanxi
