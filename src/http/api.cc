#include "http/api.h"

#include <cctype>
#include <chrono>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <unordered_map>

#include "domain/customer_json.h"
#include "domain/json_input.h"
#include "domain/phone.h"
#include "domain/search_text.h"
#include "http/problem.h"
#include "service/secure_random.h"

namespace guanxi::http {
namespace {

constexpr char kSessionCookie[] = "gx_session";

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

HttpResponse JsonOk(int status, std::string body) { return HttpResponse::Json(status, std::move(body)); }

HttpResponse NoContent() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

template <typename Fn>
std::string JsonDoc(Fn&& fn) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  fn(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    size_t eq = header.find('=', i);
    size_t end = header.find(';', i);
    if (end == std::string_view::npos) end = header.size();
    if (eq != std::string_view::npos && eq < end && header.substr(i, eq - i) == name) {
      return std::string(header.substr(eq + 1, end - eq - 1));
    }
    i = end + 1;
  }
  return {};
}

// "If-Match: 3", "\"3\"" or W/"3" → 3.
std::optional<int64_t> ParseIfMatch(std::string_view v) {
  if (v.rfind("W/", 0) == 0) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return ParseId(v);
}

void AddETag(HttpResponse& r, int64_t version) {
  r.headers.emplace_back("ETag", "\"" + std::to_string(version) + "\"");
}

// "application/json", any case, optionally followed by parameters (; charset=utf-8).
bool IsJsonContentType(std::string_view ct) {
  constexpr std::string_view kJson = "application/json";
  if (ct.size() < kJson.size()) return false;
  for (size_t i = 0; i < kJson.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(ct[i])) != kJson[i]) return false;
  }
  std::string_view rest = ct.substr(kJson.size());
  return rest.empty() || rest[0] == ';' || rest[0] == ' ';
}

// Reads every writable customer field present in `in` onto `c`.
void ReadCustomerFields(JsonObjectReader& in, Customer& c) {
  std::string s;
  if (in.String("kind", s)) {
    if (auto v = ParseCustomerKind(s)) c.kind = *v;
    else in.AddError("kind", "must be organization or individual");
  }
  in.String("name", c.name);
  in.NullableString("industry", c.industry);
  if (in.Has("size")) {
    in.Accept("size");
    if (in.IsNull("size")) {
      c.size.reset();
    } else if (in.String("size", s)) {
      if (auto v = ParseCompanySize(s)) c.size = v;
      else in.AddError("size", "must be one of micro, small, medium, large, enterprise or null");
    }
  }
  in.NullableString("province", c.province);
  in.NullableString("city", c.city);
  in.NullableString("source", c.source);
  in.OptInt("owner_user_id", c.owner_user_id);
  auto enum_field = [&](const char* name, auto parse, auto& target, const char* allowed) {
    std::string v;
    if (!in.String(name, v)) return;
    if (auto p = parse(v)) target = *p;
    else in.AddError(name, std::string("must be one of ") + allowed);
  };
  enum_field("relationship", ParseRelationship, c.relationship, "non, potential, target, current, lost");
  enum_field("relationship_level", ParseRelationshipLevel, c.relationship_level,
             "basic, passive, responsible, proactive, partner");
  enum_field("lifecycle_stage", ParseLifecycleStage, c.lifecycle_stage,
             "exploration, formation, stability, decline, lost");
  in.StringArray("tags", c.tags);
  in.CareDates("care_dates", c.care_dates);
  in.NullableString("phone", c.phone);
  in.NullableString("email", c.email);
  in.NullableString("notes", c.notes);
  in.NullableString("external_id", c.external_id);
  for (const char* ro : {"id", "version", "archived", "created_at", "updated_at", "owner_name",
                         "phone_region"}) {
    if (in.Has(ro)) {
      in.Accept(ro);
      in.AddError(ro, "is read-only");
    }
  }
}

void ReadContactFields(JsonObjectReader& in, Contact& c) {
  in.Int("customer_id", c.customer_id);
  in.String("name", c.name);
  in.NullableString("title", c.title);
  in.NullableString("phone", c.phone);
  in.NullableString("email", c.email);
  in.NullableString("wechat", c.wechat);
  if (in.Has("personality")) {
    in.Accept("personality");
    if (in.IsNull("personality")) {
      c.personality.reset();
    } else if (std::string s; in.String("personality", s)) {
      if (auto v = ParsePersonality(s)) c.personality = v;
      else in.AddError("personality", "must be analytical, organized, relational, visionary or null");
    }
  }
  in.NullableString("birthday", c.birthday);
  in.NullableString("notes", c.notes);
  for (const char* ro : {"id", "version", "created_at", "updated_at"}) {
    if (in.Has(ro)) {
      in.Accept(ro);
      in.AddError(ro, "is read-only");
    }
  }
}

}  // namespace

Api::Api(Store& store, const Clock& clock, AuthService& auth, CustomerService& customers,
         UserService& users, ApiOptions options)
    : store_(store),
      clock_(clock),
      auth_(auth),
      customers_(customers),
      users_(users),
      options_(std::move(options)),
      static_files_(options_.web_root) {
  AddRoutes();
}

Result<Principal> Api::Authenticate(const HttpRequest& r, bool unsafe) {
  std::string_view authz = r.Header("authorization");
  if (!authz.empty()) {
    if (authz.size() > 7 && (authz.substr(0, 7) == "Bearer " || authz.substr(0, 7) == "bearer " ||
                             authz.substr(0, 7) == "BEARER ")) {
      return auth_.AuthenticateBearer(std::string(authz.substr(7)));
    }
    return Status::Unauthenticated("the Authorization header must be 'Bearer <token>'");
  }
  std::string cookie = CookieValue(r.Header("cookie"), kSessionCookie);
  if (cookie.empty()) return Status::Unauthenticated("not logged in");
  GX_ASSIGN_OR_RETURN(AuthenticatedSession s, auth_.AuthenticateSession(cookie));
  if (unsafe && !ConstantTimeEquals(r.Header("x-csrf-token"), s.csrf_token)) {
    return Status::PermissionDenied("missing or wrong X-CSRF-Token header");
  }
  return s.principal;
}

HttpResponse Api::Handle(const HttpRequest& r) {
  auto start = std::chrono::steady_clock::now();
  std::string route = "(unmatched)";
  HttpResponse resp = Dispatch(r, route);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.Record(r.method, route, resp.status, seconds);
  return resp;
}

HttpResponse Api::Dispatch(const HttpRequest& r, std::string& route_pattern) {
  if (r.path == "/healthz") {
    route_pattern = "/healthz";
    return ready_ ? HttpResponse::Json(200, "{\"status\":\"ok\"}")
                  : Problem(503, "starting or shutting down");
  }
  if (r.path == "/metrics") {
    route_pattern = "/metrics";
    std::map<std::string, double> g;
    if (gauges_) g = gauges_();
    auto resp = HttpResponse::Text(200, metrics_.Render(g));
    resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return resp;
  }
  if (r.path.rfind("/api/", 0) != 0) {
    route_pattern = "(static)";
    if (r.method != "GET" && r.method != "HEAD") return Problem(405, "only GET serves the UI");
    return static_files_.Serve(r);
  }
  PathParams params;
  std::vector<std::string> allowed;
  const Route* route = router_.Match(r.method, r.path, params, allowed);
  if (!route) {
    if (!allowed.empty()) {
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      auto resp = Problem(405, r.method + " is not allowed on " + r.path);
      resp.headers.emplace_back("Allow", allow);
      return resp;
    }
    return Problem(404, "no such endpoint: " + r.path);
  }
  route_pattern = route->pattern;
  for (const auto& [k, v] : r.query) {
    bool known = false;
    for (const auto& name : route->query_params) known |= (k == name);
    if (!known) return Problem(400, "unknown query parameter " + k, {{k, "unknown query parameter"}});
  }
  bool has_body = r.method == "POST" || r.method == "PATCH" || r.method == "PUT";
  if (has_body && !r.body.empty() && !IsJsonContentType(r.Header("content-type"))) {
    return Problem(415, "the body must be application/json");
  }
  if (!IsValidUtf8(r.path)) return Problem(400, "the path is not valid UTF-8");
  for (const auto& [k, v] : r.query) {
    if (!IsValidUtf8(v)) return Problem(400, "query parameter is not valid UTF-8", {{k, "is not valid UTF-8"}});
  }
  try {
    return route->handler(r, params);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "guanxi: %s %s failed: %s\n", r.method.c_str(), route->pattern.c_str(), e.what());
    return Problem(500, "internal error");
  }
}

std::string Api::OwnerName(int64_t user_id) {
  constexpr auto kTtl = std::chrono::seconds(5);
  auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(owner_names_mu_);
    auto it = owner_names_.find(user_id);
    if (it != owner_names_.end() && now - it->second.second < kTtl) return it->second.first;
  }
  auto u = store_.GetUser(user_id);
  std::string name = u.ok() ? u->display_name : "";
  std::unique_lock lock(owner_names_mu_);
  if (owner_names_.size() > 10000) owner_names_.clear();
  owner_names_[user_id] = {name, now};
  return name;
}

const std::string& Api::OpenApiJson() {
  static const std::string kSpec =
#include "openapi.json.inc"
      ;
  return kSpec;
}

void Api::AddRoutes() {
  // Wraps a handler that needs an authenticated principal.
  auto authed = [this](auto fn) {
    return [this, fn](const HttpRequest& r, const PathParams& p) -> HttpResponse {
      bool unsafe = r.method != "GET" && r.method != "HEAD";
      auto principal = Authenticate(r, unsafe);
      if (!principal.ok()) {
        auto resp = ProblemFrom(principal.status());
        if (resp.status == 401) resp.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"guanxi\"");
        return resp;
      }
      return fn(r, p, *principal);
    };
  };
  auto parse_body = [](const HttpRequest& r) -> Result<JsonObjectReader> {
    if (r.body.empty()) return Status::InvalidField("", "a JSON object body is required");
    return JsonObjectReader::Parse(r.body);
  };
  auto user_names = [this](const std::vector<int64_t>& ids) {
    std::unordered_map<int64_t, std::string> names;
    for (int64_t id : ids) {
      if (!names.count(id)) names[id] = OwnerName(id);
    }
    return names;
  };
  auto write_customer = [](JsonWriter& w, const Customer& c, const std::string& owner_name) {
    w.StartObject();
    WriteCustomerFields(w, c);
    w.Key("owner_name");
    WriteString(w, owner_name);
    w.Key("phone_region");
    WriteString(w, c.phone.empty() ? std::string() : PhoneRegion(c.phone));
    w.EndObject();
  };
  auto customer_response = [user_names, write_customer](int status, const Customer& c) {
    std::string owner;
    if (c.owner_user_id) owner = user_names({*c.owner_user_id})[*c.owner_user_id];
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { write_customer(w, c, owner); }));
    AddETag(resp, c.version);
    return resp;
  };
  auto contact_response = [](int status, const Contact& c) {
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      WriteContactFields(w, c);
      w.EndObject();
    }));
    AddETag(resp, c.version);
    return resp;
  };
  auto id_param = [](const PathParams& p) { return ParseId(p.at(0)); };
  auto bad_id = [] { return Problem(404, "no record with that id", {}); };
  auto if_match = [](const HttpRequest& r) -> Result<int64_t> {
    auto h = r.Header("if-match");
    if (h.empty()) return Status(StatusCode::kFailedPrecondition, "If-Match is required");
    auto v = ParseIfMatch(h);
    if (!v) return Status::InvalidField("If-Match", "must be the record's version");
    return *v;
  };
  auto if_match_problem = [](const Status& s) {
    if (s.code() == StatusCode::kFailedPrecondition) {
      return Problem(428, "send If-Match with the version you edited (from the ETag or version field)",
                     {{"If-Match", "is required"}});
    }
    return Problem(400, s.message(), s.fields());
  };

  // --- session ---
  router_.Add("POST", "/api/v1/session", [this, parse_body](const HttpRequest& r, const PathParams&) {
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    std::string login, password;
    in->String("login", login);
    in->String("password", password);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    if (login.empty()) return Problem(422, "login is required", {{"login", "is required"}});
    auto res = auth_.Login(login, password, r.remote_address);
    if (!res.ok()) {
      auto resp = ProblemFrom(res.status());
      if (res.status().code() == StatusCode::kResourceExhausted) {
        resp.headers.emplace_back("Retry-After",
                                  std::to_string(std::max<int64_t>(1, auth_.RetryAfter(login, r.remote_address))));
      }
      return resp;
    }
    auto resp = JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("user");
      w.StartObject();
      WriteUserFields(w, res->user);
      w.EndObject();
      w.Key("csrf_token");
      WriteString(w, res->csrf_token);
      w.EndObject();
    }));
    std::string cookie = std::string(kSessionCookie) + "=" + res->session_token +
                         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                         std::to_string(res->max_age_seconds);
    if (options_.secure_cookies) cookie += "; Secure";
    resp.headers.emplace_back("Set-Cookie", cookie);
    resp.headers.emplace_back("Cache-Control", "no-store");
    return resp;
  });
  router_.Add("GET", "/api/v1/session", [this](const HttpRequest& r, const PathParams&) {
    std::string cookie = CookieValue(r.Header("cookie"), kSessionCookie);
    auto s = auth_.AuthenticateSession(cookie);
    if (!s.ok()) return ProblemFrom(s.status());
    auto user = store_.GetUser(s->principal.user_id);
    if (!user.ok()) return ProblemFrom(user.status());
    auto resp = JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("user");
      w.StartObject();
      WriteUserFields(w, *user);
      w.EndObject();
      w.Key("csrf_token");
      WriteString(w, s->csrf_token);
      w.EndObject();
    }));
    resp.headers.emplace_back("Cache-Control", "no-store");
    return resp;
  });
  router_.Add("DELETE", "/api/v1/session", [this](const HttpRequest& r, const PathParams&) {
    std::string cookie = CookieValue(r.Header("cookie"), kSessionCookie);
    auto s = auth_.AuthenticateSession(cookie);
    if (!s.ok()) return ProblemFrom(s.status());
    if (!ConstantTimeEquals(r.Header("x-csrf-token"), s->csrf_token)) {
      return Problem(403, "missing or wrong X-CSRF-Token header");
    }
    if (Status st = auth_.Logout(cookie); !st.ok()) return ProblemFrom(st);
    auto resp = NoContent();
    resp.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) +
                                                "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return resp;
  });

  router_.Add("GET", "/api/v1/openapi.json", [](const HttpRequest&, const PathParams&) {
    return JsonOk(200, OpenApiJson());
  });

  router_.Add("GET", "/api/v1/meta", authed([](const HttpRequest&, const PathParams&, const Principal&) {
    return JsonOk(200, JsonDoc([](JsonWriter& w) {
      auto list = [&](const char* key, const std::vector<std::string_view>& names) {
        w.Key(key);
        w.StartArray();
        for (auto n : names) WriteString(w, n);
        w.EndArray();
      };
      w.StartObject();
      list("kinds", CustomerKindNames());
      list("relationships", RelationshipNames());
      list("relationship_levels", RelationshipLevelNames());
      list("lifecycle_stages", LifecycleStageNames());
      list("sizes", CompanySizeNames());
      list("sources", CustomerSourceNames());
      list("roles", RoleNames());
      list("personalities", PersonalityNames());
      list("care_date_kinds", {"birthday", "anniversary", "other"});
      list("provinces", ProvinceNames());
      w.EndObject();
    }));
  }));

  // --- customers ---
  router_.Add("GET", "/api/v1/customers", authed([this, user_names, write_customer](
                                                    const HttpRequest& r, const PathParams&,
                                                    const Principal& p) {
    CustomerQuery q;
    std::vector<FieldError> errors;
    if (auto v = r.Query("q")) {
      if (CodePointCount(*v) > 100) errors.push_back({"q", "is longer than 100 characters"});
      q.search = FoldForSearch(*v);
    }
    if (auto v = r.Query("owner")) {
      if (auto id = ParseId(*v)) q.owner_user_id = id;
      else errors.push_back({"owner", "must be a user id"});
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
    if (auto v = r.Query("archived")) {
      if (*v == "false") q.archived = CustomerQuery::Archived::kActive;
      else if (*v == "true") q.archived = CustomerQuery::Archived::kArchived;
      else if (*v == "all") q.archived = CustomerQuery::Archived::kAll;
      else errors.push_back({"archived", "must be false, true or all"});
    }
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
    auto page = customers_.List(p, q);
    if (!page.ok()) {
      if (page.status().code() == StatusCode::kInvalidArgument) {
        return Problem(400, page.status().message(), page.status().fields());
      }
      return ProblemFrom(page.status());
    }
    std::vector<int64_t> owners;
    for (const auto& c : page->items) if (c.owner_user_id) owners.push_back(*c.owner_user_id);
    auto names = user_names(owners);
    return JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("items");
      w.StartArray();
      for (const auto& c : page->items) write_customer(w, c, c.owner_user_id ? names[*c.owner_user_id] : "");
      w.EndArray();
      w.Key("next");
      if (page->next) WriteString(w, *page->next); else w.Null();
      w.EndObject();
    }));
  }), {"q", "owner", "tag", "source", "province", "relationship", "stage", "archived", "sort",
        "limit", "after"});
  router_.Add("POST", "/api/v1/customers", authed([this, parse_body, customer_response](
                                                     const HttpRequest& r, const PathParams&,
                                                     const Principal& p) {
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    Customer c;
    bool kind_given = in->Has("kind");
    ReadCustomerFields(*in, c);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    if (!kind_given) return Problem(422, "kind is required", {{"kind", "is required"}});
    auto created = customers_.Create(p, std::move(c));
    if (!created.ok()) return ProblemFrom(created.status());
    auto resp = customer_response(201, *created);
    resp.headers.emplace_back("Location", "/api/v1/customers/" + std::to_string(created->id));
    return resp;
  }));
  router_.Add("GET", "/api/v1/customers/{id}", authed([this, id_param, bad_id, customer_response](
                                                         const HttpRequest&, const PathParams& pp,
                                                         const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    auto c = customers_.Get(p, *id);
    if (!c.ok()) return ProblemFrom(c.status());
    return customer_response(200, *c);
  }));
  router_.Add("PATCH", "/api/v1/customers/{id}",
              authed([this, id_param, bad_id, parse_body, if_match, if_match_problem,
                      customer_response](const HttpRequest& r, const PathParams& pp,
                                         const Principal& p) {
                auto id = id_param(pp);
                if (!id) return bad_id();
                auto in = parse_body(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                auto current = customers_.Get(p, *id);
                if (!current.ok()) return ProblemFrom(current.status());
                auto version = if_match(r);
                if (!version.ok()) return if_match_problem(version.status());
                Customer c = *current;
                ReadCustomerFields(*in, c);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                c.version = *version;
                auto updated = customers_.Update(p, std::move(c));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return customer_response(200, *updated);
              }));
  for (bool archive : {true, false}) {
    router_.Add("POST", archive ? "/api/v1/customers/{id}/archive" : "/api/v1/customers/{id}/restore",
                authed([this, id_param, bad_id, customer_response, archive](
                           const HttpRequest&, const PathParams& pp, const Principal& p) {
                  auto id = id_param(pp);
                  if (!id) return bad_id();
                  auto c = customers_.SetArchived(p, *id, archive);
                  if (!c.ok()) return ProblemFrom(c.status());
                  return customer_response(200, *c);
                }));
  }
  router_.Add("DELETE", "/api/v1/customers/{id}", authed([this, id_param, bad_id](
                                                            const HttpRequest&, const PathParams& pp,
                                                            const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    Status s = customers_.Delete(p, *id);
    return s.ok() ? NoContent() : ProblemFrom(s);
  }));
  router_.Add("GET", "/api/v1/customers/{id}/contacts",
              authed([this, id_param, bad_id](const HttpRequest&, const PathParams& pp,
                                              const Principal& p) {
                auto id = id_param(pp);
                if (!id) return bad_id();
                auto list = customers_.ListContacts(p, *id);
                if (!list.ok()) return ProblemFrom(list.status());
                return JsonOk(200, JsonDoc([&](JsonWriter& w) {
                  w.StartObject();
                  w.Key("items");
                  w.StartArray();
                  for (const auto& c : *list) {
                    w.StartObject();
                    WriteContactFields(w, c);
                    w.EndObject();
                  }
                  w.EndArray();
                  w.Key("next");
                  w.Null();
                  w.EndObject();
                }));
              }));

  // --- contacts ---
  router_.Add("POST", "/api/v1/contacts", authed([this, parse_body, contact_response](
                                                    const HttpRequest& r, const PathParams&,
                                                    const Principal& p) {
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    Contact c;
    ReadContactFields(*in, c);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto created = customers_.CreateContact(p, std::move(c));
    if (!created.ok()) return ProblemFrom(created.status());
    auto resp = contact_response(201, *created);
    resp.headers.emplace_back("Location", "/api/v1/contacts/" + std::to_string(created->id));
    return resp;
  }));
  router_.Add("GET", "/api/v1/contacts/{id}", authed([this, id_param, bad_id, contact_response](
                                                        const HttpRequest&, const PathParams& pp,
                                                        const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    auto c = customers_.GetContact(p, *id);
    if (!c.ok()) return ProblemFrom(c.status());
    return contact_response(200, *c);
  }));
  router_.Add("PATCH", "/api/v1/contacts/{id}",
              authed([this, id_param, bad_id, parse_body, if_match, if_match_problem,
                      contact_response](const HttpRequest& r, const PathParams& pp,
                                        const Principal& p) {
                auto id = id_param(pp);
                if (!id) return bad_id();
                auto in = parse_body(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                auto current = customers_.GetContact(p, *id);
                if (!current.ok()) return ProblemFrom(current.status());
                auto version = if_match(r);
                if (!version.ok()) return if_match_problem(version.status());
                Contact c = *current;
                ReadContactFields(*in, c);
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                c.version = *version;
                auto updated = customers_.UpdateContact(p, std::move(c));
                if (!updated.ok()) return ProblemFrom(updated.status());
                return contact_response(200, *updated);
              }));
  router_.Add("DELETE", "/api/v1/contacts/{id}", authed([this, id_param, bad_id](
                                                           const HttpRequest&, const PathParams& pp,
                                                           const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    Status s = customers_.DeleteContact(p, *id);
    return s.ok() ? NoContent() : ProblemFrom(s);
  }));

  // --- users and teams ---
  auto write_user = [](JsonWriter& w, const User& u, const std::map<int64_t, std::string>& teams) {
    w.StartObject();
    WriteUserFields(w, u);
    w.Key("team_name");
    auto it = u.team_id ? teams.find(*u.team_id) : teams.end();
    WriteString(w, it == teams.end() ? std::string() : it->second);
    w.EndObject();
  };
  auto team_names = [this]() {
    std::map<int64_t, std::string> m;
    auto teams = store_.ListTeams();
    if (teams.ok()) for (const auto& t : *teams) m[t.id] = t.name;
    return m;
  };
  router_.Add("GET", "/api/v1/users", authed([this, write_user, team_names](
                                                const HttpRequest&, const PathParams&,
                                                const Principal& p) {
    auto list = users_.List(p);
    if (!list.ok()) return ProblemFrom(list.status());
    auto teams = team_names();
    return JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("items");
      w.StartArray();
      for (const auto& u : *list) write_user(w, u, teams);
      w.EndArray();
      w.Key("next");
      w.Null();
      w.EndObject();
    }));
  }));
  auto user_response = [write_user, team_names](int status, const User& u) {
    auto teams = team_names();
    auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) { write_user(w, u, teams); }));
    AddETag(resp, u.version);
    return resp;
  };
  router_.Add("POST", "/api/v1/users", authed([this, parse_body, user_response](
                                                 const HttpRequest& r, const PathParams&,
                                                 const Principal& p) {
    if (!IsAdmin(p)) return Problem(403, "only an admin may manage users and teams");
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    NewUser u;
    std::string role = "sales";
    in->String("login", u.login);
    in->String("display_name", u.display_name);
    in->String("role", role);
    in->OptInt("team_id", u.team_id);
    in->String("password", u.password);
    if (auto rr = ParseRole(role)) u.role = *rr;
    else in->AddError("role", "must be admin, manager, sales, service or analyst");
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto created = users_.Create(p, std::move(u));
    if (!created.ok()) return ProblemFrom(created.status());
    return user_response(201, *created);
  }));
  router_.Add("GET", "/api/v1/users/{id}", authed([this, id_param, bad_id, user_response](
                                                     const HttpRequest&, const PathParams& pp,
                                                     const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    auto u = users_.Get(p, *id);
    if (!u.ok()) return ProblemFrom(u.status());
    return user_response(200, *u);
  }));
  router_.Add("PATCH", "/api/v1/users/{id}",
              authed([this, id_param, bad_id, parse_body, if_match, if_match_problem,
                      user_response](const HttpRequest& r, const PathParams& pp,
                                     const Principal& p) {
                if (!IsAdmin(p)) return Problem(403, "only an admin may manage users and teams");
                auto id = id_param(pp);
                if (!id) return bad_id();
                auto in = parse_body(r);
                if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
                auto version = if_match(r);
                if (!version.ok()) return if_match_problem(version.status());
                UserChange ch;
                ch.id = *id;
                ch.version = *version;
                if (in->Has("display_name")) {
                  std::string v;
                  in->String("display_name", v);
                  ch.display_name = v;
                }
                if (in->Has("role")) {
                  std::string v;
                  in->String("role", v);
                  if (auto rr = ParseRole(v)) ch.role = *rr;
                  else in->AddError("role", "must be admin, manager, sales, service or analyst");
                }
                if (in->Has("team_id")) {
                  std::optional<int64_t> t;
                  in->OptInt("team_id", t);
                  ch.team_id = t;
                }
                if (in->Has("disabled")) {
                  bool v = false;
                  in->Bool("disabled", v);
                  ch.disabled = v;
                }
                if (in->Has("password")) {
                  std::string v;
                  in->String("password", v);
                  ch.password = v;
                }
                if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
                auto updated = users_.Update(p, ch);
                if (!updated.ok()) return ProblemFrom(updated.status());
                return user_response(200, *updated);
              }));
  auto team_json = [](JsonWriter& w, const Team& t) {
    w.StartObject();
    w.Key("id");
    w.Int64(t.id);
    w.Key("name");
    WriteString(w, t.name);
    w.Key("manager_user_id");
    if (t.manager_user_id) w.Int64(*t.manager_user_id); else w.Null();
    w.Key("created_at");
    WriteString(w, FormatUtc(t.created_at));
    w.EndObject();
  };
  router_.Add("GET", "/api/v1/teams", authed([this, team_json](const HttpRequest&, const PathParams&,
                                                              const Principal& p) {
    auto list = users_.ListTeams(p);
    if (!list.ok()) return ProblemFrom(list.status());
    return JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("items");
      w.StartArray();
      for (const auto& t : *list) team_json(w, t);
      w.EndArray();
      w.Key("next");
      w.Null();
      w.EndObject();
    }));
  }));
  router_.Add("POST", "/api/v1/teams", authed([this, parse_body, team_json](
                                                 const HttpRequest& r, const PathParams&,
                                                 const Principal& p) {
    if (!IsAdmin(p)) return Problem(403, "only an admin may manage users and teams");
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    Team t;
    in->String("name", t.name);
    in->OptInt("manager_user_id", t.manager_user_id);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto created = users_.CreateTeam(p, std::move(t));
    if (!created.ok()) return ProblemFrom(created.status());
    return JsonOk(201, JsonDoc([&](JsonWriter& w) { team_json(w, *created); }));
  }));
  router_.Add("PATCH", "/api/v1/teams/{id}", authed([this, id_param, bad_id, parse_body, team_json](
                                                       const HttpRequest& r, const PathParams& pp,
                                                       const Principal& p) {
    if (!IsAdmin(p)) return Problem(403, "only an admin may manage users and teams");
    auto id = id_param(pp);
    if (!id) return bad_id();
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    auto current = store_.GetTeam(*id);
    if (!current.ok()) return ProblemFrom(current.status());
    Team t = *current;
    in->String("name", t.name);
    in->OptInt("manager_user_id", t.manager_user_id);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto updated = users_.UpdateTeam(p, std::move(t));
    if (!updated.ok()) return ProblemFrom(updated.status());
    return JsonOk(200, JsonDoc([&](JsonWriter& w) { team_json(w, *updated); }));
  }));

  // --- API tokens ---
  router_.Add("GET", "/api/v1/tokens", authed([this](const HttpRequest&, const PathParams&,
                                                     const Principal& p) {
    auto list = auth_.ListApiTokens(p);
    if (!list.ok()) return ProblemFrom(list.status());
    return JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("items");
      w.StartArray();
      for (const auto& t : *list) {
        w.StartObject();
        w.Key("id");
        w.Int64(t.id);
        w.Key("name");
        WriteString(w, t.name);
        w.Key("created_at");
        WriteString(w, FormatUtc(t.created_at));
        w.Key("last_used_at");
        if (t.last_used_at) WriteString(w, FormatUtc(*t.last_used_at)); else w.Null();
        w.EndObject();
      }
      w.EndArray();
      w.Key("next");
      w.Null();
      w.EndObject();
    }));
  }));
  router_.Add("POST", "/api/v1/tokens", authed([this, parse_body](const HttpRequest& r,
                                                                 const PathParams&,
                                                                 const Principal& p) {
    auto in = parse_body(r);
    if (!in.ok()) return Problem(400, in.status().message(), in.status().fields());
    std::string name;
    in->String("name", name);
    if (Status s = in->Finish(); !s.ok()) return ProblemFrom(s);
    auto t = auth_.CreateApiToken(p, p.user_id, name);
    if (!t.ok()) return ProblemFrom(t.status());
    auto resp = JsonOk(201, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("id");
      w.Int64(t->token.id);
      w.Key("name");
      WriteString(w, t->token.name);
      w.Key("token");
      WriteString(w, t->secret);
      w.Key("created_at");
      WriteString(w, FormatUtc(t->token.created_at));
      w.EndObject();
    }));
    resp.headers.emplace_back("Cache-Control", "no-store");
    return resp;
  }));
  router_.Add("DELETE", "/api/v1/tokens/{id}", authed([this, id_param, bad_id](
                                                         const HttpRequest&, const PathParams& pp,
                                                         const Principal& p) {
    auto id = id_param(pp);
    if (!id) return bad_id();
    Status s = auth_.RevokeApiToken(p, *id);
    return s.ok() ? NoContent() : ProblemFrom(s);
  }));

  // --- audit ---
  router_.Add("GET", "/api/v1/audit", authed([this](const HttpRequest& r,
                                                                const PathParams&,
                                                                const Principal& p) {
    AuditQuery q;
    std::vector<FieldError> errors;
    if (auto v = r.Query("entity")) q.entity = *v;
    if (auto v = r.Query("entity_id")) {
      if (auto id = ParseId(*v)) q.entity_id = id;
      else errors.push_back({"entity_id", "must be a positive integer"});
    }
    if (auto v = r.Query("limit")) {
      auto n = ParseId(*v);
      if (!n || *n > 200) errors.push_back({"limit", "must be between 1 and 200"});
      else q.limit = static_cast<int>(*n);
    }
    if (auto v = r.Query("after")) q.after = *v;
    if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
    auto page = users_.ListAudit(p, q);
    if (!page.ok()) {
      if (page.status().code() == StatusCode::kInvalidArgument) {
        return Problem(400, page.status().message(), page.status().fields());
      }
      return ProblemFrom(page.status());
    }
    return JsonOk(200, JsonDoc([&](JsonWriter& w) {
      w.StartObject();
      w.Key("items");
      w.StartArray();
      for (const auto& a : page->items) {
        w.StartObject();
        w.Key("id");
        w.Int64(a.id);
        w.Key("at");
        WriteString(w, FormatUtc(a.at));
        w.Key("user_id");
        if (a.user_id) w.Int64(*a.user_id); else w.Null();
        w.Key("user_login");
        WriteString(w, a.user_login);
        w.Key("entity");
        WriteString(w, a.entity);
        w.Key("entity_id");
        w.Int64(a.entity_id);
        w.Key("action");
        WriteString(w, a.action);
        // before/after are stored JSON documents: embed them as values.
        w.Key("before");
        if (a.before.empty()) w.Null();
        else w.RawValue(a.before.data(), a.before.size(), rapidjson::kObjectType);
        w.Key("after");
        if (a.after.empty()) w.Null();
        else w.RawValue(a.after.data(), a.after.size(), rapidjson::kObjectType);
        w.EndObject();
      }
      w.EndArray();
      w.Key("next");
      if (page->next) WriteString(w, *page->next); else w.Null();
      w.EndObject();
    }));
  }), {"entity", "entity_id", "limit", "after"});
}

}  // namespace guanxi::http
