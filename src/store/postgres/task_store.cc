// The PostgreSQL TaskStore: each write is one READ COMMITTED transaction that
// locks the task row it changes (FOR UPDATE) and checks its version.
// CreateTaskIfAbsent inserts with ON CONFLICT (dedupe_key) DO NOTHING and reads
// the existing row back, so racing replicas end with exactly one task.
#include "store/postgres/sql_values.h"
#include "store/postgres/task_store.h"

#include <functional>

#include "store/portable.h"
#include "store/postgres/sales_impl.h"
#include "store/rows.h"
#include "store/task_rows.h"

namespace guanxi {
namespace pg_tasks {
namespace {

using postgres::Connection;
using postgres::Params;
using namespace store_rows;

std::string Numbered(const std::string& sql) {
  pg_sales::Sql s;
  s.text = sql;
  return s.Numbered();
}

void AddText(Params& p, const std::optional<std::string>& v) {
  if (v) p.Add(*v); else p.AddNull();
}

Result<Task> SelectTask(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kTaskColumns + " FROM task t WHERE t.id = $1" +
                                           (for_update ? " FOR UPDATE" : ""),
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("task " + std::to_string(id) + " not found");
  return ReadTask(r.row(0));
}

// InvalidArgument (field) when the customer or the assignee does not exist; the
// rows are key-share locked so they cannot go away before the commit.
Status CheckReferences(Connection& db, const Task& t) {
  GX_ASSIGN_OR_RETURN(auto c, db.Query("SELECT 1 FROM customer WHERE id = $1 FOR KEY SHARE",
                                       Params().Add(t.customer_id)));
  if (c.rows() == 0) return Status::InvalidField("customer_id", "no such customer");
  if (t.assignee_user_id) {
    GX_ASSIGN_OR_RETURN(auto u, db.Query("SELECT 1 FROM app_user WHERE id = $1 FOR KEY SHARE",
                                         Params().Add(*t.assignee_user_id)));
    if (u.rows() == 0) return Status::InvalidField("assignee_user_id", "no such user");
  }
  return Status::Ok();
}

Status Stale(const Task& old, int64_t expected) {
  return Status::Conflict("task " + std::to_string(old.id) + " is at version " + std::to_string(old.version) +
                          ", not " + std::to_string(expected));
}

// Inserts `t` (ON CONFLICT on the dedupe key does nothing when `if_absent`);
// answers whether a row was inserted and sets t.id.
Result<bool> Insert(Connection& db, Task& t, bool if_absent) {
  Params p;
  BindTaskInsert(
      t, [&](std::optional<int64_t> v) { p.Add(v); }, [&](const std::optional<std::string>& v) { AddText(p, v); });
  auto r = db.Query(Numbered(std::string(kTaskInsertSql) + (if_absent ? " ON CONFLICT (dedupe_key) DO NOTHING" : "") +
                             " RETURNING id"),
                    p);
  if (!r.ok() && r.status().code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("a task with this dedupe_key exists");
  }
  GX_RETURN_IF_ERROR(r.status());
  if (r->rows() == 0) return false;
  t.id = r->row(0).Int(0);
  t.version = 1;
  return true;
}

Task Prepared(Task t) {
  t.status = "open";
  t.completion_note.clear();
  t.completed_at.reset();
  t.completed_by.reset();
  t.updated_at = t.created_at;
  return t;
}

Status Audited(Connection& db, AuditEntry& audit, const Task& t) {
  if (audit.entity.empty()) return Status::Ok();
  audit.entity_id = t.id;
  audit.after = TaskToJson(t);
  return pg_sales::InsertAudit(db, audit);
}

class PgTaskStore final : public TaskStore {
 public:
  explicit PgTaskStore(postgres::Pool& pool) : pool_(pool) {}

  Result<Task> CreateTask(Task t, AuditEntry audit) override {
    t = Prepared(std::move(t));
    GX_RETURN_IF_ERROR(CheckTask(t));
    Task created;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      created = t;
      GX_RETURN_IF_ERROR(CheckReferences(db, created));
      GX_RETURN_IF_ERROR(Insert(db, created, false).status());
      return Audited(db, audit, created);
    }));
    return created;
  }

  Result<std::pair<Task, bool>> CreateTaskIfAbsent(Task t, AuditEntry audit) override {
    t = Prepared(std::move(t));
    if (!t.dedupe_key) return Status::InvalidField("dedupe_key", "is required");
    GX_RETURN_IF_ERROR(CheckTask(t));
    Task answer;
    bool created = false;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      answer = t;
      GX_RETURN_IF_ERROR(CheckReferences(db, answer));
      GX_ASSIGN_OR_RETURN(created, Insert(db, answer, true));
      if (created) return Audited(db, audit, answer);
      // The conflicting row is committed (ON CONFLICT waited for its inserter),
      // so this statement's fresh snapshot sees it.
      GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kTaskColumns + " FROM task t WHERE t.dedupe_key = $1",
                                           Params().Add(*t.dedupe_key)));
      if (r.rows() == 0) return Status::Internal("the task of dedupe key " + *t.dedupe_key + " vanished");
      answer = ReadTask(r.row(0));
      return Status::Ok();
    }));
    return std::make_pair(answer, created);
  }

  // Ids drawn from the sequence up front, then one COPY per call.
  Status InsertTasksBulk(std::vector<Task>& rows) override {
    if (rows.empty()) return Status::Ok();
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto ids, db.Query(
          "SELECT nextval(pg_get_serial_sequence('task', 'id')) FROM generate_series(1, $1)",
          Params().Add(static_cast<int64_t>(rows.size()))));
      for (size_t k = 0; k < rows.size(); ++k) {
        rows[k].id = ids.row(static_cast<int>(k)).Int(0);
        rows[k].version = 1;
      }
      auto num = [](const std::optional<int64_t>& v) {
        return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
      };
      size_t next = 0;
      return db.CopyIn(
          "COPY task(id, version, customer_id, assignee_user_id, title, kind, priority, due_day, due_time, status, "
          "origin, origin_id, dedupe_key, note, completion_note, created_by, created_at, updated_at, completed_at, "
          "completed_by) FROM STDIN",
          [&](std::string& buf) {
            for (; next < rows.size() && buf.size() < (1 << 20); ++next) {
              const Task& t = rows[next];
              const std::optional<std::string> fields[] = {
                  std::to_string(t.id), "1", std::to_string(t.customer_id), num(t.assignee_user_id), t.title,
                  t.kind, t.priority, t.due_day, t.due_time, t.status, t.origin, num(t.origin_id), t.dedupe_key,
                  t.note, t.completion_note, num(t.created_by), std::to_string(t.created_at),
                  std::to_string(t.updated_at), num(t.completed_at), num(t.completed_by)};
              for (size_t f = 0; f < std::size(fields); ++f) {
                if (f) buf.push_back('\t');
                postgres::AppendCopyField(buf, fields[f]);
              }
              buf.push_back('\n');
            }
            return next < rows.size();
          });
    });
  }

  Result<Task> GetTask(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return SelectTask(*db, id, false);
  }

  Result<Page<Task>> ListTasks(const TaskQuery& q) override {
    GX_ASSIGN_OR_RETURN(TaskSql plan, PlanTaskList(q));
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(Numbered(plan.sql), postgres::ParamsOf(plan.args)));
    Page<Task> page;
    for (int i = 0; i < r.rows(); ++i) page.items.push_back(ReadTask(r.row(i)));
    FinishTaskPage(page, q.limit);
    return page;
  }

  Result<int64_t> CountTasks(const TaskQuery& q) override {
    GX_ASSIGN_OR_RETURN(TaskSql plan, PlanTaskCount(q));
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(Numbered(plan.sql), postgres::ParamsOf(plan.args)));
    return r.rows() == 0 ? 0 : r.row(0).Int(0);
  }

  Result<Task> UpdateTask(Task t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(CheckTask(t));
    Task updated;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Task old, SelectTask(db, t.id, true));
      if (old.version != t.version) return Stale(old, t.version);
      if (t.assignee_user_id && t.assignee_user_id != old.assignee_user_id) {
        GX_ASSIGN_OR_RETURN(auto u, db.Query("SELECT 1 FROM app_user WHERE id = $1 FOR KEY SHARE",
                                             Params().Add(*t.assignee_user_id)));
        if (u.rows() == 0) return Status::InvalidField("assignee_user_id", "no such user");
      }
      updated = old;
      updated.title = t.title;
      updated.kind = t.kind;
      updated.priority = t.priority;
      updated.due_day = t.due_day;
      updated.due_time = t.due_time;
      updated.assignee_user_id = t.assignee_user_id;
      updated.note = t.note;
      updated.origin_id = t.origin_id;
      updated.version = old.version + 1;
      updated.updated_at = t.updated_at != 0 ? t.updated_at : audit.at;
      Params p;
      p.Add(updated.version).Add(updated.title).Add(updated.kind).Add(updated.priority).Add(updated.due_day);
      AddText(p, updated.due_time);
      p.Add(updated.assignee_user_id).Add(updated.note).Add(updated.origin_id).Add(updated.updated_at).Add(updated.id);
      GX_RETURN_IF_ERROR(db.Query("UPDATE task SET version = $1, title = $2, kind = $3, priority = $4, due_day = $5, "
                                  "due_time = $6, assignee_user_id = $7, note = $8, origin_id = $9, updated_at = $10 "
                                  "WHERE id = $11",
                                  p).status());
      audit.before = TaskToJson(old);
      return Audited(db, audit, updated);
    }));
    return updated;
  }

  Result<Task> FinishTask(int64_t id, int64_t expected_version, const std::string& status, const std::string& note,
                          UnixSeconds at, std::optional<int64_t> user, AuditEntry audit) override {
    if (status != "done" && status != "cancelled") return Status::InvalidField("status", "must be done or cancelled");
    Task finished;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Task old, SelectTask(db, id, true));
      if (old.version != expected_version) return Stale(old, expected_version);
      finished = old;
      if (old.status == status) return Status::Ok();
      if (old.status != "open") {
        return Status::FailedPrecondition("task " + std::to_string(id) + " is " + old.status + " already");
      }
      finished.version = old.version + 1;
      finished.status = status;
      finished.completion_note = note;
      finished.completed_at = at;
      finished.completed_by = user;
      finished.updated_at = at;
      GX_RETURN_IF_ERROR(db.Query("UPDATE task SET version = $1, status = $2, completion_note = $3, completed_at = $4, "
                                  "completed_by = $5, updated_at = $4 WHERE id = $6",
                                  Params().Add(finished.version).Add(status).Add(note).Add(at).Add(user).Add(id))
                             .status());
      audit.before = TaskToJson(old);
      return Audited(db, audit, finished);
    }));
    return finished;
  }

 private:
  // Runs `fn` in a transaction; deadlocks and serialization failures are retried.
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_.InTransaction(fn);
  }


  postgres::Pool& pool_;
};

}  // namespace
}  // namespace pg_tasks

std::unique_ptr<TaskStore> NewPostgresTaskStore(postgres::Pool& pool) {
  return std::make_unique<pg_tasks::PgTaskStore>(pool);
}

}  // namespace guanxi
