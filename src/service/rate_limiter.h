// Counts failures per key in a sliding window (login attempts per account and per
// address). The events live in the database, so every server process on it
// counts the same attempts: a client cannot multiply its tries by spreading them
// over replicas. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "service/clock.h"
#include "store/store.h"

namespace guanxi {

class RateLimiter {
 public:
  RateLimiter(Store& store, const Clock& clock, int max_failures, int64_t window_seconds)
      : store_(store), clock_(clock), max_failures_(max_failures), window_(window_seconds) {}

  // Seconds until `key` may try again, or 0 when it may try now.
  int64_t RetryAfter(const std::string& key);
  void RecordFailure(const std::string& key);
  // Forgets `key`'s failures (after a success).
  void Reset(const std::string& key);

 private:
  Store& store_;
  const Clock& clock_;
  int max_failures_;
  int64_t window_;
  std::atomic<int64_t> recorded_{0};
};

}  // namespace guanxi
