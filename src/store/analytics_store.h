// AnalyticsStore: the customer-value analytics tables behind Store::Analytics()
// — bulk reads of purchases and order lines for the models, the per-customer
// results (customer_metric), the runs with their reports (analytics_run) and the
// settings (analytics_setting); tasks live in TaskStore. Same rules as Store:
// thread-safe, parameterised SQL, writes that take an AuditEntry record it in
// the same transaction, version checks answer Conflict.
//
// Both backends implement it (store/sqlite/analytics_*.cc,
// store/postgres/analytics_*.cc) with the same behaviour;
// tests/unit/analytics_store_test.cc runs against both.
// The contract is docs/analytics-api.md, section "Store".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/status.h"
#include "store/store.h"

namespace guanxi {

// Every purchase (an order with status placed or paid), one entry per order in
// three parallel columns. Order of rows is unspecified.
struct PurchaseColumns {
  std::vector<int64_t> customer_id;
  std::vector<int64_t> ordered_at;  // unix seconds, UTC
  std::vector<int64_t> total_fen;
  size_t size() const { return customer_id.size(); }
};

// The lines with a product of every purchase (placed or paid order), in three
// parallel columns, and the code and name of each product they name. Lines
// without a product are left out (they name no item a basket could hold).
struct OrderLineColumns {
  std::vector<int64_t> order_id;
  std::vector<int64_t> customer_id;
  std::vector<int64_t> product_id;
  std::map<int64_t, std::string> product_code;  // by product id
  std::map<int64_t, std::string> product_name;  // by product id
  size_t size() const { return order_id.size(); }
};

// One row of customer_metric: a customer's figures from one run. Optional
// fields (and "" strings) are NULL in the table: a model that does not cover
// the customer (no purchase by as_of, no purchase_potential, ...) leaves them
// unset.
struct CustomerMetric {
  int64_t customer_id = 0;
  int64_t run_id = 0;
  UnixSeconds computed_at = 0;
  std::string as_of;  // "YYYY-MM-DD"
  std::optional<int64_t> recency_days;
  int64_t frequency = 0;  // purchases (orders)
  int64_t monetary = 0;   // fen
  std::optional<int64_t> r_score;
  std::optional<int64_t> f_score;
  std::optional<int64_t> m_score;
  std::string rfm_cell;   // "545"
  std::string rfm_class;  // one of the 8 class keys
  std::string tier;       // strategic | important | general | potential
  std::optional<int64_t> cluster;
  std::optional<double> p_alive;
  std::optional<double> expected_purchases;
  std::optional<int64_t> expected_spend;  // fen
  std::optional<int64_t> clv;             // fen
  std::optional<bool> churn_risk;
  std::optional<int64_t> value_at_risk;  // fen
  std::string attack_defend;             // quadrant key
  std::optional<double> wallet_share;
  // Beyond the contract's column list (additive): the inputs the API answers
  // need and the models compute anyway. Revenue of the last 365 days (fen;
  // attack/defend "revenue") and the usual interval between purchase days
  // (churn "usual_interval_days"; NULL below 2 purchase days).
  std::optional<int64_t> revenue_365;
  std::optional<double> usual_interval_days;
  // The basket rules' products for the customer: a JSON array of up to 3
  // {"code","name","score","lift"} objects, best first ("" when none).
  std::string recommendations;

  bool operator==(const CustomerMetric&) const = default;
};

// A metric row with what the per-customer API lists show about the customer.
struct CustomerMetricRow {
  CustomerMetric metric;
  std::string customer_name;
  std::optional<int64_t> owner_user_id;
  std::optional<int64_t> purchase_potential;  // fen
  std::optional<int64_t> open_task_id;        // the oldest open task of the customer
};

// Which customers a per-customer list covers. Archived customers are never listed.
struct MetricListQuery {
  VisibilityScope scope;                 // by the customer's owner (team: the owner's team)
  std::optional<int64_t> owner_user_id;  // narrows to one owner
  int limit = 100;
};

// One analytics run: the row of analytics_run.
struct AnalyticsRun {
  int64_t id = 0;
  UnixSeconds started_at = 0;
  std::optional<UnixSeconds> finished_at;  // nullopt while the run is in progress
  std::string trigger;                     // "manual" | "schedule"
  std::optional<std::string> schedule_key;  // "2026-11-30" for the nightly run, nullopt for manual
  std::optional<int64_t> user_id;
  std::string as_of;     // "YYYY-MM-DD"
  std::string settings;  // JSON text
  std::string report;    // JSON text, "" until finished

  bool operator==(const AnalyticsRun&) const = default;
};

class AnalyticsStore {
 public:
  virtual ~AnalyticsStore() = default;

  // --- model inputs ------------------------------------------------------------
  // Every purchase, read in one sequential scan (no sort).
  virtual Result<PurchaseColumns> ReadPurchases() = 0;
  // The lines (with a product) of every purchase, and their products.
  virtual Result<OrderLineColumns> ReadOrderLines() = 0;
  // Ids of every customer, ascending; archived ones only when asked.
  virtual Result<std::vector<int64_t>> AllCustomerIds(bool include_archived = false) = 0;
  // (customer id, purchase_potential fen) of every customer that has one, by id.
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> PurchasePotentials() = 0;

  // --- results -----------------------------------------------------------------
  // Makes `rows` the whole of customer_metric in one transaction: rows of
  // customers not in the batch are deleted, the others inserted or replaced.
  // Rows naming a customer that no longer exists are skipped.
  virtual Status ReplaceMetrics(int64_t run_id, const std::vector<CustomerMetric>& rows) = 0;
  // NotFound when the customer has no metric row.
  virtual Result<CustomerMetric> GetMetric(int64_t customer_id) = 0;
  // The metric rows of those of `ids` that have one (customer list items).
  virtual Result<std::map<int64_t, CustomerMetric>> MetricsFor(const std::vector<int64_t>& ids) = 0;
  // Customers at risk (churn_risk = 1), by value_at_risk descending (NULL
  // last), then customer id.
  virtual Result<std::vector<CustomerMetricRow>> ChurnList(const MetricListQuery& q) = 0;
  // Customers with a CLV, by clv descending, then customer id.
  virtual Result<std::vector<CustomerMetricRow>> TopClv(const MetricListQuery& q) = 0;
  // Customers with an attack/defend quadrant, by customer id.
  virtual Result<std::vector<CustomerMetricRow>> AttackDefendPoints(const MetricListQuery& q) = 0;

  // --- runs --------------------------------------------------------------------
  // Inserts the run (id, finished_at and report ignored) and answers its id, or
  // nullopt when a run with the same schedule_key exists already (insert-if-
  // absent on a unique index, so of replicas racing for the nightly run exactly
  // one gets an id). `audit` is written with it unless audit.entity is "".
  virtual Result<std::optional<int64_t>> StartRun(const AnalyticsRun& run, AuditEntry audit) = 0;
  // Records the end of run `id` with its report. NotFound for an unknown id.
  virtual Status FinishRun(int64_t id, UnixSeconds finished_at, const std::string& report_json) = 0;
  virtual Result<AnalyticsRun> GetRun(int64_t id) = 0;
  // The finished run with the latest finished_at (then highest id); nullopt before any.
  virtual Result<std::optional<AnalyticsRun>> LatestRun() = 0;

  // --- settings ------------------------------------------------------------------
  // The stored settings as one JSON object ("{}" when never set): each key of
  // analytics_setting with its JSON value.
  virtual Result<std::string> Settings() = 0;
  // Replaces the stored settings with the members of `json_object` (a JSON
  // object; InvalidArgument otherwise).
  virtual Status SaveSettings(const std::string& json_object, AuditEntry audit) = 0;
};

}  // namespace guanxi
