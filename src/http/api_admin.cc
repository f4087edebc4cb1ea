// Routes for the session, vocabularies, users and teams, API tokens and the audit log.
#include <map>

#include "http/api_internal.h"
#include "service/secure_random.h"

namespace guanxi::http {

using namespace internal;  // NOLINT(google-build-using-namespace): this file's own helpers

void Api::AddAdminRoutes() {
  auto authed = [this](auto fn) { return Authed(std::move(fn)); };
  const auto parse_body = &ParseBody;
  const auto id_param = &IdParam;
  const auto bad_id = &BadId;
  const auto if_match = &IfMatch;
  const auto if_match_problem = &IfMatchProblem;

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
    auto resp = JsonOk(200, SessionJson(res->user, res->csrf_token));
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
    auto resp = JsonOk(200, SessionJson(*user, s->csrf_token));
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
    return JsonOk(200, PageJson(*list, [&](JsonWriter& w, const User& u) { write_user(w, u, teams); }));
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
    return JsonOk(200, PageJson(*list, team_json));
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
    return JsonOk(200, PageJson(*list, [](JsonWriter& w, const ApiToken& t) {
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
    return JsonOk(200, PageJson(page->items, [](JsonWriter& w, const AuditEntry& a) {
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
    }, page->next));
  }), {"entity", "entity_id", "limit", "after"});
}

}  // namespace guanxi::http
