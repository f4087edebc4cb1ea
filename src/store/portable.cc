#include "store/portable.h"

#include <charconv>

#include "store/store.h"

namespace guanxi {

const std::vector<PortableTable>& PortableTableDefs() {
  static const std::vector<PortableTable> kTables = {
      {"team", {"id", "name", "manager_user_id", "created_at"}, {{"id"}}},
      {"app_user",
       {"id", "version", "login", "display_name", "role", "team_id", "password_hash", "disabled",
        "created_at", "updated_at"}, {{"id"}}},
      {"session", {"id_hash", "user_id", "csrf_token", "created_at", "expires_at"}, {{"id_hash", true}}},
      {"api_token", {"id", "user_id", "name", "token_hash", "created_at", "last_used_at"}, {{"id"}}},
      // The order of store_rows::kCustomerColumns without the derived name_sort,
      // so a row reads with ReadCustomer.
      {"customer",
       {"id", "version", "kind", "name", "industry", "size", "province", "city", "source",
        "owner_user_id", "relationship", "relationship_level", "lifecycle_stage", "tags",
        "care_dates", "phone", "email", "notes", "external_id", "archived", "created_at",
        "updated_at"}, {{"id"}}},
      {"contact",
       {"id", "version", "customer_id", "name", "title", "phone", "email", "wechat", "personality",
        "birthday", "notes", "created_at", "updated_at"}, {{"id"}}},
      {"audit_log",
       {"id", "at", "user_id", "user_login", "entity", "entity_id", "action", "before_json",
        "after_json"}, {{"id"}}},
      {"rate_limit_event", {"key", "at"}, {{"key", true}, {"at"}}},
  };
  return kTables;
}

const std::vector<std::string>& PortableTables() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& t : PortableTableDefs()) names.push_back(t.name);
    return names;
  }();
  return kNames;
}

const PortableTable* FindPortableTable(const std::string& name) {
  for (const auto& t : PortableTableDefs()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string OrderByColumns(const PortableTable& t) {
  std::string out;
  for (const auto& key : t.order_by) out += (out.empty() ? "" : ", ") + key.column;
  return out;
}

std::string JoinColumns(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

int64_t TextRow::Int(int col) const {
  int64_t out = 0;
  if (v_[col]) std::from_chars(v_[col]->data(), v_[col]->data() + v_[col]->size(), out);
  return out;
}

Status CheckPortableChunk(const std::string& table, const std::vector<std::string>& columns) {
  const PortableTable* t = FindPortableTable(table);
  if (!t) return Status::InvalidArgument("not a table this version can copy: " + table);
  if (columns != t->columns) {
    return Status::InvalidArgument("the columns of " + table + " differ from this version's");
  }
  return Status::Ok();
}

}  // namespace guanxi
