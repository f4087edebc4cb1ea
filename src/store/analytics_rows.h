// Analytics rows as both store backends read and write them (like
// store/rows.h): column lists, row readers, the shared list statements (with
// `?` markers; PostgreSQL numbers them) and the JSON of tasks and settings.
// `Row` is any type with Int/Real/Text/OptInt/IsNull(col). Internal to src/store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/analytics_store.h"
#include "store/list_query.h"

namespace guanxi::store_rows {

// The columns of customer_metric, in CustomerMetric's order (25 columns).
constexpr char kMetricColumns[] =
    "m.customer_id, m.run_id, m.computed_at, m.as_of, m.recency_days, m.frequency, m.monetary, "
    "m.r_score, m.f_score, m.m_score, m.rfm_cell, m.rfm_class, m.tier, m.cluster, m.p_alive, "
    "m.expected_purchases, m.expected_spend, m.clv, m.churn_risk, m.value_at_risk, "
    "m.attack_defend, m.wallet_share, m.revenue_365, m.usual_interval_days, m.recommendations";
constexpr int kMetricColumnCount = 25;
// The same names without the table alias, for INSERT and COPY.
std::string MetricInsertColumns();

template <typename Row>
std::optional<double> OptReal(const Row& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return s.Real(col);
}

template <typename Row>
CustomerMetric ReadMetric(const Row& s, int base = 0) {
  CustomerMetric m;
  m.customer_id = s.Int(base + 0);
  m.run_id = s.Int(base + 1);
  m.computed_at = s.Int(base + 2);
  m.as_of = s.Text(base + 3);
  m.recency_days = s.OptInt(base + 4);
  m.frequency = s.Int(base + 5);
  m.monetary = s.Int(base + 6);
  m.r_score = s.OptInt(base + 7);
  m.f_score = s.OptInt(base + 8);
  m.m_score = s.OptInt(base + 9);
  m.rfm_cell = s.Text(base + 10);
  m.rfm_class = s.Text(base + 11);
  m.tier = s.Text(base + 12);
  m.cluster = s.OptInt(base + 13);
  m.p_alive = OptReal(s, base + 14);
  m.expected_purchases = OptReal(s, base + 15);
  m.expected_spend = s.OptInt(base + 16);
  m.clv = s.OptInt(base + 17);
  if (!s.IsNull(base + 18)) m.churn_risk = s.Int(base + 18) != 0;
  m.value_at_risk = s.OptInt(base + 19);
  m.attack_defend = s.Text(base + 20);
  m.wallet_share = OptReal(s, base + 21);
  m.revenue_365 = s.OptInt(base + 22);
  m.usual_interval_days = OptReal(s, base + 23);
  m.recommendations = s.Text(base + 24);
  return m;
}

// A metric's values in kMetricColumns order as text (nullopt for NULL): the
// one encoding both backends bind or COPY. Doubles in PortableReal form.
std::vector<std::optional<std::string>> MetricValues(const CustomerMetric& m);

// The per-customer API lists: metric columns, then c.name, c.owner_user_id,
// c.purchase_potential and the customer's oldest open task id.
enum class MetricList { kChurn, kTopClv, kAttackDefend };
struct MetricListSql {
  std::string sql;  // ends with "LIMIT ?", its value included in args
  std::vector<SqlValue> args;
};
MetricListSql PlanMetricList(MetricList kind, const MetricListQuery& q);

template <typename Row>
CustomerMetricRow ReadMetricRow(const Row& s) {
  CustomerMetricRow r;
  r.metric = ReadMetric(s);
  r.customer_name = s.Text(kMetricColumnCount);
  r.owner_user_id = s.OptInt(kMetricColumnCount + 1);
  r.purchase_potential = s.OptInt(kMetricColumnCount + 2);
  r.open_task_id = s.OptInt(kMetricColumnCount + 3);
  return r;
}

constexpr char kRunColumns[] =
    "id, started_at, finished_at, trigger, schedule_key, user_id, as_of, settings, report";

template <typename Row>
AnalyticsRun ReadRun(const Row& s) {
  AnalyticsRun r;
  r.id = s.Int(0);
  r.started_at = s.Int(1);
  r.finished_at = s.OptInt(2);
  r.trigger = s.Text(3);
  if (!s.IsNull(4)) r.schedule_key = s.Text(4);
  r.user_id = s.OptInt(5);
  r.as_of = s.Text(6);
  r.settings = s.Text(7);
  r.report = s.Text(8);
  return r;
}

// The members of a settings JSON object as (key, JSON value text) pairs;
// InvalidArgument when `json` is not an object.
Result<std::vector<std::pair<std::string, std::string>>> SettingsMembers(const std::string& json);
// The object made of stored (key, JSON value text) pairs, by key.
std::string SettingsObject(const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace guanxi::store_rows
