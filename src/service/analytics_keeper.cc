#include "service/analytics_keeper.h"

#include <cstdio>

namespace guanxi {

void AnalyticsKeeper::Start(std::chrono::seconds interval, bool initial_run) {
  task_ = std::make_unique<PeriodicTask>(
      interval, initial_run ? std::function<void()>([this] { RunInitial(); }) : nullptr,
      [this] { Tick(); });
}

void AnalyticsKeeper::Stop() {
  if (task_) task_->Stop();
}

bool AnalyticsKeeper::Tick() {
  const std::string today = analytics_.Today();
  if (today == done_key_) return false;
  auto settings = analytics_.Settings();
  if (!settings.ok()) {
    std::fprintf(stderr, "guanxi: analytics schedule: %s\n", settings.status().message().c_str());
    return false;
  }
  if (analytics_.LocalHour() < settings->schedule_hour) return false;
  auto run = analytics_.RunScheduled(today);
  if (!run.ok()) {
    std::fprintf(stderr, "guanxi: scheduled analytics run failed: %s\n",
                 run.status().message().c_str());
    return false;
  }
  done_key_ = today;
  return run->has_value();
}

void AnalyticsKeeper::RunInitial() {
  auto run = analytics_.RunInitialIfNone();
  if (!run.ok()) {
    std::fprintf(stderr, "guanxi: initial analytics run failed: %s\n",
                 run.status().message().c_str());
  }
}

}  // namespace guanxi
