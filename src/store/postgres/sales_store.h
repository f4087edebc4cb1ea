// The postgres implementation of SalesStore; created by and sharing the
// connections of the postgres Store.
#pragma once

#include <memory>

#include "store/sales_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<SalesStore> NewPostgresSalesStore(postgres::Pool& pool);

}  // namespace guanxi
