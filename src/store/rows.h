// Rows as both store backends read them: the column lists of each entity and
// the functions that turn a result row into a domain value. `Row` is any type
// with Int/Text/OptInt/IsNull(col) (sqlite::Statement, postgres::Row).
// Internal to src/store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/collation.h"
#include "domain/customer.h"
#include "domain/customer_json.h"
#include "domain/search_text.h"
#include "domain/user.h"
#include "store/store.h"

namespace guanxi::store_rows {

constexpr char kCustomerColumns[] =
    "c.id, c.version, c.kind, c.name, c.industry, c.size, c.province, c.city, c.source, "
    "c.owner_user_id, c.relationship, c.relationship_level, c.lifecycle_stage, c.tags, "
    "c.care_dates, c.phone, c.email, c.notes, c.external_id, c.archived, c.created_at, "
    "c.updated_at, c.purchase_potential, c.name_sort";
// Columns of kCustomerColumns the list readers use beyond ReadCustomer: the
// name sort key, and the metric sort value some list plans append after it.
constexpr int kCustomerNameSortColumn = 23;
constexpr int kCustomerSortValueColumn = 24;

template <typename Row>
Customer ReadCustomer(const Row& s) {
  Customer c;
  c.id = s.Int(0);
  c.version = s.Int(1);
  c.kind = ParseCustomerKind(s.Text(2)).value_or(CustomerKind::kOrganization);
  c.name = s.Text(3);
  c.industry = s.Text(4);
  if (!s.IsNull(5)) c.size = ParseCompanySize(s.Text(5));
  c.province = s.Text(6);
  c.city = s.Text(7);
  c.source = s.Text(8);
  c.owner_user_id = s.OptInt(9);
  c.relationship = ParseRelationship(s.Text(10)).value_or(Relationship::kPotential);
  c.relationship_level = ParseRelationshipLevel(s.Text(11)).value_or(RelationshipLevel::kBasic);
  c.lifecycle_stage = ParseLifecycleStage(s.Text(12)).value_or(LifecycleStage::kExploration);
  c.tags = StringListFromJson(s.Text(13));
  c.care_dates = CareDatesFromJson(s.Text(14));
  c.phone = s.Text(15);
  c.email = s.Text(16);
  c.notes = s.Text(17);
  c.external_id = s.Text(18);
  c.archived = s.Int(19) != 0;
  c.created_at = s.Int(20);
  c.updated_at = s.Int(21);
  c.purchase_potential = s.OptInt(22);
  return c;
}

// What the store derives from a customer for its indexes. Computed by the caller's
// thread before the write is queued, so the single writer thread only writes.
struct CustomerIndexKeys {
  std::string search_text;
  std::string name_sort;
  std::vector<std::string> grams;
};

inline CustomerIndexKeys DeriveIndexKeys(const Customer& c) {
  CustomerIndexKeys k;
  k.search_text = FoldForSearch(c.name + " " + c.phone + " " + c.email + " " + c.notes);
  k.name_sort = NameSortKey(c.name);
  k.grams = ShortGrams(k.search_text);
  return k;
}

constexpr char kContactColumns[] =
    "id, version, customer_id, name, title, phone, email, wechat, personality, birthday, notes, "
    "created_at, updated_at";

template <typename Row>
Contact ReadContact(const Row& s) {
  Contact c;
  c.id = s.Int(0);
  c.version = s.Int(1);
  c.customer_id = s.Int(2);
  c.name = s.Text(3);
  c.title = s.Text(4);
  c.phone = s.Text(5);
  c.email = s.Text(6);
  c.wechat = s.Text(7);
  if (!s.IsNull(8)) c.personality = ParsePersonality(s.Text(8));
  c.birthday = s.Text(9);
  c.notes = s.Text(10);
  c.created_at = s.Int(11);
  c.updated_at = s.Int(12);
  return c;
}

constexpr char kUserColumns[] =
    "id, version, login, display_name, role, team_id, password_hash, disabled, created_at, updated_at";

template <typename Row>
User ReadUser(const Row& s) {
  User u;
  u.id = s.Int(0);
  u.version = s.Int(1);
  u.login = s.Text(2);
  u.display_name = s.Text(3);
  u.role = ParseRole(s.Text(4)).value_or(Role::kSales);
  u.team_id = s.OptInt(5);
  u.password_hash = s.Text(6);
  u.disabled = s.Int(7) != 0;
  u.created_at = s.Int(8);
  u.updated_at = s.Int(9);
  return u;
}

template <typename Row>
Team ReadTeam(const Row& s) {
  Team t;
  t.id = s.Int(0);
  t.name = s.Text(1);
  t.manager_user_id = s.OptInt(2);
  t.created_at = s.Int(3);
  return t;
}

template <typename Row>
AuditEntry ReadAudit(const Row& s) {
  AuditEntry a;
  a.id = s.Int(0);
  a.at = s.Int(1);
  a.user_id = s.OptInt(2);
  a.user_login = s.Text(3);
  a.entity = s.Text(4);
  a.entity_id = s.Int(5);
  a.action = s.Text(6);
  a.before = s.Text(7);
  a.after = s.Text(8);
  return a;
}

inline std::string JsonObjectWithName(const std::string& name) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("name");
  WriteString(w, name);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

inline std::optional<int64_t> ParseInt64(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  size_t pos = 0;
  try {
    int64_t v = std::stoll(s, &pos);
    if (pos != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace guanxi::store_rows
