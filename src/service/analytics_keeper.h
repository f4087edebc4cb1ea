// Runs the nightly analytics recompute while the server runs: every `interval` (10
// minutes in `serve`) it checks the clock, and once the local hour (Asia/Shanghai)
// reaches the settings' schedule_hour it asks for today's schedule run. The run row's
// unique schedule_key makes the first server to insert it the only one that computes,
// so replicas sharing a database run it once a day.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "service/analytics_service.h"
#include "service/periodic_task.h"

namespace guanxi {

class AnalyticsKeeper {
 public:
  explicit AnalyticsKeeper(AnalyticsService& analytics) : analytics_(analytics) {}
  AnalyticsKeeper(const AnalyticsKeeper&) = delete;
  AnalyticsKeeper& operator=(const AnalyticsKeeper&) = delete;

  // Starts the background thread: it runs RunInitialIfNone once when `initial_run`,
  // then calls Tick every `interval` (the first after one interval, so a restart does
  // not start a heavy computation while the server warms up).
  void Start(std::chrono::seconds interval, bool initial_run);
  void Stop();  // stops and joins (also on destruction)

  // One check: true when this call ran today's schedule run (false when it is too
  // early, today's run exists already, or another server took it). Errors are logged.
  bool Tick();

 private:
  void RunInitial();

  AnalyticsService& analytics_;
  std::string done_key_;  // the schedule key known to be taken; skips the insert attempt
  std::unique_ptr<PeriodicTask> task_;  // last: its thread uses the members above
};

}  // namespace guanxi
