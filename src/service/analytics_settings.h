// The settings of the customer-value models (analytics_setting; docs/analytics-api.md),
// their validation and their JSON form. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/clv.h"
#include "analytics/transactions.h"
#include "domain/status.h"

namespace guanxi {

// The model settings (analytics_setting), with the defaults of the contract.
struct AnalyticsSettings {
  analytics::PurchaseModelKind model = analytics::PurchaseModelKind::kBgNbd;
  analytics::TimeUnit time_unit = analytics::TimeUnit::kWeek;
  int horizon = 52;               // in time units, 1..520
  double discount_rate = 0.12;    // annual, 0 ≤ r < 1
  double margin = 1.0;            // 0 < m ≤ 1
  double strategic_share = 0.05;  // 0 < s < important_share
  double important_share = 0.2;   // < 1
  double p_alive_threshold = 0.3; // 0 < t < 1
  double gap_multiple = 2.0;      // ≥ 1
  int k = 4;                      // 2..10
  double share_threshold = 0.5;   // > 0
  std::optional<int64_t> potential_threshold_fen;  // nullopt: the median potential
  int schedule_hour = 2;          // 0..23, Asia/Shanghai
};
// OK or InvalidArgument naming the first wrong field (its JSON name).
Status ValidateAnalyticsSettings(const AnalyticsSettings& s);

// Settings as the JSON object of GET /analytics/settings (also stored with each run).
std::string AnalyticsSettingsJson(const AnalyticsSettings& s);
// Reads the members present in `json` onto `s` (a missing member keeps its value).
// InvalidArgument naming the field for a wrong type, an unknown member or a bad value
// (ValidateAnalyticsSettings runs last).
Status ReadAnalyticsSettings(std::string_view json, AnalyticsSettings& s);


}  // namespace guanxi
