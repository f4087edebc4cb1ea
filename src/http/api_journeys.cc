// Routes of care dates and care journeys (docs/relationship-api.md): the care
// settings, /journeys, enrollments and leaving.
#include <rapidjson/document.h>

#include "http/api.h"
#include "http/api_internal.h"
#include "store/journey_json.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

// The "steps" array of a journey body: [{day_offset, channel, title, note?}]
// (position is accepted and ignored: steps are numbered in array order).
Result<std::vector<JourneyStep>> ParseSteps(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return Status::InvalidField("", "the body must be a JSON object");
  auto it = d.FindMember("steps");
  if (it == d.MemberEnd()) return Status::InvalidField("steps", "is required");
  if (!it->value.IsArray()) return Status::InvalidField("steps", "must be an array of steps");
  std::vector<JourneyStep> out;
  std::vector<FieldError> errors;
  const auto& arr = it->value;
  for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
    const auto& v = arr[i];
    const std::string at = "steps/" + std::to_string(i);
    if (!v.IsObject()) {
      errors.push_back({at, "must be an object"});
      continue;
    }
    JourneyStep s;
    s.day_offset = -1;
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      const std::string name(m->name.GetString(), m->name.GetStringLength());
      const auto& val = m->value;
      if (name == "day_offset") {
        if (!val.IsInt()) errors.push_back({at + "/day_offset", "must be an integer"});
        else s.day_offset = val.GetInt();
      } else if (name == "channel" || name == "title" || name == "note") {
        if (!val.IsString()) {
          errors.push_back({at + "/" + name, "must be a string"});
          continue;
        }
        std::string str(val.GetString(), val.GetStringLength());
        (name == "channel" ? s.channel : name == "title" ? s.title : s.note) = std::move(str);
      } else if (name != "position") {
        errors.push_back({at + "/" + name, "unknown field"});
      }
    }
    out.push_back(std::move(s));
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid steps", std::move(errors));
  return out;
}

// A journey body (POST and PUT): name, trigger, enabled, steps.
Result<Journey> ParseJourney(const HttpRequest& r) {
  GX_ASSIGN_OR_RETURN(auto in, ParseBody(r));
  Journey j;
  in.String("name", j.name);
  in.String("trigger", j.trigger);
  in.Bool("enabled", j.enabled);
  in.Accept("steps");
  RejectReadOnly(in, {"id", "version", "created_at", "updated_at", "active_enrollments"});
  GX_RETURN_IF_ERROR(in.Finish());
  GX_ASSIGN_OR_RETURN(j.steps, ParseSteps(r.body));
  return j;
}

HttpResponse JourneyResponse(int status, const Journey& j) {
  auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { WriteJourney(w, j); }));
  AddETag(resp, j.version);
  return resp;
}

HttpResponse CareSettingsResponse(const CareSettings& s) {
  return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                  w.StartObject();
                  w.Key("lead_days");
                  w.Int(s.lead_days);
                  w.EndObject();
                }));
}

}  // namespace

void Api::AddJourneyRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  JourneyService& journeys = relationship_.journeys;

  router_.Add("GET", "/api/v1/care-settings",
              authed([&journeys](const HttpRequest&, const PathParams&, const Principal&) {
                auto s = journeys.GetCareSettings();
                if (!s.ok()) return ProblemFrom(s.status());
                return CareSettingsResponse(*s);
              }));
  router_.Add("PUT", "/api/v1/care-settings",
              authed([&journeys](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                int64_t lead_days = -1;
                if (!in->Has("lead_days")) in->AddError("lead_days", "is required");
                in->Int("lead_days", lead_days);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                CareSettings settings;
                settings.lead_days = lead_days < 0 || lead_days > 1000 ? -1 : static_cast<int>(lead_days);
                auto saved = journeys.PutCareSettings(p, settings);
                if (!saved.ok()) return ProblemFrom(saved.status());
                return CareSettingsResponse(*saved);
              }));

  router_.Add("GET", "/api/v1/journeys",
              authed([&journeys](const HttpRequest&, const PathParams&, const Principal& p) {
                auto list = journeys.List(p);
                if (!list.ok()) return ProblemFrom(list.status());
                return JsonOk(200, PageJson(*list, [](JsonWriter& w, const Journey& j) { WriteJourney(w, j); }));
              }));
  router_.Add("POST", "/api/v1/journeys",
              authed([&journeys](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto j = ParseJourney(r);
                if (!j.ok()) return ProblemFrom(j.status());
                auto created = journeys.Create(p, std::move(*j));
                if (!created.ok()) return ProblemFrom(created.status());
                auto resp = JourneyResponse(201, *created);
                resp.headers.emplace_back("Location", "/api/v1/journeys/" + std::to_string(created->id));
                return resp;
              }));
  router_.Add("GET", "/api/v1/journeys/{id}",
              authed([&journeys](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto j = journeys.Get(p, *id);
                if (!j.ok()) return ProblemFrom(j.status());
                return JourneyResponse(200, *j);
              }));
  router_.Add("PUT", "/api/v1/journeys/{id}",
              authed([&journeys](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto j = ParseJourney(r);
                if (!j.ok()) return ProblemFrom(j.status());
                j->id = *id;
                j->version = *version;
                auto updated = journeys.Update(p, std::move(*j));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return JourneyResponse(200, *updated);
              }));
  router_.Add("DELETE", "/api/v1/journeys/{id}",
              authed([&journeys](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                if (Status s = journeys.Delete(p, *id, *version); !s.ok()) return ProblemFrom(s);
                return NoContent();
              }));

  router_.Add("POST", "/api/v1/journeys/{id}/enrollments",
              authed([&journeys](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                int64_t customer_id = 0;
                in->Int("customer_id", customer_id);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto e = journeys.Enroll(p, *id, customer_id);
                if (!e.ok()) return ProblemFrom(e.status());
                return JsonOk(201, JsonDoc([&](JsonWriter& w) { WriteEnrollment(w, *e); }));
              }));
  router_.Add("GET", "/api/v1/customers/{id}/journeys",
              authed([&journeys](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto list = journeys.CustomerJourneys(p, *id);
                if (!list.ok()) return ProblemFrom(list.status());
                return JsonOk(200, PageJson(*list, [](JsonWriter& w, const JourneyEnrollment& e) {
                  WriteEnrollment(w, e);
                }));
              }));
  router_.Add("POST", "/api/v1/journey-enrollments/{id}/leave",
              authed([&journeys](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                std::string reason;
                in->String("reason", reason);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto left = journeys.Leave(p, *id, std::move(reason));
                if (!left.ok()) return ProblemFrom(left.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("enrollment");
                                WriteEnrollment(w, left->first);
                                w.Key("cancelled_tasks");
                                w.Int64(left->second);
                                w.EndObject();
                              }));
              }));
}

}  // namespace guanxi::http
