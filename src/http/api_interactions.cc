// Routes of interactions and the customer timeline (docs/relationship-api.md,
// "Interactions + timeline"): /interactions, /interactions/{id} and
// /customers/{id}/timeline. Times on the wire are Unix seconds.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "http/api.h"
#include "http/api_internal.h"
#include "http/task_json.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

void WriteOpt(JsonWriter& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v) w.Int64(*v); else w.Null();
}

// Writes the interaction's members and leaves the object open, so the POST answer
// can add its follow_up_task; callers close it.
void WriteInteraction(JsonWriter& w, const Interaction& i, const std::string& customer_name,
                      const std::string& user_name) {
  w.StartObject();
  w.Key("id");
  w.Int64(i.id);
  w.Key("version");
  w.Int64(i.version);
  w.Key("customer_id");
  w.Int64(i.customer_id);
  w.Key("customer_name");
  WriteString(w, customer_name);
  WriteOpt(w, "contact_id", i.contact_id);
  WriteOpt(w, "user_id", i.user_id);
  w.Key("user_name");
  if (user_name.empty()) w.Null(); else WriteString(w, user_name);
  w.Key("channel");
  WriteString(w, i.channel);
  w.Key("direction");
  WriteString(w, i.direction);
  w.Key("at");
  w.Int64(i.at);
  w.Key("subject");
  WriteString(w, i.subject);
  w.Key("summary");
  WriteString(w, i.summary);
  w.Key("outcome");
  WriteString(w, i.outcome);
  WriteOpt(w, "duration_minutes", i.duration_minutes);
  WriteOpt(w, "opportunity_id", i.opportunity_id);
  WriteOpt(w, "case_id", i.case_id);
  w.Key("created_at");
  w.Int64(i.created_at);
  w.Key("updated_at");
  w.Int64(i.updated_at);
}

void WriteTimelineEntry(JsonWriter& w, const TimelineEntry& e) {
  w.StartObject();
  w.Key("kind");
  WriteString(w, e.kind);
  w.Key("event");
  WriteString(w, e.event);
  w.Key("id");
  w.Int64(e.id);
  w.Key("at");
  w.Int64(e.at);
  w.Key("title");
  WriteString(w, e.title);
  w.Key("detail");
  WriteString(w, e.detail);
  WriteOpt(w, "user_id", e.user_id);
  w.Key("user_name");
  if (e.user_name.empty()) w.Null(); else WriteString(w, e.user_name);
  w.Key("data");
  w.RawValue(e.data.data(), e.data.size(), rapidjson::kObjectType);
  w.EndObject();
}

// The fields of an interaction a client may send (POST and PATCH).
void ReadInteractionFields(JsonObjectReader& in, Interaction& i) {
  in.OptInt("contact_id", i.contact_id);
  in.OptInt("user_id", i.user_id);
  in.String("channel", i.channel);
  in.String("direction", i.direction);
  in.String("subject", i.subject);
  in.String("summary", i.summary);
  in.String("outcome", i.outcome);
  in.OptInt("duration_minutes", i.duration_minutes);
  in.OptInt("opportunity_id", i.opportunity_id);
  in.OptInt("case_id", i.case_id);
}

// The `follow_up` member of a body: nullopt when absent or null. The body
// parses already (ParseBody), so only the member's type can be wrong.
Result<std::optional<FollowUpDraft>> ReadFollowUp(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::optional<FollowUpDraft>();
  auto it = doc.FindMember("follow_up");
  if (it == doc.MemberEnd() || it->value.IsNull()) return std::optional<FollowUpDraft>();
  if (!it->value.IsObject()) return Status::InvalidField("follow_up", "must be an object");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  it->value.Accept(writer);
  GX_ASSIGN_OR_RETURN(auto in, JsonObjectReader::Parse(std::string_view(buf.GetString(), buf.GetSize())));
  FollowUpDraft d;
  in.String("title", d.title);
  in.String("due_day", d.due_day);
  std::string due_time;
  if (in.Has("due_time") && !in.IsNull("due_time")) {
    in.String("due_time", due_time);
    d.due_time = due_time;
  } else {
    in.Accept("due_time");
  }
  in.OptInt("assignee_user_id", d.assignee_user_id);
  in.String("priority", d.priority);
  Status s = in.Finish();
  if (!s.ok()) {
    std::vector<FieldError> fields;
    for (const auto& f : s.fields()) fields.push_back({"follow_up/" + f.field, f.message});
    return Status::InvalidArgument("invalid follow_up", std::move(fields));
  }
  return std::optional<FollowUpDraft>(std::move(d));
}

}  // namespace

void Api::AddInteractionRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  auto interaction_response = [this](int status, const Interaction& i) {
    CustomerNameBook names(store_);
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) {
                         WriteInteraction(w, i, names.Name(i.customer_id),
                                          i.user_id ? OwnerName(*i.user_id) : std::string());
                         w.EndObject();
                       }));
    AddETag(resp, i.version);
    return resp;
  };

  router_.Add(
      "POST", "/api/v1/interactions",
      authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
        auto in = ParseBody(r);
        if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
        InteractionDraft d;
        in->Int("customer_id", d.interaction.customer_id);
        ReadInteractionFields(*in, d.interaction);
        std::optional<int64_t> at;
        in->OptInt("at", at);
        d.at = at;
        in->Accept("follow_up");
        RejectReadOnly(*in, {"id", "version", "created_at", "updated_at", "customer_name", "user_name"});
        auto follow_up = ReadFollowUp(r.body);
        if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
        if (!follow_up.ok()) return ProblemFrom(follow_up.status());
        d.follow_up = std::move(*follow_up);
        auto logged = relationship_.interactions.Log(p, std::move(d));
        if (!logged.ok()) return ProblemFrom(logged.status());
        CustomerNameBook names(store_);
        const Interaction& i = logged->interaction;
        auto resp = JsonOk(201, JsonDoc([&](JsonWriter& w) {
                             WriteInteraction(w, i, names.Name(i.customer_id),
                                              i.user_id ? OwnerName(*i.user_id) : std::string());
                             w.Key("follow_up_task");
                             if (logged->follow_up) {
                               const Task& t = *logged->follow_up;
                               WriteTask(w, t, names.Name(t.customer_id),
                                         t.assignee_user_id ? OwnerName(*t.assignee_user_id) : std::string());
                             } else {
                               w.Null();
                             }
                             w.EndObject();
                           }));
        AddETag(resp, i.version);
        resp.headers.emplace_back("Location", "/api/v1/interactions/" + std::to_string(i.id));
        return resp;
      }));

  router_.Add(
      "GET", "/api/v1/interactions",
      authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
        InteractionQuery q;
        std::vector<FieldError> errors;
        for (auto [name, target] : {std::pair{"customer_id", &q.customer_id}, std::pair{"user_id", &q.user_id}}) {
          if (auto v = r.Query(name); v && !v->empty()) {
            if (auto id = ParseId(*v)) *target = id;
            else errors.push_back({name, "must be an id"});
          }
        }
        if (auto v = r.Query("channel")) {
          q.channel = *v;
          if (!q.channel.empty() && !IsInteractionChannel(q.channel)) errors.push_back({"channel", "no such channel"});
        }
        if (auto v = r.Query("limit")) {
          auto n = ParseId(*v);
          if (!n || *n > 200) errors.push_back({"limit", "must be between 1 and 200"});
          else q.limit = static_cast<int>(*n);
        }
        if (auto v = r.Query("after")) q.after = *v;
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto page = relationship_.interactions.List(p, q);
        if (!page.ok()) {
          if (page.status().code() == StatusCode::kInvalidArgument) {
            return Problem(400, page.status().message(), page.status().fields());
          }
          return ProblemFrom(page.status());
        }
        CustomerNameBook names(store_);
        std::vector<int64_t> ids;
        for (const Interaction& i : page->items) ids.push_back(i.customer_id);
        names.Load(ids);
        return JsonOk(200, PageJson(
                               page->items,
                               [&](JsonWriter& w, const Interaction& i) {
                                 WriteInteraction(w, i, names.Name(i.customer_id),
                                                  i.user_id ? OwnerName(*i.user_id) : std::string());
                                 w.EndObject();
                               },
                               page->next));
      }),
      {"customer_id", "user_id", "channel", "limit", "after"});

  router_.Add("GET", "/api/v1/interactions/{id}",
              authed([this, interaction_response](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto i = relationship_.interactions.Get(p, *id);
                if (!i.ok()) return ProblemFrom(i.status());
                return interaction_response(200, *i);
              }));

  router_.Add("PATCH", "/api/v1/interactions/{id}",
              authed([this, interaction_response](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                auto stored = relationship_.interactions.Get(p, *id);
                if (!stored.ok()) return ProblemFrom(stored.status());
                Interaction changed = *stored;
                ReadInteractionFields(*in, changed);
                if (in->Has("at")) {
                  std::optional<int64_t> at;
                  in->OptInt("at", at);
                  if (at) changed.at = *at;
                  else in->AddError("at", "must not be null");
                }
                RejectReadOnly(*in, {"id", "version", "customer_id", "created_at", "updated_at", "customer_name",
                                     "user_name"});
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                changed.version = *version;
                auto updated = relationship_.interactions.Update(p, std::move(changed));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return interaction_response(200, *updated);
              }));

  router_.Add("DELETE", "/api/v1/interactions/{id}",
              authed([this](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                Status s = relationship_.interactions.Delete(p, *id, *version);
                if (!s.ok()) return ProblemFrom(s);
                return NoContent();
              }));

  router_.Add(
      "GET", "/api/v1/customers/{id}/timeline",
      authed([this](const HttpRequest& r, const PathParams& pp, const Principal& p) {
        auto id = IdParam(pp);
        if (!id) return BadId();
        TimelineQuery q;
        q.customer_id = *id;
        std::vector<FieldError> errors;
        if (auto v = r.Query("kinds"); v && !v->empty()) {
          size_t start = 0;
          for (;;) {
            const size_t comma = v->find(',', start);
            std::string kind = v->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!kind.empty()) q.kinds.push_back(std::move(kind));
            if (comma == std::string::npos) break;
            start = comma + 1;
          }
        }
        if (auto v = r.Query("limit")) {
          auto n = ParseId(*v);
          if (!n || *n > 200) errors.push_back({"limit", "must be between 1 and 200"});
          else q.limit = static_cast<int>(*n);
        }
        if (auto v = r.Query("after")) q.after = *v;
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto page = relationship_.interactions.Timeline(p, q);
        if (!page.ok()) {
          if (page.status().code() == StatusCode::kInvalidArgument) {
            return Problem(400, page.status().message(), page.status().fields());
          }
          return ProblemFrom(page.status());
        }
        return JsonOk(200, PageJson(page->items, WriteTimelineEntry, page->next));
      }),
      {"kinds", "limit", "after"});
}

}  // namespace guanxi::http
