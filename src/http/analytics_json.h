// JSON forms of the customer-value analytics answers (docs/analytics-api.md): runs,
// metric rows and list items (tasks: http/task_json.h). Money is integer fen, probabilities plain numbers,
// times RFC 3339 UTC, days YYYY-MM-DD; what a model does not cover is null.
// Thread-safe.
#pragma once

#include <string>

#include "domain/customer_json.h"
#include "service/analytics_service.h"
#include "store/analytics_store.h"

namespace guanxi::http {

// {"id","started_at","finished_at","trigger","as_of","report":{...}}
std::string AnalyticsRunJson(const AnalyticsRun& run);
// Every column of a customer_metric row, as an object.
void WriteCustomerMetric(JsonWriter& w, const CustomerMetric& m);
// The part of a metric row a customer list item carries:
// {"rfm_class","tier","clv","p_alive","churn_risk"}.
void WriteMetricSummary(JsonWriter& w, const CustomerMetric& m);
// The churn list item (owner_name is the owner's display name).
void WriteChurnItem(JsonWriter& w, const ChurnEntry& e, const std::string& owner_name);
void WriteTopClvItem(JsonWriter& w, const CustomerMetricRow& row);
void WriteAttackDefendItem(JsonWriter& w, const CustomerMetricRow& row);

}  // namespace guanxi::http
