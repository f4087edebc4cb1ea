// The PostgreSQL side of the journey_sql seam: `?` markers become $n, every
// write is one READ COMMITTED transaction (the statements' own WHERE clauses
// decide races), retried on deadlock or serialization failure.
#include "store/postgres/journey_store.h"

#include "store/journey_sql.h"

namespace guanxi {
namespace {

using journey_sql::Args;
using journey_sql::Row;

std::string Numbered(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char ch : sql) {
    if (ch == '?') out += "$" + std::to_string(++n);
    else out.push_back(ch);
  }
  return out;
}

postgres::Params ToParams(const Args& args) {
  postgres::Params p;
  for (const auto& a : args) {
    if (a.kind == journey_sql::Arg::Kind::kNull) p.AddNull();
    else if (a.kind == journey_sql::Arg::Kind::kInt) p.Add(a.i);
    else p.Add(a.s);
  }
  return p;
}

class PgSql final : public journey_sql::Sql {
 public:
  explicit PgSql(postgres::Connection& db) : db_(db) {}

  Result<std::vector<Row>> Query(const std::string& sql, const Args& args) override {
    GX_ASSIGN_OR_RETURN(auto r, db_.Query(Numbered(sql), ToParams(args)));
    const PGresult* res = r.get();
    const int columns = PQnfields(res);
    std::vector<Row> rows;
    rows.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      Row row;
      row.values.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res, i, c)) row.values.emplace_back(std::nullopt);
        else row.values.emplace_back(std::string(PQgetvalue(res, i, c), static_cast<size_t>(PQgetlength(res, i, c))));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<int64_t> Exec(const std::string& sql, const Args& args) override {
    GX_ASSIGN_OR_RETURN(auto r, db_.Query(Numbered(sql), ToParams(args)));
    return r.affected();
  }

 private:
  postgres::Connection& db_;
};

class PgJourneyBackend final : public journey_sql::Backend {
 public:
  explicit PgJourneyBackend(postgres::Pool& pool) : pool_(pool) {}

  bool postgres() const override { return true; }

  Status Read(const std::function<Status(journey_sql::Sql&)>& fn) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    PgSql sql(*db);
    return fn(sql);
  }

  Status Write(const std::function<Status(journey_sql::Sql&)>& fn) override {
    for (int attempt = 0;; ++attempt) {
      GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
      GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
      PgSql sql(*db);
      Status s = fn(sql);
      if (s.ok()) {
        s = db->Exec("COMMIT");
        if (!s.ok() && !db->healthy()) return Status::Unavailable("the database connection was lost while committing");
      } else {
        (void)db->Exec("ROLLBACK");
      }
      if (s.code() == StatusCode::kConflict && db->last_sqlstate_retryable() && attempt < 5) continue;
      return s;
    }
  }

 private:
  postgres::Pool& pool_;
};

}  // namespace

std::unique_ptr<JourneyStore> NewPostgresJourneyStore(postgres::Pool& pool) {
  return journey_sql::NewJourneyStore(std::make_unique<PgJourneyBackend>(pool));
}

}  // namespace guanxi
