// The SQLite DedupStore; created by and sharing the connections of the sqlite Store.
#pragma once

#include <memory>

#include "store/dedup_store.h"
#include "store/pool.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/write_queue.h"

namespace guanxi {

std::unique_ptr<DedupStore> NewSqliteDedupStore(sqlite::WriteQueue& writer,
                                                ConnectionPool<sqlite::Connection>& readers);

}  // namespace guanxi
