// Runs the nightly analytics recompute while the server runs: every `interval` (10
// minutes in `serve`) it checks the clock, and once the local hour (Asia/Shanghai)
// reaches the settings' schedule_hour it asks for today's schedule run. The run row's
// unique schedule_key makes the first server to insert it the only one that computes,
// so replicas sharing a database run it once a day.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "service/analytics_service.h"

namespace guanxi {

class AnalyticsKeeper {
 public:
  explicit AnalyticsKeeper(AnalyticsService& analytics) : analytics_(analytics) {}
  ~AnalyticsKeeper();  // stops and joins
  AnalyticsKeeper(const AnalyticsKeeper&) = delete;
  AnalyticsKeeper& operator=(const AnalyticsKeeper&) = delete;

  // Starts the background thread: it runs RunInitialIfNone once when `initial_run`,
  // then calls Tick every `interval` (the first after one interval, so a restart does
  // not start a heavy computation while the server warms up).
  void Start(std::chrono::seconds interval, bool initial_run);
  void Stop();

  // One check: true when this call ran today's schedule run (false when it is too
  // early, today's run exists already, or another server took it). Errors are logged.
  bool Tick();

 private:
  void Loop(std::chrono::seconds interval, bool initial_run);

  AnalyticsService& analytics_;
  std::string done_key_;  // the schedule key known to be taken; skips the insert attempt
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace guanxi
