// The SQLite PlanStore. Reads use the Store's reader pool (a page's four
// statements on one connection); writes run as jobs of the single writer, the
// row and its audit in one job, a generated batch in one job.
#include "store/sqlite/plan_store.h"

#include "store/plan_rows.h"
#include "store/plan_sql.h"
#include "store/sqlite/store_internal.h"
#include "store/task_rows.h"

namespace guanxi {
namespace sqlite {
namespace {

using namespace store_rows;

std::string Stale(const char* what, int64_t id, int64_t version) {
  return std::string(what) + " " + std::to_string(id) + " is not at version " + std::to_string(version);
}

template <typename T, typename ReadFn>
Result<T> SelectOne(Connection& db, const std::string& sql, int64_t id, const char* what, ReadFn read) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound(std::string(what) + " " + std::to_string(id) + " not found");
  return read(st);
}

Result<VisitPlan> SelectPlan(Connection& db, int64_t id) {
  return SelectOne<VisitPlan>(db, std::string("SELECT ") + kVisitPlanColumns + " FROM visit_plan WHERE id = ?", id,
                              "visit plan", [](Statement& st) { return ReadVisitPlan(st); });
}

Result<EventRule> SelectRule(Connection& db, int64_t id) {
  return SelectOne<EventRule>(db, std::string("SELECT ") + kEventRuleColumns + " FROM event_rule WHERE id = ?", id,
                              "event rule", [](Statement& st) { return ReadEventRule(st); });
}

void BindPlanFields(Statement& st, const VisitPlan& p) {
  st.Bind(p.name).Bind(p.class_kind).Bind(p.class_value).Bind(p.interval_days).Bind(p.position)
      .Bind(p.task_title).Bind(p.priority).Bind(int64_t{p.enabled ? 1 : 0});
}

void BindRuleFields(Statement& st, const EventRule& r) {
  st.Bind(r.event).Bind(r.delay_days).Bind(r.task_title).Bind(r.priority).Bind(int64_t{r.enabled ? 1 : 0});
}

class SqlitePlanStore final : public PlanStore {
 public:
  SqlitePlanStore(WriteQueue& writer, ConnectionPool<Connection>& readers) : writer_(writer), readers_(readers) {}

  Result<std::vector<VisitPlan>> ListVisitPlans() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kVisitPlanColumns +
                                             " FROM visit_plan ORDER BY position, id"));
    std::vector<VisitPlan> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadVisitPlan(st));
    }
    return out;
  }

  Result<VisitPlan> GetVisitPlan(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return SelectPlan(*db, id);
  }

  Result<VisitPlan> CreateVisitPlan(VisitPlan p, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kInsertVisitPlanSql));
      BindPlanFields(st, p);
      st.Bind(p.created_at).Bind(p.created_at);
      GX_RETURN_IF_ERROR(st.Run());
      p.id = db.LastInsertRowId();
      p.version = 1;
      p.updated_at = p.created_at;
      audit.entity_id = p.id;
      audit.after = VisitPlanToJson(p);
      return InsertAudit(db, audit);
    }));
    return p;
  }

  Result<VisitPlan> UpdateVisitPlan(VisitPlan p, AuditEntry audit) override {
    VisitPlan saved;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(VisitPlan old, SelectPlan(db, p.id));
      if (old.version != p.version) return Status::Conflict(Stale("visit plan", p.id, p.version));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kUpdateVisitPlanSql));
      BindPlanFields(st, p);
      st.Bind(p.updated_at).Bind(p.id).Bind(p.version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict(Stale("visit plan", p.id, p.version));
      saved = p;
      saved.version = old.version + 1;
      saved.created_at = old.created_at;
      audit.entity_id = p.id;
      audit.before = VisitPlanToJson(old);
      audit.after = VisitPlanToJson(saved);
      return InsertAudit(db, audit);
    }));
    return saved;
  }

  Status DeleteVisitPlan(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(VisitPlan old, SelectPlan(db, id));
      if (old.version != expected_version) return Status::Conflict(Stale("visit plan", id, expected_version));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM visit_plan WHERE id = ? AND version = ?"));
      st.Bind(id).Bind(expected_version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict(Stale("visit plan", id, expected_version));
      audit.entity_id = id;
      audit.before = VisitPlanToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Result<std::vector<EventRule>> ListEventRules() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kEventRuleColumns +
                                             " FROM event_rule ORDER BY id"));
    std::vector<EventRule> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadEventRule(st));
    }
    return out;
  }

  Result<EventRule> GetEventRule(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return SelectRule(*db, id);
  }

  Result<EventRule> CreateEventRule(EventRule r, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kInsertEventRuleSql));
      BindRuleFields(st, r);
      st.Bind(r.created_at).Bind(r.created_at);
      GX_RETURN_IF_ERROR(st.Run());
      r.id = db.LastInsertRowId();
      r.version = 1;
      r.updated_at = r.created_at;
      audit.entity_id = r.id;
      audit.after = EventRuleToJson(r);
      return InsertAudit(db, audit);
    }));
    return r;
  }

  Result<EventRule> UpdateEventRule(EventRule r, AuditEntry audit) override {
    EventRule saved;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(EventRule old, SelectRule(db, r.id));
      if (old.version != r.version) return Status::Conflict(Stale("event rule", r.id, r.version));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kUpdateEventRuleSql));
      BindRuleFields(st, r);
      st.Bind(r.updated_at).Bind(r.id).Bind(r.version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict(Stale("event rule", r.id, r.version));
      saved = r;
      saved.version = old.version + 1;
      saved.created_at = old.created_at;
      audit.entity_id = r.id;
      audit.before = EventRuleToJson(old);
      audit.after = EventRuleToJson(saved);
      return InsertAudit(db, audit);
    }));
    return saved;
  }

  Status DeleteEventRule(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(EventRule old, SelectRule(db, id));
      if (old.version != expected_version) return Status::Conflict(Stale("event rule", id, expected_version));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("DELETE FROM event_rule WHERE id = ? AND version = ?"));
      st.Bind(id).Bind(expected_version);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() != 1) return Status::Conflict(Stale("event rule", id, expected_version));
      audit.entity_id = id;
      audit.before = EventRuleToJson(old);
      return InsertAudit(db, audit);
    });
  }

  Result<VisitCustomerPage> ReadVisitCustomers(int64_t after_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    // One read transaction: the four statements see the same snapshot.
    GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
    auto page = ReadPage(*db, after_id, limit);
    (void)db->Exec("COMMIT");
    return page;
  }

  Result<std::vector<RefundedOrder>> RefundedOrders(UnixSeconds since, UnixSeconds until) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(kRefundedOrdersSql));
    st.Bind(since).Bind(until);
    std::vector<RefundedOrder> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.Int(0), st.Int(1), st.OptInt(2), st.Int(3)});
    }
    return out;
  }

  Result<RepurchasePage> RepurchaseCandidates(int64_t after_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(kRepurchaseSql));
    st.Bind(after_id).Bind(int64_t{limit});
    RepurchasePage page;
    int rows = 0;
    int64_t last = after_id;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ++rows;
      last = st.Int(0);
      if (st.IsNull(3)) continue;
      page.items.push_back({st.Int(0), st.OptInt(1), st.Real(2), st.Int(3)});
    }
    if (rows >= limit) page.last_id = last;
    return page;
  }

  Result<GeneratedTaskCounts> ApplyGeneratedTasks(const std::vector<GeneratedTaskChange>& changes, UnixSeconds at,
                                                  AuditEntry audit) override {
    GeneratedTaskCounts counts;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      counts = {};
      std::vector<int64_t> created_ids;
      GX_ASSIGN_OR_RETURN(auto insert, db.Prepare(kInsertGeneratedTaskSql));
      GX_ASSIGN_OR_RETURN(auto move, db.Prepare(kMoveGeneratedTaskSql));
      GX_ASSIGN_OR_RETURN(auto cancel, db.Prepare(kCancelGeneratedTaskSql));
      for (const auto& c : changes) {
        Task t = c.task;
        AuditEntry a = audit;
        a.entity = "task";
        if (c.action == GeneratedTaskChange::Action::kCreate) {
          insert.Bind(t.assignee_user_id).Bind(t.title).Bind(t.kind).Bind(t.priority).Bind(t.due_day)
              .Bind(t.origin).Bind(t.origin_id).Bind(t.dedupe_key.value_or("")).Bind(at).Bind(at)
              .Bind(t.customer_id).Bind(t.assignee_user_id);
          GX_RETURN_IF_ERROR(insert.Run());
          const bool inserted = db.Changes() == 1;
          insert.Reset();
          if (!inserted) continue;
          t.id = db.LastInsertRowId();
          t.version = 1;
          t.status = "open";
          t.created_at = t.updated_at = at;
          created_ids.push_back(t.id);
          ++counts.created;
          continue;
        } else if (c.action == GeneratedTaskChange::Action::kMove) {
          move.Bind(t.origin_id).Bind(t.title).Bind(t.priority).Bind(t.due_day).Bind(at).Bind(t.id).Bind(t.version);
          GX_RETURN_IF_ERROR(move.Run());
          const bool moved = db.Changes() == 1;
          move.Reset();
          if (!moved) {
            ++counts.skipped;
            continue;
          }
          t.version += 1;
          t.updated_at = at;
          a.action = "update";
          ++counts.moved;
        } else {
          cancel.Bind(c.note).Bind(at).Bind(at).Bind(t.id).Bind(t.version);
          GX_RETURN_IF_ERROR(cancel.Run());
          const bool cancelled = db.Changes() == 1;
          cancel.Reset();
          if (!cancelled) {
            ++counts.skipped;
            continue;
          }
          a.before = TaskToJson(t);
          t.version += 1;
          t.status = "cancelled";
          t.completion_note = c.note;
          t.completed_at = at;
          t.updated_at = at;
          a.action = "cancel";
          ++counts.cancelled;
        }
        a.entity_id = t.id;
        a.after = TaskToJson(t);
        GX_RETURN_IF_ERROR(InsertAudit(db, a));
      }
      if (created_ids.empty()) return Status::Ok();
      AuditEntry a = audit;
      a.entity = "task";
      a.action = "generate";
      a.after = GeneratedAuditJson(created_ids);
      return InsertAudit(db, a);
    }));
    return counts;
  }

  Result<std::string> RepurchaseCheckedDay() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT value FROM relationship_setting WHERE key = ?"));
    st.Bind(kRepurchaseDayKey);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::string();
    return DayFromJson(st.Text(0));
  }

  Status SetRepurchaseCheckedDay(const std::string& day) override {
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO relationship_setting(key, value) VALUES (?, ?) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
      st.Bind(kRepurchaseDayKey).Bind(DayToJson(day));
      return st.Run();
    });
  }

 private:
  Result<ConnectionPool<Connection>::Lease> Reader() {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    return std::move(*lease);
  }

  Result<VisitCustomerPage> ReadPage(Connection& db, int64_t after_id, int limit) {
    VisitPageBuilder b;
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kVisitCustomersSql));
      st.Bind(after_id).Bind(int64_t{limit});
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        b.AddCustomer(st.Int(0), st.OptInt(1), st.Text(2), st.Text(3), st.Text(4));
      }
    }
    const int64_t last = b.last_id();
    if (last == 0) return b.Finish(limit);
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kVisitTagsSql));
      st.Bind(after_id).Bind(last);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        b.AddTag(st.Int(0), st.Text(1));
      }
    }
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kTaskColumns + kVisitOpenTasksWhere));
      st.Bind(after_id).Bind(last);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        b.AddOpenTask(ReadTask(st));
      }
    }
    {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kVisitClosedSql));
      st.Bind(after_id).Bind(last);
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        b.AddClosed(st.Int(0), st.Int(1), st.Int(2));
      }
    }
    return b.Finish(limit);
  }

  WriteQueue& writer_;
  ConnectionPool<Connection>& readers_;
};

}  // namespace
}  // namespace sqlite

std::unique_ptr<PlanStore> NewSqlitePlanStore(sqlite::WriteQueue& writer, ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqlitePlanStore>(writer, readers);
}

}  // namespace guanxi
