// The PostgreSQL JobStore. A claim is one UPDATE whose row comes from a
// sub-select FOR UPDATE SKIP LOCKED: concurrent claimers (threads or servers)
// never wait on each other's candidate and never both update one row, and the
// outer WHERE repeats the due condition, which PostgreSQL re-checks on the
// locked row's latest version.
#include "store/postgres/job_store.h"

#include "store/postgres/sales_impl.h"

namespace guanxi {
namespace pg_jobs {
namespace {

using postgres::Connection;
using postgres::Params;

constexpr char kJobColumns[] =
    "id, kind, key, payload, run_after, status, attempts, max_attempts, lease_owner, lease_until, "
    "created_at, started_at, finished_at, error, result";

Job ReadJob(const postgres::Row& r) {
  Job j;
  j.id = r.Int(0);
  j.kind = r.Text(1);
  j.key = r.Text(2);
  j.payload = r.Text(3);
  j.run_after = r.Int(4);
  j.status = r.Text(5);
  j.attempts = r.Int(6);
  j.max_attempts = r.Int(7);
  j.lease_owner = r.IsNull(8) ? "" : r.Text(8);
  j.lease_until = r.OptInt(9);
  j.created_at = r.Int(10);
  j.started_at = r.OptInt(11);
  j.finished_at = r.OptInt(12);
  j.error = r.Text(13);
  j.result = r.Text(14);
  return j;
}

// A text[] literal of job kinds (registered identifiers of [a-z_]; quoted
// anyway so any text stays one element).
std::string KindArray(const std::vector<std::string>& kinds) {
  std::string out = "{";
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : kinds[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

class PostgresJobStore final : public JobStore {
 public:
  explicit PostgresJobStore(postgres::Pool& pool) : pool_(pool) {}

  Result<Job> InsertJobIfAbsent(const Job& job, AuditEntry audit, bool* inserted) override {
    Job out;
    bool added = false;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      Params p;
      p.Add(job.kind).Add(job.key).Add(job.payload.empty() ? std::string("{}") : job.payload)
          .Add(job.run_after).Add(job.max_attempts).Add(job.created_at);
      GX_ASSIGN_OR_RETURN(auto ins, db.Query(
          std::string("INSERT INTO job(kind, key, payload, run_after, status, attempts, max_attempts, created_at) "
                      "VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6) ON CONFLICT (key) DO NOTHING RETURNING ") +
              kJobColumns,
          p));
      added = ins.rows() == 1;
      if (added) {
        out = ReadJob(ins.row(0));
      } else {
        GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kJobColumns + " FROM job WHERE key = $1",
                                             Params().Add(job.key)));
        if (r.rows() == 0) return Status::Conflict("job " + job.key + " changed concurrently");
        out = ReadJob(r.row(0));
      }
      if (!added || audit.entity.empty()) return Status::Ok();
      audit.entity_id = out.id;
      return pg_sales::InsertAudit(db, audit);
    }));
    if (inserted) *inserted = added;
    return out;
  }

  Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& owner,
                                      UnixSeconds now, UnixSeconds lease_until) override {
    std::optional<Job> claimed;
    if (kinds.empty()) return claimed;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      claimed.reset();
      GX_RETURN_IF_ERROR(db.Query(
          "UPDATE job SET status = 'failed', finished_at = $1, lease_owner = NULL, lease_until = NULL, "
          "error = 'the server running the last attempt stopped before finishing it' "
          "WHERE status = 'running' AND lease_until < $1 AND attempts >= max_attempts",
          Params().Add(now)).status());
      const std::string due =
          "kind = ANY($1::text[]) AND ((status = 'queued' AND run_after <= $2) OR "
          "(status = 'running' AND lease_until < $2))";
      GX_ASSIGN_OR_RETURN(auto r, db.Query(
          "UPDATE job SET status = 'running', lease_owner = $3, lease_until = $4, attempts = attempts + 1, "
          "started_at = $2, finished_at = NULL WHERE id = (SELECT id FROM job WHERE " + due +
              " ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED) AND " + due + " RETURNING " + kJobColumns,
          Params().Add(KindArray(kinds)).Add(now).Add(owner).Add(lease_until)));
      if (r.rows() == 1) claimed = ReadJob(r.row(0));
      return Status::Ok();
    }));
    return claimed;
  }

  Result<bool> RenewJobLease(int64_t id, const std::string& owner, UnixSeconds lease_until) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(
        "UPDATE job SET lease_until = $1 WHERE id = $2 AND status = 'running' AND lease_owner = $3",
        Params().Add(lease_until).Add(id).Add(owner)));
    return r.affected() == 1;
  }

  Result<bool> FinishJob(int64_t id, const std::string& owner, const JobOutcome& o) override {
    std::string sql;
    Params p;
    switch (o.kind) {
      case JobOutcome::Kind::kDone:
        sql = "UPDATE job SET status = 'done', finished_at = $1, result = $2, error = '', ";
        p.Add(o.at).Add(o.result);
        break;
      case JobOutcome::Kind::kFailed:
        sql = "UPDATE job SET status = 'failed', finished_at = $1, error = $2, ";
        p.Add(o.at).Add(o.error);
        break;
      case JobOutcome::Kind::kRetry:
        sql = "UPDATE job SET status = 'queued', run_after = $1, error = $2, ";
        p.Add(o.run_after).Add(o.error);
        break;
      case JobOutcome::Kind::kRelease:
        sql = "UPDATE job SET status = 'queued', run_after = $1, error = $2, attempts = attempts - 1, ";
        p.Add(o.run_after).Add(o.error);
        break;
    }
    sql += "lease_owner = NULL, lease_until = NULL WHERE id = $3 AND status = 'running' AND lease_owner = $4";
    p.Add(id).Add(owner);
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(sql, p));
    return r.affected() == 1;
  }

  Result<Page<Job>> ListJobs(const JobQuery& q) override {
    std::string sql = std::string("SELECT ") + kJobColumns + " FROM job WHERE 1 = 1";
    Params p;
    int n = 0;
    if (!q.kind.empty()) {
      sql += " AND kind = $" + std::to_string(++n);
      p.Add(q.kind);
    }
    if (!q.status.empty()) {
      sql += " AND status = $" + std::to_string(++n);
      p.Add(q.status);
    }
    if (q.after_id) {
      sql += " AND id < $" + std::to_string(++n);
      p.Add(*q.after_id);
    }
    sql += " ORDER BY id DESC LIMIT $" + std::to_string(++n);
    p.Add(int64_t{q.limit} + 1);
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(sql, p));
    Page<Job> page;
    for (int i = 0; i < r.rows(); ++i) page.items.push_back(ReadJob(r.row(i)));
    if (static_cast<int>(page.items.size()) > q.limit) {
      page.items.pop_back();
      page.next = std::to_string(page.items.back().id);
    }
    return page;
  }

  Result<Job> GetJob(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kJobColumns + " FROM job WHERE id = $1",
                                          Params().Add(id)));
    if (r.rows() == 0) return Status::NotFound("job " + std::to_string(id) + " not found");
    return ReadJob(r.row(0));
  }

 private:
  // One READ COMMITTED transaction, run again on a deadlock or serialization
  // failure (which leave no effect).
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_.InTransaction(fn, /*retry_first_conflict=*/true);
  }


  postgres::Pool& pool_;
};

}  // namespace
}  // namespace pg_jobs

std::unique_ptr<JobStore> NewPostgresJobStore(postgres::Pool& pool) {
  return std::make_unique<pg_jobs::PostgresJobStore>(pool);
}

}  // namespace guanxi
