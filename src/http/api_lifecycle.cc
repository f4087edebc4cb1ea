// Routes of the lifecycle stage and formation ladder (docs/relationship-api.md,
// Lifecycle): GET and PUT /customers/{id}/lifecycle.
#include "http/api.h"
#include "http/api_internal.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

void WriteLifecycle(JsonWriter& w, const LifecycleView& v) {
  w.StartObject();
  w.Key("customer_id");
  w.Int64(v.state.customer_id);
  w.Key("version");
  w.Int64(v.state.version);
  w.Key("stage");
  WriteString(w, ToString(v.state.stage));
  w.Key("ladder");
  WriteString(w, ToString(v.state.ladder.value_or(v.derived.ladder)));
  w.Key("stage_overridden");
  w.Bool(v.state.stage_overridden);
  w.Key("ladder_overridden");
  w.Bool(v.state.ladder_overridden);
  w.Key("derived_at");
  if (v.state.derived_at) w.Int64(*v.state.derived_at); else w.Null();
  w.Key("derived");
  w.StartObject();
  w.Key("stage");
  WriteString(w, ToString(v.derived.stage));
  w.Key("ladder");
  WriteString(w, ToString(v.derived.ladder));
  w.Key("reason");
  WriteString(w, v.derived.reason());
  w.Key("stage_reason");
  WriteString(w, v.derived.stage_reason);
  w.Key("ladder_reason");
  WriteString(w, v.derived.ladder_reason);
  w.EndObject();
  w.Key("history");
  w.StartArray();
  for (const auto& h : v.history) {
    w.StartObject();
    w.Key("id");
    w.Int64(h.id);
    w.Key("at");
    w.Int64(h.at);
    w.Key("field");
    WriteString(w, h.field);
    w.Key("from");
    WriteString(w, h.from_value);
    w.Key("to");
    WriteString(w, h.to_value);
    w.Key("source");
    WriteString(w, h.source);
    w.Key("user_id");
    if (h.user_id) w.Int64(*h.user_id); else w.Null();
    w.Key("user_name");
    WriteString(w, h.user_name);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

HttpResponse LifecycleResponse(const LifecycleView& v) {
  auto resp = JsonOk(200, JsonDoc([&](JsonWriter& w) { WriteLifecycle(w, v); }));
  AddETag(resp, v.state.version);  // the customer's version: PUT sends it back in If-Match
  return resp;
}

}  // namespace

void Api::AddLifecycleRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  router_.Add("GET", "/api/v1/customers/{id}/lifecycle",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto v = relationship_.lifecycle.Get(p, *id);
                if (!v.ok()) return ProblemFrom(v.status());
                return LifecycleResponse(*v);
              }));
  router_.Add("PUT", "/api/v1/customers/{id}/lifecycle",
              authed([this](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                LifecycleChange change;
                change.expected_version = *version;
                std::string stage, ladder, clear;
                if (in->Has("stage") && !in->IsNull("stage") && in->String("stage", stage)) {
                  if (auto s = ParseLifecycleStage(stage)) change.stage = s;
                  else in->AddError("stage", "unknown lifecycle stage");
                } else {
                  in->Accept("stage");
                }
                if (in->Has("ladder") && !in->IsNull("ladder") && in->String("ladder", ladder)) {
                  if (auto l = ParseLadderRung(ladder)) change.ladder = l;
                  else in->AddError("ladder", "unknown ladder rung");
                } else {
                  in->Accept("ladder");
                }
                if (in->Has("clear_override") && !in->IsNull("clear_override") &&
                    in->String("clear_override", clear)) {
                  change.clear_stage = clear == "stage" || clear == "both";
                  change.clear_ladder = clear == "ladder" || clear == "both";
                  if (!change.clear_stage && !change.clear_ladder) {
                    in->AddError("clear_override", "must be stage, ladder or both");
                  }
                } else {
                  in->Accept("clear_override");
                }
                RejectReadOnly(*in, {"customer_id", "version", "stage_overridden", "ladder_overridden", "derived",
                                     "history", "derived_at"});
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto v = relationship_.lifecycle.Update(p, *id, change);
                if (!v.ok()) return ProblemFrom(v.status());
                return LifecycleResponse(*v);
              }));
}

}  // namespace guanxi::http
