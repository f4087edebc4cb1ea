// The PostgreSQL AnalyticsStore. Bulk reads stream with COPY; ReplaceMetrics
// COPYs into a temporary table and moves the rows of existing customers in one
// statement; writes are READ COMMITTED transactions like the sales store's.
#include "store/postgres/sql_values.h"
#include "store/postgres/analytics_store.h"

#include <charconv>

#include "domain/customer_json.h"
#include "store/analytics_rows.h"
#include "store/portable.h"
#include "store/postgres/sales_impl.h"
#include "store/rows.h"

namespace guanxi {
namespace pg_analytics {
namespace {

using postgres::Connection;
using postgres::Params;
using namespace store_rows;

std::string Numbered(const std::string& sql) {
  pg_sales::Sql s;
  s.text = sql;
  return s.Numbered();
}

// Splits a COPY text line of integer columns into `out` (no escapes occur in
// integers); false when a field is not an integer.
bool ParseInts(std::string_view line, int64_t* out, int n) {
  const char* p = line.data();
  const char* end = p + line.size();
  for (int i = 0; i < n; ++i) {
    auto [next, ec] = std::from_chars(p, end, out[i]);
    if (ec != std::errc()) return false;
    p = next;
    if (i + 1 < n) {
      if (p == end || *p != '\t') return false;
      ++p;
    }
  }
  return p == end;
}

std::string ArrayOf(const std::vector<int64_t>& ids) {
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

Result<std::string> SelectSettings(Connection& db) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT key, value FROM analytics_setting ORDER BY key COLLATE \"C\""));
  std::vector<std::pair<std::string, std::string>> members;
  for (int i = 0; i < r.rows(); ++i) members.emplace_back(r.row(i).Text(0), r.row(i).Text(1));
  return SettingsObject(members);
}

class PgAnalyticsStore final : public AnalyticsStore {
 public:
  explicit PgAnalyticsStore(postgres::Pool& pool) : pool_(pool) {}

  Result<PurchaseColumns> ReadPurchases() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    PurchaseColumns out;
    GX_RETURN_IF_ERROR(db->CopyOut(
        "COPY (SELECT customer_id, ordered_at, total FROM sales_order WHERE status IN ('placed', 'paid')) "
        "TO STDOUT",
        [&](std::string_view line) -> Status {
          int64_t v[3];
          if (!ParseInts(line, v, 3)) return Status::Internal("unexpected order row from COPY");
          out.customer_id.push_back(v[0]);
          out.ordered_at.push_back(v[1]);
          out.total_fen.push_back(v[2]);
          return Status::Ok();
        }));
    return out;
  }

  Result<OrderLineColumns> ReadOrderLines() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    OrderLineColumns out;
    GX_RETURN_IF_ERROR(db->CopyOut(
        "COPY (SELECT l.order_id, o.customer_id, l.product_id FROM order_line l "
        "JOIN sales_order o ON o.id = l.order_id "
        "WHERE o.status IN ('placed', 'paid') AND l.product_id IS NOT NULL) TO STDOUT",
        [&](std::string_view line) -> Status {
          int64_t v[3];
          if (!ParseInts(line, v, 3)) return Status::Internal("unexpected order line from COPY");
          out.order_id.push_back(v[0]);
          out.customer_id.push_back(v[1]);
          out.product_id.push_back(v[2]);
          return Status::Ok();
        }));
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT id, code, name FROM product"));
    for (int i = 0; i < r.rows(); ++i) {
      out.product_code[r.row(i).Int(0)] = r.row(i).Text(1);
      out.product_name[r.row(i).Int(0)] = r.row(i).Text(2);
    }
    return out;
  }

  Result<std::vector<int64_t>> AllCustomerIds(bool include_archived) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    std::vector<int64_t> out;
    GX_RETURN_IF_ERROR(db->CopyOut(
        std::string("COPY (SELECT id FROM customer") + (include_archived ? "" : " WHERE archived = 0") +
            " ORDER BY id) TO STDOUT",
        [&](std::string_view line) -> Status {
          int64_t v = 0;
          if (!ParseInts(line, &v, 1)) return Status::Internal("unexpected customer id from COPY");
          out.push_back(v);
          return Status::Ok();
        }));
    return out;
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> PurchasePotentials() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT id, purchase_potential FROM customer "
                                          "WHERE purchase_potential IS NOT NULL ORDER BY id"));
    std::vector<std::pair<int64_t, int64_t>> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.row(i).Int(0), r.row(i).Int(1));
    return out;
  }

  Status ReplaceMetrics(int64_t run_id, const std::vector<CustomerMetric>& rows) override {
    const std::string columns = MetricInsertColumns();
    return Tx([&](Connection& db) -> Status {
      // Runs replacing the table at once (two replicas) take turns.
      GX_RETURN_IF_ERROR(db.Exec("LOCK TABLE customer_metric IN EXCLUSIVE MODE"));
      GX_RETURN_IF_ERROR(db.Exec("CREATE TEMP TABLE metric_load (LIKE customer_metric) ON COMMIT DROP"));
      size_t next = 0;
      GX_RETURN_IF_ERROR(db.CopyIn("COPY metric_load(" + columns + ") FROM STDIN", [&](std::string& buf) {
        for (; next < rows.size() && buf.size() < (1 << 20); ++next) {
          CustomerMetric m = rows[next];
          m.run_id = run_id;
          auto values = MetricValues(m);
          for (size_t i = 0; i < values.size(); ++i) {
            if (i) buf.push_back('\t');
            postgres::AppendCopyField(buf, values[i]);
          }
          buf.push_back('\n');
        }
        return next < rows.size();
      }));
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM customer_metric"));
      return db.Exec("INSERT INTO customer_metric(" + columns + ") SELECT DISTINCT ON (customer_id) " + columns +
                     " FROM metric_load l WHERE EXISTS (SELECT 1 FROM customer c WHERE c.id = l.customer_id) "
                     "ORDER BY customer_id");
    });
  }

  Result<CustomerMetric> GetMetric(int64_t customer_id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kMetricColumns +
                                              " FROM customer_metric m WHERE m.customer_id = $1",
                                          Params().Add(customer_id)));
    if (r.rows() == 0) return Status::NotFound("customer " + std::to_string(customer_id) + " has no metrics");
    return ReadMetric(r.row(0));
  }

  Result<std::map<int64_t, CustomerMetric>> MetricsFor(const std::vector<int64_t>& ids) override {
    std::map<int64_t, CustomerMetric> out;
    if (ids.empty()) return out;
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kMetricColumns +
                                              " FROM customer_metric m WHERE m.customer_id = ANY($1::bigint[])",
                                          Params().Add(ArrayOf(ids))));
    for (int i = 0; i < r.rows(); ++i) {
      CustomerMetric m = ReadMetric(r.row(i));
      out.emplace(m.customer_id, std::move(m));
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
    GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
      id.reset();
      Params p;
      p.Add(run.started_at).Add(run.trigger);
      if (run.schedule_key) p.Add(*run.schedule_key); else p.AddNull();
      p.Add(run.user_id).Add(run.as_of).Add(run.settings.empty() ? std::string("{}") : run.settings);
      auto r = db.Query(
          "INSERT INTO analytics_run(started_at, trigger, schedule_key, user_id, as_of, settings, report) "
          "VALUES ($1, $2, $3, $4, $5, $6, '') ON CONFLICT (schedule_key) DO NOTHING RETURNING id",
          p);
      if (!r.ok() && r.status().code() == StatusCode::kFailedPrecondition) {
        return Status::InvalidField("user_id", "no such user");
      }
      GX_RETURN_IF_ERROR(r.status());
      if (r->rows() == 0) return Status::Ok();
      id = r->row(0).Int(0);
      if (audit.entity.empty()) return Status::Ok();
      audit.entity_id = *id;
      return pg_sales::InsertAudit(db, audit);
    }));
    return id;
  }

  Status FinishRun(int64_t id, UnixSeconds finished_at, const std::string& report_json) override {
    return Tx([&](Connection& db) -> Status {
      GX_ASSIGN_OR_RETURN(auto r, db.Query("UPDATE analytics_run SET finished_at = $1, report = $2 WHERE id = $3",
                                           Params().Add(finished_at).Add(report_json).Add(id)));
      if (r.affected() == 0) return Status::NotFound("analytics run " + std::to_string(id) + " not found");
      return Status::Ok();
    });
  }

  Result<AnalyticsRun> GetRun(int64_t id) override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kRunColumns + " FROM analytics_run WHERE id = $1",
                                          Params().Add(id)));
    if (r.rows() == 0) return Status::NotFound("analytics run " + std::to_string(id) + " not found");
    return ReadRun(r.row(0));
  }

  Result<std::optional<AnalyticsRun>> LatestRun() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(std::string("SELECT ") + kRunColumns +
                                          " FROM analytics_run WHERE finished_at IS NOT NULL "
                                          "ORDER BY finished_at DESC, id DESC LIMIT 1"));
    if (r.rows() == 0) return std::optional<AnalyticsRun>();
    return std::optional<AnalyticsRun>(ReadRun(r.row(0)));
  }

  Result<std::string> Settings() override {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    return SelectSettings(*db);
  }

  Status SaveSettings(const std::string& json_object, AuditEntry audit) override {
    GX_ASSIGN_OR_RETURN(auto members, SettingsMembers(json_object));
    return Tx([&](Connection& db) -> Status {
      // Writers of the settings take turns, so `before` is the replaced value.
      GX_RETURN_IF_ERROR(db.Exec("LOCK TABLE analytics_setting IN EXCLUSIVE MODE"));
      GX_ASSIGN_OR_RETURN(std::string before, SelectSettings(db));
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM analytics_setting"));
      for (const auto& [key, value] : members) {
        GX_RETURN_IF_ERROR(db.Query("INSERT INTO analytics_setting(key, value) VALUES ($1, $2)",
                                    Params().Add(key).Add(value)).status());
      }
      audit.before = before;
      audit.after = SettingsObject(members);
      return pg_sales::InsertAudit(db, audit);
    });
  }

 private:
  // Runs `fn` in a transaction; deadlocks and serialization failures are retried.
  Status Tx(const std::function<Status(Connection&)>& fn) {
    return pool_.InTransaction(fn);
  }


  Result<std::vector<CustomerMetricRow>> List(const MetricListSql& plan) {
    GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    GX_ASSIGN_OR_RETURN(auto r, db->Query(Numbered(plan.sql), postgres::ParamsOf(plan.args)));
    std::vector<CustomerMetricRow> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadMetricRow(r.row(i)));
    return out;
  }

  postgres::Pool& pool_;
};

}  // namespace
}  // namespace pg_analytics

std::unique_ptr<AnalyticsStore> NewPostgresAnalyticsStore(postgres::Pool& pool) {
  return std::make_unique<pg_analytics::PgAnalyticsStore>(pool);
}

}  // namespace guanxi
