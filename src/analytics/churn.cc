#include "analytics/churn.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace guanxi::analytics {

std::vector<ChurnRisk> RankChurnRisk(const ChurnInput& input, const ChurnOptions& options) {
  std::vector<ChurnRisk> out;
  if (input.first_day == nullptr || input.last_day == nullptr || input.purchase_days == nullptr) {
    return out;
  }
  const double kUnknown = std::numeric_limits<double>::quiet_NaN();
  const size_t n = input.last_day->size();
  for (size_t c = 0; c < n; ++c) {
    const int32_t last = (*input.last_day)[c];
    const int32_t days = (*input.purchase_days)[c];
    if (last < 0 || days <= 0) continue;  // never bought: nothing to lose
    ChurnRisk r;
    r.customer = static_cast<uint32_t>(c);
    r.p_alive =
        input.p_alive != nullptr && c < input.p_alive->size() ? (*input.p_alive)[c] : kUnknown;
    const double clv = input.clv != nullptr && c < input.clv->size() ? (*input.clv)[c] : kUnknown;
    r.gap_days = static_cast<double>(input.as_of_day - last);
    if (days >= 2) {
      r.usual_interval_days = static_cast<double>(last - (*input.first_day)[c]) / (days - 1);
    }
    if (!std::isnan(r.p_alive) && r.p_alive < options.p_alive_threshold) {
      r.reasons |= static_cast<uint8_t>(ChurnReason::kLowPAlive);
    }
    if (days >= std::max(2, options.min_purchase_days) &&
        r.gap_days > options.gap_multiple * r.usual_interval_days) {
      r.reasons |= static_cast<uint8_t>(ChurnReason::kLongGap);
    }
    if (r.reasons == 0) continue;
    // What leaving takes away is the customer's expected future value, their CLV (which
    // already weighs P(alive)): a drifting but still valuable customer ranks above one
    // who is almost surely gone. Customers the model does not cover weigh nothing.
    if (std::isfinite(clv)) r.value_at_risk = clv;
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const ChurnRisk& a, const ChurnRisk& b) {
    if (a.value_at_risk != b.value_at_risk) return a.value_at_risk > b.value_at_risk;
    return a.customer < b.customer;
  });
  return out;
}

}  // namespace guanxi::analytics
