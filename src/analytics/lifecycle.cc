#include "analytics/lifecycle.h"

#include <algorithm>

namespace guanxi::analytics {
namespace {

// Floor division: instants before 1970 still land on the right day.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t DayNumber(int64_t unix_seconds) { return FloorDiv(unix_seconds + 8 * 3600, 86400); }

namespace {

void DeriveStage(const LifecycleFacts& f, int64_t today, const LifecycleThresholds& t, DerivedLifecycle& d) {
  if (f.relationship == Relationship::kLost) {
    d.stage = LifecycleStage::kLost;
    d.stage_reason = "relationship_lost";
    return;
  }
  if (f.purchase_days == 0 || !f.last_purchase_day) {
    // A won deal whose order is not booked yet already starts the relationship.
    if (f.won_opportunities > 0) {
      d.stage = LifecycleStage::kFormation;
      d.stage_reason = "won_opportunity";
    } else {
      d.stage = LifecycleStage::kExploration;
      d.stage_reason = f.open_opportunities > 0 ? "open_opportunity" : "no_purchase";
    }
    return;
  }
  const int64_t gap = today - *f.last_purchase_day;
  const std::optional<double> interval =
      f.usual_interval_days && *f.usual_interval_days > 0 ? f.usual_interval_days : std::nullopt;
  const double lost_gap =
      std::max<double>(t.lost_min_gap_days, interval ? t.lost_interval_factor * *interval : 0.0);
  if (static_cast<double>(gap) > lost_gap) {
    d.stage = LifecycleStage::kLost;
    d.stage_reason = "purchase_gap_lost";
    return;
  }
  d.stage = LifecycleStage::kDecline;
  if (interval && static_cast<double>(gap) > t.decline_interval_factor * *interval) {
    d.stage_reason = "gap_over_interval";
    return;
  }
  if (!interval && gap > t.decline_gap_days) {
    d.stage_reason = "long_gap";
    return;
  }
  if (f.churn_risk.value_or(false)) {
    d.stage_reason = "churn_risk";
    return;
  }
  // P(alive) of a one-time buyer says little (BG/NBD gives 1), so only repeat buyers count.
  if (f.purchase_days >= 2 && f.p_alive && *f.p_alive < t.decline_p_alive) {
    d.stage_reason = "low_p_alive";
    return;
  }
  if (f.purchase_days >= t.stability_purchase_days) {
    d.stage = LifecycleStage::kStability;
    d.stage_reason = "repeat_purchases";
  } else {
    d.stage = LifecycleStage::kFormation;
    d.stage_reason = "first_purchases";
  }
}

void DeriveLadder(const LifecycleFacts& f, const LifecycleThresholds& t, DerivedLifecycle& d) {
  // Top rung first: the relationship level and membership are set by people
  // and say more about the bond than purchase counts do.
  auto set = [&](LadderRung r, const char* reason) {
    d.ladder = r;
    d.ladder_reason = reason;
  };
  if (f.level == RelationshipLevel::kPartner) return set(LadderRung::kPartner, "level_partner");
  if (f.level == RelationshipLevel::kProactive) return set(LadderRung::kAdvocate, "level_proactive");
  if (f.member_tag) return set(LadderRung::kMember, "member_tag");
  if (f.purchase_days_365 >= t.client_purchase_days_365) return set(LadderRung::kClient, "frequent_buyer");
  if (f.purchase_days >= 1 && f.relationship == Relationship::kCurrent &&
      f.level == RelationshipLevel::kResponsible) {
    return set(LadderRung::kClient, "current_responsible");
  }
  if (f.purchase_days >= 2) return set(LadderRung::kRepeatBuyer, "repeat_purchases");
  if (f.purchase_days == 1) return set(LadderRung::kFirstTimeBuyer, "first_purchase");
  if (f.won_opportunities > 0) return set(LadderRung::kFirstTimeBuyer, "won_opportunity");
  if (f.interactions > 0) return set(LadderRung::kProspect, "interactions");
  if (f.open_opportunities > 0) return set(LadderRung::kProspect, "open_opportunity");
  if (f.relationship == Relationship::kTarget || f.relationship == Relationship::kCurrent) {
    return set(LadderRung::kProspect, "relationship_target");
  }
  set(LadderRung::kSuspect, "no_contact");
}

}  // namespace

DerivedLifecycle DeriveLifecycle(const LifecycleFacts& f, int64_t today, const LifecycleThresholds& t) {
  DerivedLifecycle d;
  DeriveStage(f, today, t, d);
  DeriveLadder(f, t, d);
  return d;
}

}  // namespace guanxi::analytics
