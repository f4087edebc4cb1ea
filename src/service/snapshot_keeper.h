// Takes the weekly forecast snapshot in the background while the server runs:
// at start-up and then every few minutes (cheap once the week's rows exist), so
// no request pays for rebuilding a week from history. Replicas may all run one:
// snapshots are stored insert-if-absent. The thread is a PeriodicTask.
#pragma once

#include <chrono>

#include "service/funnel_metrics.h"
#include "service/periodic_task.h"

namespace guanxi {

class SnapshotKeeper {
 public:
  SnapshotKeeper(FunnelMetrics& metrics, std::chrono::seconds interval);
  SnapshotKeeper(const SnapshotKeeper&) = delete;
  SnapshotKeeper& operator=(const SnapshotKeeper&) = delete;

  void Stop() { task_.Stop(); }

 private:
  void TakeSnapshot();

  FunnelMetrics& metrics_;
  PeriodicTask task_;  // last: its thread uses metrics_
};

}  // namespace guanxi
