// Takes the weekly forecast snapshot in the background while the server runs:
// at start-up and then every few minutes (cheap once the week's rows exist), so
// no request pays for rebuilding a week from history. Replicas may all run one:
// snapshots are stored insert-if-absent. Issue 6's persisted job table will
// take this over; until then the keeper is the only background job.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/funnel_metrics.h"

namespace guanxi {

class SnapshotKeeper {
 public:
  SnapshotKeeper(FunnelMetrics& metrics, std::chrono::seconds interval);
  ~SnapshotKeeper();  // stops and joins
  SnapshotKeeper(const SnapshotKeeper&) = delete;
  SnapshotKeeper& operator=(const SnapshotKeeper&) = delete;

  void Stop();

 private:
  void Loop();

  FunnelMetrics& metrics_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace guanxi
