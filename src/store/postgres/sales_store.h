// The postgres implementation of SalesStore; created by and sharing the
// connections of the postgres Store.
#pragma once

#include <memory>

#include "store/sales_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<SalesStore> NewPostgresSalesStore(postgres::Pool& pool);

// Removes the out-of-funnel sums of a customer's orders from sales_day, inside
// the transaction about to delete the customer (its orders go with it).
Status RemoveCustomerSalesDay(postgres::Connection& db, int64_t customer_id);

}  // namespace guanxi
