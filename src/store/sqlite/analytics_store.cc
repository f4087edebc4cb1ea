// The SQLite AnalyticsStore. Reads use the Store's reader pool; writes run as
// jobs of its single writer (row and audit in one job), so StartRun's
// insert-if-absent is also safe against other processes: the schedule_key
// unique index decides.
#include "store/sqlite/analytics_store.h"

#include "domain/customer_json.h"
#include "store/analytics_rows.h"
#include "store/rows.h"
#include "store/sqlite/store_internal.h"

namespace guanxi {
namespace sqlite {
namespace {

using namespace store_rows;

constexpr char kPurchaseFilter[] = "status IN ('placed', 'paid')";

void BindOptReal(Statement& st, const std::optional<double>& v) {
  if (v) st.Bind(*v); else st.BindNull();
}
void BindOptBool(Statement& st, const std::optional<bool>& v) {
  if (v) st.Bind(int64_t{*v ? 1 : 0}); else st.BindNull();
}

// Binds a metric in kMetricColumns order with native types (a double bound
// as text would go through SQLite's own, not always exact, conversion).
void BindMetric(Statement& st, const CustomerMetric& m, int64_t run_id) {
  st.Bind(m.customer_id).Bind(run_id).Bind(m.computed_at).Bind(m.as_of).Bind(m.recency_days)
      .Bind(m.frequency).Bind(m.monetary).Bind(m.r_score).Bind(m.f_score).Bind(m.m_score)
      .BindTextOrNull(m.rfm_cell).BindTextOrNull(m.rfm_class).BindTextOrNull(m.tier).Bind(m.cluster);
  BindOptReal(st, m.p_alive);
  BindOptReal(st, m.expected_purchases);
  st.Bind(m.expected_spend).Bind(m.clv);
  BindOptBool(st, m.churn_risk);
  st.Bind(m.value_at_risk).BindTextOrNull(m.attack_defend);
  BindOptReal(st, m.wallet_share);
  st.Bind(m.revenue_365);
  BindOptReal(st, m.usual_interval_days);
  st.BindTextOrNull(m.recommendations);
}

std::string IdArray(const std::vector<int64_t>& ids, size_t from, size_t to) {
  std::string out = "[";
  for (size_t i = from; i < to; ++i) out += (i > from ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

Result<std::string> SelectSettings(Connection& db) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT key, value FROM analytics_setting ORDER BY key"));
  std::vector<std::pair<std::string, std::string>> members;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    members.emplace_back(st.Text(0), st.Text(1));
  }
  return SettingsObject(members);
}

class SqliteAnalyticsStore final : public AnalyticsStore {
 public:
  SqliteAnalyticsStore(WriteQueue& writer, ConnectionPool<Connection>& readers)
      : writer_(writer), readers_(readers) {}

  Result<PurchaseColumns> ReadPurchases() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT customer_id, ordered_at, total FROM "
                                                         "sales_order WHERE ") + kPurchaseFilter));
    PurchaseColumns out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.customer_id.push_back(st.Int(0));
      out.ordered_at.push_back(st.Int(1));
      out.total_fen.push_back(st.Int(2));
    }
    return out;
  }

  Result<OrderLineColumns> ReadOrderLines() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    OrderLineColumns out;
    {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
          "SELECT l.order_id, o.customer_id, l.product_id FROM order_line l "
          "JOIN sales_order o ON o.id = l.order_id "
          "WHERE o.status IN ('placed', 'paid') AND l.product_id IS NOT NULL"));
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        out.order_id.push_back(st.Int(0));
        out.customer_id.push_back(st.Int(1));
        out.product_id.push_back(st.Int(2));
      }
    }
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT id, code, name FROM product"));
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.product_code[st.Int(0)] = st.Text(1);
      out.product_name[st.Int(0)] = st.Text(2);
    }
    return out;
  }

  Result<std::vector<int64_t>> AllCustomerIds(bool include_archived) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(include_archived ? "SELECT id FROM customer ORDER BY id"
                                                              : "SELECT id FROM customer WHERE archived = 0 ORDER BY id"));
    std::vector<int64_t> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(st.Int(0));
    }
    return out;
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> PurchasePotentials() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT id, purchase_potential FROM customer WHERE purchase_potential IS NOT NULL ORDER BY id"));
    std::vector<std::pair<int64_t, int64_t>> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.emplace_back(st.Int(0), st.Int(1));
    }
    return out;
  }

  Status ReplaceMetrics(int64_t run_id, const std::vector<CustomerMetric>& rows) override {
    const std::string marks = BindMarks(kMetricColumnCount);
    const std::string insert = "INSERT OR REPLACE INTO customer_metric(" + MetricInsertColumns() +
                               ") SELECT " + marks + " WHERE EXISTS (SELECT 1 FROM customer WHERE id = ?)";
    return writer_.Run([&](Connection& db) -> Status {
      // Refilling the table with its indexes dropped and then rebuilding them
      // is several times faster than keeping six indexes up to date row by
      // row; readers keep seeing the previous table until the commit.
      std::vector<std::string> indexes;
      {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer_metric' "
            "AND sql IS NOT NULL ORDER BY name"));
        std::vector<std::string> names;
        for (;;) {
          GX_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) break;
          names.push_back(st.Text(0));
          indexes.push_back(st.Text(1));
        }
        st.Reset();
        for (const auto& name : names) GX_RETURN_IF_ERROR(db.Exec("DROP INDEX \"" + name + "\""));
      }
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM customer_metric"));
      {
        GX_ASSIGN_OR_RETURN(auto st, db.Prepare(insert));
        for (const auto& m : rows) {
          BindMetric(st, m, run_id);
          st.Bind(m.customer_id);
          GX_RETURN_IF_ERROR(st.Run());
          st.Reset();
        }
      }
      for (const auto& sql : indexes) GX_RETURN_IF_ERROR(db.Exec(sql));
      return Status::Ok();
    });
  }

  Result<CustomerMetric> GetMetric(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kMetricColumns +
                                             " FROM customer_metric m WHERE m.customer_id = ?"));
    st.Bind(customer_id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("customer " + std::to_string(customer_id) + " has no metrics");
    return ReadMetric(st);
  }

  Result<std::map<int64_t, CustomerMetric>> MetricsFor(const std::vector<int64_t>& ids) override {
    std::map<int64_t, CustomerMetric> out;
    if (ids.empty()) return out;
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    constexpr size_t kChunk = 1000;
    for (size_t from = 0; from < ids.size(); from += kChunk) {
      GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kMetricColumns +
                                               " FROM customer_metric m WHERE m.customer_id IN "
                                               "(SELECT value FROM json_each(?))"));
      st.Bind(IdArray(ids, from, std::min(ids.size(), from + kChunk)));
      for (;;) {
        GX_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        CustomerMetric m = ReadMetric(st);
        out.emplace(m.customer_id, std::move(m));
      }
    }
    return out;
  }

  Result<std::vector<CustomerMetricRow>> ChurnList(const MetricListQuery& q) override {
    return List(PlanMetricList(MetricList::kChurn, q));
  }
  Result<std::vector<CustomerMetricRow>> TopClv(const MetricListQuery& q) override {
    return List(PlanMetricList(MetricList::kTopClv, q));
  }
  Result<std::vector<CustomerMetricRow>> AttackDefendPoints(const MetricListQuery& q) override {
    return List(PlanMetricList(MetricList::kAttackDefend, q));
  }

  Result<std::optional<int64_t>> StartRun(const AnalyticsRun& run, AuditEntry audit) override {
    std::optional<int64_t> id;
    GX_RETURN_IF_ERROR(writer_.Run([&](Connection& db) -> Status {
      id.reset();
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "INSERT INTO analytics_run(started_at, trigger, schedule_key, user_id, as_of, settings, report) "
          "VALUES (?, ?, ?, ?, ?, ?, '') ON CONFLICT(schedule_key) DO NOTHING"));
      st.Bind(run.started_at).Bind(run.trigger);
      if (run.schedule_key) st.Bind(*run.schedule_key); else st.BindNull();
      st.Bind(run.user_id).Bind(run.as_of).Bind(run.settings.empty() ? std::string("{}") : run.settings);
      Status s = st.Run();
      if (s.code() == StatusCode::kFailedPrecondition) return Status::InvalidField("user_id", "no such user");
      GX_RETURN_IF_ERROR(s);
      if (db.Changes() == 0) return Status::Ok();
      id = db.LastInsertRowId();
      if (audit.entity.empty()) return Status::Ok();
      audit.entity_id = *id;
      return InsertAudit(db, audit);
    }));
    return id;
  }

  Status FinishRun(int64_t id, UnixSeconds finished_at, const std::string& report_json) override {
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("UPDATE analytics_run SET finished_at = ?, report = ? WHERE id = ?"));
      st.Bind(finished_at).Bind(report_json).Bind(id);
      GX_RETURN_IF_ERROR(st.Run());
      if (db.Changes() == 0) return Status::NotFound("analytics run " + std::to_string(id) + " not found");
      return Status::Ok();
    });
  }

  Result<AnalyticsRun> GetRun(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kRunColumns +
                                             " FROM analytics_run WHERE id = ?"));
    st.Bind(id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("analytics run " + std::to_string(id) + " not found");
    return ReadRun(st);
  }

  Result<std::optional<AnalyticsRun>> LatestRun() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(std::string("SELECT ") + kRunColumns +
                                             " FROM analytics_run WHERE finished_at IS NOT NULL "
                                             "ORDER BY finished_at DESC, id DESC LIMIT 1"));
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<AnalyticsRun>();
    return std::optional<AnalyticsRun>(ReadRun(st));
  }

  Result<std::string> Settings() override {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    return SelectSettings(*db);
  }

  Status SaveSettings(const std::string& json_object, AuditEntry audit) override {
    GX_ASSIGN_OR_RETURN(auto members, SettingsMembers(json_object));
    return writer_.Run([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(std::string before, SelectSettings(db));
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM analytics_setting"));
      GX_ASSIGN_OR_RETURN(auto st, db.Prepare("INSERT INTO analytics_setting(key, value) VALUES (?, ?)"));
      for (const auto& [key, value] : members) {
        st.Bind(key).Bind(value);
        GX_RETURN_IF_ERROR(st.Run());
        st.Reset();
      }
      audit.before = before;
      audit.after = SettingsObject(members);
      return InsertAudit(db, audit);
    });
  }

 private:
  Result<ConnectionPool<Connection>::Lease> Reader() {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    return std::move(*lease);
  }

  Result<std::vector<CustomerMetricRow>> List(const MetricListSql& plan) {
    GX_ASSIGN_OR_RETURN(auto db, Reader());
    GX_ASSIGN_OR_RETURN(auto st, db->Prepare(plan.sql));
    BindAll(st, plan.args);
    std::vector<CustomerMetricRow> out;
    for (;;) {
      GX_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadMetricRow(st));
    }
    return out;
  }

  WriteQueue& writer_;
  ConnectionPool<Connection>& readers_;
};

}  // namespace
}  // namespace sqlite

std::unique_ptr<AnalyticsStore> NewSqliteAnalyticsStore(sqlite::WriteQueue& writer,
                                                        ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteAnalyticsStore>(writer, readers);
}

}  // namespace guanxi
