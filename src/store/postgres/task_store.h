// The PostgreSQL implementation of TaskStore; created by and sharing the
// connections of the PostgreSQL Store.
#pragma once

#include <memory>

#include "store/postgres/connection.h"
#include "store/task_store.h"

namespace guanxi {

std::unique_ptr<TaskStore> NewPostgresTaskStore(postgres::Pool& pool);

}  // namespace guanxi
