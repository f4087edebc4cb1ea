#include "http/metrics.h"

#include <cstdio>
#include <sstream>
#include <vector>

namespace guanxi::http {

void Metrics::Record(const std::string& method, const std::string& route, int status,
                     double seconds) {
  std::string key = method + "\t" + route + "\t" + std::to_string(status);
  Series* s = nullptr;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = series_.find(key);
    if (it != series_.end()) s = it->second.get();
  }
  if (!s) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto& slot = series_[key];
    if (!slot) slot = std::make_unique<Series>();
    s = slot.get();
  }
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  s->buckets[i].fetch_add(1, std::memory_order_relaxed);
  s->count.fetch_add(1, std::memory_order_relaxed);
  s->sum_micros.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::Render(const std::map<std::string, double>& gauges) const {
  std::ostringstream out;
  for (const auto& [name, value] : gauges) {
    out << "# TYPE " << name << " gauge\n" << name << " " << value << "\n";
  }
  out << "# HELP guanxi_http_requests_total Requests answered, by method, route and status.\n"
      << "# TYPE guanxi_http_requests_total counter\n";
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::array<std::string, 3>> labels;
  for (const auto& [key, s] : series_) {
    size_t a = key.find('\t'), b = key.find('\t', a + 1);
    labels.push_back({key.substr(0, a), key.substr(a + 1, b - a - 1), key.substr(b + 1)});
  }
  size_t idx = 0;
  for (const auto& [key, s] : series_) {
    const auto& l = labels[idx++];
    out << "guanxi_http_requests_total{method=\"" << l[0] << "\",route=\"" << l[1]
        << "\",status=\"" << l[2] << "\"} " << s->count.load() << "\n";
  }
  out << "# HELP guanxi_http_request_duration_seconds Time spent answering, by method and route.\n"
      << "# TYPE guanxi_http_request_duration_seconds histogram\n";
  idx = 0;
  for (const auto& [key, s] : series_) {
    const auto& l = labels[idx++];
    std::string lbl = "method=\"" + l[0] + "\",route=\"" + l[1] + "\",status=\"" + l[2] + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s->buckets[i].load();
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out << "guanxi_http_request_duration_seconds_bucket{" << lbl << ",le=\"" << le << "\"} "
          << cumulative << "\n";
    }
    cumulative += s->buckets[kBuckets.size()].load();
    out << "guanxi_http_request_duration_seconds_bucket{" << lbl << ",le=\"+Inf\"} " << cumulative
        << "\n";
    out << "guanxi_http_request_duration_seconds_sum{" << lbl << "} "
        << static_cast<double>(s->sum_micros.load()) / 1e6 << "\n";
    out << "guanxi_http_request_duration_seconds_count{" << lbl << "} " << s->count.load() << "\n";
  }
  return out.str();
}

}  // namespace guanxi::http
