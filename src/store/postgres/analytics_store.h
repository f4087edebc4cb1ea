// The postgres implementation of AnalyticsStore; created by and sharing the
// connections of the postgres Store.
#pragma once

#include <memory>

#include "store/analytics_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<AnalyticsStore> NewPostgresAnalyticsStore(postgres::Pool& pool);

}  // namespace guanxi
