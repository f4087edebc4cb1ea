// The PostgreSQL PlanStore: READ COMMITTED transactions like the sales store's;
// a pass page's four reads run in one REPEATABLE READ READ ONLY transaction so
// they see one snapshot.
#include "store/postgres/plan_store.h"

#include "store/plan_rows.h"
#include "store/plan_sql.h"
#include "store/postgres/sales_impl.h"
#include "store/task_rows.h"

namespace guanxi {
namespace pg_plans {
namespace {

using postgres::Connection;
using postgres::Params;
using namespace store_rows;

std::string N(const std::string& sql) {
  pg_sales::Sql s;
  s.text = sql;
  return s.Numbered();
}

std::string Stale(const char* what, int64_t id, int64_t version) {
  return std::string(what) + " " + std::to_string(id) + " is not at version " + std::to_string(version);
}

Result<VisitPlan> SelectPlan(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kVisitPlanColumns + " FROM visit_plan WHERE id = $1",
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("visit plan " + std::to_string(id) + " not found");
  return ReadVisitPlan(r.row(0));
}

Result<EventRule> SelectRule(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kEventRuleColumns + " FROM event_rule WHERE id = $1",
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("event rule " + std::to_string(id) + " not found");
  return ReadEventRule(r.row(0));
}

Params PlanFields(const VisitPlan& p) {
  return Params().Add(p.name).Add(p.class_kind).Add(p.class_value).Add(p.interval_days).Add(p.position)
      .Add(p.task_title).Add(p.priority).Add(int64_t{p.enabled ? 1 : 0});
}

Params RuleFields(const EventRule& r) {
  return Params().Add(r.event).Add(r.delay_days).Add(r.task_title).Add(r.priority).Add(int64_t{r.enabled ? 1 : 0});
}

class PostgresPlanStore final : public PlanStore {
 public:
  explicit PostgresPlanStore(postgres::Pool& pool) : pool_(pool) {}

  Result<std::vector<VisitPlan>> ListVisitPlans() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kVisitPlanColumns +
                                          " FROM visit_plan ORDER BY position, id"));
    std::vector<VisitPlan> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadVisitPlan(r.row(i)));
    return out;
  }

  Result<VisitPlan> GetVisitPlan(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return SelectPlan(*db, id);
  }

  Result<VisitPlan> CreateVisitPlan(VisitPlan p, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      Params params = PlanFields(p);
      params.Add(p.created_at).Add(p.created_at);
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(std::string(kInsertVisitPlanSql) + " RETURNING id"), params));
      p.id = r.row(0).Int(0);
      p.version = 1;
      p.updated_at = p.created_at;
      audit.entity_id = p.id;
      audit.after = VisitPlanToJson(p);
      return pg_sales::InsertAudit(db, audit);
    }));
    return p;
  }

  Result<VisitPlan> UpdateVisitPlan(VisitPlan p, AuditEntry audit) override {
    VisitPlan saved;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(VisitPlan old, SelectPlan(db, p.id));
      if (old.version != p.version) return Status::Conflict(Stale("visit plan", p.id, p.version));
      Params params = PlanFields(p);
      params.Add(p.updated_at).Add(p.id).Add(p.version);
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(kUpdateVisitPlanSql), params));
      if (r.affected() != 1) return Status::Conflict(Stale("visit plan", p.id, p.version));
      saved = p;
      saved.version = old.version + 1;
      saved.created_at = old.created_at;
      audit.entity_id = p.id;
      audit.before = VisitPlanToJson(old);
      audit.after = VisitPlanToJson(saved);
      return pg_sales::InsertAudit(db, audit);
    }));
    return saved;
  }

  Status DeleteVisitPlan(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(VisitPlan old, SelectPlan(db, id));
      if (old.version != expected_version) return Status::Conflict(Stale("visit plan", id, expected_version));
      GX_ASSIGN_OR_RETURN(auto r, db.Query("DELETE FROM visit_plan WHERE id = $1 AND version = $2",
                                           Params().Add(id).Add(expected_version)));
      if (r.affected() != 1) return Status::Conflict(Stale("visit plan", id, expected_version));
      audit.entity_id = id;
      audit.before = VisitPlanToJson(old);
      return pg_sales::InsertAudit(db, audit);
    });
  }

  Result<std::vector<EventRule>> ListEventRules() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kEventRuleColumns + " FROM event_rule ORDER BY id"));
    std::vector<EventRule> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadEventRule(r.row(i)));
    return out;
  }

  Result<EventRule> GetEventRule(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return SelectRule(*db, id);
  }

  Result<EventRule> CreateEventRule(EventRule e, AuditEntry audit) override {
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      Params params = RuleFields(e);
      params.Add(e.created_at).Add(e.created_at);
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(std::string(kInsertEventRuleSql) + " RETURNING id"), params));
      e.id = r.row(0).Int(0);
      e.version = 1;
      e.updated_at = e.created_at;
      audit.entity_id = e.id;
      audit.after = EventRuleToJson(e);
      return pg_sales::InsertAudit(db, audit);
    }));
    return e;
  }

  Result<EventRule> UpdateEventRule(EventRule e, AuditEntry audit) override {
    EventRule saved;
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(EventRule old, SelectRule(db, e.id));
      if (old.version != e.version) return Status::Conflict(Stale("event rule", e.id, e.version));
      Params params = RuleFields(e);
      params.Add(e.updated_at).Add(e.id).Add(e.version);
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(kUpdateEventRuleSql), params));
      if (r.affected() != 1) return Status::Conflict(Stale("event rule", e.id, e.version));
      saved = e;
      saved.version = old.version + 1;
      saved.created_at = old.created_at;
      audit.entity_id = e.id;
      audit.before = EventRuleToJson(old);
      audit.after = EventRuleToJson(saved);
      return pg_sales::InsertAudit(db, audit);
    }));
    return saved;
  }

  Status DeleteEventRule(int64_t id, int64_t expected_version, AuditEntry audit) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(EventRule old, SelectRule(db, id));
      if (old.version != expected_version) return Status::Conflict(Stale("event rule", id, expected_version));
      GX_ASSIGN_OR_RETURN(auto r, db.Query("DELETE FROM event_rule WHERE id = $1 AND version = $2",
                                           Params().Add(id).Add(expected_version)));
      if (r.affected() != 1) return Status::Conflict(Stale("event rule", id, expected_version));
      audit.entity_id = id;
      audit.before = EventRuleToJson(old);
      return pg_sales::InsertAudit(db, audit);
    });
  }

  Result<VisitCustomerPage> ReadVisitCustomers(int64_t after_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_RETURN_IF_ERROR(db->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    auto page = ReadPage(*db, after_id, limit);
    (void)db->Exec("COMMIT");
    return page;
  }

  Result<std::vector<RefundedOrder>> RefundedOrders(UnixSeconds since, UnixSeconds until) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(N(kRefundedOrdersSql), Params().Add(since).Add(until)));
    std::vector<RefundedOrder> out;
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      out.push_back({row.Int(0), row.Int(1), row.OptInt(2), row.Int(3)});
    }
    return out;
  }

  Result<RepurchasePage> RepurchaseCandidates(int64_t after_id, int limit) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(N(kRepurchaseSql), Params().Add(after_id).Add(int64_t{limit})));
    RepurchasePage page;
    for (int i = 0; i < r.rows(); ++i) {
      auto row = r.row(i);
      if (row.IsNull(3)) continue;
      page.items.push_back({row.Int(0), row.OptInt(1), row.Real(2), row.Int(3)});
    }
    if (r.rows() >= limit && r.rows() > 0) page.last_id = r.row(r.rows() - 1).Int(0);
    return page;
  }

  Result<GeneratedTaskCounts> ApplyGeneratedTasks(const std::vector<GeneratedTaskChange>& changes, UnixSeconds at,
                                                  AuditEntry audit) override {
    GeneratedTaskCounts counts;
    const std::string insert = N(std::string(kInsertGeneratedTaskSql) + " RETURNING id");
    const std::string move = N(kMoveGeneratedTaskSql);
    const std::string cancel = N(kCancelGeneratedTaskSql);
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      counts = {};
      std::vector<int64_t> created_ids;
      for (const auto& c : changes) {
        Task t = c.task;
        AuditEntry a = audit;
        a.entity = "task";
        if (c.action == GeneratedTaskChange::Action::kCreate) {
          GX_ASSIGN_OR_RETURN(auto r, db.Query(insert, Params().Add(t.assignee_user_id).Add(t.title).Add(t.kind)
                                                           .Add(t.priority).Add(t.due_day).Add(t.origin)
                                                           .Add(t.origin_id).Add(t.dedupe_key.value_or(""))
                                                           .Add(at).Add(at).Add(t.customer_id)
                                                           .Add(t.assignee_user_id)));
          if (r.rows() == 0) continue;
          t.id = r.row(0).Int(0);
          t.version = 1;
          t.status = "open";
          t.created_at = t.updated_at = at;
          created_ids.push_back(t.id);
          ++counts.created;
          continue;
        } else if (c.action == GeneratedTaskChange::Action::kMove) {
          GX_ASSIGN_OR_RETURN(auto r, db.Query(move, Params().Add(t.origin_id).Add(t.title).Add(t.priority)
                                                         .Add(t.due_day).Add(at).Add(t.id).Add(t.version)));
          if (r.affected() != 1) {
            ++counts.skipped;
            continue;
          }
          t.version += 1;
          t.updated_at = at;
          a.action = "update";
          ++counts.moved;
        } else {
          GX_ASSIGN_OR_RETURN(auto r, db.Query(cancel, Params().Add(c.note).Add(at).Add(at).Add(t.id).Add(t.version)));
          if (r.affected() != 1) {
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
        GX_RETURN_IF_ERROR(pg_sales::InsertAudit(db, a));
      }
      if (created_ids.empty()) return Status::Ok();
      AuditEntry a = audit;
      a.entity = "task";
      a.action = "generate";
      a.after = GeneratedAuditJson(created_ids);
      return pg_sales::InsertAudit(db, a);
    }));
    return counts;
  }

  Result<std::string> RepurchaseCheckedDay() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT value FROM relationship_setting WHERE key = $1",
                                          Params().Add(kRepurchaseDayKey)));
    if (r.rows() == 0) return std::string();
    return DayFromJson(r.row(0).Text(0));
  }

  Status SetRepurchaseCheckedDay(const std::string& day) override {
    return Tx([&](Connection& db) -> Status {
      return db.Query("INSERT INTO relationship_setting(key, value) VALUES ($1, $2) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      Params().Add(kRepurchaseDayKey).Add(DayToJson(day)))
          .status();
    });
  }

 private:
  // Runs `fn` in a transaction; deadlocks and serialization failures are retried.
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_.InTransaction(fn);
  }


  Result<VisitCustomerPage> ReadPage(Connection& db, int64_t after_id, int limit) {
    VisitPageBuilder b;
    {
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(kVisitCustomersSql), Params().Add(after_id).Add(int64_t{limit})));
      for (int i = 0; i < r.rows(); ++i) {
        auto row = r.row(i);
        b.AddCustomer(row.Int(0), row.OptInt(1), row.Text(2), row.Text(3), row.Text(4));
      }
    }
    const int64_t last = b.last_id();
    if (last == 0) return b.Finish(limit);
    const Params range = Params().Add(after_id).Add(last);
    {
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(kVisitTagsSql), range));
      for (int i = 0; i < r.rows(); ++i) b.AddTag(r.row(i).Int(0), r.row(i).Text(1));
    }
    {
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(std::string("SELECT ") + kTaskColumns + kVisitOpenTasksWhere), range));
      for (int i = 0; i < r.rows(); ++i) b.AddOpenTask(ReadTask(r.row(i)));
    }
    {
      GX_ASSIGN_OR_RETURN(auto r, db.Query(N(kVisitClosedSql), range));
      for (int i = 0; i < r.rows(); ++i) b.AddClosed(r.row(i).Int(0), r.row(i).Int(1), r.row(i).Int(2));
    }
    return b.Finish(limit);
  }

  postgres::Pool& pool_;
};

}  // namespace
}  // namespace pg_plans

std::unique_ptr<PlanStore> NewPostgresPlanStore(postgres::Pool& pool) {
  return std::make_unique<pg_plans::PostgresPlanStore>(pool);
}

}  // namespace guanxi
