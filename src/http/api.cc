#include "http/api.h"

#include <chrono>
#include <cstdio>

#include "domain/search_text.h"
#include "http/api_internal.h"
#include "service/secure_random.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

Api::Api(Store& store, const Clock& clock, AuthService& auth, CustomerService& customers,
         UserService& users, OrderService& orders, PipelineService& pipeline,
         AnalyticsService& analytics, TaskService& tasks, RelationshipServices& relationship,
         ApiOptions options)
    : store_(store),
      clock_(clock),
      auth_(auth),
      customers_(customers),
      users_(users),
      orders_(orders),
      pipeline_(pipeline),
      analytics_(analytics),
      tasks_(tasks),
      relationship_(relationship),
      options_(std::move(options)),
      static_files_(options_.web_root) {
  AddRoutes();
  store_.OnChange([this](const std::string& entity, int64_t id) {
    if (entity != "user" && entity != "*") return;
    std::unique_lock lock(owner_names_mu_);
    if (entity == "*") owner_names_.clear();
    else owner_names_.erase(id);
  });
}

Result<Principal> Api::Authenticate(const HttpRequest& r, bool unsafe) {
  std::string_view authz = r.Header("authorization");
  if (!authz.empty()) {
    if (authz.size() > 7 && (authz.substr(0, 7) == "Bearer " || authz.substr(0, 7) == "bearer " ||
                             authz.substr(0, 7) == "BEARER ")) {
      return auth_.AuthenticateBearer(std::string(authz.substr(7)));
    }
    return Status::Unauthenticated("the Authorization header must be 'Bearer <token>'");
  }
  std::string cookie = CookieValue(r.Header("cookie"), kSessionCookie);
  if (cookie.empty()) return Status::Unauthenticated("not logged in");
  GX_ASSIGN_OR_RETURN(AuthenticatedSession s, auth_.AuthenticateSession(cookie));
  if (unsafe && !ConstantTimeEquals(r.Header("x-csrf-token"), s.csrf_token)) {
    return Status::PermissionDenied("missing or wrong X-CSRF-Token header");
  }
  return s.principal;
}

HttpResponse Api::Handle(const HttpRequest& r) {
  auto start = std::chrono::steady_clock::now();
  std::string route = "(unmatched)";
  HttpResponse resp = Dispatch(r, route);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.Record(r.method, route, resp.status, seconds);
  return resp;
}

HttpResponse Api::Dispatch(const HttpRequest& r, std::string& route_pattern) {
  if (r.path == "/healthz") {
    route_pattern = "/healthz";
    return ready_ ? HttpResponse::Json(200, "{\"status\":\"ok\"}")
                  : Problem(503, "starting or shutting down");
  }
  if (r.path == "/metrics") {
    route_pattern = "/metrics";
    std::map<std::string, double> g;
    if (gauges_) g = gauges_();
    auto resp = HttpResponse::Text(200, metrics_.Render(g));
    resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return resp;
  }
  if (r.path.rfind("/api/", 0) != 0) {
    route_pattern = "(static)";
    if (r.method != "GET" && r.method != "HEAD") return Problem(405, "only GET serves the UI");
    return static_files_.Serve(r);
  }
  PathParams params;
  std::vector<std::string> allowed;
  const Route* route = router_.Match(r.method, r.path, params, allowed);
  if (!route) {
    if (!allowed.empty()) {
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      auto resp = Problem(405, r.method + " is not allowed on " + r.path);
      resp.headers.emplace_back("Allow", allow);
      return resp;
    }
    return Problem(404, "no such endpoint: " + r.path);
  }
  route_pattern = route->pattern;
  for (const auto& [k, v] : r.query) {
    bool known = false;
    for (const auto& name : route->query_params) known |= (k == name);
    if (!known) return Problem(400, "unknown query parameter " + k, {{k, "unknown query parameter"}});
  }
  bool has_body = r.method == "POST" || r.method == "PATCH" || r.method == "PUT";
  const bool csv_route = route->pattern == "/api/v1/orders/import";  // takes text/csv
  if (has_body && !r.body.empty() && !csv_route && !IsJsonContentType(r.Header("content-type"))) {
    return Problem(415, "the body must be application/json");
  }
  if (!IsValidUtf8(r.path)) return Problem(400, "the path is not valid UTF-8");
  for (const auto& [k, v] : r.query) {
    if (!IsValidUtf8(v)) return Problem(400, "query parameter is not valid UTF-8", {{k, "is not valid UTF-8"}});
  }
  try {
    return route->handler(r, params);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "guanxi: %s %s failed: %s\n", r.method.c_str(), route->pattern.c_str(), e.what());
    return Problem(500, "internal error");
  }
}

std::string Api::OwnerName(int64_t user_id) {
  // Renames reach this cache through Store::OnChange at once; the time limit only
  // covers changes a notice cannot carry (another process on an SQLite file).
  constexpr auto kTtl = std::chrono::seconds(30);
  auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(owner_names_mu_);
    auto it = owner_names_.find(user_id);
    if (it != owner_names_.end() && now - it->second.second < kTtl) return it->second.first;
  }
  auto u = store_.GetUser(user_id);
  std::string name = u.ok() ? u->display_name : "";
  std::unique_lock lock(owner_names_mu_);
  if (owner_names_.size() > 10000) owner_names_.clear();
  owner_names_[user_id] = {name, now};
  return name;
}

void Api::AddRoutes() {
  AddAdminRoutes();
  AddCustomerRoutes();
  AddOrderRoutes();
  AddPipelineRoutes();
  AddAnalyticsRoutes();
  AddTaskRoutes();
  AddInteractionRoutes();
  AddJobRoutes();
  AddOwnershipRoutes();
  AddLifecycleRoutes();
  AddJourneyRoutes();
  AddDedupRoutes();
  AddPlanRoutes();
}

}  // namespace guanxi::http
