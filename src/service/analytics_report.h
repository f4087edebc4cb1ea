// The run report (analytics_run.report): every figure the dashboards show, written as
// JSON from the pipeline's results (service/analytics_pipeline.cc). Internal to the
// analytics service. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/basket.h"
#include "analytics/clv.h"
#include "analytics/kmeans.h"
#include "analytics/kpi.h"
#include "analytics/rfm.h"
#include "analytics/tiers.h"
#include "service/analytics_settings.h"

namespace guanxi {

struct ReportClv {
  analytics::PurchaseModel model;
  size_t customers = 0;  // rows the purchase model was fitted on
  size_t excluded = 0;
  std::optional<analytics::GammaGammaFit> spend;  // nullopt when not fitted
  std::optional<int64_t> customer_equity_fen;     // Σ clv of the customers (fen)
  std::vector<int64_t> clv_fen;                   // per customer with a CLV
};

struct ReportClusters {
  int k = 0;
  std::vector<std::string> features;
  analytics::KMeansResult kmeans;
  double stability = 0;
  std::vector<analytics::ClusterProfile> profiles;
  std::vector<analytics::KChoiceRow> choose_k;
};

struct ReportInput {
  AnalyticsSettings settings;
  int32_t as_of_day = 0;
  size_t customers = 0, buyers = 0, orders = 0;
  int64_t revenue_fen = 0;
  analytics::RfmResult rfm;
  std::vector<int64_t> class_revenue_fen;  // per RFM class (lifetime monetary)
  analytics::TierResult tiers;
  std::optional<ReportClv> clv;            // nullopt: too few buyers to fit
  size_t at_risk = 0;
  int64_t value_at_risk_fen = 0;
  analytics::AttackDefendResult attack_defend;
  size_t with_potential = 0;
  std::optional<ReportClusters> clusters;  // nullopt: fewer buyers than k
  analytics::KpiResult kpi;
  size_t baskets = 0;
  std::optional<analytics::BasketResult> basket;
  std::vector<std::string> item_keys;                // item index → product code
  std::map<std::string, std::string> product_names;  // by product code
};

std::string WriteAnalyticsReport(const ReportInput& in);
// attack_defend.potential_threshold of a report; nullopt when absent.
std::optional<int64_t> ReportPotentialThreshold(std::string_view report_json);

// Buckets of the CLV histogram, and basket rules kept in the report (best by lift).
inline constexpr int kClvHistogramBuckets = 20;
inline constexpr size_t kReportRules = 20;

}  // namespace guanxi
