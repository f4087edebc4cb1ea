#include "service/periodic_task.h"

#include <utility>

namespace guanxi {

PeriodicTask::PeriodicTask(std::chrono::seconds interval, std::function<void()> at_start,
                           std::function<void()> every)
    : interval_(interval), at_start_(std::move(at_start)), every_(std::move(every)),
      thread_([this] { Loop(); }) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Loop() {
  if (at_start_) at_start_();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    every_();
    lock.lock();
  }
}

}  // namespace guanxi
