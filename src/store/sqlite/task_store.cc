// The SQLite TaskStore. Reads use the Store's reader pool; writes run as jobs of
// its single writer (row and audit in one job). CreateTaskIfAbsent relies on the
// unique dedupe_key index (INSERT … ON CONFLICT DO NOTHING), so it is also
// exactly-once against other processes writing the same file.
#include "store/sqlite/task_store.h"

#include "store/rows.h"
#include "store/sqlite/store_internal.h"
#include "store/task_rows.h"

namespace guanxi {
namespace sqlite {
namespace {

using namespace store_rows;

Result<Task> SelectTask(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kTaskColumns + " FROM task t WHERE t.id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("task " + std::to_string(id) + " not found");
  return ReadTask(st);
}

Result<std::optional<Task>> SelectTaskByKey(Connection& db, const std::string& key) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kTaskColumns +
                                          " FROM task t WHERE t.dedupe_key = ?"));
  st.Bind(key);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Task>();
  return std::optional<Task>(ReadTask(st));
}

Result<bool> RowExists(Connection& db, const char* sql, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(id);
  return st.Step();
}

// InvalidArgument (field) when the customer or the assignee does not exist.
Status CheckReferences(Connection& db, const Task& t) {
  GX_ASSIGN_OR_RETURN(bool customer, RowExists(db, "SELECT 1 FROM customer WHERE id = ?", t.customer_id));
  if (!customer) return Status::InvalidField("customer_id", "no such customer");
  if (t.assignee_user_id) {
    GX_ASSIGN_OR_RETURN(bool user, RowExists(db, "SELECT 1 FROM app_user WHERE id = ?", *t.assignee_user_id));
    if (!user) return Status::InvalidField("assignee_user_id", "no such user");
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
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string(kTaskInsertSql) +
                                          (if_absent ? " ON CONFLICT(dedupe_key) DO NOTHING" : "")));
  BindTaskInsert(
      t, [&](std::optional<int64_t> v) { st.Bind(v); },
      [&](const std::optional<std::string>& v) {
        if (v) st.Bind(*v); else st.BindNull();
      });
  Status s = st.Run();
  if (s.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists("a task with this dedupe_key exists");
  GX_RETURN_IF_ERROR(s);
  if (db.Changes() == 0) return false;
  t.id = db.LastInsertRowId();
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

class SqliteTaskStore final : public TaskStore {
 public:
  SqliteTaskStore(WriteQueue& writer, ConnectionPool<Connection>& readers) : writer_(writer), readers_(readers) {}

  Result<Task> CreateTask(Task t, AuditEntry audit) override {
    t = Prepared(std::move(t));
    GX_RETURN_IF_ERROR(CheckTask(t));
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_RETURN_IF_ERROR(CheckReferences(db, t));
      GX_RETURN_IF_ERROR(Insert(db, t, false).status());
      return Audited(db, audit, t);
    }));
    return t;
  }

  Result<std::pair<Task, bool>> CreateTaskIfAbsent(Task t, AuditEntry audit) override {
    t = Prepared(std::move(t));
    if (!t.dedupe_key) return Status::InvalidField("dedupe_key", "is required");
    GX_RETURN_IF_ERROR(CheckTask(t));
    bool created = false;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_RETURN_IF_ERROR(CheckReferences(db, t));
      GX_ASSIGN_OR_RETURN(created, Insert(db, t, true));
      if (created) return Audited(db, audit, t);
      GX_ASSIGN_OR_RETURN(auto existing, SelectTaskByKey(db, *t.dedupe_key));
      if (!existing) return Status::Internal("the task of dedupe key " + *t.dedupe_key + " vanished");
      t = *existing;
      return Status::Ok();
    }));
    return std::make_pair(t, created);
  }

  Status InsertTasksBulk(std::vector<Task>& rows) override {
    if (rows.empty()) return Status::Ok();
    return writer_.Run([&](Connection& db) -> Status {
      for (Task& t : rows) {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "INSERT INTO task(version, customer_id, assignee_user_id, title, kind, priority, due_day, due_time, "
            "status, origin, origin_id, dedupe_key, note, completion_note, created_by, created_at, updated_at, "
            "completed_at, completed_by) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        auto text = [&](const std::optional<std::string>& v) {
          if (v) st.Bind(*v); else st.BindNull();
        };
        st.Bind(t.customer_id).Bind(t.assignee_user_id).Bind(t.title).Bind(t.kind).Bind(t.priority).Bind(t.due_day);
        text(t.due_time);
        st.Bind(t.status).Bind(t.origin).Bind(t.origin_id);
        text(t.dedupe_key);
        st.Bind(t.note).Bind(t.completion_note).Bind(t.created_by).Bind(t.created_at).Bind(t.updated_at)
            .Bind(t.completed_at).Bind(t.completed_by);
        GX_RETURN_IF_ERROR(st.Run());
        t.id = db.LastInsertRowId();
        t.version = 1;
      }
      return Status::Ok();
    });
  }

  Result<Task> GetTask(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return SelectTask(*db, id);
  }

  Result<Page<Task>> ListTasks(const TaskQuery& q) override {
    GX_ASSIGN_OR_RETURN(TaskSql plan, PlanTaskList(q));
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(plan.sql));
    BindAll(st, plan.args);
    Page<Task> page;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      page.items.push_back(ReadTask(st));
    }
    FinishTaskPage(page, q.limit);
    return page;
  }

  Result<int64_t> CountTasks(const TaskQuery& q) override {
    GX_ASSIGN_OR_RETURN(TaskSql plan, PlanTaskCount(q));
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(plan.sql));
    BindAll(st, plan.args);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.Int(0) : 0;
  }

  Result<Task> UpdateTask(Task t, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(CheckTask(t));
    Task updated;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Task old, SelectTask(db, t.id));
      if (old.version != t.version) return Stale(old, t.version);
      if (t.assignee_user_id && t.assignee_user_id != old.assignee_user_id) {
        GX_ASSIGN_OR_RETURN(bool user, RowExists(db, "SELECT 1 FROM app_user WHERE id = ?", *t.assignee_user_id));
        if (!user) return Status::InvalidField("assignee_user_id", "no such user");
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
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE task SET version = ?, title = ?, kind = ?, priority = ?, due_day = ?, due_time = ?, "
          "assignee_user_id = ?, note = ?, origin_id = ?, updated_at = ? WHERE id = ? AND version = ?"));
      st.Bind(updated.version).Bind(updated.title).Bind(updated.kind).Bind(updated.priority).Bind(updated.due_day);
      if (updated.due_time) st.Bind(*updated.due_time); else st.BindNull();
      st.Bind(updated.assignee_user_id).Bind(updated.note).Bind(updated.origin_id).Bind(updated.updated_at)
          .Bind(updated.id).Bind(old.version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict("task changed concurrently");
      audit.before = TaskToJson(old);
      return Audited(db, audit, updated);
    }));
    return updated;
  }

  Result<Task> FinishTask(int64_t id, int64_t expected_version, const std::string& status, const std::string& note,
                          UnixSeconds at, std::optional<int64_t> user, AuditEntry audit) override {
    if (status != "done" && status != "cancelled") return Status::InvalidField("status", "must be done or cancelled");
    Task finished;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(Task old, SelectTask(db, id));
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
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "UPDATE task SET version = ?, status = ?, completion_note = ?, completed_at = ?, completed_by = ?, "
          "updated_at = ? WHERE id = ? AND version = ?"));
      st.Bind(finished.version).Bind(status).Bind(note).Bind(at).Bind(user).Bind(at).Bind(id).Bind(old.version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict("task changed concurrently");
      audit.before = TaskToJson(old);
      return Audited(db, audit, finished);
    }));
    return finished;
  }

 private:
  static Status Audited(Connection& db, AuditEntry& audit, const Task& t) {
    if (audit.entity.empty()) return Status::Ok();
    audit.entity_id = t.id;
    audit.after = TaskToJson(t);
    return InsertAudit(db, audit);
  }

  Result<ConnectionPool<Connection>::Lease> Reader() {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    return std::move(*lease);
  }

  WriteQueue& writer_;
  ConnectionPool<Connection>& readers_;
};

}  // namespace
}  // namespace sqlite

std::unique_ptr<TaskStore> NewSqliteTaskStore(sqlite::WriteQueue& writer,
                                              ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteTaskStore>(writer, readers);
}

}  // namespace guanxi
