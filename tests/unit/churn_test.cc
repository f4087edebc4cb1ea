#include "analytics/churn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace guanxi::analytics {
namespace {

const double kNaN = std::nan("");
constexpr uint8_t kLow = static_cast<uint8_t>(ChurnReason::kLowPAlive);
constexpr uint8_t kGap = static_cast<uint8_t>(ChurnReason::kLongGap);

// as_of = 200 for every case.
//        first last days  p_alive  clv   → usual gap   reasons   value at risk
//  c0      0   100    5    0.5    100       25   100  gap         200
//  c1      0   190   20    0.2     30       10    10  low         150
//  c2      0    50    2    0.1     40       50   150  low+gap     400
//  c3    150   150    1    0.9     10        0    50  —  (one purchase day: no gap rule)
//  c4     -1    -1    0    NaN    NaN       never bought: not listed
//  c5      0    20    3    NaN    NaN       10   180  gap           0
//  c6      0   199    4    0.29     0     66.3     1  low           0
//  c7    125   150    2    0.3     50       25    50  —  (gap = 2 × usual, P = threshold)
struct Fixture {
  std::vector<int32_t> first = {0, 0, 0, 150, -1, 0, 0, 125};
  std::vector<int32_t> last = {100, 190, 50, 150, -1, 20, 199, 150};
  std::vector<int32_t> days = {5, 20, 2, 1, 0, 3, 4, 2};
  std::vector<double> p_alive = {0.5, 0.2, 0.1, 0.9, kNaN, kNaN, 0.29, 0.3};
  std::vector<double> clv = {100, 30, 40, 10, kNaN, kNaN, 0, 50};

  ChurnInput Input() const {
    ChurnInput in;
    in.as_of_day = 200;
    in.first_day = &first;
    in.last_day = &last;
    in.purchase_days = &days;
    in.p_alive = &p_alive;
    in.clv = &clv;
    return in;
  }
};

TEST(ChurnRanking, OrderReasonsAndValues) {
  const Fixture f;
  const std::vector<ChurnRisk> r = RankChurnRisk(f.Input(), ChurnOptions{});
  ASSERT_EQ(r.size(), 5u);
  // Value at risk is the CLV the customer takes with them: 100, 40, 30, then the
  // uncovered (NaN) and zero-CLV customers by index.
  const uint32_t order[] = {0, 2, 1, 5, 6};
  const uint8_t reasons[] = {kGap, kLow | kGap, kLow, kGap, kLow};
  const double value[] = {100, 40, 30, 0, 0};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r[i].customer, order[i]) << i;
    EXPECT_EQ(r[i].reasons, reasons[i]) << i;
    EXPECT_DOUBLE_EQ(r[i].value_at_risk, value[i]) << i;
  }
  EXPECT_DOUBLE_EQ(r[1].gap_days, 150);
  EXPECT_DOUBLE_EQ(r[1].usual_interval_days, 50);
  EXPECT_DOUBLE_EQ(r[1].p_alive, 0.1);
  EXPECT_DOUBLE_EQ(r[0].usual_interval_days, 25);
  EXPECT_DOUBLE_EQ(r[2].gap_days, 10);
  EXPECT_TRUE(std::isnan(r[3].p_alive));
  EXPECT_DOUBLE_EQ(r[3].usual_interval_days, 10);
  EXPECT_DOUBLE_EQ(r[4].usual_interval_days, 199.0 / 3);
}

TEST(ChurnRanking, OptionsChangeTheRules) {
  const Fixture f;
  ChurnOptions o;
  o.gap_multiple = 5;          // c0 (100 ≤ 125) and c2 (150 ≤ 250) lose the gap reason
  o.p_alive_threshold = 0.25;  // c6 (0.29) is no longer low
  std::vector<ChurnRisk> r = RankChurnRisk(f.Input(), o);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].customer, 2u);
  EXPECT_EQ(r[0].reasons, kLow);
  EXPECT_EQ(r[1].customer, 1u);
  EXPECT_EQ(r[2].customer, 5u);  // 180 > 5 × 10
  EXPECT_EQ(r[2].reasons, kGap);

  ChurnOptions three_days;
  three_days.min_purchase_days = 3;  // c2 (2 days) keeps only its low P(alive)
  r = RankChurnRisk(f.Input(), three_days);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[1].customer, 2u);
  EXPECT_EQ(r[1].reasons, kLow);
}

TEST(ChurnRanking, WithoutAPurchaseModel) {
  // No P(alive)/CLV at all: only the gap rule applies and nothing is valued.
  Fixture f;
  ChurnInput in = f.Input();
  in.p_alive = nullptr;
  in.clv = nullptr;
  const std::vector<ChurnRisk> r = RankChurnRisk(in, ChurnOptions{});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].customer, 0u);
  EXPECT_EQ(r[1].customer, 2u);
  EXPECT_EQ(r[2].customer, 5u);
  for (const ChurnRisk& x : r) {
    EXPECT_EQ(x.reasons, kGap);
    EXPECT_EQ(x.value_at_risk, 0.0);
    EXPECT_TRUE(std::isnan(x.p_alive));
  }
}

}  // namespace
}  // namespace guanxi::analytics
