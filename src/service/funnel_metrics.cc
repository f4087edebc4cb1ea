#include "service/funnel_metrics.h"

#include <algorithm>
#include <map>

#include "service/sales_access.h"

namespace guanxi {
namespace {

constexpr int kLearnedWindowDays = 365;
// A period wide enough to hold every expected close date (board without a quarter).
constexpr char kFirstDayEver[] = "0001-01-01";
constexpr char kLastDayEver[] = "9999-12-31";

struct Figures {
  analytics::FunnelFigures funnel;
  std::map<std::string, int64_t> counts;  // open opportunities per stage
};

void Add(Figures& f, const OwnerFunnel& row) {
  f.funnel.closed += row.closed;
  f.funnel.out_of_funnel += row.out_of_funnel;
  for (const auto& [stage, sum] : row.open) {
    f.funnel.open_by_stage[stage] += sum.amount;
    f.counts[stage] += sum.count;
  }
}

std::map<std::string, int> RatesOf(const std::vector<Stage>& stages) {
  std::map<std::string, int> rates;
  for (const auto& s : stages) rates[s.key] = s.win_rate_bp;
  return rates;
}

std::vector<std::string> OpenKeys(const std::vector<Stage>& stages) {
  std::vector<std::string> keys;
  for (const auto& s : stages) {
    if (s.kind == StageKind::kOpen) keys.push_back(s.key);
  }
  return keys;
}

std::map<int64_t, std::optional<int64_t>> TeamsOfUsers(const std::vector<User>& users) {
  std::map<int64_t, std::optional<int64_t>> teams;
  for (const auto& u : users) teams[u.id] = u.team_id;
  return teams;
}

// The path of one opportunity for the rate and conversion statistics.
analytics::OpportunityPath PathOf(const OpportunityTrack& t,
                                  const std::map<std::string, StageKind>& kinds) {
  analytics::OpportunityPath path;
  for (const auto& e : t.events) {
    if (e.kind != "create" && e.kind != "stage") continue;
    if (!path.visits.empty() && path.visits.back().stage == e.to_stage) continue;
    path.visits.push_back({e.to_stage, e.at});
  }
  auto kind = kinds.find(t.stage);
  if (kind != kinds.end()) {
    path.won = kind->second == StageKind::kWon;
    path.lost = kind->second == StageKind::kLost;
  }
  return path;
}

std::map<std::string, StageKind> KindsOf(const std::vector<Stage>& stages) {
  std::map<std::string, StageKind> kinds;
  for (const auto& s : stages) kinds[s.key] = s.kind;
  return kinds;
}

std::string SnapshotKey(const std::string& quarter, const std::string& week) {
  return quarter + "|" + week;
}

}  // namespace

VisibilityScope MetricScope::Visibility() const {
  switch (kind) {
    case Kind::kCompany:
      return {VisibilityScope::Kind::kAll, 0};
    case Kind::kTeam:
      return {VisibilityScope::Kind::kTeam, id};
    case Kind::kOwner:
      return {VisibilityScope::Kind::kOwner, id};
  }
  return {VisibilityScope::Kind::kAll, 0};
}

Result<MetricScope> FunnelMetrics::ResolveScope(const Principal& p, const std::string& owner_login,
                                                std::optional<int64_t> team_id) {
  if (!owner_login.empty() && team_id) {
    return Status::InvalidArgument("give owner or team, not both",
                                   {{"team", "cannot be combined with owner"}});
  }
  if (!owner_login.empty()) {
    auto user = store_.GetUserByLogin(owner_login);
    if (!user.ok()) return Status::NotFound("no user with login " + owner_login);
    if (!CanSeeOwner(store_, p, user->id)) {
      return Status::PermissionDenied("the figures of " + owner_login +
                                      " are outside what you may see");
    }
    return MetricScope{MetricScope::Kind::kOwner, user->id};
  }
  if (team_id) {
    auto team = store_.GetTeam(*team_id);
    if (!team.ok()) return Status::NotFound("team " + std::to_string(*team_id) + " not found");
    VisibilityScope mine = CustomerScope(p);
    if (mine.kind != VisibilityScope::Kind::kAll &&
        !(mine.kind == VisibilityScope::Kind::kTeam && mine.id == *team_id)) {
      return Status::PermissionDenied("the figures of team " + team->name +
                                      " are outside what you may see");
    }
    return MetricScope{MetricScope::Kind::kTeam, *team_id};
  }
  VisibilityScope mine = CustomerScope(p);
  switch (mine.kind) {
    case VisibilityScope::Kind::kAll:
      return MetricScope{MetricScope::Kind::kCompany, 0};
    case VisibilityScope::Kind::kTeam:
      return MetricScope{MetricScope::Kind::kTeam, mine.id};
    case VisibilityScope::Kind::kOwner:
      return MetricScope{MetricScope::Kind::kOwner, mine.id};
  }
  return MetricScope{MetricScope::Kind::kOwner, p.user_id};
}

std::string FunnelMetrics::Today() const { return BusinessDay(clock_.Now()); }

Result<Quarter> FunnelMetrics::QuarterOrCurrent(const std::string& name) const {
  if (name.empty()) return QuarterOf(Today());
  auto q = ParseQuarter(name);
  if (!q) return Status::InvalidField("quarter", "must be a quarter like 2026Q4");
  return *q;
}

Result<TargetBook> FunnelMetrics::LoadTargets(const std::string& quarter) {
  TargetBook book;
  GX_ASSIGN_OR_RETURN(book.targets, store_.Sales().ListTargets(quarter));
  GX_ASSIGN_OR_RETURN(book.users, store_.ListUsers());
  GX_ASSIGN_OR_RETURN(book.teams, store_.ListTeams());
  return book;
}

std::optional<int64_t> TargetBook::Of(const MetricScope& s) const {
  auto find = [&](TargetScope scope, std::optional<int64_t> subject) -> std::optional<int64_t> {
    for (const auto& t : targets) {
      if (t.scope == scope && t.subject_id == subject) return t.amount;
    }
    return std::nullopt;
  };
  auto add = [](std::optional<int64_t>& sum, std::optional<int64_t> v) {
    if (v) sum = sum.value_or(0) + *v;
  };
  auto team_target = [&](int64_t team_id) {
    if (auto t = find(TargetScope::kTeam, team_id)) return t;
    std::optional<int64_t> sum;
    for (const auto& u : users) {
      if (u.team_id == team_id) add(sum, find(TargetScope::kUser, u.id));
    }
    return sum;
  };
  switch (s.kind) {
    case MetricScope::Kind::kOwner:
      return find(TargetScope::kUser, s.id);
    case MetricScope::Kind::kTeam:
      return team_target(s.id);
    case MetricScope::Kind::kCompany: {
      if (auto t = find(TargetScope::kCompany, std::nullopt)) return t;
      std::optional<int64_t> sum;
      for (const auto& t : teams) add(sum, team_target(t.id));
      for (const auto& u : users) {
        if (!u.team_id) add(sum, find(TargetScope::kUser, u.id));
      }
      return sum;
    }
  }
  return std::nullopt;
}

Status FunnelMetrics::EnsureSnapshots(const Quarter& q, const std::vector<std::string>& weeks) {
  std::vector<std::string> missing;
  {
    std::lock_guard lock(known_mu_);
    for (const auto& w : weeks) {
      if (!known_weeks_.count(SnapshotKey(q.Name(), w))) missing.push_back(w);
    }
  }
  if (missing.empty()) return Status::Ok();
  // One builder at a time: a week rebuilt from history can take seconds on a
  // large database, and requests arriving meanwhile should wait for it rather
  // than rebuild it too.
  std::lock_guard build(build_mu_);
  {
    std::lock_guard lock(known_mu_);
    std::erase_if(missing, [&](const std::string& w) { return known_weeks_.count(SnapshotKey(q.Name(), w)) > 0; });
  }
  for (const auto& w : missing) {
    GX_ASSIGN_OR_RETURN(auto stored,
                        store_.Sales().Snapshots({VisibilityScope::Kind::kAll, 0}, q.Name(), w));
    if (!stored.empty()) continue;
    GX_ASSIGN_OR_RETURN(auto rows,
                        store_.Sales().FunnelAsOf({VisibilityScope::Kind::kAll, 0}, q.first_day,
                                                  q.last_day, StartOfBusinessDay(w)));
    std::vector<ForecastSnapshot> snapshots;
    snapshots.reserve(rows.size());
    for (auto& row : rows) snapshots.push_back({q.Name(), w, clock_.Now(), std::move(row)});
    GX_RETURN_IF_ERROR(store_.Sales().SaveSnapshots(snapshots));
  }
  std::lock_guard lock(known_mu_);
  for (const auto& w : missing) known_weeks_.insert(SnapshotKey(q.Name(), w));
  return Status::Ok();
}

Result<std::string> FunnelMetrics::TakeSnapshot(const std::string& quarter) {
  GX_ASSIGN_OR_RETURN(Quarter q, QuarterOrCurrent(quarter));
  std::string week = WeekStart(Today());
  GX_RETURN_IF_ERROR(EnsureSnapshots(q, {week}));
  return week;
}

Result<ForecastView> FunnelMetrics::Forecast(const MetricScope& s, const std::string& quarter) {
  GX_ASSIGN_OR_RETURN(Quarter q, QuarterOrCurrent(quarter));
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  const auto rates = RatesOf(stages);
  const VisibilityScope vs = s.Visibility();

  Figures now;
  GX_ASSIGN_OR_RETURN(auto rows, store_.Sales().FunnelByOwner(vs, q.first_day, q.last_day));
  for (const auto& row : rows) Add(now, row);

  ForecastView v;
  v.quarter = q.Name();
  v.now = analytics::Forecast(now.funnel, rates);
  GX_ASSIGN_OR_RETURN(auto book, LoadTargets(v.quarter));
  v.target = book.Of(s);
  v.coverage = analytics::Coverage(v.now.forecast, v.target);

  // "Last week" is the funnel as it stood at this week's Monday 00:00; for a
  // past quarter, at the Monday of its last week.
  v.week_start = WeekStart(std::min(Today(), q.last_day));
  GX_RETURN_IF_ERROR(EnsureSnapshots(q, {v.week_start}));
  GX_ASSIGN_OR_RETURN(auto snapshots, store_.Sales().Snapshots(vs, v.quarter, v.week_start));
  Figures last;
  for (const auto& snap : snapshots) {
    if (snap.week_start == v.week_start) Add(last, snap.funnel);
  }
  auto last_result = analytics::Forecast(last.funnel, rates);
  v.last_week_forecast = last_result.forecast;
  v.last_week_cumulative_sales = last_result.cumulative_sales;
  v.progress = analytics::Progress(v.now.forecast, v.last_week_forecast, v.now.cumulative_sales,
                                   v.last_week_cumulative_sales, v.target);

  for (const auto& st : stages) {
    if (st.kind != StageKind::kOpen) continue;
    StageFigure f;
    f.stage = st;
    f.count = now.counts[st.key];
    f.amount = now.funnel.open_by_stage[st.key];
    auto w = v.now.weighted_by_stage.find(st.key);
    f.weighted = w == v.now.weighted_by_stage.end() ? 0 : w->second;
    v.by_stage.push_back(std::move(f));
  }
  return v;
}

Result<std::vector<BoardColumn>> FunnelMetrics::Board(const MetricScope& s,
                                                      const std::string& quarter) {
  std::string first = kFirstDayEver, last = kLastDayEver;
  if (!quarter.empty()) {
    GX_ASSIGN_OR_RETURN(Quarter q, QuarterOrCurrent(quarter));
    first = q.first_day;
    last = q.last_day;
  }
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  const VisibilityScope vs = s.Visibility();
  GX_ASSIGN_OR_RETURN(auto rows, store_.Sales().FunnelByOwner(vs, first, last));
  Figures totals;
  for (const auto& row : rows) Add(totals, row);
  std::vector<BoardColumn> columns;
  for (const auto& st : stages) {
    if (st.kind != StageKind::kOpen) continue;
    BoardColumn c;
    c.stage = st;
    c.count = totals.counts[st.key];
    c.amount = totals.funnel.open_by_stage[st.key];
    if (c.count > 0) {
      OpportunityQuery oq;
      oq.scope = vs;
      oq.stage = st.key;
      oq.status = OpportunityStatus::kOpen;
      if (!quarter.empty()) {
        oq.close_from = first;
        oq.close_to = last;
      }
      oq.limit = kBoardColumnLimit;
      GX_ASSIGN_OR_RETURN(auto page, store_.Sales().ListOpportunities(oq));
      c.items = std::move(page.items);
    }
    columns.push_back(std::move(c));
  }
  return columns;
}

Result<std::vector<FunnelStage>> FunnelMetrics::Funnel(const MetricScope& s,
                                                       const std::string& quarter) {
  GX_ASSIGN_OR_RETURN(Quarter q, QuarterOrCurrent(quarter));
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  GX_ASSIGN_OR_RETURN(auto tracks, store_.Sales().Tracks(s.Visibility(), q.first_day, q.last_day));
  const auto kinds = KindsOf(stages);
  const auto open = OpenKeys(stages);
  std::vector<analytics::OpportunityPath> paths;
  std::map<std::string, std::pair<int64_t, int64_t>> seen;  // stage → (count, amount)
  for (const auto& t : tracks) {
    paths.push_back(PathOf(t, kinds));
    std::set<std::string> visited;
    for (const auto& v : paths.back().visits) visited.insert(v.stage);
    for (const auto& key : visited) {
      seen[key].first += 1;
      seen[key].second += t.amount;
    }
  }
  auto flows = analytics::StageFlows(paths, open);
  std::vector<FunnelStage> out;
  for (const auto& st : stages) {
    if (st.kind != StageKind::kOpen) continue;
    FunnelStage f;
    f.stage = st;
    f.count = seen[st.key].first;
    f.amount = seen[st.key].second;
    for (const auto& flow : flows) {
      if (flow.stage == st.key) {
        f.conversion_rate = flow.conversion_rate;
        f.avg_days = flow.avg_days;
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<LeaderRow>> FunnelMetrics::Leaderboard(const MetricScope& s,
                                                          const std::string& quarter) {
  GX_ASSIGN_OR_RETURN(Quarter q, QuarterOrCurrent(quarter));
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  const auto rates = RatesOf(stages);
  const VisibilityScope vs = s.Visibility();
  GX_ASSIGN_OR_RETURN(auto rows, store_.Sales().FunnelByOwner(vs, q.first_day, q.last_day));
  GX_ASSIGN_OR_RETURN(auto activity,
                      store_.Sales().ActivityByUser(vs, StartOfBusinessDay(q.first_day),
                                                    StartOfBusinessDay(AddDays(q.last_day, 1))));
  GX_ASSIGN_OR_RETURN(auto book, LoadTargets(q.Name()));
  const auto& users = book.users;
  std::map<int64_t, Figures> by_owner;
  for (const auto& row : rows) {
    if (row.owner_user_id) Add(by_owner[*row.owner_user_id], row);
  }
  auto in_scope = [&](const User& u) {
    switch (s.kind) {
      case MetricScope::Kind::kCompany:
        return true;
      case MetricScope::Kind::kTeam:
        return u.team_id == s.id;
      case MetricScope::Kind::kOwner:
        return u.id == s.id;
    }
    return false;
  };
  std::vector<LeaderRow> out;
  for (const auto& u : users) {
    if (!in_scope(u)) continue;
    bool has_figures = by_owner.count(u.id) || activity.count(u.id);
    bool sells = u.role == Role::kSales || u.role == Role::kManager;
    if (!has_figures && (!sells || u.disabled)) continue;
    LeaderRow r;
    r.user = u;
    r.user.password_hash.clear();
    auto f = analytics::Forecast(by_owner[u.id].funnel, rates);
    r.closed = f.closed;
    r.forecast = f.forecast;
    auto a = activity.find(u.id);
    r.activity = a == activity.end() ? 0 : a->second;
    r.target = book.Of(MetricScope{MetricScope::Kind::kOwner, u.id});
    r.coverage = analytics::Coverage(r.forecast, r.target);
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const LeaderRow& a, const LeaderRow& b) {
    if (a.closed != b.closed) return a.closed > b.closed;
    return a.user.id < b.user.id;
  });
  return out;
}

Result<std::vector<TeamRow>> FunnelMetrics::Teams(const MetricScope& s,
                                                  const std::string& quarter) {
  if (s.kind == MetricScope::Kind::kOwner) {
    return Status::PermissionDenied("team figures need a team or company scope");
  }
  GX_ASSIGN_OR_RETURN(Quarter q, QuarterOrCurrent(quarter));
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  const auto rates = RatesOf(stages);
  const VisibilityScope vs = s.Visibility();
  GX_ASSIGN_OR_RETURN(auto book, LoadTargets(q.Name()));
  const auto team_of = TeamsOfUsers(book.users);
  auto team_of_owner = [&](const std::optional<int64_t>& owner) -> std::optional<int64_t> {
    if (!owner) return std::nullopt;
    auto it = team_of.find(*owner);
    return it == team_of.end() ? std::nullopt : it->second;
  };
  GX_ASSIGN_OR_RETURN(auto rows, store_.Sales().FunnelByOwner(vs, q.first_day, q.last_day));
  const std::string week = WeekStart(std::min(Today(), q.last_day));
  GX_RETURN_IF_ERROR(EnsureSnapshots(q, {week}));
  GX_ASSIGN_OR_RETURN(auto snapshots, store_.Sales().Snapshots(vs, q.Name(), week));
  std::map<int64_t, Figures> now, last;
  for (const auto& row : rows) {
    if (auto t = team_of_owner(row.owner_user_id)) Add(now[*t], row);
  }
  for (const auto& snap : snapshots) {
    if (snap.week_start != week) continue;
    if (auto t = team_of_owner(snap.funnel.owner_user_id)) Add(last[*t], snap.funnel);
  }
  std::vector<TeamRow> out;
  for (const auto& t : book.teams) {
    if (s.kind == MetricScope::Kind::kTeam && t.id != s.id) continue;
    TeamRow r;
    r.team = t;
    r.figures = analytics::Forecast(now[t.id].funnel, rates);
    auto before = analytics::Forecast(last[t.id].funnel, rates);
    r.target = book.Of(MetricScope{MetricScope::Kind::kTeam, t.id});
    r.coverage = analytics::Coverage(r.figures.forecast, r.target);
    r.progress = analytics::Progress(r.figures.forecast, before.forecast,
                                     r.figures.cumulative_sales, before.cumulative_sales, r.target);
    out.push_back(std::move(r));
  }
  return out;
}

Result<LearnedRates> FunnelMetrics::Learned(const MetricScope& s, std::string from,
                                            std::string to) {
  if (to.empty()) to = Today();
  if (from.empty()) from = AddDays(to, -kLearnedWindowDays);
  if (!IsValidDate(from)) return Status::InvalidField("from", "must be a day YYYY-MM-DD");
  if (!IsValidDate(to)) return Status::InvalidField("to", "must be a day YYYY-MM-DD");
  if (from > to) return Status::InvalidField("from", "must not be after to");
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  GX_ASSIGN_OR_RETURN(auto tracks, store_.Sales().Tracks(s.Visibility(), from, to));
  const auto kinds = KindsOf(stages);
  std::vector<analytics::OpportunityPath> paths;
  for (const auto& t : tracks) {
    if (!t.closed_on.empty() && t.closed_on >= from && t.closed_on <= to)
      paths.push_back(PathOf(t, kinds));
  }
  auto learned = analytics::LearnWinRates(paths, OpenKeys(stages));
  LearnedRates out{from, to, {}};
  for (const auto& st : stages) {
    if (st.kind != StageKind::kOpen) continue;
    LearnedStage ls{st, {st.key, 0, 0, std::nullopt}};
    for (const auto& l : learned) {
      if (l.stage == st.key) ls.learned = l;
    }
    out.items.push_back(std::move(ls));
  }
  return out;
}

Result<AccuracyView> FunnelMetrics::Accuracy(const MetricScope& s, const std::string& quarter) {
  GX_ASSIGN_OR_RETURN(Quarter q, QuarterOrCurrent(quarter));
  const std::string today = Today();
  if (q.first_day > today)
    return Status::InvalidField("quarter", "must be a past or the current quarter");
  const std::string until = std::min(today, q.last_day);
  std::vector<std::string> weeks;
  std::string monday = WeekStart(q.first_day);
  if (monday < q.first_day) monday = AddDays(monday, 7);
  for (; monday <= until; monday = AddDays(monday, 7)) weeks.push_back(monday);
  GX_RETURN_IF_ERROR(EnsureSnapshots(q, weeks));

  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  const auto configured = RatesOf(stages);
  const VisibilityScope vs = s.Visibility();
  GX_ASSIGN_OR_RETURN(auto snapshots, store_.Sales().Snapshots(vs, q.Name(), ""));
  std::map<std::string, Figures> by_week;
  for (const auto& w : weeks) by_week[w];
  for (const auto& snap : snapshots) {
    auto it = by_week.find(snap.week_start);
    if (it != by_week.end()) Add(it->second, snap.funnel);
  }
  std::vector<analytics::SnapshotFigures> figures;
  for (const auto& [week, f] : by_week) figures.push_back({week, f.funnel});

  Figures actual;
  GX_ASSIGN_OR_RETURN(auto rows, store_.Sales().FunnelByOwner(vs, q.first_day, q.last_day));
  for (const auto& row : rows) Add(actual, row);

  AccuracyView v;
  v.quarter = q.Name();
  v.learned_from = AddDays(q.first_day, -kLearnedWindowDays);
  v.learned_to = AddDays(q.first_day, -1);
  GX_ASSIGN_OR_RETURN(auto learned, Learned(s, v.learned_from, v.learned_to));
  auto learned_rates = configured;
  for (const auto& l : learned.items) {
    if (l.learned.rate_bp) learned_rates[l.stage.key] = *l.learned.rate_bp;
  }
  v.report = analytics::ForecastAccuracy(
      figures, actual.funnel.closed + actual.funnel.out_of_funnel, configured, learned_rates);
  return v;
}

}  // namespace guanxi
