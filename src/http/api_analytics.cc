// Routes of the customer-value analytics (docs/analytics-api.md): /analytics/settings,
// /analytics/runs, /analytics/churn, /analytics/top-clv, /analytics/attack-defend and
// /customers/{id}/metrics.
#include "http/analytics_json.h"
#include "http/api.h"
#include "http/api_internal.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

HttpResponse BadQuery(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return Problem(400, s.message(), s.fields());
  return ProblemFrom(s);
}

// ?limit= as 1..max, `fallback` when absent.
Result<int> LimitParam(const HttpRequest& r, int fallback, int max) {
  const std::string* v = r.Query("limit");
  if (!v) return fallback;
  auto n = ParseId(*v);
  if (!n || *n > max) {
    return Status::InvalidArgument("invalid query parameters",
                                   {{"limit", "must be between 1 and " + std::to_string(max)}});
  }
  return static_cast<int>(*n);
}

}  // namespace

void Api::AddAnalyticsRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };

  // --- settings ---
  router_.Add("GET", "/api/v1/analytics/settings",
              authed([this](const HttpRequest&, const PathParams&, const Principal&) {
                auto s = analytics_.Settings();
                if (!s.ok()) return ProblemFrom(s.status());
                return JsonOk(200, AnalyticsSettingsJson(*s));
              }));
  router_.Add("PUT", "/api/v1/analytics/settings",
              authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
                if (p.role != Role::kAdmin && p.role != Role::kAnalyst) {
                  return Problem(403, "only admin and analyst change analytics settings");
                }
                auto current = analytics_.Settings();
                if (!current.ok()) return ProblemFrom(current.status());
                // Members not sent keep their current value.
                AnalyticsSettings s = *current;
                if (Status st = ReadAnalyticsSettings(r.body, s); !st.ok()) {
                  if (!st.fields().empty() && st.fields()[0].field.empty()) {
                    return Problem(400, st.message(), st.fields());
                  }
                  return ProblemFrom(st);
                }
                auto saved = analytics_.UpdateSettings(p, s);
                if (!saved.ok()) return ProblemFrom(saved.status());
                return JsonOk(200, AnalyticsSettingsJson(*saved));
              }));

  // --- runs ---
  router_.Add("POST", "/api/v1/analytics/runs",
              authed([this](const HttpRequest&, const PathParams&, const Principal& p) {
                auto run = analytics_.Recompute(p);
                if (!run.ok()) return ProblemFrom(run.status());
                auto resp = JsonOk(201, AnalyticsRunJson(*run));
                resp.headers.emplace_back("Location", "/api/v1/analytics/runs/latest");
                return resp;
              }));
  router_.Add("GET", "/api/v1/analytics/runs/latest",
              authed([this](const HttpRequest&, const PathParams&, const Principal&) {
                auto run = analytics_.LatestRun();
                if (!run.ok()) return ProblemFrom(run.status());
                return JsonOk(200, AnalyticsRunJson(*run));
              }));

  // --- per-customer lists ---
  router_.Add("GET", "/api/v1/analytics/churn",
              authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto limit = LimitParam(r, 100, 5000);
                if (!limit.ok()) return BadQuery(limit.status());
                const std::string* owner = r.Query("owner");
                auto items = analytics_.Churn(p, owner ? *owner : std::string(), *limit);
                if (!items.ok()) return BadQuery(items.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("items");
                                w.StartArray();
                                for (const auto& e : *items) {
                                  WriteChurnItem(w, e, e.row.owner_user_id
                                                           ? OwnerName(*e.row.owner_user_id)
                                                           : std::string());
                                }
                                w.EndArray();
                                w.EndObject();
                              }));
              }),
              {"owner", "limit"});
  router_.Add("GET", "/api/v1/analytics/top-clv",
              authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto limit = LimitParam(r, 20, 5000);
                if (!limit.ok()) return BadQuery(limit.status());
                auto rows = analytics_.TopClv(p, *limit);
                if (!rows.ok()) return BadQuery(rows.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("items");
                                w.StartArray();
                                for (const auto& row : *rows) WriteTopClvItem(w, row);
                                w.EndArray();
                                w.EndObject();
                              }));
              }),
              {"limit"});
  router_.Add("GET", "/api/v1/analytics/attack-defend",
              authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto limit = LimitParam(r, 2000, 5000);
                if (!limit.ok()) return BadQuery(limit.status());
                auto view = analytics_.AttackDefend(p, *limit);
                if (!view.ok()) return BadQuery(view.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("potential_threshold");
                                w.Int64(view->potential_threshold_fen);
                                w.Key("share_threshold");
                                w.Double(view->share_threshold);
                                w.Key("items");
                                w.StartArray();
                                for (const auto& row : view->items) WriteAttackDefendItem(w, row);
                                w.EndArray();
                                w.EndObject();
                              }));
              }),
              {"limit"});
  router_.Add("GET", "/api/v1/customers/{id}/metrics",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto m = analytics_.Metrics(p, *id);
                if (!m.ok()) return ProblemFrom(m.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) { WriteCustomerMetric(w, *m); }));
              }));
}

}  // namespace guanxi::http
