// The JSON API under /api/v1, plus /healthz, /metrics and the web UI's files.
// Api::Handle is the HttpServer handler: it authenticates (session cookie with
// CSRF token, or bearer token), routes, answers problem+json on every error and
// records metrics. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "service/auth_service.h"
#include "service/customer_service.h"
#include "service/user_service.h"

namespace guanxi::http {

struct ApiOptions {
  std::string web_root;         // built SPA; "" serves a notice instead
  bool secure_cookies = false;  // add the Secure flag (set when served over TLS)
};

class Api {
 public:
  Api(Store& store, const Clock& clock, AuthService& auth, CustomerService& customers,
      UserService& users, ApiOptions options);

  HttpResponse Handle(const HttpRequest& r);

  // Marks the server ready (healthz 200) or draining (503).
  void SetReady(bool ready) { ready_ = ready; }
  // Gauges from the server (connections, in-flight), added to /metrics.
  void SetGaugeSource(std::function<std::map<std::string, double>()> fn) { gauges_ = std::move(fn); }

  const Router& router() const { return router_; }
  // The OpenAPI document served at /api/v1/openapi.json.
  static const std::string& OpenApiJson();

 private:
  struct Context;
  void AddRoutes();
  HttpResponse Dispatch(const HttpRequest& r, std::string& route_pattern);
  Result<Principal> Authenticate(const HttpRequest& r, bool unsafe);

  Store& store_;
  const Clock& clock_;
  AuthService& auth_;
  CustomerService& customers_;
  UserService& users_;
  ApiOptions options_;
  Router router_;
  Metrics metrics_;
  StaticFiles static_files_;
  std::atomic<bool> ready_{false};
  std::function<std::map<std::string, double>()> gauges_;
};

}  // namespace guanxi::http
