// Customer-value analytics on the store (docs/analytics-api.md): reads purchases and
// baskets into the analytics library's columns, runs the whole model pipeline
// (RFM, tiers, BG/NBD or Pareto/NBD + Gamma-Gamma CLV, churn, attack/defend, k-means,
// KPIs and cohorts, basket rules), saves the per-customer results in customer_metric
// and the report in analytics_run, and serves both with the visibility rules of
// service/permissions.h (aggregates company-wide, per-customer lists filtered).
// Thread-safe: state lives in the Store; one recompute at a time per process.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/basket.h"
#include "analytics/clv.h"
#include "analytics/transactions.h"
#include "domain/status.h"
#include "service/analytics_settings.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/analytics_store.h"
#include "store/store.h"

namespace guanxi {

// Purchases of every non-archived customer, as library columns: each such customer has
// a dense index (also customers without a purchase, so they count as potential);
// customer_keys[i] is the customer id as text. A purchase is an order with status
// placed or paid; its day is the local day of ordered_at at `utc_offset_seconds`.
Result<analytics::Transactions> LoadTransactions(
    Store& store, int64_t utc_offset_seconds = analytics::kDefaultUtcOffsetSeconds);
// One basket per purchase (order) that has lines naming products, with its distinct
// product codes as item keys (archived customers' orders included);
// customer_keys are the ids (as text) of the customers with a basket. When
// `product_names` is given it receives each product code's name.
Result<analytics::Baskets> LoadBaskets(Store& store,
                                       std::map<std::string, std::string>* product_names = nullptr);

// A churn list entry: the metric row and why the customer is at risk.
struct ChurnEntry {
  CustomerMetricRow row;
  std::vector<std::string> reasons;  // "low_p_alive", "long_gap"
  std::string owner_login;           // "" without an owner
};
struct AttackDefendView {
  int64_t potential_threshold_fen = 0;
  double share_threshold = 0;
  std::vector<CustomerMetricRow> items;
};

// The schedule key of the one start-up run of a database (RunInitialIfNone).
inline constexpr char kInitialScheduleKey[] = "initial";

class AnalyticsService {
 public:
  AnalyticsService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // --- settings (read: everyone signed in; write: admin, analyst) ---
  Result<AnalyticsSettings> Settings();
  Result<AnalyticsSettings> UpdateSettings(const Principal& p, const AnalyticsSettings& s);

  // --- runs ---
  // Runs the pipeline now (admin, analyst) as a manual run; answers the finished run.
  Result<AnalyticsRun> Recompute(const Principal& p);
  // Inserts the schedule run for `schedule_key` if absent and, when this call inserted
  // it, runs the pipeline. Answers the run, or nullopt when another server owns it.
  Result<std::optional<AnalyticsRun>> RunScheduled(const std::string& schedule_key);
  // When the database has orders but no run yet (a fresh demo database), runs the
  // pipeline once under the schedule key "initial", so the dashboards have figures
  // before the first nightly run. nullopt when nothing was run.
  Result<std::optional<AnalyticsRun>> RunInitialIfNone();
  // The latest finished run; NotFound before any.
  Result<AnalyticsRun> LatestRun();

  // --- per-customer lists (only customers `p` can see) ---
  // owner: "" = every visible customer, "me" = the caller's, else a login (NotFound
  // naming "owner" for an unknown login). limit 1..500.
  Result<std::vector<ChurnEntry>> Churn(const Principal& p, const std::string& owner, int limit);
  Result<std::vector<CustomerMetricRow>> TopClv(const Principal& p, int limit);
  Result<AttackDefendView> AttackDefend(const Principal& p, int limit);
  // NotFound when the customer is not visible or has no metric row.
  Result<CustomerMetric> Metrics(const Principal& p, int64_t customer_id);

  // Today (Asia/Shanghai) as YYYY-MM-DD and the local hour 0..23, from the clock.
  std::string Today() const;
  int LocalHour() const;

 private:
  // Starts a run (nullopt: the schedule key is taken), runs the pipeline, finishes it.
  Result<std::optional<AnalyticsRun>> StartAndRun(AnalyticsRun run, AuditEntry audit);
  // The settings the latest run used (the current ones before any run).
  Result<AnalyticsSettings> LatestRunSettings();

  Store& store_;
  const Clock& clock_;
  std::mutex recompute_mu_;  // one pipeline at a time in this process
};

}  // namespace guanxi
