// Lifecycle stage (客户生命周期: exploration 考察期, formation 形成期, stability 稳定期,
// decline 退化期, lost 流失) and formation-ladder rung (suspect 猜想顾客 → … → partner
// 合伙人) of one customer, derived from facts the store gathers in bulk. Pure and
// thread-safe; the rules are written down in docs/relationship-api.md (Lifecycle).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.h"
#include "domain/lifecycle.h"

namespace guanxi::analytics {

// Thresholds of the rules (relationship_setting `lifecycle.*` may change them).
struct LifecycleThresholds {
  int lost_min_gap_days = 365;      // lost: no purchase for more than max(this, lost_interval_factor × interval)
  double lost_interval_factor = 2.0;
  double decline_interval_factor = 1.5;  // decline: gap > this × usual interval
  int decline_gap_days = 180;       // decline when the usual interval is unknown: gap > this
  double decline_p_alive = 0.3;     // decline: P(alive) below this (repeat buyers only)
  int stability_purchase_days = 3;  // stability from this many purchase days
  int client_purchase_days_365 = 4; // client: this many purchase days in the last 365 days
};

struct DerivedLifecycle {
  LifecycleStage stage = LifecycleStage::kExploration;
  LadderRung ladder = LadderRung::kSuspect;
  std::string stage_reason;   // e.g. "purchase_gap_lost", "repeat_purchases"
  std::string ladder_reason;  // e.g. "level_partner", "first_purchase"
  // "<stage_reason>,<ladder_reason>": the one reason code the API answers.
  std::string reason() const { return stage_reason + "," + ladder_reason; }
};

// The Asia/Shanghai day number of a UTC instant (UTC+8 all year, no DST).
int64_t DayNumber(int64_t unix_seconds);

DerivedLifecycle DeriveLifecycle(const LifecycleFacts& f, int64_t today, const LifecycleThresholds& t = {});

}  // namespace guanxi::analytics
