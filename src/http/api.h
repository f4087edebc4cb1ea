// The JSON API under /api/v1, plus /healthz, /metrics and the web UI's files.
// Api::Handle is the HttpServer handler: it authenticates (session cookie with
// CSRF token, or bearer token), routes, answers problem+json on every error and
// records metrics. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <shared_mutex>
#include <unordered_map>
#include <functional>
#include <memory>
#include <string>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "service/analytics_service.h"
#include "service/auth_service.h"
#include "service/customer_service.h"
#include "service/order_service.h"
#include "service/pipeline_service.h"
#include "service/relationship_services.h"
#include "service/task_service.h"
#include "service/user_service.h"

namespace guanxi::http {

struct ApiOptions {
  std::string web_root;         // built SPA; "" serves a notice instead
  bool secure_cookies = false;  // add the Secure flag (set when served over TLS)
};

class Api {
 public:
  Api(Store& store, const Clock& clock, AuthService& auth, CustomerService& customers,
      UserService& users, OrderService& orders, PipelineService& pipeline,
      AnalyticsService& analytics, TaskService& tasks, RelationshipServices& relationship,
      ApiOptions options);

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
  void AddCustomerRoutes();  // api_customers.cc
  void AddAdminRoutes();     // api_admin.cc: session, meta, users, teams, tokens, audit
  void AddOrderRoutes();     // api_orders.cc: products, orders, import, receivables
  void AddPipelineRoutes();  // api_pipeline.cc: stages, opportunities, metrics, targets, playbook
  void AddAnalyticsRoutes();  // api_analytics.cc: settings, runs, churn, top CLV, attack/defend
  void AddTaskRoutes();       // api_tasks.cc: follow-up tasks
  void AddInteractionRoutes();  // api_interactions.cc: interactions and the customer timeline
  void AddJobRoutes();        // api_jobs.cc: the scheduler's jobs (admin)
  void AddOwnershipRoutes();  // api_ownership.cc: transfers, the public pool, pool rules
  void AddLifecycleRoutes();  // api_lifecycle.cc: lifecycle stage and ladder of a customer
  void AddJourneyRoutes();    // api_journeys.cc: care settings, journeys, enrollments
  void AddDedupRoutes();      // api_dedup.cc: duplicates, merges and their undo
  void AddPlanRoutes();       // api_plans.cc: return-visit plans and event rules
  // Wraps a handler taking (request, path params, principal) into one that
  // authenticates first (defined in api_internal.h).
  template <typename Fn>
  RouteHandler Authed(Fn fn);
  HttpResponse Dispatch(const HttpRequest& r, std::string& route_pattern);
  Result<Principal> Authenticate(const HttpRequest& r, bool unsafe);
  // Display names of owners for list and record answers. Cached for a few
  // seconds: every answer would otherwise read the user table again, and a
  // renamed user showing the old name briefly is harmless (no decision uses it).
  std::string OwnerName(int64_t user_id);

  Store& store_;
  const Clock& clock_;
  AuthService& auth_;
  CustomerService& customers_;
  UserService& users_;
  OrderService& orders_;
  PipelineService& pipeline_;
  AnalyticsService& analytics_;
  TaskService& tasks_;
  RelationshipServices& relationship_;
  ApiOptions options_;
  Router router_;
  Metrics metrics_;
  StaticFiles static_files_;
  std::atomic<bool> ready_{false};
  std::function<std::map<std::string, double>()> gauges_;
  std::shared_mutex owner_names_mu_;
  std::unordered_map<int64_t, std::pair<std::string, std::chrono::steady_clock::time_point>>
      owner_names_;
};

}  // namespace guanxi::http
