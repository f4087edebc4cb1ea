#include "store/list_query.h"

#include "domain/encoding.h"
#include "domain/search_text.h"
#include "store/cursor.h"
#include "store/rows.h"

namespace guanxi {

std::vector<std::string> SplitSearchTerms(const std::string& search, size_t* drive) {
  std::vector<std::string> terms;
  for (size_t i = 0; i < search.size();) {
    size_t j = search.find(' ', i);
    if (j == std::string::npos) j = search.size();
    if (j > i) terms.push_back(search.substr(i, j - i));
    i = j + 1;
  }
  *drive = 0;
  for (size_t i = 1; i < terms.size(); ++i) {
    if (CodePointCount(terms[i]) > CodePointCount(terms[*drive])) *drive = i;
  }
  return terms;
}

Result<CustomerListPlan> PlanCustomerList(const CustomerQuery& q, const SearchDialect& dialect) {
  using Key = CustomerListPlan::Key;
  CustomerListPlan plan;
  std::string from = " FROM customer c";
  std::string where = " WHERE 1 = 1";
  std::vector<SqlValue> args;
  bool descending = true;
  std::string id_column = "c.id";

  size_t drive = 0;
  std::vector<std::string> terms = SplitSearchTerms(q.search, &drive);
  if (!terms.empty()) {
    SearchSql s = dialect(terms, drive);
    if (!s.from.empty()) from = s.from;
    if (!s.id_column.empty()) id_column = s.id_column;
    where += s.where;
    args.insert(args.end(), s.args.begin(), s.args.end());
  } else {
    switch (q.sort) {
      case CustomerSort::kUpdatedDesc: plan.key = Key::kUpdated; break;
      case CustomerSort::kUpdatedAsc: plan.key = Key::kUpdated; descending = false; break;
      case CustomerSort::kCreatedDesc: plan.key = Key::kCreated; break;
      case CustomerSort::kCreatedAsc: plan.key = Key::kCreated; descending = false; break;
      case CustomerSort::kNameAsc: plan.key = Key::kName; descending = false; break;
      case CustomerSort::kNameDesc: plan.key = Key::kName; break;
    }
  }

  switch (q.scope.kind) {
    case VisibilityScope::Kind::kAll: break;
    case VisibilityScope::Kind::kOwner:
      where += " AND c.owner_user_id = ?";
      args.emplace_back(q.scope.id);
      break;
    case VisibilityScope::Kind::kTeam:
      where += " AND c.owner_user_id IN (SELECT id FROM app_user WHERE team_id = ?)";
      args.emplace_back(q.scope.id);
      break;
  }
  if (q.owner_user_id) {
    where += " AND c.owner_user_id = ?";
    args.emplace_back(*q.owner_user_id);
  }
  if (!q.tag.empty()) {
    where += " AND EXISTS (SELECT 1 FROM customer_tag t WHERE t.tag = ? AND t.customer_id = c.id)";
    args.emplace_back(q.tag);
  }
  if (!q.source.empty()) {
    where += " AND c.source = ?";
    args.emplace_back(q.source);
  }
  if (!q.province.empty()) {
    where += " AND c.province = ?";
    args.emplace_back(q.province);
  }
  if (q.relationship) {
    where += " AND c.relationship = ?";
    args.emplace_back(std::string(ToString(*q.relationship)));
  }
  if (q.stage) {
    where += " AND c.lifecycle_stage = ?";
    args.emplace_back(std::string(ToString(*q.stage)));
  }
  switch (q.archived) {
    case CustomerQuery::Archived::kActive: where += " AND c.archived = 0"; break;
    case CustomerQuery::Archived::kArchived: where += " AND c.archived = 1"; break;
    case CustomerQuery::Archived::kAll: break;
  }

  const char* cmp = descending ? "<" : ">";
  const char* dir = descending ? " DESC" : "";
  std::string sort_column = plan.key == Key::kUpdated ? "c.updated_at"
                            : plan.key == Key::kCreated ? "c.created_at"
                            : plan.key == Key::kName ? "c.name_sort" : "";
  // A page is read by one or two statements ("segments"). After a cursor on a
  // sort column, rows tied with the cursor's value are read first (value = v AND
  // id beyond the cursor), then rows past the value. A single row-value
  // comparison `(col, id) < (v, id)` would be used by SQLite only as a range on
  // `col`, so a page after many tied rows would step over all of them.
  const std::string select = std::string("SELECT ") + store_rows::kCustomerColumns + from + where;
  const std::string full_order = plan.key == Key::kId
                                     ? " ORDER BY " + id_column + dir
                                     : " ORDER BY " + sort_column + dir + ", c.id" + dir;
  auto segment = [&](const std::string& condition, std::vector<SqlValue> extra, const std::string& order) {
    CustomerListPlan::Segment s{select + condition + order, args};
    s.args.insert(s.args.end(), extra.begin(), extra.end());
    plan.segments.push_back(std::move(s));
  };
  if (q.after.empty()) {
    segment("", {}, full_order);
    return plan;
  }
  auto parts = DecodeCursor(q.after, plan.key == Key::kId ? 1 : 2);
  if (!parts) return Status::InvalidField("after", "not a cursor this server issued for this sort");
  auto id = store_rows::ParseInt64(parts->back());
  if (!id) return Status::InvalidField("after", "not a cursor this server issued");
  if (plan.key == Key::kId) {
    segment(" AND " + id_column + " " + cmp + " ?", {*id}, full_order);
    return plan;
  }
  SqlValue value;
  if (plan.key == Key::kName) {
    auto sort_key = HexDecode((*parts)[0]);
    if (!sort_key) return Status::InvalidField("after", "not a cursor this server issued");
    value = SqlBlob{*sort_key};
  } else {
    auto v = store_rows::ParseInt64((*parts)[0]);
    if (!v) return Status::InvalidField("after", "not a cursor this server issued");
    value = *v;
  }
  segment(" AND " + sort_column + " = ? AND c.id " + cmp + " ?", {value, *id},
          std::string(" ORDER BY c.id") + dir);
  segment(" AND " + sort_column + " " + cmp + " ?", {value}, full_order);
  return plan;
}

std::string CustomerListCursor(const CustomerListPlan& plan, const Customer& last,
                               const std::string& name_sort) {
  using Key = CustomerListPlan::Key;
  std::vector<std::string> parts;
  if (plan.key == Key::kUpdated) parts.push_back(std::to_string(last.updated_at));
  if (plan.key == Key::kCreated) parts.push_back(std::to_string(last.created_at));
  if (plan.key == Key::kName) parts.push_back(HexEncode(name_sort));
  parts.push_back(std::to_string(last.id));
  return EncodeCursor(parts);
}

Result<AuditListPlan> PlanAuditList(const AuditQuery& q) {
  AuditListPlan plan;
  plan.sql = "SELECT id, at, user_id, user_login, entity, entity_id, action, before_json, after_json "
             "FROM audit_log WHERE 1 = 1";
  if (!q.entity.empty()) {
    plan.sql += " AND entity = ?";
    plan.args.emplace_back(q.entity);
  }
  if (q.entity_id) {
    plan.sql += " AND entity_id = ?";
    plan.args.emplace_back(*q.entity_id);
  }
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 1);
    auto id = parts ? store_rows::ParseInt64((*parts)[0]) : std::nullopt;
    if (!id) return Status::InvalidField("after", "not a cursor this server issued");
    plan.sql += " AND id < ?";
    plan.args.emplace_back(*id);
  }
  plan.sql += " ORDER BY id DESC LIMIT ?";
  plan.args.emplace_back(static_cast<int64_t>(q.limit + 1));
  return plan;
}

void FinishAuditPage(Page<AuditEntry>& page, int limit) {
  FinishPage(page, limit, [](const AuditEntry& a) { return std::vector<std::string>{std::to_string(a.id)}; });
}

}  // namespace guanxi
