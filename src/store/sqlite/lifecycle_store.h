// The sqlite implementation of LifecycleStore; created by and sharing the
// connections of the sqlite Store.
#pragma once

#include <memory>

#include "store/lifecycle_store.h"
#include "store/pool.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/write_queue.h"

namespace guanxi {

std::unique_ptr<LifecycleStore> NewSqliteLifecycleStore(sqlite::WriteQueue& writer,
                                                        ConnectionPool<sqlite::Connection>& readers);

}  // namespace guanxi
