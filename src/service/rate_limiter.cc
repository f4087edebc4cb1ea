#include "service/rate_limiter.h"

namespace guanxi {

void RateLimiter::Prune(std::deque<UnixSeconds>& events, UnixSeconds now) const {
  while (!events.empty() && events.front() <= now - window_) events.pop_front();
}

int64_t RateLimiter::RetryAfter(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  UnixSeconds now = clock_.Now();
  Prune(it->second, now);
  if (static_cast<int>(it->second.size()) < max_failures_) {
    if (it->second.empty()) failures_.erase(it);
    return 0;
  }
  return it->second.front() + window_ - now;
}

void RateLimiter::RecordFailure(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  UnixSeconds now = clock_.Now();
  auto& events = failures_[key];
  Prune(events, now);
  events.push_back(now);
  // Bound memory under a flood of distinct keys: forget the stalest keys' detail.
  if (failures_.size() > 100000) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      Prune(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

}  // namespace guanxi
