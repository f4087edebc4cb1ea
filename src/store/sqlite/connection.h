// A thin RAII layer over one sqlite3 connection: prepared-statement cache,
// positional binding, and SQLite result codes turned into Status values.
// Internal to store/sqlite; nothing outside src/store/ includes it.
// A Connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace guanxi::sqlite {

// A cached prepared statement, borrowed for one execution. Binding is positional
// in call order; the statement is reset and its bindings cleared on destruction.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& Bind(int64_t v);
  Statement& Bind(std::string_view v);
  Statement& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Statement& Bind(const char* v) { return Bind(std::string_view(v)); }
  Statement& Bind(double v);
  Statement& Bind(std::optional<int64_t> v);
  Statement& BindNull();
  Statement& BindBlob(std::string_view bytes);
  // Binds NULL for an empty string, the text otherwise.
  Statement& BindTextOrNull(std::string_view v);

  // Advances: true when a row is ready, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows. It stays bound and stepped until
  // Reset() or destruction.
  Status Run();
  // Makes the statement ready for another execution: resets it and clears its
  // bindings, so one borrowed statement can run once per row of a loop.
  void Reset();

  int64_t Int(int col) const;
  double Real(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;
  bool IsNull(int col) const;
  std::optional<int64_t> OptInt(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_index_ = 1;
};

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only,
                                                  int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (DDL, PRAGMA, BEGIN ...).
  Status Exec(const std::string& sql);
  // Prepares (or takes from the cache) a single statement.
  Result<Statement> Prepare(const std::string& sql);
  int64_t LastInsertRowId() const;
  int Changes() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Maps an SQLite result code (with the connection's message) to a Status.
Status StatusFromSqlite(sqlite3* db, int rc, std::string_view context);

}  // namespace guanxi::sqlite
