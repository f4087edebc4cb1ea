#include "service/analytics_keeper.h"

#include <cstdio>

namespace guanxi {

AnalyticsKeeper::~AnalyticsKeeper() { Stop(); }

void AnalyticsKeeper::Start(std::chrono::seconds interval, bool initial_run) {
  thread_ = std::thread([this, interval, initial_run] { Loop(interval, initial_run); });
}

void AnalyticsKeeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
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

void AnalyticsKeeper::Loop(std::chrono::seconds interval, bool initial_run) {
  if (initial_run) {
    auto run = analytics_.RunInitialIfNone();
    if (!run.ok()) {
      std::fprintf(stderr, "guanxi: initial analytics run failed: %s\n",
                   run.status().message().c_str());
    }
  }
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Tick();
    lock.lock();
  }
}

}  // namespace guanxi
