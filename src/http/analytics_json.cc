#include "http/analytics_json.h"

#include "http/pipeline_json.h"

namespace guanxi::http {

namespace {

void OptText(JsonWriter& w, const std::string& s) {
  if (s.empty()) w.Null(); else WriteString(w, s);
}
void OptBool(JsonWriter& w, const std::optional<bool>& v) {
  if (v) w.Bool(*v); else w.Null();
}
// A value the pipeline stored as JSON text (`type` at its top), embedded as it is; "" → null.
void StoredJson(JsonWriter& w, const std::string& text, rapidjson::Type type) {
  if (text.empty()) w.Null(); else w.RawValue(text.data(), text.size(), type);
}

}  // namespace

std::string AnalyticsRunJson(const AnalyticsRun& run) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(run.id);
  w.Key("started_at");
  WriteString(w, FormatUtc(run.started_at));
  w.Key("finished_at");
  if (run.finished_at) WriteString(w, FormatUtc(*run.finished_at)); else w.Null();
  w.Key("trigger");
  WriteString(w, run.trigger);
  w.Key("as_of");
  WriteString(w, run.as_of);
  w.Key("report");
  StoredJson(w, run.report, rapidjson::kObjectType);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void WriteCustomerMetric(JsonWriter& w, const CustomerMetric& m) {
  w.StartObject();
  w.Key("customer_id");
  w.Int64(m.customer_id);
  w.Key("run_id");
  w.Int64(m.run_id);
  w.Key("computed_at");
  WriteString(w, FormatUtc(m.computed_at));
  w.Key("as_of");
  WriteString(w, m.as_of);
  w.Key("recency_days");
  WriteOptInt(w, m.recency_days);
  w.Key("frequency");
  w.Int64(m.frequency);
  w.Key("monetary");
  w.Int64(m.monetary);
  w.Key("r_score");
  WriteOptInt(w, m.r_score);
  w.Key("f_score");
  WriteOptInt(w, m.f_score);
  w.Key("m_score");
  WriteOptInt(w, m.m_score);
  w.Key("rfm_cell");
  OptText(w, m.rfm_cell);
  w.Key("rfm_class");
  OptText(w, m.rfm_class);
  w.Key("tier");
  OptText(w, m.tier);
  w.Key("cluster");
  WriteOptInt(w, m.cluster);
  w.Key("p_alive");
  WriteOptDouble(w, m.p_alive);
  w.Key("expected_purchases");
  WriteOptDouble(w, m.expected_purchases);
  w.Key("expected_spend");
  WriteOptInt(w, m.expected_spend);
  w.Key("clv");
  WriteOptInt(w, m.clv);
  w.Key("churn_risk");
  OptBool(w, m.churn_risk);
  w.Key("value_at_risk");
  WriteOptInt(w, m.value_at_risk);
  w.Key("attack_defend");
  OptText(w, m.attack_defend);
  w.Key("wallet_share");
  WriteOptDouble(w, m.wallet_share);
  w.Key("revenue_365");
  WriteOptInt(w, m.revenue_365);
  w.Key("usual_interval_days");
  WriteOptDouble(w, m.usual_interval_days);
  w.Key("recommendations");
  StoredJson(w, m.recommendations, rapidjson::kArrayType);
  w.EndObject();
}

void WriteMetricSummary(JsonWriter& w, const CustomerMetric& m) {
  w.StartObject();
  w.Key("rfm_class");
  OptText(w, m.rfm_class);
  w.Key("tier");
  OptText(w, m.tier);
  w.Key("clv");
  WriteOptInt(w, m.clv);
  w.Key("p_alive");
  WriteOptDouble(w, m.p_alive);
  w.Key("churn_risk");
  OptBool(w, m.churn_risk);
  w.EndObject();
}

void WriteChurnItem(JsonWriter& w, const ChurnEntry& e, const std::string& owner_name) {
  const CustomerMetric& m = e.row.metric;
  w.StartObject();
  w.Key("customer_id");
  w.Int64(m.customer_id);
  w.Key("customer_name");
  WriteString(w, e.row.customer_name);
  w.Key("owner");
  OptText(w, e.owner_login);
  w.Key("owner_user_id");
  WriteOptInt(w, e.row.owner_user_id);
  w.Key("owner_name");
  OptText(w, owner_name);
  w.Key("reasons");
  w.StartArray();
  for (const auto& r : e.reasons) WriteString(w, r);
  w.EndArray();
  w.Key("p_alive");
  WriteOptDouble(w, m.p_alive);
  w.Key("gap_days");
  WriteOptInt(w, m.recency_days);
  w.Key("usual_interval_days");
  WriteOptDouble(w, m.usual_interval_days);
  w.Key("value_at_risk");
  WriteOptInt(w, m.value_at_risk);
  w.Key("clv");
  WriteOptInt(w, m.clv);
  w.Key("rfm_class");
  OptText(w, m.rfm_class);
  w.Key("open_task_id");
  WriteOptInt(w, e.row.open_task_id);
  w.EndObject();
}

void WriteTopClvItem(JsonWriter& w, const CustomerMetricRow& row) {
  const CustomerMetric& m = row.metric;
  w.StartObject();
  w.Key("customer_id");
  w.Int64(m.customer_id);
  w.Key("customer_name");
  WriteString(w, row.customer_name);
  w.Key("clv");
  WriteOptInt(w, m.clv);
  w.Key("p_alive");
  WriteOptDouble(w, m.p_alive);
  w.Key("expected_purchases");
  WriteOptDouble(w, m.expected_purchases);
  w.Key("tier");
  OptText(w, m.tier);
  w.Key("rfm_class");
  OptText(w, m.rfm_class);
  w.EndObject();
}

void WriteAttackDefendItem(JsonWriter& w, const CustomerMetricRow& row) {
  const CustomerMetric& m = row.metric;
  w.StartObject();
  w.Key("customer_id");
  w.Int64(m.customer_id);
  w.Key("customer_name");
  WriteString(w, row.customer_name);
  w.Key("potential");
  WriteOptInt(w, row.purchase_potential);
  w.Key("revenue");
  w.Int64(m.revenue_365.value_or(0));
  w.Key("share");
  WriteOptDouble(w, m.wallet_share);
  w.Key("quadrant");
  OptText(w, m.attack_defend);
  w.EndObject();
}

}  // namespace guanxi::http
