// The funnel figures of METHODOLOGY.md §5 for a scope (a rep, a team or the
// company) and a quarter: forecast with coverage and progress, the kanban board,
// stage conversion, leaderboards, learned win rates and forecast accuracy. The
// arithmetic is analytics/forecast.h's; this class gathers the store's figures
// for the scope, keeps the weekly snapshots progress needs, and applies who may
// see what.
//
// Targets of a scope: a user's own target; a team's target, else the sum of its
// members' targets; the company's target, else the sum over teams (as above)
// plus the targets of users in no team. No target anywhere → nullopt.
//
// Weekly snapshots: the funnel of every owner as it stood at Monday 00:00
// (Asia/Shanghai) of a week, per quarter. The first forecast of a week takes the
// current week's snapshot (from history when nobody looked on Monday); storing
// is idempotent, so replicas racing to take it store it once.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analytics/forecast.h"
#include "domain/sales.h"
#include "domain/status.h"
#include "domain/user.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/sales_store.h"
#include "store/store.h"

namespace guanxi {

// Whose figures: one rep, one team or the whole company.
struct MetricScope {
  enum class Kind { kCompany, kTeam, kOwner };
  Kind kind = Kind::kCompany;
  int64_t id = 0;  // user id (kOwner) or team id (kTeam)
  VisibilityScope Visibility() const;
};

// A quarter's targets with the users and teams needed to sum them up.
struct TargetBook {
  std::vector<SalesTarget> targets;
  std::vector<User> users;
  std::vector<Team> teams;
  // The target of a scope by the rule above; nullopt when none applies.
  std::optional<int64_t> Of(const MetricScope& s) const;
};

struct StageFigure {
  Stage stage;
  int64_t count = 0;
  int64_t amount = 0;
  int64_t weighted = 0;
};

struct ForecastView {
  std::string quarter;
  analytics::ForecastResult now;
  std::optional<int64_t> target;
  std::optional<double> coverage;
  std::optional<double> progress;
  std::string week_start;  // the Monday whose snapshot is "last week"
  int64_t last_week_forecast = 0;
  int64_t last_week_cumulative_sales = 0;
  std::vector<StageFigure> by_stage;  // open stages in funnel order
};

struct BoardColumn {
  Stage stage;
  int64_t count = 0;  // every open opportunity in the stage (within scope and period)
  int64_t amount = 0;
  std::vector<Opportunity> items;  // up to kBoardColumnLimit, most recently updated first
};
inline constexpr int kBoardColumnLimit = 100;

struct FunnelStage {
  Stage stage;
  int64_t count = 0;   // opportunities active in the quarter that were ever in the stage
  int64_t amount = 0;  // ... their amounts
  std::optional<double> conversion_rate;
  std::optional<double> avg_days;
};

struct LeaderRow {
  User user;
  int64_t closed = 0;
  int64_t forecast = 0;
  int64_t activity = 0;  // opportunity events the user recorded in the quarter
  std::optional<int64_t> target;
  std::optional<double> coverage;
};

struct TeamRow {
  Team team;
  analytics::ForecastResult figures;
  std::optional<int64_t> target;
  std::optional<double> coverage;
  std::optional<double> progress;
};

struct LearnedStage {
  Stage stage;
  analytics::LearnedRate learned;
};
struct LearnedRates {
  std::string from;
  std::string to;
  std::vector<LearnedStage> items;  // open stages in funnel order
};

struct AccuracyView {
  std::string quarter;
  std::string learned_from;  // the 365 days before the quarter
  std::string learned_to;
  analytics::AccuracyReport report;
};

class FunnelMetrics {
 public:
  FunnelMetrics(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The scope named by an owner login or a team id (at most one), or the
  // caller's own (a rep: themself; a manager: their team; others: the company).
  // NotFound for an unknown login or team; PermissionDenied for one outside
  // what the caller may see; InvalidArgument when both are given.
  Result<MetricScope> ResolveScope(const Principal& p, const std::string& owner_login,
                                   std::optional<int64_t> team_id);

  // `quarter` "" means the current one; an invalid name is InvalidArgument (field "quarter").
  Result<ForecastView> Forecast(const MetricScope& s, const std::string& quarter);
  // Open opportunities by stage; `quarter` "" for every expected close date.
  Result<std::vector<BoardColumn>> Board(const MetricScope& s, const std::string& quarter);
  Result<std::vector<FunnelStage>> Funnel(const MetricScope& s, const std::string& quarter);
  // Users of the scope, by closed descending.
  Result<std::vector<LeaderRow>> Leaderboard(const MetricScope& s, const std::string& quarter);
  // Teams of the scope; a single rep's scope has none (PermissionDenied).
  Result<std::vector<TeamRow>> Teams(const MetricScope& s, const std::string& quarter);
  // Learned win rates over opportunities closed in [from, to]; "" = the last 365 days.
  Result<LearnedRates> Learned(const MetricScope& s, std::string from, std::string to);
  // A past or current quarter: weekly forecasts with configured and learned rates
  // against what was closed.
  Result<AccuracyView> Accuracy(const MetricScope& s, const std::string& quarter);

  // Stores this week's snapshot of `quarter` ("" = current) for every owner,
  // unless stored already. Returns the week's Monday.
  Result<std::string> TakeSnapshot(const std::string& quarter);

 private:
  Result<Quarter> QuarterOrCurrent(const std::string& name) const;
  std::string Today() const;
  // Makes sure the company-wide snapshots of `weeks` (Mondays, not in the future) exist.
  Status EnsureSnapshots(const Quarter& q, const std::vector<std::string>& weeks);
  Result<TargetBook> LoadTargets(const std::string& quarter);

  Store& store_;
  const Clock& clock_;
  std::mutex known_mu_;
  std::mutex build_mu_;  // held while missing snapshots are built
  std::set<std::string> known_weeks_;  // "2026Q4|2026-11-30" snapshots known to be stored
};

}  // namespace guanxi
