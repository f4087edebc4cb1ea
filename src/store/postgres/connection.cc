#include "store/postgres/connection.h"

#include <charconv>
#include <cstring>

#include "domain/encoding.h"

namespace guanxi::postgres {

Params& Params::AddBytes(std::string_view bytes) {
  values_.emplace_back("\\x" + HexEncode(bytes));
  return *this;
}

int64_t Row::Int(int col) const {
  const char* v = PQgetvalue(r_, row_, col);
  int64_t out = 0;
  std::from_chars(v, v + std::strlen(v), out);
  return out;
}

double Row::Real(int col) const {
  const char* v = PQgetvalue(r_, row_, col);
  double out = 0;
  std::from_chars(v, v + std::strlen(v), out);
  return out;
}

std::string Row::Text(int col) const {
  return std::string(PQgetvalue(r_, row_, col), PQgetlength(r_, row_, col));
}

std::string Row::Blob(int col) const {
  std::string_view v(PQgetvalue(r_, row_, col), PQgetlength(r_, row_, col));
  if (v.size() >= 2 && v[0] == '\\' && v[1] == 'x') {
    auto raw = HexDecode(v.substr(2));
    if (raw) return *raw;
  }
  return std::string(v);
}

int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  int64_t out = 0;
  std::from_chars(n, n + std::strlen(n), out);
  return out;
}

Status StatusFromResult(const PGresult* r, PGconn* conn, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string text = what + ": " + msg;
  if (!state) {
    return conn && PQstatus(conn) != CONNECTION_OK ? Status::Unavailable(text) : Status::Internal(text);
  }
  std::string_view s(state);
  if (s == "23505") return Status::AlreadyExists(text);
  if (s == "23503") return Status::FailedPrecondition(text);
  if (s == "23514" || s == "22P02" || s == "22001") return Status::InvalidArgument(text);
  if (s == "40001" || s == "40P01") return Status::Conflict(text);
  if (s.substr(0, 2) == "08" || s == "57P01" || s == "57P02" || s == "57P03") {
    return Status::Unavailable(text);
  }
  return Status::Internal(text);
}

guanxi::Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(c);
    return Status::Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  auto conn = std::unique_ptr<Connection>(new Connection(c));
  // Times are stored as integer seconds; text results must not depend on the
  // server's settings.
  GX_RETURN_IF_ERROR(conn->Exec(
      "SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET TIME ZONE 'UTC'; "
      "SET client_min_messages = 'warning'"));
  return conn;
}

Connection::~Connection() { PQfinish(conn_); }

Status Connection::StatusFrom(const PGresult* r, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  return StatusFromResult(r, conn_, what);
}

Status Connection::Exec(const std::string& sql) {
  Result r(PQexec(conn_, sql.c_str()));
  auto st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return Status::Ok();
  return StatusFrom(r.get(), "query failed");
}

guanxi::Result<Result> Connection::Query(const std::string& sql, const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "gx" + std::to_string(prepared_.size() + 1);
    Result prep(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) return StatusFrom(prep.get(), "prepare failed");
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  Result r(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()), values.data(),
                          nullptr, nullptr, 0));
  auto st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return StatusFrom(r.get(), "query failed");
}

guanxi::Result<Result> Connection::QueryPlannedForValues(const std::string& sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  Result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0));
  auto st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return StatusFrom(r.get(), "query failed");
}

Status Connection::CopyIn(const std::string& copy_sql, const std::function<bool(std::string&)>& produce) {
  {
    Result r(PQexec(conn_, copy_sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) return StatusFrom(r.get(), "COPY failed");
  }
  std::string buf;
  bool more = true;
  while (more) {
    buf.clear();
    more = produce(buf);
    if (!buf.empty() && PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) {
      (void)PQputCopyEnd(conn_, "client failed");
      break;
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return StatusFrom(nullptr, "COPY failed");
  Status result = Status::Ok();
  while (PGresult* raw = PQgetResult(conn_)) {
    Result r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && result.ok()) result = StatusFrom(raw, "COPY failed");
  }
  return result;
}

Status Connection::CopyOut(const std::string& copy_sql,
                           const std::function<Status(std::string_view)>& consume) {
  {
    Result r(PQexec(conn_, copy_sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT) return StatusFrom(r.get(), "COPY failed");
  }
  Status result = Status::Ok();
  for (;;) {
    char* line = nullptr;
    int n = PQgetCopyData(conn_, &line, 0);
    if (n == -1) break;
    if (n < 0) return StatusFrom(nullptr, "COPY failed");
    std::string_view v(line, static_cast<size_t>(n));
    if (!v.empty() && v.back() == '\n') v.remove_suffix(1);
    if (result.ok()) result = consume(v);  // keep draining after a failure
    PQfreemem(line);
  }
  while (PGresult* raw = PQgetResult(conn_)) {
    Result r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && result.ok()) result = StatusFrom(raw, "COPY failed");
  }
  return result;
}

void AppendCopyField(std::string& out, const std::optional<std::string>& v) {
  if (!v) {
    out += "\\N";
    return;
  }
  for (char ch : *v) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(ch);
    }
  }
}

std::vector<std::optional<std::string>> ParseCopyLine(std::string_view line) {
  std::vector<std::optional<std::string>> out;
  size_t i = 0;
  for (;;) {
    size_t end = line.find('\t', i);
    std::string_view f = line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (f == "\\N") {
      out.emplace_back(std::nullopt);
    } else {
      std::string v;
      v.reserve(f.size());
      for (size_t k = 0; k < f.size(); ++k) {
        if (f[k] != '\\' || k + 1 == f.size()) {
          v.push_back(f[k]);
          continue;
        }
        char e = f[++k];
        switch (e) {
          case 't': v.push_back('\t'); break;
          case 'n': v.push_back('\n'); break;
          case 'r': v.push_back('\r'); break;
          case 'b': v.push_back('\b'); break;
          case 'f': v.push_back('\f'); break;
          case 'v': v.push_back('\v'); break;
          default: v.push_back(e);
        }
      }
      out.emplace_back(std::move(v));
    }
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return out;
}

guanxi::Result<std::unique_ptr<Pool>> Pool::Open(const std::string& url, int size) {
  auto pool = std::make_unique<Pool>();
  pool->url_ = url;
  for (int i = 0; i < std::max(1, size); ++i) {
    GX_ASSIGN_OR_RETURN(auto c, Connection::Open(url));
    pool->connections_.Add(std::move(c));
  }
  return pool;
}

Status Pool::InTransaction(const std::function<Status(Connection&)>& fn, bool retry_first_conflict) {
  for (int attempt = 0;; ++attempt) {
    GX_ASSIGN_OR_RETURN(auto db, Acquire());
    GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
    Status s = fn(*db);
    if (s.ok()) {
      s = db->Exec("COMMIT");
      if (!s.ok() && !db->healthy()) return Status::Unavailable("the database connection was lost while committing");
    } else {
      (void)db->Exec("ROLLBACK");
    }
    const bool retry = db->last_sqlstate_retryable() || (retry_first_conflict && attempt == 0);
    if (s.code() == StatusCode::kConflict && retry && attempt < 5) continue;
    return s;
  }
}

guanxi::Result<Pool::Lease> Pool::Acquire() {
  auto lease = connections_.Acquire();
  if (!lease) return Status::Unavailable("the store is closed");
  if (!(*lease)->healthy()) {
    // The server restarted or the network dropped: reconnect once.
    GX_ASSIGN_OR_RETURN(auto fresh, Connection::Open(url_));
    lease->Replace(std::move(fresh));
  } else if ((*lease)->in_transaction()) {
    (void)(*lease)->Exec("ROLLBACK");
  }
  return std::move(*lease);
}

}  // namespace guanxi::postgres
