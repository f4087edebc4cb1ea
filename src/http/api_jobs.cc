// Routes of the scheduler's jobs (docs/relationship-api.md, "Scheduler"):
// GET /jobs, GET /jobs/{id}, POST /jobs (run a kind now), GET /job-kinds.
// Admin only. The Scheduler is reached through RelationshipServices::scheduler,
// set by `serve`; without one (a process that runs no jobs) every route
// answers 503.
#include <string>

#include "http/api.h"
#include "http/api_internal.h"
#include "http/job_json.h"
#include "service/scheduler.h"
#include "store/job_store.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

bool IsJobStatus(const std::string& s) {
  return s == "queued" || s == "running" || s == "done" || s == "failed";
}

}  // namespace

void Api::AddJobRoutes() {
  auto admin = [this](auto fn) {
    return Authed([this, fn](const HttpRequest& r, const PathParams& pp, const Principal& p) -> HttpResponse {
      if (!IsAdmin(p)) return Problem(403, "only an admin may see and run jobs");
      if (!relationship_.scheduler) return Problem(503, "this process runs no scheduler");
      return fn(r, pp, p);
    });
  };

  router_.Add(
      "GET", "/api/v1/jobs",
      admin([this](const HttpRequest& r, const PathParams&, const Principal&) {
        JobQuery q;
        std::vector<FieldError> errors;
        if (auto v = r.Query("kind")) q.kind = *v;
        if (auto v = r.Query("status"); v && !v->empty()) {
          if (IsJobStatus(*v)) q.status = *v;
          else errors.push_back({"status", "must be queued, running, done or failed"});
        }
        if (auto v = r.Query("after"); v && !v->empty()) {
          if (auto id = ParseId(*v)) q.after_id = *id;
          else errors.push_back({"after", "must be a cursor from a previous page"});
        }
        if (auto v = r.Query("limit")) {
          auto n = ParseId(*v);
          if (!n || *n > 200) errors.push_back({"limit", "must be between 1 and 200"});
          else q.limit = static_cast<int>(*n);
        }
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto page = store_.Jobs().ListJobs(q);
        if (!page.ok()) return ProblemFrom(page.status());
        return JsonOk(200, PageJson(page->items, [](JsonWriter& w, const Job& j) { WriteJob(w, j); }, page->next));
      }),
      {"kind", "status", "after", "limit"});

  router_.Add("GET", "/api/v1/jobs/{id}",
              admin([this](const HttpRequest&, const PathParams& pp, const Principal&) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto job = store_.Jobs().GetJob(*id);
                if (!job.ok()) return ProblemFrom(job.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) { WriteJob(w, *job); }));
              }));

  router_.Add("POST", "/api/v1/jobs",
              admin([this](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                std::string kind;
                in->String("kind", kind);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                Scheduler& scheduler = *relationship_.scheduler;
                if (!scheduler.Knows(kind)) {
                  return Problem(422, "unknown job kind", {{"kind", "no job kind named \"" + kind + "\""}});
                }
                const UnixSeconds now = clock_.Now();
                AuditEntry audit;
                audit.at = now;
                if (p.user_id) audit.user_id = p.user_id;
                audit.user_login = p.login;
                audit.entity = "job";
                audit.action = "enqueue";
                const std::string key = kind + ":manual:" + std::to_string(now);
                audit.after = JsonDoc([&](JsonWriter& w) {
                  w.StartObject();
                  w.Key("kind");
                  WriteString(w, kind);
                  w.Key("key");
                  WriteString(w, key);
                  w.EndObject();
                });
                auto job = scheduler.EnqueueJob(kind, key, "{}", now, audit);
                if (!job.ok()) return ProblemFrom(job.status());
                auto resp = JsonOk(202, JsonDoc([&](JsonWriter& w) { WriteJob(w, *job); }));
                resp.headers.emplace_back("Location", "/api/v1/jobs/" + std::to_string(job->id));
                return resp;
              }));

  router_.Add("GET", "/api/v1/job-kinds",
              admin([this](const HttpRequest&, const PathParams&, const Principal&) {
                auto kinds = relationship_.scheduler->Kinds();
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("items");
                                w.StartArray();
                                for (const auto& k : kinds) {
                                  w.StartObject();
                                  w.Key("kind");
                                  WriteString(w, k.kind);
                                  w.Key("schedule");
                                  WriteString(w, k.schedule);
                                  w.Key("hour");
                                  if (k.schedule == "daily") w.Int(k.hour); else w.Null();
                                  w.Key("interval_seconds");
                                  if (k.schedule == "every") w.Int64(k.interval_seconds); else w.Null();
                                  w.EndObject();
                                }
                                w.EndArray();
                                w.EndObject();
                              }));
              }));
}

}  // namespace guanxi::http
