// Funnel arithmetic of METHODOLOGY.md §5 over plain figures: forecast,
// coverage, progress, learned win rates, stage conversion and days in stage,
// and forecast accuracy. Pure functions, no I/O; money in fen (int64), rates in
// basis points (0..10000).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace guanxi::analytics {

// What the forecast needs of one scope (person, team or company) and quarter.
struct FunnelFigures {
  int64_t closed = 0;                         // Σ won with close date in the quarter
  std::map<std::string, int64_t> open_by_stage;  // Σ open amount expected to close in it, per stage key
  int64_t out_of_funnel = 0;                  // Σ small orders outside any opportunity
};

struct ForecastResult {
  int64_t closed = 0;
  int64_t open_weighted = 0;
  int64_t out_of_funnel = 0;
  int64_t forecast = 0;          // closed + open_weighted + out_of_funnel
  int64_t cumulative_sales = 0;  // closed + out_of_funnel
  std::map<std::string, int64_t> weighted_by_stage;
};

// open_weighted = Σ_stage round_half_up(open_amount(stage) × rate(stage) / 10000);
// a stage missing from `rates_bp` weighs 0.
ForecastResult Forecast(const FunnelFigures& f, const std::map<std::string, int>& rates_bp);

// forecast ÷ target; nullopt when there is no target (nullopt or <= 0).
std::optional<double> Coverage(int64_t forecast, std::optional<int64_t> target);

// [(forecast_now − forecast_last_week) + (sales_now − sales_last_week)] ÷ target;
// nullopt without a target.
std::optional<double> Progress(int64_t forecast_now, int64_t forecast_last_week, int64_t sales_now,
                               int64_t sales_last_week, std::optional<int64_t> target);

// One opportunity's path for the rate and conversion statistics.
struct StageVisit {
  std::string stage;
  int64_t entered_at = 0;  // unix seconds
};
struct OpportunityPath {
  std::vector<StageVisit> visits;  // in time order, the current stage last
  bool won = false;
  bool lost = false;
};

struct LearnedRate {
  std::string stage;
  int64_t passed = 0;  // closed opportunities that were ever in the stage
  int64_t won = 0;     // ... and were won
  std::optional<int> rate_bp;  // round(won / passed × 10000); nullopt when passed = 0
};
// For each open stage key in `open_stages` (in order): among the closed paths
// (won or lost; open ones are ignored), the share that passed through it and were won.
std::vector<LearnedRate> LearnWinRates(const std::vector<OpportunityPath>& paths,
                                       const std::vector<std::string>& open_stages);

struct StageFlow {
  std::string stage;
  int64_t entered = 0;    // paths that were ever in the stage
  int64_t advanced = 0;   // ... and later reached a later open stage or won
  std::optional<double> conversion_rate;  // advanced / entered
  std::optional<double> avg_days;  // mean days spent per visit to the stage (visits that ended)
};
// Stage conversion and average days in stage, over paths; `now` closes nothing
// (a visit still open does not count for avg_days). A move back to an earlier
// stage is a new visit; "later" is by position in `open_stages`.
std::vector<StageFlow> StageFlows(const std::vector<OpportunityPath>& paths,
                                  const std::vector<std::string>& open_stages);

// One weekly snapshot's figures, replayed with two rate sets for accuracy.
struct AccuracyWeek {
  std::string week_start;
  int64_t forecast_configured = 0;
  int64_t forecast_learned = 0;
  int64_t closed_so_far = 0;  // cumulative sales at the snapshot
};
struct AccuracyReport {
  int64_t actual = 0;  // what was closed in the quarter (closed + out_of_funnel at its end)
  std::vector<AccuracyWeek> weeks;
  // Mean over weeks of |forecast − actual| (fen); nullopt with no weeks.
  std::optional<int64_t> mean_abs_error_configured;
  std::optional<int64_t> mean_abs_error_learned;
};
struct SnapshotFigures {
  std::string week_start;
  FunnelFigures funnel;
};
AccuracyReport ForecastAccuracy(const std::vector<SnapshotFigures>& weeks, int64_t actual,
                                const std::map<std::string, int>& configured_bp,
                                const std::map<std::string, int>& learned_bp);

}  // namespace guanxi::analytics
