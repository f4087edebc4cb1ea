// Request counters and latency histograms in the Prometheus text format.
// Thread-safe; recording is lock-free after a route's series exists.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

namespace guanxi::http {

class Metrics {
 public:
  // Records one answered request: `route` is the pattern ("/api/v1/customers/{id}").
  void Record(const std::string& method, const std::string& route, int status, double seconds);
  // Prometheus exposition text; `gauges` adds name → value lines (e.g. open connections).
  std::string Render(const std::map<std::string, double>& gauges) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

 private:
  struct Series {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_micros{0};
  };
  mutable std::shared_mutex mu_;  // exclusive only to add a new series
  // key: method \t route \t status
  std::map<std::string, std::unique_ptr<Series>> series_;
};

}  // namespace guanxi::http
