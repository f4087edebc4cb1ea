#include <cctype>
#include <charconv>

#include "domain/search_text.h"
#include "http/api_internal.h"

namespace guanxi::http::internal {


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
  in.OptInt("purchase_potential", c.purchase_potential);
  RejectReadOnly(in, {"id", "version", "archived", "created_at", "updated_at", "owner_name",
                      "phone_region"});
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
  RejectReadOnly(in, {"id", "version", "created_at", "updated_at"});
}

void RejectReadOnly(JsonObjectReader& in, std::initializer_list<const char*> fields) {
  for (const char* name : fields) {
    if (in.Has(name)) {
      in.Accept(name);
      in.AddError(name, "is read-only");
    }
  }
}

std::string SessionJson(const User& user, const std::string& csrf_token) {
  return JsonDoc([&](JsonWriter& w) {
    w.StartObject();
    w.Key("user");
    w.StartObject();
    WriteUserFields(w, user);
    w.EndObject();
    w.Key("csrf_token");
    WriteString(w, csrf_token);
    w.EndObject();
  });
}

Result<JsonObjectReader> ParseBody(const HttpRequest& r) {
  if (r.body.empty()) return Status::InvalidField("", "a JSON object body is required");
  return JsonObjectReader::Parse(r.body);
}

std::optional<int64_t> IdParam(const PathParams& p) { return ParseId(p.at(0)); }

HttpResponse BadId() { return Problem(404, "no record with that id", {}); }

Result<int64_t> IfMatch(const HttpRequest& r) {
  auto h = r.Header("if-match");
  if (h.empty()) return Status(StatusCode::kFailedPrecondition, "If-Match is required");
  auto v = ParseIfMatch(h);
  if (!v) return Status::InvalidField("If-Match", "must be the record's version");
  return *v;
}

HttpResponse IfMatchProblem(const Status& s) {
  if (s.code() == StatusCode::kFailedPrecondition) {
    return Problem(428, "send If-Match with the version you edited (from the ETag or version field)",
                   {{"If-Match", "is required"}});
  }
  return Problem(400, s.message(), s.fields());
}

HttpResponse ContactResponse(int status, const Contact& c) {
  auto resp = JsonOk(status, JsonDoc([&](JsonWriter& w) {
    w.StartObject();
    WriteContactFields(w, c);
    w.EndObject();
  }));
  AddETag(resp, c.version);
  return resp;
}

void CustomerNameBook::Load(const std::vector<int64_t>& ids) {
  std::vector<int64_t> missing;
  for (int64_t id : ids) {
    if (!names_.count(id)) missing.push_back(id);
  }
  if (missing.empty()) return;
  auto found = store_.CustomerNames(missing);
  // A failed read leaves the names empty: they decorate the answer, they do not decide it.
  for (int64_t id : missing) names_[id] = std::string();
  if (found.ok()) {
    for (auto& [id, name] : *found) names_[id] = std::move(name);
  }
}

const std::string& CustomerNameBook::Name(int64_t id) {
  Load({id});
  return names_[id];
}

}  // namespace guanxi::http::internal
