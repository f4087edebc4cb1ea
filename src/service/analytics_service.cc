#include "service/analytics_service.h"

#include <cstdio>
#include <exception>
#include <map>
#include <unordered_map>

#include "domain/sales.h"
#include "service/analytics_pipeline.h"
#include "service/analytics_report.h"
#include "service/sales_access.h"
#include "store/sales_store.h"

namespace guanxi {

namespace {

constexpr int kMaxListLimit = 5000;

bool MayRecompute(const Principal& p) { return p.role == Role::kAdmin || p.role == Role::kAnalyst; }

Status CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return Status::InvalidArgument("invalid query parameters",
                                   {{"limit", "must be between 1 and " + std::to_string(kMaxListLimit)}});
  }
  return Status::Ok();
}

}  // namespace

std::string AnalyticsService::Today() const { return BusinessDay(clock_.Now()); }

int AnalyticsService::LocalHour() const {
  const UnixSeconds local = clock_.Now() + analytics::kDefaultUtcOffsetSeconds;
  const int64_t second_of_day = ((local % 86400) + 86400) % 86400;
  return static_cast<int>(second_of_day / 3600);
}

// --- settings ------------------------------------------------------------------

Result<AnalyticsSettings> AnalyticsService::Settings() {
  GX_ASSIGN_OR_RETURN(std::string json, store_.Analytics().Settings());
  AnalyticsSettings s;
  if (Status st = ReadAnalyticsSettings(json, s); !st.ok()) {
    return Status::Internal("stored analytics settings are invalid: " + st.message());
  }
  return s;
}

Result<AnalyticsSettings> AnalyticsService::UpdateSettings(const Principal& p,
                                                           const AnalyticsSettings& s) {
  if (!MayRecompute(p)) return Status::PermissionDenied("only admin and analyst change analytics settings");
  GX_RETURN_IF_ERROR(ValidateAnalyticsSettings(s));
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "analytics_setting";
  a.action = "update";
  a.after = AnalyticsSettingsJson(s);
  GX_RETURN_IF_ERROR(store_.Analytics().SaveSettings(a.after, a));
  return Settings();
}

// --- runs ----------------------------------------------------------------------

Result<AnalyticsRun> AnalyticsService::Recompute(const Principal& p) {
  if (!MayRecompute(p)) return Status::PermissionDenied("only admin and analyst recompute analytics");
  AnalyticsRun run;
  run.trigger = "manual";
  if (p.user_id) run.user_id = p.user_id;
  AuditEntry a;
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "analytics_run";
  a.action = "create";
  GX_ASSIGN_OR_RETURN(std::optional<AnalyticsRun> done, StartAndRun(std::move(run), std::move(a)));
  if (!done) return Status::Internal("a manual analytics run was not inserted");
  return *done;
}

Result<std::optional<AnalyticsRun>> AnalyticsService::RunScheduled(const std::string& schedule_key) {
  AnalyticsRun run;
  run.trigger = "schedule";
  run.schedule_key = schedule_key;
  return StartAndRun(std::move(run), AuditEntry{});  // entity "": no audit row
}

Result<std::optional<AnalyticsRun>> AnalyticsService::RunInitialIfNone() {
  GX_ASSIGN_OR_RETURN(std::optional<AnalyticsRun> latest, store_.Analytics().LatestRun());
  if (latest) return std::optional<AnalyticsRun>();
  GX_ASSIGN_OR_RETURN(int64_t orders, store_.Sales().CountOrders());
  if (orders == 0) return std::optional<AnalyticsRun>();
  return RunScheduled(kInitialScheduleKey);
}

Result<std::optional<AnalyticsRun>> AnalyticsService::StartAndRun(AnalyticsRun run, AuditEntry audit) {
  std::lock_guard lock(recompute_mu_);
  GX_ASSIGN_OR_RETURN(AnalyticsSettings settings, Settings());
  const UnixSeconds started = clock_.Now();
  const std::string as_of = Today();
  run.started_at = started;
  run.as_of = as_of;
  run.settings = AnalyticsSettingsJson(settings);
  audit.at = started;
  GX_ASSIGN_OR_RETURN(std::optional<int64_t> id, store_.Analytics().StartRun(run, audit));
  if (!id) return std::optional<AnalyticsRun>();

  PipelineInput in;
  GX_ASSIGN_OR_RETURN(in.tx, LoadTransactions(store_));
  GX_ASSIGN_OR_RETURN(auto potentials, store_.Analytics().PurchasePotentials());
  std::unordered_map<int64_t, int64_t> potential_of(potentials.begin(), potentials.end());
  in.potential_fen.assign(in.tx.customer_count(), 0);
  for (size_t i = 0; i < in.tx.customer_count(); ++i) {
    auto it = potential_of.find(std::stoll(in.tx.customer_keys[i]));
    if (it != potential_of.end()) in.potential_fen[i] = it->second;
  }
  GX_ASSIGN_OR_RETURN(in.baskets, LoadBaskets(store_, &in.product_names));

  const int32_t as_of_day = *analytics::DayFromIso(as_of);
  PipelineOutput out;
  try {
    out = RunAnalyticsPipeline(in, settings, as_of_day, *id, started);
  } catch (const std::exception& e) {
    // The models reject inputs they cannot fit (std::invalid_argument); the run stays
    // unfinished and the caller gets the reason.
    return Status::Internal(std::string("analytics run failed: ") + e.what());
  }
  GX_RETURN_IF_ERROR(store_.Analytics().ReplaceMetrics(*id, out.metrics));
  GX_RETURN_IF_ERROR(store_.Analytics().FinishRun(*id, clock_.Now(), out.report_json));
  GX_ASSIGN_OR_RETURN(AnalyticsRun done, store_.Analytics().GetRun(*id));
  return std::optional<AnalyticsRun>(std::move(done));
}

Result<AnalyticsRun> AnalyticsService::LatestRun() {
  GX_ASSIGN_OR_RETURN(std::optional<AnalyticsRun> run, store_.Analytics().LatestRun());
  if (!run) return Status::NotFound("no analytics run yet");
  return *run;
}

Result<AnalyticsSettings> AnalyticsService::LatestRunSettings() {
  GX_ASSIGN_OR_RETURN(std::optional<AnalyticsRun> run, store_.Analytics().LatestRun());
  AnalyticsSettings s;
  if (run && ReadAnalyticsSettings(run->settings, s).ok()) return s;
  return Settings();
}

// --- per-customer lists ----------------------------------------------------------

Result<std::vector<ChurnEntry>> AnalyticsService::Churn(const Principal& p, const std::string& owner,
                                                        int limit) {
  GX_RETURN_IF_ERROR(CheckLimit(limit));
  MetricListQuery q;
  q.scope = CustomerScope(p);
  q.limit = limit;
  if (owner == "me") {
    q.owner_user_id = p.user_id;
  } else if (!owner.empty()) {
    auto user = store_.GetUserByLogin(owner);
    if (!user.ok()) {
      if (user.status().code() == StatusCode::kNotFound) {
        return Status::InvalidArgument("invalid query parameters", {{"owner", "no such user"}});
      }
      return user.status();
    }
    q.owner_user_id = user->id;
  }
  // Reasons by the thresholds the figures were computed with.
  GX_ASSIGN_OR_RETURN(AnalyticsSettings s, LatestRunSettings());
  GX_ASSIGN_OR_RETURN(std::vector<CustomerMetricRow> rows, store_.Analytics().ChurnList(q));
  std::map<int64_t, std::string> logins;
  std::vector<ChurnEntry> out;
  out.reserve(rows.size());
  for (CustomerMetricRow& row : rows) {
    ChurnEntry e;
    const CustomerMetric& m = row.metric;
    if (m.p_alive && *m.p_alive < s.p_alive_threshold) e.reasons.push_back("low_p_alive");
    if (m.usual_interval_days && m.recency_days &&
        static_cast<double>(*m.recency_days) > s.gap_multiple * *m.usual_interval_days) {
      e.reasons.push_back("long_gap");
    }
    if (row.owner_user_id) {
      auto it = logins.find(*row.owner_user_id);
      if (it == logins.end()) {
        auto user = store_.GetUser(*row.owner_user_id);
        it = logins.emplace(*row.owner_user_id, user.ok() ? user->login : std::string()).first;
      }
      e.owner_login = it->second;
    }
    e.row = std::move(row);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<CustomerMetricRow>> AnalyticsService::TopClv(const Principal& p, int limit) {
  GX_RETURN_IF_ERROR(CheckLimit(limit));
  MetricListQuery q;
  q.scope = CustomerScope(p);
  q.limit = limit;
  return store_.Analytics().TopClv(q);
}

Result<AttackDefendView> AnalyticsService::AttackDefend(const Principal& p, int limit) {
  GX_RETURN_IF_ERROR(CheckLimit(limit));
  MetricListQuery q;
  q.scope = CustomerScope(p);
  q.limit = limit;
  AttackDefendView v;
  GX_ASSIGN_OR_RETURN(v.items, store_.Analytics().AttackDefendPoints(q));
  GX_ASSIGN_OR_RETURN(AnalyticsSettings s, LatestRunSettings());
  v.share_threshold = s.share_threshold;
  // The threshold the latest run used (the median when not configured), from its report.
  auto run = store_.Analytics().LatestRun();
  if (run.ok() && *run) {
    v.potential_threshold_fen = ReportPotentialThreshold((*run)->report).value_or(0);
  }
  return v;
}

Result<CustomerMetric> AnalyticsService::Metrics(const Principal& p, int64_t customer_id) {
  GX_ASSIGN_OR_RETURN(Customer c, store_.GetCustomer(customer_id));
  if (!CanSeeOwner(store_, p, c.owner_user_id)) return Status::NotFound("no such customer");
  return store_.Analytics().GetMetric(customer_id);
}

}  // namespace guanxi
