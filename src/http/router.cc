#include "http/router.h"

namespace guanxi::http {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, RouteHandler handler,
                 std::vector<std::string> query_params) {
  Route r{std::move(method), std::move(pattern), {}, std::move(handler), std::move(query_params)};
  r.segments = Split(r.pattern);
  routes_.push_back(std::move(r));
}

const Route* Router::Match(const std::string& method, const std::string& path, PathParams& params,
                           std::vector<std::string>& allowed) const {
  if (path.empty() || path[0] != '/') return nullptr;
  auto segs = Split(path);
  const Route* found = nullptr;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    PathParams p;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& s = r.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        if (segs[i].empty()) ok = false;
        else p.push_back(segs[i]);
      } else if (s != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      if (!found) {
        found = &r;
        params = std::move(p);
      }
    } else {
      allowed.push_back(r.method);
    }
  }
  return found;
}

}  // namespace guanxi::http
