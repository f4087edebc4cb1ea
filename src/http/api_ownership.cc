// Routes of ownership transfer and the public pool (公海), docs/relationship-api.md:
// /customers/transfer, /customers/{id}/owner-history, /pool…, /pool-rules…,
// /pool-settings.
#include <map>

#include <rapidjson/document.h>

#include "domain/search_text.h"
#include "http/api.h"
#include "http/api_internal.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

// A request body of these routes: a JSON object whose fields are all known.
struct Body {
  rapidjson::Document doc;
  std::vector<FieldError> errors;

  const rapidjson::Value* Get(const char* name) const {
    auto it = doc.FindMember(name);
    return it == doc.MemberEnd() ? nullptr : &it->value;
  }
  std::vector<int64_t> Ids(const char* name) {
    std::vector<int64_t> out;
    const auto* v = Get(name);
    if (!v) {
      errors.push_back({name, "is required"});
      return out;
    }
    if (!v->IsArray()) {
      errors.push_back({name, "must be an array of customer ids"});
      return out;
    }
    for (const auto& e : v->GetArray()) {
      if (!e.IsInt64() || e.GetInt64() <= 0) {
        errors.push_back({name, "must be an array of customer ids"});
        return {};
      }
      out.push_back(e.GetInt64());
    }
    return out;
  }
  int64_t Id(const char* name) {
    const auto* v = Get(name);
    if (!v || !v->IsInt64() || v->GetInt64() <= 0) {
      errors.push_back({name, v ? "must be a user id" : "is required"});
      return 0;
    }
    return v->GetInt64();
  }
  std::string Text(const char* name) {
    const auto* v = Get(name);
    if (!v || v->IsNull()) return "";
    if (!v->IsString()) {
      errors.push_back({name, "must be a string"});
      return "";
    }
    return std::string(v->GetString(), v->GetStringLength());
  }
};

// Parses the body; a field outside `known` is an error (like JsonObjectReader).
Result<Body> ParseStrict(const HttpRequest& r, std::initializer_list<const char*> known) {
  if (!IsJsonContentType(r.Header("content-type"))) {
    return Status::InvalidArgument("the body must be application/json");
  }
  Body b;
  b.doc.Parse(r.body.c_str(), r.body.size());
  if (b.doc.HasParseError() || !b.doc.IsObject()) return Status::InvalidArgument("the body must be a JSON object");
  for (auto it = b.doc.MemberBegin(); it != b.doc.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    bool ok = false;
    for (const char* k : known) ok = ok || name == k;
    if (!ok) b.errors.push_back({name, "unknown field"});
  }
  return b;
}

void WriteOutcome(JsonWriter& w, const TransferOutcome& o) {
  w.StartObject();
  w.Key("transferred");
  w.Int64(o.transferred);
  w.Key("tasks_moved");
  w.Int64(o.tasks_moved);
  w.Key("opportunities_moved");
  w.Int64(o.opportunities_moved);
  w.EndObject();
}

void WriteOptInt(JsonWriter& w, const std::optional<int64_t>& v) {
  if (v) w.Int64(*v); else w.Null();
}

void WriteRule(JsonWriter& w, const PoolRule& r) {
  w.StartObject();
  w.Key("id"); w.Int64(r.id);
  w.Key("version"); w.Int64(r.version);
  w.Key("name"); WriteString(w, r.name);
  w.Key("class_kind"); WriteString(w, r.class_kind);
  w.Key("class_value"); WriteString(w, r.class_value);
  w.Key("no_follow_up_days"); WriteOptInt(w, r.no_follow_up_days);
  w.Key("no_deal_days"); WriteOptInt(w, r.no_deal_days);
  w.Key("warn_days"); w.Int64(r.warn_days);
  w.Key("position"); w.Int64(r.position);
  w.Key("enabled"); w.Bool(r.enabled);
  w.Key("created_at"); w.Int64(r.created_at);
  w.Key("updated_at"); w.Int64(r.updated_at);
  w.EndObject();
}

// Reads a pool rule's writable fields; every one is required (PUT replaces).
void ReadRule(Body& b, PoolRule& r) {
  r.name = b.Text("name");
  if (!b.Get("name")) b.errors.push_back({"name", "is required"});
  r.class_kind = b.Text("class_kind");
  if (r.class_kind.empty()) r.class_kind = "all";
  r.class_value = b.Text("class_value");
  auto opt_days = [&](const char* name, std::optional<int64_t>& out) {
    const auto* v = b.Get(name);
    if (!v || v->IsNull()) return;
    if (!v->IsInt64()) b.errors.push_back({name, "must be an integer or null"});
    else out = v->GetInt64();
  };
  opt_days("no_follow_up_days", r.no_follow_up_days);
  opt_days("no_deal_days", r.no_deal_days);
  if (const auto* v = b.Get("warn_days")) {
    if (!v->IsInt64()) b.errors.push_back({"warn_days", "must be an integer"});
    else r.warn_days = v->GetInt64();
  }
  if (const auto* v = b.Get("position")) {
    if (!v->IsInt64()) b.errors.push_back({"position", "must be an integer"});
    else r.position = v->GetInt64();
  }
  if (const auto* v = b.Get("enabled")) {
    if (!v->IsBool()) b.errors.push_back({"enabled", "must be true or false"});
    else r.enabled = v->GetBool();
  }
}

constexpr std::initializer_list<const char*> kRuleFields = {
    "name", "class_kind", "class_value", "no_follow_up_days", "no_deal_days", "warn_days", "position", "enabled",
    "id", "version", "created_at", "updated_at"};

}  // namespace

void Api::AddOwnershipRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  OwnershipService& own = relationship_.ownership;
  auto outcome = [](const Result<TransferOutcome>& o) {
    if (!o.ok()) return ProblemFrom(o.status());
    return JsonOk(200, JsonDoc([&](JsonWriter& w) { WriteOutcome(w, *o); }));
  };
  auto bad_body = [](const Status& s) { return Problem(400, s.message(), s.fields()); };

  router_.Add("POST", "/api/v1/customers/transfer",
              authed([&own, outcome, bad_body](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto b = ParseStrict(r, {"customer_ids", "to_user_id", "note"});
                if (!b.ok()) return bad_body(b.status());
                auto ids = b->Ids("customer_ids");
                int64_t to = b->Id("to_user_id");
                std::string note = b->Text("note");
                if (!b->errors.empty()) return Problem(422, "the transfer is not valid", b->errors);
                return outcome(own.Transfer(p, std::move(ids), to, note));
              }));

  router_.Add("GET", "/api/v1/customers/{id}/owner-history",
              authed([this, &own](const HttpRequest&, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto h = own.History(p, *id);
                if (!h.ok()) return ProblemFrom(h.status());
                auto name = [this](const std::optional<int64_t>& u) {
                  return u ? OwnerName(*u) : std::string();
                };
                return JsonOk(200, PageJson(*h, [&](JsonWriter& w, const OwnerHistoryEntry& e) {
                  w.StartObject();
                  w.Key("id"); w.Int64(e.id);
                  w.Key("customer_id"); w.Int64(e.customer_id);
                  w.Key("at"); w.Int64(e.at);
                  w.Key("from_user_id"); WriteOptInt(w, e.from_user_id);
                  w.Key("from_user_name"); WriteString(w, name(e.from_user_id));
                  w.Key("to_user_id"); WriteOptInt(w, e.to_user_id);
                  w.Key("to_user_name"); WriteString(w, name(e.to_user_id));
                  w.Key("reason"); WriteString(w, e.reason);
                  w.Key("user_id"); WriteOptInt(w, e.user_id);
                  w.Key("user_name"); WriteString(w, name(e.user_id));
                  w.Key("note"); WriteString(w, e.note);
                  w.Key("tasks_moved"); w.Int64(e.tasks_moved);
                  w.Key("opportunities_moved"); w.Int64(e.opportunities_moved);
                  w.EndObject();
                }));
              }));

  router_.Add(
      "GET", "/api/v1/pool",
      authed([&own](const HttpRequest& r, const PathParams&, const Principal& p) {
        CustomerQuery q;
        q.sort = CustomerSort::kUpdatedAsc;  // longest in the pool first
        std::vector<FieldError> errors;
        if (auto v = r.Query("q")) {
          if (CodePointCount(*v) > 100) errors.push_back({"q", "is longer than 100 characters"});
          q.search = FoldForSearch(*v);
        }
        if (auto v = r.Query("tag")) q.tag = *v;
        if (auto v = r.Query("source")) q.source = *v;
        if (auto v = r.Query("province")) q.province = *v;
        if (auto v = r.Query("relationship"); v && !v->empty()) {
          if (auto e = ParseRelationship(*v)) q.relationship = e;
          else errors.push_back({"relationship", "unknown relationship"});
        }
        if (auto v = r.Query("stage"); v && !v->empty()) {
          if (auto e = ParseLifecycleStage(*v)) q.stage = e;
          else errors.push_back({"stage", "unknown lifecycle stage"});
        }
        if (auto v = r.Query("tier")) q.tier = *v;
        if (auto v = r.Query("rfm_class")) q.rfm_class = *v;
        if (auto v = r.Query("sort")) {
          static const std::map<std::string, CustomerSort> kSorts = {
              {"-updated_at", CustomerSort::kUpdatedDesc}, {"updated_at", CustomerSort::kUpdatedAsc},
              {"name", CustomerSort::kNameAsc},            {"-name", CustomerSort::kNameDesc},
              {"-created_at", CustomerSort::kCreatedDesc}, {"created_at", CustomerSort::kCreatedAsc}};
          auto it = kSorts.find(*v);
          if (it == kSorts.end()) errors.push_back({"sort", "must be one of -updated_at, updated_at, name, -name, -created_at, created_at"});
          else q.sort = it->second;
        }
        if (auto v = r.Query("limit")) {
          auto n = ParseId(*v);
          if (!n || *n > 200) errors.push_back({"limit", "must be between 1 and 200"});
          else q.limit = static_cast<int>(*n);
        }
        if (auto v = r.Query("after")) q.after = *v;
        if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
        auto page = own.ListPool(p, q);
        if (!page.ok()) {
          if (page.status().code() == StatusCode::kInvalidArgument) {
            return Problem(400, page.status().message(), page.status().fields());
          }
          return ProblemFrom(page.status());
        }
        auto holding = own.Holding(p);
        if (!holding.ok()) return ProblemFrom(holding.status());
        return JsonOk(200, JsonDoc([&](JsonWriter& w) {
          w.StartObject();
          w.Key("items");
          w.StartArray();
          for (const Customer& c : page->items) {
            w.StartObject();
            WriteCustomerFields(w, c);
            w.EndObject();
          }
          w.EndArray();
          w.Key("next");
          if (page->next) WriteString(w, *page->next); else w.Null();
          w.Key("holding");
          w.StartObject();
          w.Key("held"); w.Int64(holding->held);
          w.Key("limit"); WriteOptInt(w, holding->limit);
          w.EndObject();
          w.EndObject();
        }));
      }),
      {"q", "tag", "source", "province", "relationship", "stage", "tier", "rfm_class", "sort", "limit", "after"});

  router_.Add("POST", "/api/v1/pool/claim",
              authed([&own, outcome, bad_body](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto b = ParseStrict(r, {"customer_ids"});
                if (!b.ok()) return bad_body(b.status());
                auto ids = b->Ids("customer_ids");
                if (!b->errors.empty()) return Problem(422, "the claim is not valid", b->errors);
                return outcome(own.Claim(p, std::move(ids)));
              }));
  router_.Add("POST", "/api/v1/pool/release",
              authed([&own, outcome, bad_body](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto b = ParseStrict(r, {"customer_ids", "note"});
                if (!b.ok()) return bad_body(b.status());
                auto ids = b->Ids("customer_ids");
                std::string note = b->Text("note");
                if (!b->errors.empty()) return Problem(422, "the release is not valid", b->errors);
                return outcome(own.Release(p, std::move(ids), note));
              }));
  router_.Add("POST", "/api/v1/pool/assign",
              authed([&own, outcome, bad_body](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto b = ParseStrict(r, {"customer_ids", "user_id"});
                if (!b.ok()) return bad_body(b.status());
                auto ids = b->Ids("customer_ids");
                int64_t user = b->Id("user_id");
                if (!b->errors.empty()) return Problem(422, "the assignment is not valid", b->errors);
                return outcome(own.Assign(p, std::move(ids), user));
              }));

  auto rule_response = [](int status, const PoolRule& rule) {
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { WriteRule(w, rule); }));
    AddETag(resp, rule.version);
    return resp;
  };
  router_.Add("GET", "/api/v1/pool-rules",
              authed([&own](const HttpRequest&, const PathParams&, const Principal& p) {
                auto rules = own.ListRules(p);
                if (!rules.ok()) return ProblemFrom(rules.status());
                return JsonOk(200, PageJson(*rules, [](JsonWriter& w, const PoolRule& r) { WriteRule(w, r); }));
              }));
  router_.Add("POST", "/api/v1/pool-rules",
              authed([&own, rule_response, bad_body](const HttpRequest& r, const PathParams&, const Principal& p) {
                auto b = ParseStrict(r, kRuleFields);
                if (!b.ok()) return bad_body(b.status());
                PoolRule rule;
                ReadRule(*b, rule);
                if (!b->errors.empty()) return Problem(422, "the pool rule is not valid", b->errors);
                auto created = own.CreateRule(p, std::move(rule));
                if (!created.ok()) return ProblemFrom(created.status());
                auto resp = rule_response(201, *created);
                resp.headers.emplace_back("Location", "/api/v1/pool-rules/" + std::to_string(created->id));
                return resp;
              }));
  router_.Add("PUT", "/api/v1/pool-rules/{id}",
              authed([&own, rule_response, bad_body](const HttpRequest& r, const PathParams& pp,
                                                     const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                auto b = ParseStrict(r, kRuleFields);
                if (!b.ok()) return bad_body(b.status());
                PoolRule rule;
                ReadRule(*b, rule);
                if (!b->errors.empty()) return Problem(422, "the pool rule is not valid", b->errors);
                rule.id = *id;
                rule.version = *version;
                auto updated = own.UpdateRule(p, std::move(rule));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return rule_response(200, *updated);
              }));
  router_.Add("DELETE", "/api/v1/pool-rules/{id}",
              authed([&own](const HttpRequest& r, const PathParams& pp, const Principal& p) {
                auto id = IdParam(pp);
                if (!id) return BadId();
                auto version = IfMatch(r);
                if (!version.ok()) return IfMatchProblem(version.status());
                Status s = own.DeleteRule(p, *id, *version);
                if (!s.ok()) return ProblemFrom(s);
                return NoContent();
              }));

  auto settings_response = [](const Result<ClaimLimits>& limits) {
    if (!limits.ok()) return ProblemFrom(limits.status());
    return JsonOk(200, "{\"claim_limits\":" + OwnershipService::ClaimLimitsToJson(*limits) + "}");
  };
  router_.Add("GET", "/api/v1/pool-settings",
              authed([&own, settings_response](const HttpRequest&, const PathParams&, const Principal& p) {
                return settings_response(own.GetClaimLimits(p));
              }));
  router_.Add("PUT", "/api/v1/pool-settings",
              authed([&own, settings_response, bad_body](const HttpRequest& r, const PathParams&,
                                                         const Principal& p) {
                auto b = ParseStrict(r, {"claim_limits"});
                if (!b.ok()) return bad_body(b.status());
                const auto* v = b->Get("claim_limits");
                if (!v || !v->IsObject()) {
                  return Problem(422, "claim_limits must be an object", {{"claim_limits", "must be an object"}});
                }
                if (!b->errors.empty()) return Problem(422, "the settings are not valid", b->errors);
                rapidjson::StringBuffer buf;
                JsonWriter w(buf);
                v->Accept(w);
                auto limits = OwnershipService::ClaimLimitsFromJson(buf.GetString());
                if (!limits.ok()) return ProblemFrom(limits.status());
                return settings_response(own.PutClaimLimits(p, *limits));
              }));
}

}  // namespace guanxi::http
