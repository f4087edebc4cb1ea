// A libpq connection with a prepared-statement cache, result rows readable by the
// shared row readers (store/rows.h), COPY in both directions, and the pool.
// Internal to store/postgres; nothing outside src/store/ includes it.
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/status.h"
#include "store/pool.h"

namespace guanxi::postgres {

// Positional parameters ($1, $2, …), all sent as text.
class Params {
 public:
  Params& Add(int64_t v) { values_.emplace_back(std::to_string(v)); return *this; }
  Params& Add(std::string v) { values_.emplace_back(std::move(v)); return *this; }
  Params& Add(const char* v) { values_.emplace_back(std::string(v)); return *this; }
  Params& Add(std::optional<int64_t> v) {
    if (v) Add(*v); else AddNull();
    return *this;
  }
  Params& AddNull() { values_.emplace_back(std::nullopt); return *this; }
  // NULL for an empty string, the text otherwise.
  Params& AddTextOrNull(const std::string& v) {
    if (v.empty()) AddNull(); else Add(v);
    return *this;
  }
  // A bytea value, sent in PostgreSQL's hex input form.
  Params& AddBytes(std::string_view bytes);
  size_t size() const { return values_.size(); }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// One row of a Result, read by column number.
class Row {
 public:
  Row(const PGresult* r, int row) : r_(r), row_(row) {}
  int64_t Int(int col) const;
  // A double precision column (PostgreSQL prints the shortest exact form).
  double Real(int col) const;
  std::string Text(int col) const;
  // A bytea column (text output, hex form) as raw bytes.
  std::string Blob(int col) const;
  bool IsNull(int col) const { return PQgetisnull(r_, row_, col) != 0; }
  std::optional<int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }

 private:
  const PGresult* r_;
  int row_;
};

class Result {
 public:
  explicit Result(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  Row row(int i) const { return Row(r_.get(), i); }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t affected() const;
  const PGresult* get() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

class Connection {
 public:
  static guanxi::Result<std::unique_ptr<Connection>> Open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (DDL, BEGIN/COMMIT).
  Status Exec(const std::string& sql);
  // Runs a parameterised statement, prepared once per connection and cached.
  guanxi::Result<Result> Query(const std::string& sql, const Params& params = {});
  // Runs a statement planned for these very values (not cached): for queries
  // whose best plan depends on the values, such as searches, where a cached
  // generic plan can be a thousand times slower for a rare term.
  guanxi::Result<Result> QueryPlannedForValues(const std::string& sql, const Params& params);
  // COPY … FROM STDIN: `produce` is called until it returns false, appending
  // text-format rows to the buffer it is given.
  Status CopyIn(const std::string& copy_sql, const std::function<bool(std::string&)>& produce);
  // COPY … TO STDOUT: `consume` gets each text-format line (without the newline).
  Status CopyOut(const std::string& copy_sql, const std::function<Status(std::string_view)>& consume);

  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Whether the last failure was a deadlock or serialization failure: the
  // transaction had no effect and may be run again.
  bool last_sqlstate_retryable() const { return last_sqlstate_ == "40001" || last_sqlstate_ == "40P01"; }
  bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  PGconn* raw() { return conn_; }

 private:
  explicit Connection(PGconn* c) : conn_(c) {}
  Status StatusFrom(const PGresult* r, const std::string& what);
  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  std::string last_sqlstate_;
};

// The Status for a failed result: SQLSTATE classes map to canonical codes
// (unique violation → AlreadyExists, foreign key → FailedPrecondition,
// serialization failure or deadlock → Conflict, connection loss → Unavailable).
Status StatusFromResult(const PGresult* r, PGconn* conn, const std::string& what);

// Escapes a value for COPY's text format.
void AppendCopyField(std::string& out, const std::optional<std::string>& v);
// Splits one COPY text-format line into fields (nullopt for \N), unescaping.
std::vector<std::optional<std::string>> ParseCopyLine(std::string_view line);

// The connections of one process, each lent to one thread at a time. A
// connection found broken when lent is replaced; one left inside a transaction
// by a failed holder is rolled back.
class Pool {
 public:
  using Lease = ConnectionPool<Connection>::Lease;
  static guanxi::Result<std::unique_ptr<Pool>> Open(const std::string& url, int size);
  guanxi::Result<Lease> Acquire();
  // Runs `fn` in one transaction on a lent connection: COMMIT when it answers
  // OK, ROLLBACK otherwise. A deadlock or serialization failure (Conflict with a
  // retryable SQLSTATE, which leaves no effect) runs it again, up to 5 times;
  // `retry_first_conflict` also retries a first Conflict of any kind once.
  // A connection lost during COMMIT answers Unavailable (the outcome is unknown).
  Status InTransaction(const std::function<Status(Connection&)>& fn, bool retry_first_conflict = false);
  void Close() { connections_.Close(); }

 private:
  std::string url_;
  ConnectionPool<Connection> connections_;
};

}  // namespace guanxi::postgres
