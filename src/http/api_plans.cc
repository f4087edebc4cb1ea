// Routes of return-visit plans and event rules (docs/relationship-api.md,
// "Plans + event rules"): /visit-plans and /event-rules. Everyone signed in
// reads them; managers and admins change them (If-Match on PUT and DELETE).
#include "http/api.h"
#include "http/api_internal.h"
#include "store/plan_rows.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

void WritePlan(JsonWriter& w, const VisitPlan& p) {
  w.StartObject();
  store_rows::WriteVisitPlanFields(w, p);
  w.Key("created_at");
  w.Int64(p.created_at);
  w.Key("updated_at");
  w.Int64(p.updated_at);
  w.EndObject();
}

void WriteRule(JsonWriter& w, const EventRule& r) {
  w.StartObject();
  store_rows::WriteEventRuleFields(w, r);
  w.Key("created_at");
  w.Int64(r.created_at);
  w.Key("updated_at");
  w.Int64(r.updated_at);
  w.EndObject();
}

// Reads a plan body; the fields a GET answers besides the editable ones may be
// echoed back and are ignored.
Status ReadPlan(JsonObjectReader& in, VisitPlan& p) {
  in.String("name", p.name);
  in.String("class_kind", p.class_kind);
  in.String("class_value", p.class_value);
  in.Int("interval_days", p.interval_days);
  in.Int("position", p.position);
  in.String("task_title", p.task_title);
  in.String("priority", p.priority);
  in.Bool("enabled", p.enabled);
  for (const char* echoed : {"id", "version", "created_at", "updated_at"}) in.Accept(echoed);
  return in.Finish();
}

Status ReadRule(JsonObjectReader& in, EventRule& r) {
  in.String("event", r.event);
  in.Int("delay_days", r.delay_days);
  in.String("task_title", r.task_title);
  in.String("priority", r.priority);
  in.Bool("enabled", r.enabled);
  for (const char* echoed : {"id", "version", "created_at", "updated_at"}) in.Accept(echoed);
  return in.Finish();
}

template <typename T, typename WriteFn>
HttpResponse RecordResponse(int status, const T& record, WriteFn write) {
  auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { write(w, record); }));
  AddETag(resp, record.version);
  return resp;
}

template <typename T, typename WriteFn>
HttpResponse ListResponse(const std::vector<T>& items, WriteFn write) {
  return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                  w.StartObject();
                  w.Key("items");
                  w.StartArray();
                  for (const auto& item : items) write(w, item);
                  w.EndArray();
                  w.EndObject();
                }));
}

}  // namespace

void Api::AddPlanRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  VisitPlanService& plans = relationship_.plans;

  router_.Add("GET", "/api/v1/visit-plans",
              authed([&plans](const HttpRequest&, const PathParams&, const Principal& p) {
                auto list = plans.ListPlans(p);
                if (!list.ok()) return ProblemFrom(list.status());
                return ListResponse(*list, WritePlan);
              }));
  router_.Add("POST", "/api/v1/visit-plans",
              authed([&plans](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                VisitPlan plan;
                if (Status s = ReadPlan(*in, plan); !s.ok()) return ProblemFrom(s);
                auto created = plans.CreatePlan(p, std::move(plan));
                if (!created.ok()) return ProblemFrom(created.status());
                auto resp = RecordResponse(201, *created, WritePlan);
                resp.headers.emplace_back("Location", "/api/v1/visit-plans/" + std::to_string(created->id));
                return resp;
              }));
  router_.Add("PUT", "/api/v1/visit-plans/{id}",
              authed([&plans](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                VisitPlan plan;
                if (Status s = ReadPlan(*in, plan); !s.ok()) return ProblemFrom(s);
                auto saved = plans.UpdatePlan(p, *id, *version, std::move(plan));
                if (!saved.ok()) return ProblemFrom(saved.status());
                return RecordResponse(200, *saved, WritePlan);
              }));
  router_.Add("DELETE", "/api/v1/visit-plans/{id}",
              authed([&plans](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                Status s = plans.DeletePlan(p, *id, *version);
                return s.ok() ? NoContent() : ProblemFrom(s);
              }));

  router_.Add("GET", "/api/v1/event-rules",
              authed([&plans](const HttpRequest&, const PathParams&, const Principal& p) {
                auto list = plans.ListRules(p);
                if (!list.ok()) return ProblemFrom(list.status());
                return ListResponse(*list, WriteRule);
              }));
  router_.Add("POST", "/api/v1/event-rules",
              authed([&plans](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                EventRule rule;
                if (Status s = ReadRule(*in, rule); !s.ok()) return ProblemFrom(s);
                auto created = plans.CreateRule(p, std::move(rule));
                if (!created.ok()) return ProblemFrom(created.status());
                auto resp = RecordResponse(201, *created, WriteRule);
                resp.headers.emplace_back("Location", "/api/v1/event-rules/" + std::to_string(created->id));
                return resp;
              }));
  router_.Add("PUT", "/api/v1/event-rules/{id}",
              authed([&plans](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                EventRule rule;
                if (Status s = ReadRule(*in, rule); !s.ok()) return ProblemFrom(s);
                auto saved = plans.UpdateRule(p, *id, *version, std::move(rule));
                if (!saved.ok()) return ProblemFrom(saved.status());
                return RecordResponse(200, *saved, WriteRule);
              }));
  router_.Add("DELETE", "/api/v1/event-rules/{id}",
              authed([&plans](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                Status s = plans.DeleteRule(p, *id, *version);
                return s.ok() ? NoContent() : ProblemFrom(s);
              }));
}

}  // namespace guanxi::http
