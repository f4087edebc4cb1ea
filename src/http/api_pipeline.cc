// Routes of the sales funnel (docs/sales-api.md): /stages, /sales-settings,
// /opportunities (with history, playbook and buying centre), /pipeline/*,
// /targets and /playbook.
#include <rapidjson/document.h>

#include <map>
#include <memory>

#include "analytics/forecast.h"
#include "domain/search_text.h"
#include "http/api.h"
#include "http/api_internal.h"
#include "http/pipeline_json.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

// Query parameters naming the scope and period of a metric.
const std::vector<std::string> kScopeParams = {"quarter", "owner", "team"};

HttpResponse BadQuery(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return Problem(400, s.message(), s.fields());
  return ProblemFrom(s);
}

std::string QueryOr(const HttpRequest& r, std::string_view name) {
  const std::string* v = r.Query(name);
  return v ? *v : std::string();
}

// An opportunity's derived fields need the stage list and today; one per request.
struct OpportunityContext {
  explicit OpportunityContext(Store& store) : customer_names(store) {}
  std::map<std::string, Stage> stages;
  std::map<std::string, int> rates;
  std::string today;
  CustomerNameBook customer_names;
};

void WriteMember(JsonWriter& w, const BuyingCentreEntry& e) {
  w.StartObject();
  w.Key("id");
  w.Int64(e.member.id);
  w.Key("contact_id");
  w.Int64(e.member.contact_id);
  w.Key("contact_name");
  WriteString(w, e.contact_name);
  w.Key("contact_title");
  WriteString(w, e.contact_title);
  w.Key("role");
  WriteString(w, ToString(e.member.role));
  w.Key("attitude");
  WriteString(w, ToString(e.member.attitude));
  w.Key("influence");
  w.Int(e.member.influence);
  w.Key("reports_to");
  WriteOptInt(w, e.member.reports_to);
  w.Key("note");
  WriteString(w, e.member.note);
  w.EndObject();
}

void ReadMemberFields(JsonObjectReader& in, BuyingCentreMember& m) {
  in.Int("contact_id", m.contact_id);
  std::string s;
  if (in.String("role", s)) {
    if (auto v = ParseBuyingRole(s))
      m.role = *v;
    else
      in.AddError("role", "unknown buying-centre role");
  }
  if (in.String("attitude", s)) {
    if (auto v = ParseAttitude(s))
      m.attitude = *v;
    else
      in.AddError("attitude", "unknown attitude");
  }
  int64_t influence = m.influence;
  in.Int("influence", influence);
  if (influence < 1 || influence > 5)
    in.AddError("influence", "must be 1..5");
  else
    m.influence = static_cast<int>(influence);
  in.OptInt("reports_to", m.reports_to);
  in.NullableString("note", m.note);
  RejectReadOnly(in, {"id", "contact_name", "contact_title"});
}

void WritePlaybookEntry(JsonWriter& w, const PlaybookEntry& e) {
  w.StartObject();
  w.Key("id");
  w.Int64(e.id);
  w.Key("version");
  w.Int64(e.version);
  w.Key("stage");
  WriteString(w, e.stage);
  w.Key("situation");
  WriteString(w, e.situation);
  w.Key("kind");
  WriteString(w, e.kind);
  w.Key("locale");
  WriteString(w, e.locale);
  w.Key("title");
  WriteString(w, e.title);
  w.Key("body");
  WriteString(w, e.body);
  w.Key("position");
  w.Int(e.position);
  w.Key("updated_at");
  WriteString(w, FormatUtc(e.updated_at));
  w.EndObject();
}

void ReadPlaybookFields(JsonObjectReader& in, PlaybookEntry& e) {
  in.NullableString("stage", e.stage);
  in.String("situation", e.situation);
  in.String("kind", e.kind);
  in.String("locale", e.locale);
  in.String("title", e.title);
  in.String("body", e.body);
  int64_t position = e.position;
  in.Int("position", position);
  e.position = static_cast<int>(position);
  RejectReadOnly(in, {"id", "version", "updated_at"});
}

// Parses the PUT /stages body: an array of {"key","name_zh","name_en","win_rate"}.
Result<std::vector<StageInput>> ParseStagesBody(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsArray()) {
    return Status::InvalidField("", "the body must be a JSON array of stages");
  }
  std::vector<StageInput> out;
  std::vector<FieldError> errors;
  for (rapidjson::SizeType i = 0; i < d.Size(); ++i) {
    const auto& v = d[i];
    const std::string at = "stages[" + std::to_string(i) + "]";
    if (!v.IsObject()) {
      errors.push_back({at, "must be an object"});
      continue;
    }
    StageInput s;
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      std::string name(m->name.GetString(), m->name.GetStringLength());
      const auto& val = m->value;
      if (name == "key" || name == "name_zh" || name == "name_en") {
        if (!val.IsString()) {
          errors.push_back({at + "." + name, "must be a string"});
          continue;
        }
        std::string str(val.GetString(), val.GetStringLength());
        (name == "key" ? s.key : name == "name_zh" ? s.name_zh : s.name_en) = std::move(str);
      } else if (name == "win_rate") {
        if (!val.IsNumber() || val.GetDouble() < 0 || val.GetDouble() > 1) {
          errors.push_back({at + ".win_rate", "must be a number in 0..1"});
          continue;
        }
        s.win_rate_bp = static_cast<int>(val.GetDouble() * kWinRateScale + 0.5);
      } else if (name != "name" && name != "kind" && name != "position") {
        errors.push_back({at + "." + name, "is not a stage field"});
      }
    }
    out.push_back(std::move(s));
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid stages", std::move(errors));
  return out;
}

}  // namespace

void Api::AddPipelineRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };

  // --- helpers bound to this Api ---
  auto context = [this]() -> Result<std::shared_ptr<OpportunityContext>> {
    GX_ASSIGN_OR_RETURN(auto stages, pipeline_.Stages());
    auto c = std::make_shared<OpportunityContext>(store_);
    for (const auto& s : stages) {
      c->stages[s.key] = s;
      c->rates[s.key] = s.win_rate_bp;
    }
    c->today = BusinessDay(clock_.Now());
    return c;
  };
  auto write_opportunity = [this](JsonWriter& w, const Opportunity& o, OpportunityContext& c) {
    w.StartObject();
    WriteOpportunityFields(w, o);
    w.Key("customer_name");
    WriteString(w, c.customer_names.Name(o.customer_id));
    w.Key("owner_name");
    WriteString(w, o.owner_user_id ? OwnerName(*o.owner_user_id) : std::string());
    auto st = c.stages.find(o.stage);
    const bool known = st != c.stages.end();
    w.Key("stage_name");
    WriteString(w, known ? st->second.name_zh : o.stage);
    w.Key("win_rate");
    WriteRate(w, known ? st->second.win_rate_bp : 0);
    w.Key("status");
    WriteString(w, known ? ToString(st->second.kind) : "open");
    analytics::FunnelFigures one;
    one.open_by_stage[o.stage] = o.amount;
    w.Key("weighted_amount");
    w.Int64(analytics::Forecast(one, c.rates).open_weighted);
    w.Key("days_in_stage");
    w.Int(std::max(0, DaysBetween(BusinessDay(o.stage_entered_at), c.today)));
    auto man = AdviseMan(o.money, o.authority, o.need);
    w.Key("man");
    w.StartObject();
    w.Key("code");
    WriteString(w, man.code);
    w.Key("action");
    WriteString(w, man.action);
    w.Key("advice_zh");
    WriteString(w, man.advice_zh);
    w.Key("advice_en");
    WriteString(w, man.advice_en);
    w.EndObject();
    w.EndObject();
  };
  auto opportunity_response = [context, write_opportunity](int status, const Opportunity& o) {
    auto c = context();
    if (!c.ok()) return ProblemFrom(c.status());
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { write_opportunity(w, o, **c); }));
    AddETag(resp, o.version);
    return resp;
  };
  // The metric scope named by ?owner=LOGIN / ?team=ID, or the caller's own.
  auto scope_of = [this](const HttpRequest& r, const Principal& p) -> Result<MetricScope> {
    std::optional<int64_t> team;
    if (const std::string* v = r.Query("team"); v && !v->empty()) {
      team = ParseId(*v);
      if (!team)
        return Status::InvalidArgument("invalid query parameters", {{"team", "must be a team id"}});
    }
    return pipeline_.metrics().ResolveScope(p, QueryOr(r, "owner"), team);
  };

  // --- stages and settings ---
  router_.Add("GET", "/api/v1/stages",
              authed([this](const HttpRequest&, const PathParams&, const Principal&) {
                auto stages = pipeline_.Stages();
                if (!stages.ok()) return ProblemFrom(stages.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& s : *stages) WriteStage(w, s);
                                w.EndArray();
                              }));
              }));
  router_.Add(
      "PUT", "/api/v1/stages",
      authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
        auto input = ParseStagesBody(r.body);
        if (!input.ok()) {
          if (input.status().fields().size() == 1 && input.status().fields()[0].field.empty()) {
            return Problem(400, input.status().message(), input.status().fields());
          }
          return ProblemFrom(input.status());
        }
        auto stages = pipeline_.ReplaceStages(p, *input);
        if (!stages.ok()) return ProblemFrom(stages.status());
        return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                        w.StartArray();
                        for (const auto& s : *stages) WriteStage(w, s);
                        w.EndArray();
                      }));
      }));
  router_.Add("GET", "/api/v1/stages/learned",
              authed([this, scope_of](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto scope = scope_of(r, p);
                if (!scope.ok()) return BadQuery(scope.status());
                auto learned =
                    pipeline_.metrics().Learned(*scope, QueryOr(r, "from"), QueryOr(r, "to"));
                if (!learned.ok()) return BadQuery(learned.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("from");
                                WriteString(w, learned->from);
                                w.Key("to");
                                WriteString(w, learned->to);
                                w.Key("items");
                                w.StartArray();
                                for (const auto& l : learned->items) {
                                  w.StartObject();
                                  WriteStageKeyName(w, l.stage);
                                  w.Key("configured_rate");
                                  WriteRate(w, l.stage.win_rate_bp);
                                  w.Key("learned_rate");
                                  if (l.learned.rate_bp)
                                    WriteRate(w, *l.learned.rate_bp);
                                  else
                                    w.Null();
                                  w.Key("passed");
                                  w.Int64(l.learned.passed);
                                  w.Key("won");
                                  w.Int64(l.learned.won);
                                  w.EndObject();
                                }
                                w.EndArray();
                                w.EndObject();
                              }));
              }),
              {"from", "to", "owner", "team"});
  auto settings_json = [](const SalesSettings& s) {
    return JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("out_of_funnel_threshold");
      w.Int64(s.out_of_funnel_threshold);
      w.EndObject();
    });
  };
  router_.Add(
      "GET", "/api/v1/sales-settings",
      authed([this, settings_json](const HttpRequest&, const PathParams&, const Principal&) {
        auto s = pipeline_.Settings();
        if (!s.ok()) return ProblemFrom(s.status());
        return JsonOk(200, settings_json(*s));
      }));
  router_.Add(
      "PUT", "/api/v1/sales-settings",
      authed([this, settings_json](const HttpRequest& r, const PathParams&, const Principal& p) {
        auto in = ParseBody(r);
        if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
        SalesSettings s;
        if (!in->Has("out_of_funnel_threshold")) {
          return Problem(422, "out_of_funnel_threshold is required",
                         {{"out_of_funnel_threshold", "is required"}});
        }
        in->Int("out_of_funnel_threshold", s.out_of_funnel_threshold);
        if (Status st = in->Finish(); !st.ok()) return ProblemFrom(st);
        auto saved = pipeline_.UpdateSettings(p, s);
        if (!saved.ok()) return ProblemFrom(saved.status());
        return JsonOk(200, settings_json(*saved));
      }));

  // --- opportunities ---
  router_.Add("GET", "/api/v1/opportunities",
              authed([this, context, write_opportunity](const HttpRequest& r, const PathParams&,
                                                        const Principal& p) {
                OpportunityQuery q;
                std::vector<FieldError> errors;
                if (auto v = r.Query("customer_id")) {
                  if (auto id = ParseId(*v))
                    q.customer_id = id;
                  else
                    errors.push_back({"customer_id", "must be a customer id"});
                }
                if (auto v = r.Query("owner"); v && !v->empty()) {
                  auto user = store_.GetUserByLogin(*v);
                  if (user.ok())
                    q.owner_user_id = user->id;
                  else
                    errors.push_back({"owner", "no such user"});
                }
                std::optional<int64_t> team;
                if (auto v = r.Query("team"); v && !v->empty()) {
                  team = ParseId(*v);
                  if (!team) errors.push_back({"team", "must be a team id"});
                }
                if (auto v = r.Query("stage")) q.stage = *v;
                if (auto v = r.Query("status"); v && !v->empty()) {
                  if (*v == "open")
                    q.status = OpportunityStatus::kOpen;
                  else if (*v == "won")
                    q.status = OpportunityStatus::kWon;
                  else if (*v == "lost")
                    q.status = OpportunityStatus::kLost;
                  else
                    errors.push_back({"status", "must be open, won or lost"});
                }
                if (auto v = r.Query("q")) {
                  if (CodePointCount(*v) > 100)
                    errors.push_back({"q", "is longer than 100 characters"});
                  q.search = *v;
                }
                for (const char* day : {"close_from", "close_to"}) {
                  if (auto v = r.Query(day); v && !v->empty()) {
                    if (!IsValidDate(*v))
                      errors.push_back({day, "must be a day YYYY-MM-DD"});
                    else
                      (std::string_view(day) == "close_from" ? q.close_from : q.close_to) = *v;
                  }
                }
                if (auto v = r.Query("limit")) {
                  auto n = ParseId(*v);
                  if (!n || *n > 200)
                    errors.push_back({"limit", "must be between 1 and 200"});
                  else
                    q.limit = static_cast<int>(*n);
                }
                if (auto v = r.Query("after")) q.after = *v;
                if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
                auto page = pipeline_.List(p, q, team);
                if (!page.ok()) return BadQuery(page.status());
                auto c = context();
                if (!c.ok()) return ProblemFrom(c.status());
                std::vector<int64_t> customer_ids;
                for (const auto& o : page->items) customer_ids.push_back(o.customer_id);
                (*c)->customer_names.Load(customer_ids);
                return JsonOk(200, PageJson(
                                       page->items,
                                       [&](JsonWriter& w, const Opportunity& o) {
                                         write_opportunity(w, o, **c);
                                       },
                                       page->next));
              }),
              {"customer_id", "owner", "team", "stage", "status", "q", "close_from", "close_to",
               "after", "limit"});
  router_.Add(
      "POST", "/api/v1/opportunities",
      authed([this, opportunity_response](const HttpRequest& r, const PathParams&,
                                          const Principal& p) {
        auto in = ParseBody(r);
        if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
        Opportunity o;
        const bool has_customer = in->Has("customer_id");
        ReadOpportunityFields(*in, o);
        RejectReadOnly(*in, {"id", "version", "created_at", "updated_at", "stage_entered_at"});
        if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
        if (!has_customer)
          return Problem(422, "customer_id is required", {{"customer_id", "is required"}});
        auto created = pipeline_.Create(p, std::move(o));
        if (!created.ok()) return ProblemFrom(created.status());
        auto resp = opportunity_response(201, *created);
        resp.headers.emplace_back("Location",
                                  "/api/v1/opportunities/" + std::to_string(created->id));
        return resp;
      }));
  router_.Add("GET", "/api/v1/opportunities/{id}",
              authed([this, opportunity_response](const HttpRequest&, const PathParams& pp,
                                                  const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto o = pipeline_.Get(p, *id);
                if (!o.ok()) return ProblemFrom(o.status());
                return opportunity_response(200, *o);
              }));
  router_.Add(
      "PATCH", "/api/v1/opportunities/{id}",
      authed([this, opportunity_response](const HttpRequest& r, const PathParams& pp,
                                          const Principal& p) {
        auto id = IdParam(pp);
        if (!id) return BadId();
        auto in = ParseBody(r);
        if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
        auto current = pipeline_.Get(p, *id);
        if (!current.ok()) return ProblemFrom(current.status());
        auto version = IfMatch(r);
        if (!version.ok()) return IfMatchProblem(version.status());
        Opportunity o = *current;
        ReadOpportunityFields(*in, o);
        // Fields a client may echo back from a GET; only their stored values are kept.
        for (const char* echoed : {"id", "version", "created_at", "updated_at", "stage_entered_at",
                                   "customer_name", "owner_name", "stage_name", "win_rate",
                                   "status", "weighted_amount", "days_in_stage", "man"}) {
          in->Accept(echoed);
        }
        if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
        o.version = *version;
        auto updated = pipeline_.Update(p, std::move(o));
        if (!updated.ok()) return ProblemFrom(updated.status());
        return opportunity_response(200, *updated);
      }));
  router_.Add("DELETE", "/api/v1/opportunities/{id}",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                Status s = pipeline_.Delete(p, *id);
                return s.ok() ? NoContent() : ProblemFrom(s);
              }));
  router_.Add("GET", "/api/v1/opportunities/{id}/history",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto events = pipeline_.History(p, *id);
                if (!events.ok()) return ProblemFrom(events.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& e : *events) {
                                  w.StartObject();
                                  w.Key("id");
                                  w.Int64(e.id);
                                  w.Key("at");
                                  WriteString(w, FormatUtc(e.at));
                                  w.Key("user_login");
                                  WriteString(w, e.user_login);
                                  w.Key("kind");
                                  WriteString(w, e.kind);
                                  w.Key("from_stage");
                                  WriteString(w, e.from_stage);
                                  w.Key("to_stage");
                                  WriteString(w, e.to_stage);
                                  w.Key("amount");
                                  w.Int64(e.amount);
                                  w.Key("expected_close");
                                  WriteString(w, e.expected_close);
                                  w.Key("owner_user_id");
                                  WriteOptInt(w, e.owner_user_id);
                                  w.EndObject();
                                }
                                w.EndArray();
                              }));
              }));
  router_.Add("GET", "/api/v1/opportunities/{id}/playbook",
              authed([this](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                std::string locale = QueryOr(r, "locale");
                if (locale.empty()) locale = "zh";
                if (locale != "zh" && locale != "en")
                  return Problem(400, "invalid query parameters", {{"locale", "must be zh or en"}});
                auto entries = pipeline_.PlaybookFor(p, *id, locale);
                if (!entries.ok()) return ProblemFrom(entries.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& e : *entries) WritePlaybookEntry(w, e);
                                w.EndArray();
                              }));
              }),
              {"locale"});

  // --- buying centre ---
  router_.Add("GET", "/api/v1/opportunities/{id}/buying-centre",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto members = pipeline_.BuyingCentre(p, *id);
                if (!members.ok()) return ProblemFrom(members.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& m : *members) WriteMember(w, m);
                                w.EndArray();
                              }));
              }));
  auto put_member = [this](const HttpRequest& r, int64_t opportunity_id, int64_t member_id,
                           const Principal& p, int status) {
    auto in = ParseBody(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    BuyingCentreMember m;
    m.id = member_id;
    m.opportunity_id = opportunity_id;
    const bool has_contact = in->Has("contact_id");
    ReadMemberFields(*in, m);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    if (!has_contact)
      return Problem(422, "contact_id is required", {{"contact_id", "is required"}});
    auto saved = pipeline_.PutMember(p, std::move(m));
    if (!saved.ok()) return ProblemFrom(saved.status());
    return JsonOk(status, JsonDoc([&](JsonWriter& w) { WriteMember(w, *saved); }));
  };
  router_.Add("POST", "/api/v1/opportunities/{id}/buying-centre",
              authed([put_member](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                return put_member(r, *id, 0, p, 201);
              }));
  router_.Add("PUT", "/api/v1/opportunities/{id}/buying-centre/{mid}",
              authed([put_member](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                auto mid = ParseId(pp.at(1));
                if (!id || !mid) return BadId();
                return put_member(r, *id, *mid, p, 200);
              }));
  router_.Add("DELETE", "/api/v1/opportunities/{id}/buying-centre/{mid}",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                auto mid = ParseId(pp.at(1));
                if (!id || !mid) return BadId();
                Status s = pipeline_.DeleteMember(p, *id, *mid);
                return s.ok() ? NoContent() : ProblemFrom(s);
              }));

  // --- pipeline metrics ---
  router_.Add("GET", "/api/v1/pipeline/forecast",
              authed([this, scope_of](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto scope = scope_of(r, p);
                if (!scope.ok()) return BadQuery(scope.status());
                auto v = pipeline_.metrics().Forecast(*scope, QueryOr(r, "quarter"));
                if (!v.ok()) return BadQuery(v.status());
                return JsonOk(200, ForecastJson(*v));
              }),
              kScopeParams);
  router_.Add("GET", "/api/v1/pipeline/board",
              authed([this, scope_of, context, write_opportunity](
                         const HttpRequest& r, const PathParams&, const Principal& p) {
                auto scope = scope_of(r, p);
                if (!scope.ok()) return BadQuery(scope.status());
                auto columns = pipeline_.metrics().Board(*scope, QueryOr(r, "quarter"));
                if (!columns.ok()) return BadQuery(columns.status());
                auto c = context();
                if (!c.ok()) return ProblemFrom(c.status());
                std::vector<int64_t> customer_ids;
                for (const auto& col : *columns) {
                  for (const auto& o : col.items) customer_ids.push_back(o.customer_id);
                }
                (*c)->customer_names.Load(customer_ids);
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("stages");
                                w.StartArray();
                                for (const auto& col : *columns) {
                                  w.StartObject();
                                  WriteStageKeyName(w, col.stage);
                                  w.Key("win_rate");
                                  WriteRate(w, col.stage.win_rate_bp);
                                  w.Key("count");
                                  w.Int64(col.count);
                                  w.Key("amount");
                                  w.Int64(col.amount);
                                  w.Key("items");
                                  w.StartArray();
                                  for (const auto& o : col.items) write_opportunity(w, o, **c);
                                  w.EndArray();
                                  w.EndObject();
                                }
                                w.EndArray();
                                w.EndObject();
                              }));
              }),
              kScopeParams);
  router_.Add("GET", "/api/v1/pipeline/funnel",
              authed([this, scope_of](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto scope = scope_of(r, p);
                if (!scope.ok()) return BadQuery(scope.status());
                auto stages = pipeline_.metrics().Funnel(*scope, QueryOr(r, "quarter"));
                if (!stages.ok()) return BadQuery(stages.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("stages");
                                w.StartArray();
                                for (const auto& f : *stages) {
                                  w.StartObject();
                                  WriteStageKeyName(w, f.stage);
                                  w.Key("count");
                                  w.Int64(f.count);
                                  w.Key("amount");
                                  w.Int64(f.amount);
                                  w.Key("conversion_rate");
                                  WriteOptDouble(w, f.conversion_rate);
                                  w.Key("avg_days");
                                  WriteOptDouble(w, f.avg_days);
                                  w.EndObject();
                                }
                                w.EndArray();
                                w.EndObject();
                              }));
              }),
              kScopeParams);
  router_.Add("GET", "/api/v1/pipeline/leaderboard",
              authed([this, scope_of](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto scope = scope_of(r, p);
                if (!scope.ok()) return BadQuery(scope.status());
                auto rows = pipeline_.metrics().Leaderboard(*scope, QueryOr(r, "quarter"));
                if (!rows.ok()) return BadQuery(rows.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& row : *rows) {
                                  w.StartObject();
                                  w.Key("user_id");
                                  w.Int64(row.user.id);
                                  w.Key("login");
                                  WriteString(w, row.user.login);
                                  w.Key("display_name");
                                  WriteString(w, row.user.display_name);
                                  w.Key("team_id");
                                  WriteOptInt(w, row.user.team_id);
                                  w.Key("closed");
                                  w.Int64(row.closed);
                                  w.Key("forecast");
                                  w.Int64(row.forecast);
                                  w.Key("activity");
                                  w.Int64(row.activity);
                                  w.Key("target");
                                  WriteOptInt(w, row.target);
                                  w.Key("coverage");
                                  WriteOptDouble(w, row.coverage);
                                  w.EndObject();
                                }
                                w.EndArray();
                              }));
              }),
              kScopeParams);
  router_.Add("GET", "/api/v1/pipeline/teams",
              authed([this, scope_of](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto scope = scope_of(r, p);
                if (!scope.ok()) return BadQuery(scope.status());
                auto rows = pipeline_.metrics().Teams(*scope, QueryOr(r, "quarter"));
                if (!rows.ok()) return BadQuery(rows.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& row : *rows) {
                                  w.StartObject();
                                  w.Key("team_id");
                                  w.Int64(row.team.id);
                                  w.Key("team_name");
                                  WriteString(w, row.team.name);
                                  w.Key("closed");
                                  w.Int64(row.figures.closed);
                                  w.Key("open_weighted");
                                  w.Int64(row.figures.open_weighted);
                                  w.Key("out_of_funnel");
                                  w.Int64(row.figures.out_of_funnel);
                                  w.Key("forecast");
                                  w.Int64(row.figures.forecast);
                                  w.Key("target");
                                  WriteOptInt(w, row.target);
                                  w.Key("coverage");
                                  WriteOptDouble(w, row.coverage);
                                  w.Key("progress");
                                  WriteOptDouble(w, row.progress);
                                  w.EndObject();
                                }
                                w.EndArray();
                              }));
              }),
              kScopeParams);
  router_.Add("GET", "/api/v1/pipeline/accuracy",
              authed([this, scope_of](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto scope = scope_of(r, p);
                if (!scope.ok()) return BadQuery(scope.status());
                auto v = pipeline_.metrics().Accuracy(*scope, QueryOr(r, "quarter"));
                if (!v.ok()) return BadQuery(v.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartObject();
                                w.Key("quarter");
                                WriteString(w, v->quarter);
                                w.Key("actual");
                                w.Int64(v->report.actual);
                                w.Key("learned_window");
                                w.StartObject();
                                w.Key("from");
                                WriteString(w, v->learned_from);
                                w.Key("to");
                                WriteString(w, v->learned_to);
                                w.EndObject();
                                w.Key("weeks");
                                w.StartArray();
                                for (const auto& wk : v->report.weeks) {
                                  w.StartObject();
                                  w.Key("week_start");
                                  WriteString(w, wk.week_start);
                                  w.Key("forecast_configured");
                                  w.Int64(wk.forecast_configured);
                                  w.Key("forecast_learned");
                                  w.Int64(wk.forecast_learned);
                                  w.Key("closed_so_far");
                                  w.Int64(wk.closed_so_far);
                                  w.EndObject();
                                }
                                w.EndArray();
                                w.Key("mean_abs_error_configured");
                                WriteOptInt(w, v->report.mean_abs_error_configured);
                                w.Key("mean_abs_error_learned");
                                WriteOptInt(w, v->report.mean_abs_error_learned);
                                w.EndObject();
                              }));
              }),
              kScopeParams);

  // --- targets ---
  router_.Add("GET", "/api/v1/targets",
              authed([this](const HttpRequest& r, const PathParams&, const Principal&) {
                std::string quarter = QueryOr(r, "quarter");
                if (quarter.empty()) quarter = QuarterOf(BusinessDay(clock_.Now())).Name();
                auto targets = pipeline_.Targets(quarter);
                if (!targets.ok()) return BadQuery(targets.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& t : *targets) WriteTarget(w, t);
                                w.EndArray();
                              }));
              }),
              {"quarter"});
  router_.Add("PUT", "/api/v1/targets",
              authed([this](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                SalesTarget t;
                in->String("quarter", t.quarter);
                std::string scope;
                if (in->String("scope", scope)) {
                  if (auto s = ParseTargetScope(scope))
                    t.scope = *s;
                  else
                    in->AddError("scope", "must be user, team or company");
                } else {
                  in->AddError("scope", "is required");
                }
                in->OptInt("subject_id", t.subject_id);
                in->Int("amount", t.amount);
                RejectReadOnly(*in, {"id", "subject_name"});
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto saved = pipeline_.PutTarget(p, std::move(t));
                if (!saved.ok()) return ProblemFrom(saved.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) { WriteTarget(w, *saved); }));
              }));
  router_.Add("DELETE", "/api/v1/targets/{id}",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                Status s = pipeline_.DeleteTarget(p, *id);
                return s.ok() ? NoContent() : ProblemFrom(s);
              }));

  // --- playbook ---
  router_.Add("GET", "/api/v1/playbook",
              authed([this](const HttpRequest& r, const PathParams&, const Principal&) {
                auto entries = pipeline_.Playbook(QueryOr(r, "stage"), QueryOr(r, "situation"),
                                                  QueryOr(r, "locale"));
                if (!entries.ok()) return ProblemFrom(entries.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                                w.StartArray();
                                for (const auto& e : *entries) WritePlaybookEntry(w, e);
                                w.EndArray();
                              }));
              }),
              {"stage", "situation", "locale"});
  auto playbook_response = [](int status, const PlaybookEntry& e) {
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { WritePlaybookEntry(w, e); }));
    AddETag(resp, e.version);
    return resp;
  };
  router_.Add("POST", "/api/v1/playbook",
              authed([this, playbook_response](const HttpRequest& r, const PathParams&,
                                               const Principal& p) {
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                PlaybookEntry e;
                ReadPlaybookFields(*in, e);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto created = pipeline_.CreatePlaybookEntry(p, std::move(e));
                if (!created.ok()) return ProblemFrom(created.status());
                return playbook_response(201, *created);
              }));
  router_.Add("PATCH", "/api/v1/playbook/{id}",
              authed([this, playbook_response](const HttpRequest& r, const PathParams& pp,
                                               const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto in = ParseBody(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                auto current = pipeline_.GetPlaybookEntry(*id);
                if (!current.ok()) return ProblemFrom(current.status());
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                PlaybookEntry e = *current;
                ReadPlaybookFields(*in, e);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                e.version = *version;
                auto updated = pipeline_.UpdatePlaybookEntry(p, std::move(e));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return playbook_response(200, *updated);
              }));
  router_.Add("DELETE", "/api/v1/playbook/{id}",
              authed([this](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                Status s = pipeline_.DeletePlaybookEntry(p, *id);
                return s.ok() ? NoContent() : ProblemFrom(s);
              }));
}

}  // namespace guanxi::http
