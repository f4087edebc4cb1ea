// The formation ladder (客户形成阶梯: suspect 猜想顾客 → prospect 预期顾客 → first-time
// buyer 首次购买 → repeat buyer 重复购买 → client 客户 → member 成员 → advocate 拥护者 →
// partner 合伙人) and the per-customer facts the lifecycle rules read
// (analytics/lifecycle.h derives; store/lifecycle_store.h gathers). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/customer.h"

namespace guanxi {

enum class LadderRung { kSuspect, kProspect, kFirstTimeBuyer, kRepeatBuyer, kClient, kMember, kAdvocate, kPartner };

std::string_view ToString(LadderRung r);
std::optional<LadderRung> ParseLadderRung(std::string_view s);
const std::vector<std::string_view>& LadderRungNames();  // "suspect" … "partner", bottom to top

// What the rules look at about one customer. Days are Asia/Shanghai day numbers
// (days since 1970-01-01 in UTC+8, see analytics::DayNumber).
struct LifecycleFacts {
  int64_t customer_id = 0;
  Relationship relationship = Relationship::kPotential;
  RelationshipLevel level = RelationshipLevel::kBasic;
  bool member_tag = false;           // a tag 会员 / member (case-insensitive) or containing 会员
  int64_t interactions = 0;          // logged contacts on any channel
  int64_t purchase_days = 0;         // distinct days with a placed/paid order
  int64_t purchase_days_365 = 0;     // of them, within the last 365 days (today included)
  std::optional<int64_t> last_purchase_day;
  std::optional<double> usual_interval_days;  // customer_metric, when the nightly run knows it
  std::optional<double> p_alive;
  std::optional<bool> churn_risk;
  int64_t open_opportunities = 0;
  int64_t won_opportunities = 0;
};

// Whether a tag marks membership: "member" (any case) or one containing 会员.
bool IsMemberTag(std::string_view tag);

}  // namespace guanxi
