#include "service/server_jobs.h"

#include <cstdio>
#include <string>

namespace guanxi {
namespace {

std::string RanJson(bool ran, const std::optional<AnalyticsRun>& run) {
  std::string out = std::string("{\"ran\":") + (ran ? "true" : "false");
  if (run) out += ",\"run_id\":" + std::to_string(run->id);
  return out + "}";
}

// "analytics:initial:<unix>" (EnqueueStartupJobs) runs the start-up run; the
// daily slot "analytics:<day>" keeps the schedule key the nightly run always
// had (the day), so servers of an older version agree on it; any other key (a
// manual job) is its own schedule key.
Result<std::string> RunAnalytics(AnalyticsService& analytics, const JobContext& ctx) {
  if (ctx.key.rfind("analytics:initial:", 0) == 0) {
    GX_ASSIGN_OR_RETURN(auto run, analytics.RunInitialIfNone());
    return RanJson(run.has_value(), run);
  }
  const std::string schedule_key = ctx.key == "analytics:" + ctx.day ? ctx.day : ctx.key;
  GX_ASSIGN_OR_RETURN(auto run, analytics.RunScheduled(schedule_key));
  return RanJson(run.has_value(), run);
}

}  // namespace

void RegisterServerJobs(Scheduler& scheduler, AnalyticsService& analytics, PipelineService& pipeline,
                        RelationshipServices& relationship, ServerJobOptions options) {
  // The nightly customer-value run, at the settings' schedule_hour (read at
  // every poll, so a changed setting applies the same day); no slot during the
  // warm-up.
  const auto warm_from = std::chrono::steady_clock::now() + options.analytics_warmup;
  scheduler.Daily(
      "analytics",
      [&analytics]() -> int {
        auto settings = analytics.Settings();
        if (!settings.ok()) {
          std::fprintf(stderr, "guanxi: analytics schedule: %s\n", settings.status().message().c_str());
          return 24;  // no slot today until the settings read again
        }
        return settings->schedule_hour;
      },
      [&analytics](const JobContext& ctx) { return RunAnalytics(analytics, ctx); },
      [warm_from] { return std::chrono::steady_clock::now() >= warm_from; });

  // The weekly forecast snapshot: cheap once the week's rows exist; stored
  // insert-if-absent, so a rerun after a crash changes nothing.
  scheduler.Every("forecast_snapshot", std::chrono::minutes(10), [&pipeline](const JobContext&) -> Result<std::string> {
    GX_ASSIGN_OR_RETURN(std::string week, pipeline.metrics().TakeSnapshot(""));
    return "{\"week\":\"" + week + "\"}";
  });

  // Relationship jobs (lifecycle, visit_plans, event_rules, care_dates,
  // journeys, public_pool) register here, one call each, with their services
  // from `relationship`.
  scheduler.Daily("lifecycle", 3, [&relationship](const JobContext& ctx) {
    return relationship.lifecycle.RunDerivation(ctx);
  });
  // After lifecycle (registered, hence queued, after it): plans key on the
  // classes the night's runs derive.
  scheduler.Daily("visit_plans", 3, [&relationship](const JobContext& ctx) {
    return relationship.plans.RunVisitPlans(ctx);
  });
  scheduler.Every("event_rules", std::chrono::minutes(10), [&relationship](const JobContext& ctx) {
    return relationship.plans.RunEventRules(ctx);
  });
  scheduler.Daily("public_pool", 3, [&relationship](const JobContext& ctx) {
    return relationship.ownership.RunPoolReturns(ctx);
  });
  scheduler.Daily("care_dates", 3, [&relationship](const JobContext& ctx) {
    return relationship.journeys.RunCareDates(ctx);
  });
  scheduler.Daily("journeys", 3, [&relationship](const JobContext& ctx) {
    return relationship.journeys.RunJourneys(ctx);
  });
}

Status EnqueueStartupJobs(Scheduler& scheduler, AnalyticsService& analytics, const Clock& clock) {
  auto latest = analytics.LatestRun();
  if (latest.ok()) return Status::Ok();
  if (latest.status().code() != StatusCode::kNotFound) return latest.status();
  const UnixSeconds now = clock.Now();
  return scheduler.Enqueue("analytics", "analytics:initial:" + std::to_string(now), "{}", now).status();
}

}  // namespace guanxi
