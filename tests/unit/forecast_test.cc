#include "analytics/forecast.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace guanxi::analytics {
namespace {

constexpr int64_t kDay = 86400;
const std::vector<std::string> kOpen = {"customer_analysis", "build_trust",    "uncover_needs",
                                        "present_value",     "win_commitment", "collect_payment"};
const std::map<std::string, int> kRates = {{"customer_analysis", 500}, {"build_trust", 1000},
                                           {"uncover_needs", 2500},    {"present_value", 5000},
                                           {"win_commitment", 7500},   {"collect_payment", 9000}};

OpportunityPath Path(std::vector<StageVisit> visits, bool won, bool lost) {
  return OpportunityPath{std::move(visits), won, lost};
}

TEST(ForecastFormula, HandComputed) {
  FunnelFigures f;
  f.closed = 1'000'000;
  f.out_of_funnel = 20'000;
  f.open_by_stage = {{"customer_analysis", 1'000'000},  // × 5%  = 50000
                     {"present_value", 333'333},        // × 50% = 166666.5 → 166667
                     {"win_commitment", 10},            // × 75% = 7.5 → 8
                     {"retired_stage", 500}};           // no rate → 0
  ForecastResult r = Forecast(f, kRates);
  EXPECT_EQ(r.weighted_by_stage.at("customer_analysis"), 50'000);
  EXPECT_EQ(r.weighted_by_stage.at("present_value"), 166'667);
  EXPECT_EQ(r.weighted_by_stage.at("win_commitment"), 8);
  EXPECT_EQ(r.weighted_by_stage.at("retired_stage"), 0);
  EXPECT_EQ(r.open_weighted, 216'675);
  EXPECT_EQ(r.closed, 1'000'000);
  EXPECT_EQ(r.out_of_funnel, 20'000);
  EXPECT_EQ(r.cumulative_sales, 1'020'000);
  EXPECT_EQ(r.forecast, 1'236'675);
}

TEST(ForecastFormula, RoundsHalfUp) {
  FunnelFigures f;
  f.open_by_stage = {{"a", 1}, {"b", 1}, {"c", 3}};
  ForecastResult r = Forecast(f, {{"a", 5000}, {"b", 4999}, {"c", 8333}});
  EXPECT_EQ(r.weighted_by_stage.at("a"), 1);  // 0.5 → 1
  EXPECT_EQ(r.weighted_by_stage.at("b"), 0);  // 0.4999 → 0
  EXPECT_EQ(r.weighted_by_stage.at("c"), 2);  // 2.4999 → 2
  EXPECT_EQ(r.open_weighted, 3);
}

TEST(ForecastFormula, LargeAmountsDoNotOverflow) {
  FunnelFigures f;
  // A million opportunities of 1e12 fen each in one stage: ×10000 would overflow int64.
  f.open_by_stage = {{"collect_payment", 1'000'000'000'000'000'000}};
  ForecastResult r = Forecast(f, kRates);
  EXPECT_EQ(r.open_weighted, 900'000'000'000'000'000);
}

TEST(ForecastFormula, EmptyFunnel) {
  ForecastResult r = Forecast(FunnelFigures{}, kRates);
  EXPECT_EQ(r.forecast, 0);
  EXPECT_EQ(r.open_weighted, 0);
  EXPECT_TRUE(r.weighted_by_stage.empty());
  EXPECT_EQ(Coverage(r.forecast, 1'000), 0.0);
  EXPECT_TRUE(LearnWinRates({}, kOpen)[0].rate_bp == std::nullopt);
  auto flows = StageFlows({}, kOpen);
  ASSERT_EQ(flows.size(), 6u);
  EXPECT_EQ(flows[0].entered, 0);
  EXPECT_EQ(flows[0].conversion_rate, std::nullopt);
  EXPECT_EQ(flows[0].avg_days, std::nullopt);
}

TEST(ForecastCoverage, WithAndWithoutTarget) {
  EXPECT_DOUBLE_EQ(*Coverage(1'236'675, 2'000'000), 0.6183375);
  EXPECT_DOUBLE_EQ(*Coverage(3'000'000, 2'000'000), 1.5);
  EXPECT_EQ(Coverage(1'000, std::nullopt), std::nullopt);
  EXPECT_EQ(Coverage(1'000, 0), std::nullopt);
  EXPECT_EQ(Coverage(1'000, -5), std::nullopt);
}

TEST(ForecastProgress, WithAndWithoutTarget) {
  // [(1.5M − 1.2M) + (0.8M − 0.7M)] ÷ 2M = 0.2
  EXPECT_DOUBLE_EQ(*Progress(1'500'000, 1'200'000, 800'000, 700'000, 2'000'000), 0.2);
  // The funnel shrank more than sales grew: negative progress.
  EXPECT_DOUBLE_EQ(*Progress(1'000'000, 1'500'000, 900'000, 800'000, 1'000'000), -0.4);
  EXPECT_EQ(Progress(1, 0, 1, 0, std::nullopt), std::nullopt);
  EXPECT_EQ(Progress(1, 0, 1, 0, 0), std::nullopt);
}

TEST(ForecastLearnedRates, MovedBackCountsOnce) {
  const std::vector<std::string> open = {"customer_analysis", "build_trust", "uncover_needs",
                                         "present_value"};
  std::vector<OpportunityPath> paths = {
      Path({{"customer_analysis", 0}, {"build_trust", 1}, {"won", 2}}, true, false),
      // back from build_trust to customer_analysis and forward again, then lost
      Path({{"customer_analysis", 0},
            {"build_trust", 1},
            {"customer_analysis", 2},
            {"build_trust", 3},
            {"uncover_needs", 4},
            {"lost", 5}},
           false, true),
      Path({{"customer_analysis", 0}, {"lost", 1}}, false, true),
      Path({{"customer_analysis", 0}, {"build_trust", 1}}, false, false),  // open: ignored
      Path({{"customer_analysis", 0}, {"build_trust", 1}, {"uncover_needs", 2}, {"won", 3}}, true,
           false),
  };
  auto rates = LearnWinRates(paths, open);
  ASSERT_EQ(rates.size(), 4u);
  EXPECT_EQ(rates[0].stage, "customer_analysis");
  EXPECT_EQ(rates[0].passed, 4);
  EXPECT_EQ(rates[0].won, 2);
  EXPECT_EQ(rates[0].rate_bp, 5000);
  EXPECT_EQ(rates[1].passed, 3);
  EXPECT_EQ(rates[1].won, 2);
  EXPECT_EQ(rates[1].rate_bp, 6667);  // 0.66666… rounded
  EXPECT_EQ(rates[2].passed, 2);
  EXPECT_EQ(rates[2].won, 1);
  EXPECT_EQ(rates[2].rate_bp, 5000);
  EXPECT_EQ(rates[3].passed, 0);
  EXPECT_EQ(rates[3].rate_bp, std::nullopt);
}

TEST(ForecastLearnedRates, LostAfterCommitment) {
  std::vector<OpportunityPath> paths = {
      Path({{"present_value", 0}, {"win_commitment", 10}, {"lost", 20}}, false, true),
      Path({{"win_commitment", 0}, {"collect_payment", 5}, {"won", 9}}, true, false),
      Path({{"win_commitment", 0}, {"lost", 5}}, false, true),
  };
  auto rates = LearnWinRates(paths, {"win_commitment", "collect_payment"});
  EXPECT_EQ(rates[0].passed, 3);
  EXPECT_EQ(rates[0].won, 1);
  EXPECT_EQ(rates[0].rate_bp, 3333);
  EXPECT_EQ(rates[1].passed, 1);
  EXPECT_EQ(rates[1].rate_bp, 10000);
}

TEST(ForecastStageFlows, ConversionAndDays) {
  const std::vector<std::string> open = {"a", "b", "c"};
  std::vector<OpportunityPath> paths = {
      Path({{"a", 0}, {"b", 2 * kDay}, {"won", 5 * kDay}}, true, false),
      Path({{"a", 0},
            {"b", 1 * kDay},
            {"a", 3 * kDay},
            {"b", 4 * kDay},
            {"c", 10 * kDay},
            {"lost", 12 * kDay}},
           false, true),
      Path({{"a", 0}}, false, false),  // still in a: its visit has not ended
  };
  auto flows = StageFlows(paths, open);
  ASSERT_EQ(flows.size(), 3u);
  EXPECT_EQ(flows[0].stage, "a");
  EXPECT_EQ(flows[0].entered, 3);
  EXPECT_EQ(flows[0].advanced, 2);
  EXPECT_DOUBLE_EQ(*flows[0].conversion_rate, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*flows[0].avg_days, 4.0 / 3.0);  // visits of 2, 1 and 1 days
  EXPECT_EQ(flows[1].entered, 2);
  EXPECT_EQ(flows[1].advanced, 2);
  EXPECT_DOUBLE_EQ(*flows[1].conversion_rate, 1.0);
  EXPECT_DOUBLE_EQ(*flows[1].avg_days, 11.0 / 3.0);  // 3, 2 and 6 days
  EXPECT_EQ(flows[2].entered, 1);
  EXPECT_EQ(flows[2].advanced, 0);
  EXPECT_DOUBLE_EQ(*flows[2].conversion_rate, 0.0);
  EXPECT_DOUBLE_EQ(*flows[2].avg_days, 2.0);
}

TEST(ForecastStageFlows, MovedBackIsANewVisitNotAnAdvance) {
  std::vector<OpportunityPath> paths = {
      Path({{"a", 0}, {"b", kDay}, {"a", 3 * kDay}, {"a", 4 * kDay}}, false, false)};
  auto flows = StageFlows(paths, {"a", "b"});
  EXPECT_EQ(flows[0].entered, 1);
  EXPECT_EQ(flows[0].advanced, 1);
  EXPECT_DOUBLE_EQ(*flows[0].avg_days, 1.0);  // the second visit of a is still open
  EXPECT_EQ(flows[1].entered, 1);
  EXPECT_EQ(flows[1].advanced, 0);
  EXPECT_DOUBLE_EQ(*flows[1].avg_days, 2.0);
}

TEST(ForecastAccuracy, MeanAbsoluteErrors) {
  std::vector<SnapshotFigures> weeks(2);
  weeks[0].week_start = "2026-10-05";
  weeks[0].funnel.closed = 200'000;
  weeks[0].funnel.open_by_stage = {{"present_value", 1'000'000}};
  weeks[1].week_start = "2026-10-12";
  weeks[1].funnel.closed = 600'000;
  weeks[1].funnel.out_of_funnel = 50'000;
  weeks[1].funnel.open_by_stage = {{"present_value", 600'000}};
  AccuracyReport r =
      ForecastAccuracy(weeks, 1'000'000, {{"present_value", 5000}}, {{"present_value", 2500}});
  EXPECT_EQ(r.actual, 1'000'000);
  ASSERT_EQ(r.weeks.size(), 2u);
  EXPECT_EQ(r.weeks[0].week_start, "2026-10-05");
  EXPECT_EQ(r.weeks[0].forecast_configured, 700'000);
  EXPECT_EQ(r.weeks[0].forecast_learned, 450'000);
  EXPECT_EQ(r.weeks[0].closed_so_far, 200'000);
  EXPECT_EQ(r.weeks[1].forecast_configured, 950'000);
  EXPECT_EQ(r.weeks[1].forecast_learned, 800'000);
  EXPECT_EQ(r.weeks[1].closed_so_far, 650'000);
  EXPECT_EQ(r.mean_abs_error_configured, 175'000);  // (300000 + 50000) / 2
  EXPECT_EQ(r.mean_abs_error_learned, 375'000);     // (550000 + 200000) / 2
}

TEST(ForecastAccuracy, OverForecastAndRounding) {
  std::vector<SnapshotFigures> weeks(2);
  weeks[0].funnel.closed = 11;
  weeks[1].funnel.closed = 12;
  // |11 − 10| + |12 − 10| = 3 over 2 weeks = 1.5 → 2
  AccuracyReport r = ForecastAccuracy(weeks, 10, {}, {});
  EXPECT_EQ(r.mean_abs_error_configured, 2);
  EXPECT_EQ(r.mean_abs_error_learned, 2);
}

TEST(ForecastAccuracy, NoWeeks) {
  AccuracyReport r = ForecastAccuracy({}, 5'000, kRates, kRates);
  EXPECT_EQ(r.actual, 5'000);
  EXPECT_TRUE(r.weeks.empty());
  EXPECT_EQ(r.mean_abs_error_configured, std::nullopt);
  EXPECT_EQ(r.mean_abs_error_learned, std::nullopt);
}

}  // namespace
}  // namespace guanxi::analytics
