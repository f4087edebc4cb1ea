// The SQLite JobStore. Every write is a job of the Store's single writer, which
// runs it inside BEGIN IMMEDIATE: the select-then-update of a claim therefore
// holds the database's write lock throughout, and another process claiming at
// the same moment waits and then sees the job taken.
#include "store/sqlite/job_store.h"

#include "store/sqlite/store_internal.h"

namespace guanxi {
namespace sqlite {
namespace {

constexpr char kJobColumns[] =
    "id, kind, key, payload, run_after, status, attempts, max_attempts, lease_owner, lease_until, "
    "created_at, started_at, finished_at, error, result";

Job ReadJob(const Statement& st) {
  Job j;
  j.id = st.Int(0);
  j.kind = st.Text(1);
  j.key = st.Text(2);
  j.payload = st.Text(3);
  j.run_after = st.Int(4);
  j.status = st.Text(5);
  j.attempts = st.Int(6);
  j.max_attempts = st.Int(7);
  j.lease_owner = st.IsNull(8) ? "" : st.Text(8);
  j.lease_until = st.OptInt(9);
  j.created_at = st.Int(10);
  j.started_at = st.OptInt(11);
  j.finished_at = st.OptInt(12);
  j.error = st.Text(13);
  j.result = st.Text(14);
  return j;
}

Result<std::optional<Job>> SelectOne(Connection& db, const std::string& where, const std::function<void(Statement&)>& bind) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kJobColumns + " FROM job WHERE " + where));
  bind(st);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Job>();
  return std::optional<Job>(ReadJob(st));
}

class SqliteJobStore final : public JobStore {
 public:
  SqliteJobStore(WriteQueue& writer, ConnectionPool<Connection>& readers) : writer_(writer), readers_(readers) {}

  Result<Job> InsertJobIfAbsent(const Job& job, AuditEntry audit, bool* inserted) override {
    Job out;
    bool added = false;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      added = false;
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO job(kind, key, payload, run_after, status, attempts, max_attempts, created_at) "
          "VALUES (?, ?, ?, ?, 'queued', 0, ?, ?) ON CONFLICT(key) DO NOTHING"));
      st.Bind(job.kind).Bind(job.key).Bind(job.payload.empty() ? std::string("{}") : job.payload)
          .Bind(job.run_after).Bind(job.max_attempts).Bind(job.created_at);
      GX_RETURN_IF_ERROR(st.Run());
      added = db.Changes() == 1;
      GX_ASSIGN_OR_RETURN(auto found, SelectOne(db, "key = ?", [&](Statement& s) { s.Bind(job.key); }));
      if (!found) return Status::Internal("job " + job.key + " vanished after its insert");
      out = std::move(*found);
      if (!added || audit.entity.empty()) return Status::Ok();
      audit.entity_id = out.id;
      return InsertAudit(db, audit);
    }));
    if (inserted) *inserted = added;
    return out;
  }

  Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& owner,
                                      UnixSeconds now, UnixSeconds lease_until) override {
    std::optional<Job> claimed;
    if (kinds.empty()) return claimed;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      claimed.reset();
      {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "UPDATE job SET status = 'failed', finished_at = ?, lease_owner = NULL, lease_until = NULL, "
            "error = 'the server running the last attempt stopped before finishing it' "
            "WHERE status = 'running' AND lease_until < ? AND attempts >= max_attempts"));
        st.Bind(now).Bind(now);
        GX_RETURN_IF_ERROR(st.Run());
      }
      const std::string due = "kind IN (" + BindMarks(kinds.size()) +
                              ") AND ((status = 'queued' AND run_after <= ?) OR "
                              "(status = 'running' AND lease_until < ?))";
      GX_ASSIGN_OR_RETURN(auto pick, db.Prepare("SELECT id FROM job WHERE " + due + " ORDER BY run_after, id LIMIT 1"));
      for (const auto& k : kinds) pick.Bind(k);
      pick.Bind(now).Bind(now);
      GX_ASSIGN_OR_RETURN(bool row, pick.Step());
      if (!row) return Status::Ok();
      const int64_t id = pick.Int(0);
      GX_ASSIGN_OR_RETURN(auto upd, db.Prepare(
          "UPDATE job SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, "
          "started_at = ?, finished_at = NULL WHERE id = ? AND " + due));
      upd.Bind(owner).Bind(lease_until).Bind(now).Bind(id);
      for (const auto& k : kinds) upd.Bind(k);
      upd.Bind(now).Bind(now);
      GX_RETURN_IF_ERROR(upd.Run());
      if (db.Changes() != 1) return Status::Ok();
      GX_ASSIGN_OR_RETURN(claimed, SelectOne(db, "id = ?", [&](Statement& s) { s.Bind(id); }));
      return Status::Ok();
    }));
    return claimed;
  }

  Result<bool> RenewJobLease(int64_t id, const std::string& owner, UnixSeconds lease_until) override {
    bool held = false;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE job SET lease_until = ? WHERE id = ? AND status = 'running' AND lease_owner = ?"));
      st.Bind(lease_until).Bind(id).Bind(owner);
      GX_RETURN_IF_ERROR(st.Run());
      held = db.Changes() == 1;
      return Status::Ok();
    }));
    return held;
  }

  Result<bool> FinishJob(int64_t id, const std::string& owner, const JobOutcome& o) override {
    bool held = false;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      const char* sql = nullptr;
      switch (o.kind) {
        case JobOutcome::Kind::kDone:
          sql = "UPDATE job SET status = 'done', finished_at = ?, result = ?, error = '', lease_owner = NULL, "
                "lease_until = NULL WHERE id = ? AND status = 'running' AND lease_owner = ?";
          break;
        case JobOutcome::Kind::kFailed:
          sql = "UPDATE job SET status = 'failed', finished_at = ?, error = ?, lease_owner = NULL, "
                "lease_until = NULL WHERE id = ? AND status = 'running' AND lease_owner = ?";
          break;
        case JobOutcome::Kind::kRetry:
          sql = "UPDATE job SET status = 'queued', run_after = ?, error = ?, lease_owner = NULL, "
                "lease_until = NULL WHERE id = ? AND status = 'running' AND lease_owner = ?";
          break;
        case JobOutcome::Kind::kRelease:
          sql = "UPDATE job SET status = 'queued', run_after = ?, error = ?, attempts = attempts - 1, "
                "lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'running' AND lease_owner = ?";
          break;
      }
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
      switch (o.kind) {
        case JobOutcome::Kind::kDone: st.Bind(o.at).Bind(o.result); break;
        case JobOutcome::Kind::kFailed: st.Bind(o.at).Bind(o.error); break;
        case JobOutcome::Kind::kRetry:
        case JobOutcome::Kind::kRelease: st.Bind(o.run_after).Bind(o.error); break;
      }
      st.Bind(id).Bind(owner);
      GX_RETURN_IF_ERROR(st.Run());
      held = db.Changes() == 1;
      return Status::Ok();
    }));
    return held;
  }

  Result<Page<Job>> ListJobs(const JobQuery& q) override {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    Connection& db = **lease;
    std::string sql = std::string("SELECT ") + kJobColumns + " FROM job WHERE 1 = 1";
    if (!q.kind.empty()) sql += " AND kind = ?";
    if (!q.status.empty()) sql += " AND status = ?";
    if (q.after_id) sql += " AND id < ?";
    sql += " ORDER BY id DESC LIMIT ?";
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
    if (!q.kind.empty()) st.Bind(q.kind);
    if (!q.status.empty()) st.Bind(q.status);
    if (q.after_id) st.Bind(*q.after_id);
    st.Bind(int64_t{q.limit} + 1);
    Page<Job> page;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      page.items.push_back(ReadJob(st));
    }
    if (static_cast<int>(page.items.size()) > q.limit) {
      page.items.pop_back();
      page.next = std::to_string(page.items.back().id);
    }
    return page;
  }

  Result<Job> GetJob(int64_t id) override {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    GX_ASSIGN_OR_RETURN(auto found, SelectOne(**lease, "id = ?", [&](Statement& s) { s.Bind(id); }));
    if (!found) return Status::NotFound("job " + std::to_string(id) + " not found");
    return std::move(*found);
  }

 private:
  WriteQueue& writer_;
  ConnectionPool<Connection>& readers_;
};

}  // namespace
}  // namespace sqlite

std::unique_ptr<JobStore> NewSqliteJobStore(sqlite::WriteQueue& writer, ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteJobStore>(writer, readers);
}

}  // namespace guanxi
