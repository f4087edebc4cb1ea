// The SQLite side of the journey_sql seam: reads on the reader pool, writes as
// jobs of the Store's single writer (one transaction per job). Statements are
// prepared per call here, not through the connection's cache, because the seam
// needs each result's column count.
#include "store/sqlite/journey_store.h"

#include <sqlite3.h>

#include "store/journey_sql.h"

namespace guanxi {
namespace {

using journey_sql::Args;
using journey_sql::Row;

class SqliteSql final : public journey_sql::Sql {
 public:
  explicit SqliteSql(sqlite::Connection& db) : db_(db.raw()) {}

  Result<std::vector<Row>> Query(const std::string& sql, const Args& args) override {
    std::vector<Row> rows;
    GX_RETURN_IF_ERROR(Run(sql, args, &rows));
    return rows;
  }

  Result<int64_t> Exec(const std::string& sql, const Args& args) override {
    GX_RETURN_IF_ERROR(Run(sql, args, nullptr));
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

 private:
  Status Run(const std::string& sql, const Args& args, std::vector<Row>* rows) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
    if (rc != SQLITE_OK) return sqlite::StatusFromSqlite(db_, rc, "prepare");
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> st(raw, &sqlite3_finalize);
    for (size_t i = 0; i < args.size(); ++i) {
      const int n = static_cast<int>(i) + 1;
      const auto& a = args[i];
      if (a.kind == journey_sql::Arg::Kind::kNull) rc = sqlite3_bind_null(raw, n);
      else if (a.kind == journey_sql::Arg::Kind::kInt) rc = sqlite3_bind_int64(raw, n, a.i);
      else rc = sqlite3_bind_text(raw, n, a.s.data(), static_cast<int>(a.s.size()), SQLITE_TRANSIENT);
      if (rc != SQLITE_OK) return sqlite::StatusFromSqlite(db_, rc, "bind");
    }
    const int columns = sqlite3_column_count(raw);
    for (;;) {
      rc = sqlite3_step(raw);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return sqlite::StatusFromSqlite(db_, sqlite3_extended_errcode(db_), "step");
      if (!rows) continue;
      Row row;
      row.values.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(raw, c) == SQLITE_NULL) {
          row.values.emplace_back(std::nullopt);
        } else {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
          row.values.emplace_back(std::string(p, static_cast<size_t>(sqlite3_column_bytes(raw, c))));
        }
      }
      rows->push_back(std::move(row));
    }
  }

  sqlite3* db_;
};

class SqliteJourneyBackend final : public journey_sql::Backend {
 public:
  SqliteJourneyBackend(sqlite::WriteQueue& writer, ConnectionPool<sqlite::Connection>& readers)
      : writer_(writer), readers_(readers) {}

  bool postgres() const override { return false; }

  Status Read(const std::function<Status(journey_sql::Sql&)>& fn) override {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    SqliteSql sql(**lease);
    return fn(sql);
  }

  Status Write(const std::function<Status(journey_sql::Sql&)>& fn) override {
    return writer_.Run([&](sqlite::Connection& db) -> Status {
      SqliteSql sql(db);
      return fn(sql);
    });
  }

 private:
  sqlite::WriteQueue& writer_;
  ConnectionPool<sqlite::Connection>& readers_;
};

}  // namespace

std::unique_ptr<JourneyStore> NewSqliteJourneyStore(sqlite::WriteQueue& writer,
                                                    ConnectionPool<sqlite::Connection>& readers) {
  return journey_sql::NewJourneyStore(std::make_unique<SqliteJourneyBackend>(writer, readers));
}

}  // namespace guanxi
