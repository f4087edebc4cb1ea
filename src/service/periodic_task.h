// A background thread that does one thing at start and another every `interval`
// until stopped: the shape of the server's keepers (weekly forecast snapshots, the
// nightly analytics run). Stop() wakes the thread at once and joins it; the
// destructor stops. Issue 6's persisted job table will take these over.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace guanxi {

class PeriodicTask {
 public:
  // Starts the thread: `at_start()` once (if set), then `every()` after each interval.
  PeriodicTask(std::chrono::seconds interval, std::function<void()> at_start,
               std::function<void()> every);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Stop();

 private:
  void Loop();

  const std::chrono::seconds interval_;
  const std::function<void()> at_start_;
  const std::function<void()> every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it reads
};

}  // namespace guanxi
