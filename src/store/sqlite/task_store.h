// The SQLite implementation of TaskStore; created by and sharing the
// connections of the SQLite Store.
#pragma once

#include <memory>

#include "store/pool.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/write_queue.h"
#include "store/task_store.h"

namespace guanxi {

std::unique_ptr<TaskStore> NewSqliteTaskStore(sqlite::WriteQueue& writer,
                                              ConnectionPool<sqlite::Connection>& readers);

}  // namespace guanxi
