#include "service/snapshot_keeper.h"

#include <cstdio>

namespace guanxi {

SnapshotKeeper::SnapshotKeeper(FunnelMetrics& metrics, std::chrono::seconds interval)
    : metrics_(metrics),
      task_(interval, [this] { TakeSnapshot(); }, [this] { TakeSnapshot(); }) {}

void SnapshotKeeper::TakeSnapshot() {
  auto week = metrics_.TakeSnapshot("");
  if (!week.ok()) {
    std::fprintf(stderr, "guanxi: weekly forecast snapshot failed: %s\n",
                 week.status().message().c_str());
  }
}

}  // namespace guanxi
