// The jobs a server runs through its Scheduler (docs/relationship-api.md,
// "Scheduler"): registered once in `serve` (and by `guanxi jobs run`, so the
// CLI can run any of them).
#pragma once

#include <chrono>

#include "service/analytics_service.h"
#include "service/pipeline_service.h"
#include "service/relationship_services.h"
#include "service/scheduler.h"

namespace guanxi {

struct ServerJobOptions {
  // The nightly analytics run is not started within this long after
  // registration (process start): a restart after schedule_hour does not begin
  // a heavy computation while the server warms up; the first poll after it
  // does (as the old keeper's first check, one interval after start). 0 in
  // tests and `guanxi jobs run`.
  std::chrono::seconds analytics_warmup{600};
};

// Registers every server job kind on `scheduler` (before Start).
void RegisterServerJobs(Scheduler& scheduler, AnalyticsService& analytics, PipelineService& pipeline,
                        RelationshipServices& relationship, ServerJobOptions options = {});

// Jobs queued when a server starts: a database with no analytics run yet gets
// one now (the handler computes only when there are orders and still no run —
// AnalyticsService::RunInitialIfNone — so replicas starting together compute once).
Status EnqueueStartupJobs(Scheduler& scheduler, AnalyticsService& analytics, const Clock& clock);

}  // namespace guanxi
