#include "analytics/tiers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace guanxi::analytics {
namespace {

TierOptions Shares(double strategic, double important) {
  TierOptions o;
  o.strategic_share = strategic;
  o.important_share = important;
  return o;
}

TEST(ValueTiers, TwentyBuyersAndTwoProspects) {
  std::vector<int64_t> profit;
  std::vector<bool> bought;
  for (int i = 20; i >= 1; --i) {
    profit.push_back(i * 100);
    bought.push_back(true);
  }
  profit.push_back(0);
  bought.push_back(false);
  profit.push_back(0);
  bought.push_back(false);
  const TierResult r = AssignValueTiers(profit, bought, TierOptions{});
  // 5 % of 20 = 1 strategic, 20 % = 4 key accounts of which 3 important.
  EXPECT_EQ(r.tier[0], ValueTier::kStrategic);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(r.tier[i], ValueTier::kImportant) << i;
  for (int i = 4; i < 20; ++i) EXPECT_EQ(r.tier[i], ValueTier::kGeneral) << i;
  EXPECT_EQ(r.tier[20], ValueTier::kPotential);
  EXPECT_EQ(r.tier[21], ValueTier::kPotential);
  EXPECT_EQ(r.counts, (std::vector<size_t>{1, 3, 16, 2}));
  EXPECT_EQ(r.profit_fen, (std::vector<int64_t>{2000, 1900 + 1800 + 1700, 13'600, 0}));
}

TEST(ValueTiers, TiesAtTheBoundaryStayTogether) {
  // n = 10, cuts 0.5 and 2: both 100s have G = 0 → strategic; the 50s have G = 2 → general.
  const std::vector<int64_t> profit = {100, 50, 100, 50, 50, 10, 10, 10, 10, 10};
  const std::vector<bool> bought(10, true);
  TierResult r = AssignValueTiers(profit, bought, TierOptions{});
  EXPECT_EQ(r.counts, (std::vector<size_t>{2, 0, 8, 0}));
  EXPECT_EQ(r.tier[0], ValueTier::kStrategic);
  EXPECT_EQ(r.tier[2], ValueTier::kStrategic);
  EXPECT_EQ(r.tier[1], ValueTier::kGeneral);
  // Cuts 1 and 3: 9 strategic; the three 8s (G = 1) are all important though that makes
  // four key accounts.
  const std::vector<int64_t> p2 = {8, 9, 8, 8, 5, 4, 3, 2, 1, 0};
  r = AssignValueTiers(p2, bought, Shares(0.1, 0.3));
  EXPECT_EQ(r.tier[1], ValueTier::kStrategic);
  EXPECT_EQ(r.tier[0], ValueTier::kImportant);
  EXPECT_EQ(r.tier[2], ValueTier::kImportant);
  EXPECT_EQ(r.tier[3], ValueTier::kImportant);
  EXPECT_EQ(r.tier[4], ValueTier::kGeneral);
  EXPECT_EQ(r.counts, (std::vector<size_t>{1, 3, 6, 0}));
  EXPECT_EQ(r.profit_fen, (std::vector<int64_t>{9, 24, 15, 0}));
  // Everyone equal: nobody has a greater profit, so all are strategic.
  r = AssignValueTiers(std::vector<int64_t>(10, 7), bought, TierOptions{});
  EXPECT_EQ(r.counts, (std::vector<size_t>{10, 0, 0, 0}));
}

TEST(ValueTiers, EveryCustomerInExactlyOneTierMatchingTheRule) {
  std::mt19937 rng(2024);
  const size_t n = 3000;
  std::vector<int64_t> profit(n);
  std::vector<bool> bought(n);
  for (size_t i = 0; i < n; ++i) {
    bought[i] = rng() % 5 != 0;
    profit[i] = bought[i] ? static_cast<int64_t>(rng() % 200) * 100 : 0;
  }
  const TierOptions o = Shares(0.07, 0.25);
  const TierResult r = AssignValueTiers(profit, bought, o);
  ASSERT_EQ(r.tier.size(), n);
  size_t buyers = 0;
  for (bool b : bought) buyers += b ? 1 : 0;
  std::vector<size_t> counts(4, 0);
  std::vector<int64_t> sums(4, 0);
  for (size_t i = 0; i < n; ++i) {
    ValueTier expected = ValueTier::kPotential;
    if (bought[i]) {
      size_t greater = 0;
      for (size_t j = 0; j < n; ++j) greater += bought[j] && profit[j] > profit[i] ? 1 : 0;
      expected = greater < 0.07 * buyers   ? ValueTier::kStrategic
                 : greater < 0.25 * buyers ? ValueTier::kImportant
                                           : ValueTier::kGeneral;
    }
    ASSERT_EQ(r.tier[i], expected) << i;
    ++counts[static_cast<size_t>(expected)];
    sums[static_cast<size_t>(expected)] += profit[i];
  }
  EXPECT_EQ(r.counts, counts);
  EXPECT_EQ(r.profit_fen, sums);
  EXPECT_EQ(std::accumulate(r.counts.begin(), r.counts.end(), size_t{0}), n);
  EXPECT_EQ(r.counts[3], n - buyers);
}

TEST(ValueTiers, Names) {
  const ValueTier all[] = {ValueTier::kStrategic, ValueTier::kImportant, ValueTier::kGeneral,
                           ValueTier::kPotential};
  const char* keys[] = {"strategic", "important", "general", "potential"};
  const char* zh[] = {"战略客户", "重要客户", "一般客户", "潜在客户"};
  const char* en[] = {"Strategic", "Important", "General", "Potential"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_STREQ(ValueTierKey(all[i]), keys[i]);
    EXPECT_STREQ(ValueTierNameZh(all[i]), zh[i]);
    EXPECT_STREQ(ValueTierNameEn(all[i]), en[i]);
    EXPECT_EQ(ParseValueTier(keys[i]), all[i]);
  }
  EXPECT_FALSE(ParseValueTier("vip").has_value());
}

TEST(AttackDefendModel, QuadrantsWithMedianThreshold) {
  // Potentials with one: 100, 200, 300, 400 → median 250.
  const std::vector<int64_t> potential = {0, 100, 200, 300, 400, -5};
  const std::vector<int64_t> revenue = {50, 80, 20, 300, 100, 10};
  const AttackDefendResult r = ClassifyAttackDefend(potential, revenue, AttackDefendOptions{});
  EXPECT_EQ(r.potential_threshold_fen, 250);
  EXPECT_FALSE(r.quadrant[0].has_value());
  EXPECT_FALSE(r.quadrant[5].has_value());
  EXPECT_EQ(r.share[0], 0.0);
  EXPECT_EQ(r.share[5], 0.0);
  EXPECT_EQ(r.quadrant[1], AttackDefend::kMaintain);  // low potential, share 0.8
  EXPECT_EQ(r.quadrant[2], AttackDefend::kAbandon);   // low potential, share 0.1
  EXPECT_EQ(r.quadrant[3], AttackDefend::kRetain);    // high potential, share 1.0
  EXPECT_EQ(r.quadrant[4], AttackDefend::kAcquire);   // high potential, share 0.25
  EXPECT_DOUBLE_EQ(r.share[1], 0.8);
  EXPECT_DOUBLE_EQ(r.share[4], 0.25);
  EXPECT_EQ(r.counts, (std::vector<size_t>{1, 1, 1, 1}));
}

TEST(AttackDefendModel, ThresholdsAreInclusive) {
  // Odd count: median 200; potential 200 is high and share 0.5 is high.
  const std::vector<int64_t> potential = {100, 300, 200};
  const std::vector<int64_t> revenue = {0, 149, 100};
  AttackDefendResult r = ClassifyAttackDefend(potential, revenue, AttackDefendOptions{});
  EXPECT_EQ(r.potential_threshold_fen, 200);
  EXPECT_EQ(r.quadrant[2], AttackDefend::kRetain);
  EXPECT_EQ(r.quadrant[1], AttackDefend::kAcquire);  // 149 / 300 < 0.5
  EXPECT_EQ(r.quadrant[0], AttackDefend::kAbandon);
  // An even count's median is the middle pair's mean, rounded half up: (101 + 200) / 2.
  r = ClassifyAttackDefend({200, 101}, {0, 0}, AttackDefendOptions{});
  EXPECT_EQ(r.potential_threshold_fen, 151);
  // Explicit thresholds win over the median.
  AttackDefendOptions o;
  o.potential_threshold_fen = 50;
  o.share_threshold = 0.9;
  r = ClassifyAttackDefend(potential, revenue, o);
  EXPECT_EQ(r.potential_threshold_fen, 50);
  EXPECT_EQ(r.quadrant[0], AttackDefend::kAcquire);
  EXPECT_EQ(r.quadrant[1], AttackDefend::kAcquire);
  EXPECT_EQ(r.quadrant[2], AttackDefend::kAcquire);
  EXPECT_EQ(r.counts, (std::vector<size_t>{3, 0, 0, 0}));
  // Nobody with a potential: threshold 0, nobody classified.
  r = ClassifyAttackDefend({0, 0}, {10, 10}, AttackDefendOptions{});
  EXPECT_EQ(r.potential_threshold_fen, 0);
  EXPECT_EQ(r.counts, (std::vector<size_t>{0, 0, 0, 0}));
}

TEST(AttackDefendModel, Names) {
  const AttackDefend all[] = {AttackDefend::kAcquire, AttackDefend::kRetain,
                              AttackDefend::kMaintain, AttackDefend::kAbandon};
  const char* keys[] = {"acquire", "retain", "maintain", "abandon"};
  const char* zh[] = {"获取", "保留", "维持", "放弃"};
  const char* en[] = {"Acquire", "Retain", "Maintain", "Abandon"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_STREQ(AttackDefendKey(all[i]), keys[i]);
    EXPECT_STREQ(AttackDefendNameZh(all[i]), zh[i]);
    EXPECT_STREQ(AttackDefendNameEn(all[i]), en[i]);
    EXPECT_EQ(ParseAttackDefend(keys[i]), all[i]);
  }
  EXPECT_FALSE(ParseAttackDefend("attack").has_value());
}

}  // namespace
}  // namespace guanxi::analytics
