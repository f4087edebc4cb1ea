#include "domain/customer_json.h"

#include <rapidjson/document.h>

#include <ctime>

namespace guanxi {
namespace {

void Key(JsonWriter& w, const char* k) { w.Key(k); }

void StrField(JsonWriter& w, const char* k, std::string_view v) {
  w.Key(k);
  WriteString(w, v);
}

template <typename Fn>
std::string Document(Fn&& fn) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  fn(w);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::string FormatUtc(UnixSeconds t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void WriteCustomerFields(JsonWriter& w, const Customer& c) {
  Key(w, "id");
  w.Int64(c.id);
  Key(w, "version");
  w.Int64(c.version);
  StrField(w, "kind", ToString(c.kind));
  StrField(w, "name", c.name);
  StrField(w, "industry", c.industry);
  Key(w, "size");
  if (c.size) WriteString(w, ToString(*c.size)); else w.Null();
  StrField(w, "province", c.province);
  StrField(w, "city", c.city);
  StrField(w, "source", c.source);
  Key(w, "owner_user_id");
  if (c.owner_user_id) w.Int64(*c.owner_user_id); else w.Null();
  StrField(w, "relationship", ToString(c.relationship));
  StrField(w, "relationship_level", ToString(c.relationship_level));
  StrField(w, "lifecycle_stage", ToString(c.lifecycle_stage));
  Key(w, "tags");
  w.StartArray();
  for (const auto& t : c.tags) WriteString(w, t);
  w.EndArray();
  Key(w, "care_dates");
  w.StartArray();
  for (const auto& d : c.care_dates) {
    w.StartObject();
    StrField(w, "kind", d.kind);
    StrField(w, "label", d.label);
    StrField(w, "date", d.date);
    w.EndObject();
  }
  w.EndArray();
  StrField(w, "phone", c.phone);
  StrField(w, "email", c.email);
  StrField(w, "notes", c.notes);
  StrField(w, "external_id", c.external_id);
  Key(w, "purchase_potential");
  if (c.purchase_potential) w.Int64(*c.purchase_potential); else w.Null();
  Key(w, "archived");
  w.Bool(c.archived);
  StrField(w, "created_at", FormatUtc(c.created_at));
  StrField(w, "updated_at", FormatUtc(c.updated_at));
}

void WriteContactFields(JsonWriter& w, const Contact& c) {
  Key(w, "id");
  w.Int64(c.id);
  Key(w, "version");
  w.Int64(c.version);
  Key(w, "customer_id");
  w.Int64(c.customer_id);
  StrField(w, "name", c.name);
  StrField(w, "title", c.title);
  StrField(w, "phone", c.phone);
  StrField(w, "email", c.email);
  StrField(w, "wechat", c.wechat);
  Key(w, "personality");
  if (c.personality) WriteString(w, ToString(*c.personality)); else w.Null();
  StrField(w, "birthday", c.birthday);
  StrField(w, "notes", c.notes);
  StrField(w, "created_at", FormatUtc(c.created_at));
  StrField(w, "updated_at", FormatUtc(c.updated_at));
}

void WriteUserFields(JsonWriter& w, const User& u) {
  Key(w, "id");
  w.Int64(u.id);
  Key(w, "version");
  w.Int64(u.version);
  StrField(w, "login", u.login);
  StrField(w, "display_name", u.display_name);
  StrField(w, "role", ToString(u.role));
  Key(w, "team_id");
  if (u.team_id) w.Int64(*u.team_id); else w.Null();
  Key(w, "disabled");
  w.Bool(u.disabled);
  StrField(w, "created_at", FormatUtc(u.created_at));
}

std::string CustomerToJson(const Customer& c) {
  return Document([&](JsonWriter& w) { WriteCustomerFields(w, c); });
}
std::string ContactToJson(const Contact& c) {
  return Document([&](JsonWriter& w) { WriteContactFields(w, c); });
}
std::string UserToJson(const User& u) {
  return Document([&](JsonWriter& w) { WriteUserFields(w, u); });
}
std::string TeamToJson(const Team& t) {
  return Document([&](JsonWriter& w) {
    Key(w, "id");
    w.Int64(t.id);
    StrField(w, "name", t.name);
    Key(w, "manager_user_id");
    if (t.manager_user_id) w.Int64(*t.manager_user_id); else w.Null();
    StrField(w, "created_at", FormatUtc(t.created_at));
  });
}

std::string StringListToJson(const std::vector<std::string>& v) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& s : v) WriteString(w, s);
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

std::vector<std::string> StringListFromJson(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  std::vector<std::string> out;
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto& e : d.GetArray()) {
    if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

std::string CareDatesToJson(const std::vector<CareDate>& v) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& d : v) {
    w.StartObject();
    StrField(w, "kind", d.kind);
    StrField(w, "label", d.label);
    StrField(w, "date", d.date);
    w.EndObject();
  }
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

std::vector<CareDate> CareDatesFromJson(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  std::vector<CareDate> out;
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto& e : d.GetArray()) {
    if (!e.IsObject()) continue;
    CareDate cd;
    auto get = [&](const char* k) -> std::string {
      auto it = e.FindMember(k);
      return it != e.MemberEnd() && it->value.IsString()
                 ? std::string(it->value.GetString(), it->value.GetStringLength())
                 : std::string();
    };
    cd.kind = get("kind");
    cd.label = get("label");
    cd.date = get("date");
    out.push_back(std::move(cd));
  }
  return out;
}

}  // namespace guanxi
