#include "analytics/forecast.h"

#include <set>

namespace guanxi::analytics {
namespace {

constexpr int64_t kRateScale = 10000;  // basis points per 1.0
constexpr double kSecondsPerDay = 86400.0;
constexpr const char* kWon = "won";

// round_half_up(amount × rate_bp / 10000) for amount ≥ 0, in 128 bits so that
// any int64 amount is safe.
int64_t Weigh(int64_t amount, int rate_bp) {
  if (amount <= 0 || rate_bp <= 0) return 0;
  const __int128 scaled = static_cast<__int128>(amount) * rate_bp + kRateScale / 2;
  return static_cast<int64_t>(scaled / kRateScale);
}

// round_half_up(num / den) for num ≥ 0, den > 0.
int64_t DivideRounded(__int128 num, __int128 den) {
  return static_cast<int64_t>((2 * num + den) / (2 * den));
}

__int128 AbsDiff(int64_t a, int64_t b) {
  const __int128 d = static_cast<__int128>(a) - b;
  return d < 0 ? -d : d;
}

// The visits with consecutive repeats of the same stage merged (an edit that
// does not change the stage is not a new visit).
std::vector<StageVisit> MergedVisits(const std::vector<StageVisit>& visits) {
  std::vector<StageVisit> out;
  for (const StageVisit& v : visits) {
    if (out.empty() || out.back().stage != v.stage) out.push_back(v);
  }
  return out;
}

bool Visited(const std::vector<StageVisit>& visits, const std::string& stage) {
  for (const StageVisit& v : visits) {
    if (v.stage == stage) return true;
  }
  return false;
}

}  // namespace

ForecastResult Forecast(const FunnelFigures& f, const std::map<std::string, int>& rates_bp) {
  ForecastResult r;
  r.closed = f.closed;
  r.out_of_funnel = f.out_of_funnel;
  for (const auto& [stage, amount] : f.open_by_stage) {
    const auto rate = rates_bp.find(stage);
    const int64_t weighted = rate == rates_bp.end() ? 0 : Weigh(amount, rate->second);
    r.weighted_by_stage[stage] = weighted;
    r.open_weighted += weighted;
  }
  r.cumulative_sales = r.closed + r.out_of_funnel;
  r.forecast = r.cumulative_sales + r.open_weighted;
  return r;
}

std::optional<double> Coverage(int64_t forecast, std::optional<int64_t> target) {
  if (!target.has_value() || *target <= 0) return std::nullopt;
  return static_cast<double>(forecast) / static_cast<double>(*target);
}

std::optional<double> Progress(int64_t forecast_now, int64_t forecast_last_week, int64_t sales_now,
                               int64_t sales_last_week, std::optional<int64_t> target) {
  if (!target.has_value() || *target <= 0) return std::nullopt;
  const double change = static_cast<double>(forecast_now - forecast_last_week) +
                        static_cast<double>(sales_now - sales_last_week);
  return change / static_cast<double>(*target);
}

std::vector<LearnedRate> LearnWinRates(const std::vector<OpportunityPath>& paths,
                                       const std::vector<std::string>& open_stages) {
  std::vector<LearnedRate> out;
  out.reserve(open_stages.size());
  for (const std::string& stage : open_stages) {
    LearnedRate r;
    r.stage = stage;
    for (const OpportunityPath& p : paths) {
      if (!p.won && !p.lost) continue;
      if (!Visited(p.visits, stage)) continue;  // several visits count once
      ++r.passed;
      if (p.won) ++r.won;
    }
    if (r.passed > 0)
      r.rate_bp =
          static_cast<int>(DivideRounded(static_cast<__int128>(r.won) * kRateScale, r.passed));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<StageFlow> StageFlows(const std::vector<OpportunityPath>& paths,
                                  const std::vector<std::string>& open_stages) {
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < open_stages.size(); ++i) position.emplace(open_stages[i], i);

  std::vector<StageFlow> out(open_stages.size());
  std::vector<double> days_sum(open_stages.size(), 0.0);
  std::vector<int64_t> days_count(open_stages.size(), 0);
  for (size_t i = 0; i < open_stages.size(); ++i) out[i].stage = open_stages[i];

  for (const OpportunityPath& p : paths) {
    const std::vector<StageVisit> visits = MergedVisits(p.visits);
    std::set<size_t> entered, advanced;
    for (size_t v = 0; v < visits.size(); ++v) {
      const auto pos = position.find(visits[v].stage);
      if (pos == position.end()) continue;  // won, lost or a stage no longer configured
      const size_t s = pos->second;
      entered.insert(s);
      if (p.won) advanced.insert(s);
      for (size_t w = v + 1; w < visits.size(); ++w) {
        const auto later = position.find(visits[w].stage);
        if (visits[w].stage == kWon || (later != position.end() && later->second > s)) {
          advanced.insert(s);
          break;
        }
      }
      if (v + 1 < visits.size()) {  // the visit ended when the next one began
        days_sum[s] +=
            static_cast<double>(visits[v + 1].entered_at - visits[v].entered_at) / kSecondsPerDay;
        ++days_count[s];
      }
    }
    for (size_t s : entered) ++out[s].entered;
    for (size_t s : advanced) ++out[s].advanced;
  }

  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].entered > 0) {
      out[i].conversion_rate =
          static_cast<double>(out[i].advanced) / static_cast<double>(out[i].entered);
    }
    if (days_count[i] > 0) out[i].avg_days = days_sum[i] / static_cast<double>(days_count[i]);
  }
  return out;
}

AccuracyReport ForecastAccuracy(const std::vector<SnapshotFigures>& weeks, int64_t actual,
                                const std::map<std::string, int>& configured_bp,
                                const std::map<std::string, int>& learned_bp) {
  AccuracyReport report;
  report.actual = actual;
  __int128 error_configured = 0, error_learned = 0;
  for (const SnapshotFigures& s : weeks) {
    AccuracyWeek w;
    w.week_start = s.week_start;
    const ForecastResult configured = Forecast(s.funnel, configured_bp);
    w.forecast_configured = configured.forecast;
    w.forecast_learned = Forecast(s.funnel, learned_bp).forecast;
    w.closed_so_far = configured.cumulative_sales;
    error_configured += AbsDiff(w.forecast_configured, actual);
    error_learned += AbsDiff(w.forecast_learned, actual);
    report.weeks.push_back(std::move(w));
  }
  if (!weeks.empty()) {
    const auto n = static_cast<__int128>(weeks.size());
    report.mean_abs_error_configured = DivideRounded(error_configured, n);
    report.mean_abs_error_learned = DivideRounded(error_learned, n);
  }
  return report;
}

}  // namespace guanxi::analytics
