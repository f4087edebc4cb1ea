// Counts failures per key in a sliding window (login attempts per account and per
// address). In-process: each replica limits on its own until the shared counters
// of the PostgreSQL issue land. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "service/clock.h"

namespace guanxi {

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, int max_failures, int64_t window_seconds)
      : clock_(clock), max_failures_(max_failures), window_(window_seconds) {}

  // Seconds until `key` may try again, or 0 when it may try now.
  int64_t RetryAfter(const std::string& key);
  void RecordFailure(const std::string& key);
  void Reset(const std::string& key);

 private:
  void Prune(std::deque<UnixSeconds>& events, UnixSeconds now) const;
  const Clock& clock_;
  int max_failures_;
  int64_t window_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<UnixSeconds>> failures_;
};

}  // namespace guanxi
