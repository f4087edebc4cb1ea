// The whole customer-value pipeline over columns (docs/analytics-api.md): RFM, value
// tiers, BG/NBD or Pareto/NBD with Gamma-Gamma CLV, churn risk, attack/defend, k-means
// clusters, monthly KPIs with cohorts and basket rules. Produces the customer_metric
// rows and the run report JSON. Pure (no store); thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analytics/basket.h"
#include "analytics/transactions.h"
#include "service/analytics_settings.h"
#include "store/analytics_store.h"

namespace guanxi {

struct PipelineInput {
  analytics::Transactions tx;          // customer_keys are customer ids as text
  std::vector<int64_t> potential_fen;  // per dense customer index; 0 = none
  analytics::Baskets baskets;
  std::map<std::string, std::string> product_names;  // by product code
};

struct PipelineOutput {
  std::vector<CustomerMetric> metrics;  // one per customer of the input
  std::string report_json;
};

// as_of_day bounds every figure; run_id and computed_at are copied to the rows.
PipelineOutput RunAnalyticsPipeline(const PipelineInput& in, const AnalyticsSettings& settings,
                                    int32_t as_of_day, int64_t run_id, UnixSeconds computed_at);

// The last-365-days window of the tiers and attack/defend: days in (as_of − 365, as_of].
inline constexpr int32_t kRevenueWindowDays = 365;
// Rows sampled for cluster stability and choose_k.
inline constexpr size_t kClusterSampleRows = 5000;
inline constexpr size_t kSilhouetteSampleRows = 2000;

}  // namespace guanxi
