// Churn early warning (流失预警): who to call, ranked by the value at risk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guanxi::analytics {

struct ChurnOptions {
  double p_alive_threshold = 0.3;  // at risk when P(alive) < this
  double gap_multiple = 2.0;       // or when the current gap > multiple × usual interval
  int min_purchase_days = 2;       // the gap rule needs an interval: ≥ 2 purchase days
};
// Inputs are per customer (dense index). p_alive / clv may be NaN for customers
// the purchase model did not cover (no purchase by the calibration end).
//  - usual interval = (last_day − first_day) / (purchase_days − 1)
//  - gap = as_of − last_day
//  - value at risk = the CLV lost if they leave = clv (0 when not covered)
//    (for NaN inputs: 0)
struct ChurnInput {
  int32_t as_of_day = 0;
  const std::vector<int32_t>* first_day = nullptr;
  const std::vector<int32_t>* last_day = nullptr;
  const std::vector<int32_t>* purchase_days = nullptr;
  const std::vector<double>* p_alive = nullptr;
  const std::vector<double>* clv = nullptr;
};
enum class ChurnReason : uint8_t { kLowPAlive = 1, kLongGap = 2 };  // bit flags
struct ChurnRisk {
  uint32_t customer = 0;
  uint8_t reasons = 0;         // ChurnReason bits
  double p_alive = 0;          // NaN when unknown
  double gap_days = 0;
  double usual_interval_days = 0;  // 0 when fewer than 2 purchase days
  double value_at_risk = 0;    // yuan
};
// The at-risk customers, value at risk descending, then customer index ascending.
std::vector<ChurnRisk> RankChurnRisk(const ChurnInput& input, const ChurnOptions& options);

}  // namespace guanxi::analytics
