// Helpers shared by the SQLite Store and SalesStore. Internal to store/sqlite.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "store/list_query.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace guanxi::sqlite {

// "?, ?, …, ?": n parameter marks for an IN list or a VALUES row.
inline std::string BindMarks(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

inline void BindAll(Statement& st, const std::vector<SqlValue>& values) {
  for (const auto& v : values) {
    if (std::holds_alternative<int64_t>(v)) st.Bind(std::get<int64_t>(v));
    else if (std::holds_alternative<std::string>(v)) st.Bind(std::get<std::string>(v));
    else if (std::holds_alternative<double>(v)) st.Bind(std::get<double>(v));
    else st.BindBlob(std::get<SqlBlob>(v).bytes);
  }
}

inline Status InsertAudit(Connection& db, const AuditEntry& a) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO audit_log(at, user_id, user_login, entity, entity_id, action, before_json, "
      "after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(a.at).Bind(a.user_id).Bind(a.user_login).Bind(a.entity).Bind(a.entity_id)
      .Bind(a.action).Bind(a.before).Bind(a.after);
  return st.Run();
}

}  // namespace guanxi::sqlite
