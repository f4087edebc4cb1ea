// The lifecycle and formation-ladder rules (analytics/lifecycle.h): a table of
// fact sets with the stage, rung and reasons they must give, boundaries included.
#include <gtest/gtest.h>

#include "analytics/lifecycle.h"

namespace guanxi::analytics {
namespace {

constexpr int64_t kToday = 20'000;

struct Case {
  const char* name;
  LifecycleFacts facts;
  LifecycleStage stage;
  const char* stage_reason;
  LadderRung ladder;
  const char* ladder_reason;
};

LifecycleFacts Buyer(int64_t days, int64_t last_gap, std::optional<double> interval = std::nullopt,
                     int64_t days_365 = -1) {
  LifecycleFacts f;
  f.relationship = Relationship::kCurrent;
  f.purchase_days = days;
  f.purchase_days_365 = days_365 < 0 ? days : days_365;
  f.last_purchase_day = kToday - last_gap;
  f.usual_interval_days = interval;
  f.interactions = 3;
  return f;
}

template <typename Fn>
LifecycleFacts With(LifecycleFacts f, Fn&& fn) {
  fn(f);
  return f;
}

TEST(LifecycleRulesTest, TableOfFactSets) {
  const std::vector<Case> cases = {
      {"nothing known", LifecycleFacts{}, LifecycleStage::kExploration, "no_purchase", LadderRung::kSuspect,
       "no_contact"},
      {"interactions only", With(LifecycleFacts{}, [](auto& f) { f.interactions = 1; }),
       LifecycleStage::kExploration, "no_purchase", LadderRung::kProspect, "interactions"},
      {"open opportunity", With(LifecycleFacts{}, [](auto& f) { f.open_opportunities = 1; }),
       LifecycleStage::kExploration, "open_opportunity", LadderRung::kProspect, "open_opportunity"},
      {"target relationship", With(LifecycleFacts{}, [](auto& f) { f.relationship = Relationship::kTarget; }),
       LifecycleStage::kExploration, "no_purchase", LadderRung::kProspect, "relationship_target"},
      {"won without order", With(LifecycleFacts{}, [](auto& f) { f.won_opportunities = 1; }),
       LifecycleStage::kFormation, "won_opportunity", LadderRung::kFirstTimeBuyer, "won_opportunity"},
      {"one purchase day", Buyer(1, 10), LifecycleStage::kFormation, "first_purchases", LadderRung::kFirstTimeBuyer,
       "first_purchase"},
      {"two purchase days", Buyer(2, 10, 30.0), LifecycleStage::kFormation, "first_purchases",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"three purchase days is stability", Buyer(3, 10, 30.0), LifecycleStage::kStability, "repeat_purchases",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"four days in the year is a client", Buyer(4, 10, 30.0), LifecycleStage::kStability, "repeat_purchases",
       LadderRung::kClient, "frequent_buyer"},
      {"four days but only three in the year", Buyer(4, 10, 30.0, 3), LifecycleStage::kStability,
       "repeat_purchases", LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"current + responsible buyer is a client",
       With(Buyer(1, 10), [](auto& f) { f.level = RelationshipLevel::kResponsible; }), LifecycleStage::kFormation,
       "first_purchases", LadderRung::kClient, "current_responsible"},
      {"member tag", With(Buyer(1, 10), [](auto& f) { f.member_tag = true; }), LifecycleStage::kFormation,
       "first_purchases", LadderRung::kMember, "member_tag"},
      {"proactive is an advocate", With(Buyer(5, 10, 30.0), [](auto& f) { f.level = RelationshipLevel::kProactive; }),
       LifecycleStage::kStability, "repeat_purchases", LadderRung::kAdvocate, "level_proactive"},
      {"partner level wins over member",
       With(Buyer(5, 10, 30.0), [](auto& f) {
         f.level = RelationshipLevel::kPartner;
         f.member_tag = true;
       }),
       LifecycleStage::kStability, "repeat_purchases", LadderRung::kPartner, "level_partner"},
      // Decline: gap over 1.5 × interval (45 days for 30): 45 is not over, 46 is.
      {"gap at 1.5 × interval", Buyer(3, 45, 30.0), LifecycleStage::kStability, "repeat_purchases",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"gap over 1.5 × interval", Buyer(3, 46, 30.0), LifecycleStage::kDecline, "gap_over_interval",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      // Without an interval the gap limit is 180 days.
      {"no interval, 180 days", Buyer(1, 180), LifecycleStage::kFormation, "first_purchases",
       LadderRung::kFirstTimeBuyer, "first_purchase"},
      {"no interval, 181 days", Buyer(1, 181, std::nullopt, 1), LifecycleStage::kDecline, "long_gap",
       LadderRung::kFirstTimeBuyer, "first_purchase"},
      {"churn risk", With(Buyer(3, 5, 30.0), [](auto& f) { f.churn_risk = true; }), LifecycleStage::kDecline,
       "churn_risk", LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"low P(alive) of a repeat buyer", With(Buyer(3, 5, 30.0), [](auto& f) { f.p_alive = 0.29; }),
       LifecycleStage::kDecline, "low_p_alive", LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"P(alive) at the limit", With(Buyer(3, 5, 30.0), [](auto& f) { f.p_alive = 0.3; }),
       LifecycleStage::kStability, "repeat_purchases", LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"low P(alive) of a one-time buyer is ignored", With(Buyer(1, 5), [](auto& f) { f.p_alive = 0.1; }),
       LifecycleStage::kFormation, "first_purchases", LadderRung::kFirstTimeBuyer, "first_purchase"},
      // Lost: gap over max(365, 2 × interval).
      {"365 days is still decline", Buyer(3, 365, 30.0, 1), LifecycleStage::kDecline, "gap_over_interval",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"366 days is lost", Buyer(3, 366, 30.0, 0), LifecycleStage::kLost, "purchase_gap_lost",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"long interval: 2 × 200 = 400 days", Buyer(3, 400, 200.0, 0), LifecycleStage::kDecline, "gap_over_interval",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"long interval: 401 days is lost", Buyer(3, 401, 200.0, 0), LifecycleStage::kLost, "purchase_gap_lost",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
      {"relationship lost", With(Buyer(5, 1, 30.0), [](auto& f) { f.relationship = Relationship::kLost; }),
       LifecycleStage::kLost, "relationship_lost", LadderRung::kClient, "frequent_buyer"},
      {"a zero interval counts as unknown", Buyer(3, 100, 0.0), LifecycleStage::kStability, "repeat_purchases",
       LadderRung::kRepeatBuyer, "repeat_purchases"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto d = DeriveLifecycle(c.facts, kToday);
    EXPECT_EQ(ToString(d.stage), ToString(c.stage));
    EXPECT_EQ(d.stage_reason, c.stage_reason);
    EXPECT_EQ(ToString(d.ladder), ToString(c.ladder));
    EXPECT_EQ(d.ladder_reason, c.ladder_reason);
    EXPECT_EQ(d.reason(), std::string(c.stage_reason) + "," + c.ladder_reason);
  }
}

TEST(LifecycleRulesTest, ThresholdsAreHonoured) {
  LifecycleThresholds t;
  t.stability_purchase_days = 5;
  t.decline_gap_days = 30;
  EXPECT_EQ(DeriveLifecycle(Buyer(3, 10, 30.0), kToday, t).stage, LifecycleStage::kFormation);
  EXPECT_EQ(DeriveLifecycle(Buyer(1, 31), kToday, t).stage, LifecycleStage::kDecline);
}

TEST(LifecycleRulesTest, DayNumberIsShanghaiDay) {
  // 2026-12-01 00:00 +08:00 is 2026-11-30 16:00 UTC.
  const int64_t midnight = 1'796'054'400;
  EXPECT_EQ(DayNumber(midnight), DayNumber(midnight + 86399));
  EXPECT_EQ(DayNumber(midnight) + 1, DayNumber(midnight + 86400));
  EXPECT_EQ(DayNumber(midnight - 1) + 1, DayNumber(midnight));
  EXPECT_EQ(DayNumber(-8 * 3600), 0);
  EXPECT_EQ(DayNumber(-8 * 3600 - 1), -1);
}

TEST(LifecycleRulesTest, LadderNamesAndMemberTags) {
  ASSERT_EQ(LadderRungNames().size(), 8u);
  for (auto name : LadderRungNames()) EXPECT_EQ(ToString(*ParseLadderRung(name)), name);
  EXPECT_FALSE(ParseLadderRung("vip").has_value());
  EXPECT_TRUE(IsMemberTag("会员"));
  EXPECT_TRUE(IsMemberTag("金卡会员"));
  EXPECT_TRUE(IsMemberTag("Member"));
  EXPECT_FALSE(IsMemberTag("members-only event"));
  EXPECT_FALSE(IsMemberTag("VIP"));
}

}  // namespace
}  // namespace guanxi::analytics
