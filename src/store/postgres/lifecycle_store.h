// The PostgreSQL implementation of LifecycleStore; created by the PostgreSQL
// Store on its connection pool.
#pragma once

#include <memory>

#include "store/lifecycle_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<LifecycleStore> NewPostgresLifecycleStore(postgres::Pool& pool);

}  // namespace guanxi
