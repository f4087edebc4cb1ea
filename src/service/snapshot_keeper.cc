#include "service/snapshot_keeper.h"

#include <cstdio>

namespace guanxi {

SnapshotKeeper::SnapshotKeeper(FunnelMetrics& metrics, std::chrono::seconds interval)
    : metrics_(metrics), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

SnapshotKeeper::~SnapshotKeeper() { Stop(); }

void SnapshotKeeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnapshotKeeper::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto week = metrics_.TakeSnapshot("");
    if (!week.ok()) {
      std::fprintf(stderr, "guanxi: weekly forecast snapshot failed: %s\n",
                   week.status().message().c_str());
    }
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace guanxi
