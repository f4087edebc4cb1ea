#include "service/rate_limiter.h"

#include <cstdio>

namespace guanxi {

int64_t RateLimiter::RetryAfter(const std::string& key) {
  UnixSeconds now = clock_.Now();
  auto events = store_.RateEvents(key, now - window_);
  if (!events.ok()) {
    // The login itself needs the database too and will fail; not limiting here
    // keeps a database outage from looking like an attack.
    return 0;
  }
  const auto& e = *events;
  if (static_cast<int>(e.size()) < max_failures_) return 0;
  // Allowed again once all but max_failures - 1 of the events have left the window.
  return std::max<int64_t>(1, e[e.size() - max_failures_] + window_ - now);
}

void RateLimiter::RecordFailure(const std::string& key) {
  UnixSeconds now = clock_.Now();
  Status s = store_.RecordRateEvent(key, now);
  if (!s.ok()) std::fprintf(stderr, "guanxi: cannot record a failed login: %s\n", s.message().c_str());
  // Old events are dropped now and then, so the table stays the size of one window.
  if (++recorded_ % 256 == 0) (void)store_.ClearRateEvents("", now - window_);
}

void RateLimiter::Reset(const std::string& key) {
  (void)store_.ClearRateEvents(key, clock_.Now() - window_);
}

}  // namespace guanxi
