#include "store/list_query.h"

#include <charconv>

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

namespace {

// Appends the customer_metric filters of `q`; true when there was one.
bool AddMetricFilters(const CustomerQuery& q, std::string& where, std::vector<SqlValue>& args) {
  const size_t before = args.size();
  auto text = [&](const char* column, const std::string& v) {
    if (v.empty()) return;
    where += std::string(" AND m.") + column + " = ?";
    args.emplace_back(v);
  };
  text("rfm_class", q.rfm_class);
  text("tier", q.tier);
  text("attack_defend", q.attack_defend);
  if (q.p_alive_lt) {
    where += " AND m.p_alive < ?";
    args.emplace_back(*q.p_alive_lt);
  }
  if (q.churn_risk) {
    where += " AND m.churn_risk = ?";
    args.emplace_back(int64_t{*q.churn_risk ? 1 : 0});
  }
  if (q.cluster) {
    where += " AND m.cluster = ?";
    args.emplace_back(*q.cluster);
  }
  return args.size() != before;
}

// The parts of a metric sort's cursor: column, value ("-" for NULL), id.
constexpr char kNullPart[] = "-";

}  // namespace

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
      case CustomerSort::kClvDesc: plan.key = Key::kMetric; plan.metric_column = "clv"; break;
      case CustomerSort::kValueAtRiskDesc: plan.key = Key::kMetric; plan.metric_column = "value_at_risk"; break;
      case CustomerSort::kPAliveAsc:
        plan.key = Key::kMetric;
        plan.metric_column = "p_alive";
        plan.metric_real = true;
        descending = false;
        break;
    }
  }
  // The customer list reads metric columns through a LEFT JOIN; a metric sort
  // reads its rows with a value from the metric side instead (below).
  if (AddMetricFilters(q, where, args) || plan.key == Key::kMetric) {
    from += " LEFT JOIN customer_metric m ON m.customer_id = c.id";
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
  if (q.no_owner) where += " AND c.owner_user_id IS NULL";
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
  const std::string metric = "m." + plan.metric_column;
  const std::string select = std::string("SELECT ") + store_rows::kCustomerColumns +
                             (plan.key == Key::kMetric ? ", " + metric : std::string()) + from + where;
  const std::string full_order = plan.key == Key::kId
                                     ? " ORDER BY " + id_column + dir
                                     : " ORDER BY " + sort_column + dir + ", c.id" + dir;
  auto segment = [&](const std::string& condition, std::vector<SqlValue> extra, const std::string& order) {
    CustomerListPlan::Segment s{select + condition + order, args};
    s.args.insert(s.args.end(), extra.begin(), extra.end());
    plan.segments.push_back(std::move(s));
  };
  if (plan.key == Key::kMetric) {
    // Rows with the value (value, then id), then rows without it (id): separate
    // statements, as NULL ordering differs between the backends. Rows with a
    // value are read from customer_metric's index on (value, customer_id) in
    // order, joined to their customer (CROSS JOIN keeps SQLite's loop order:
    // the index drives, so a page stops after `limit` rows instead of sorting
    // every customer).
    const std::string select_valued =
        std::string("SELECT ") + store_rows::kCustomerColumns + ", " + metric +
        " FROM customer_metric m CROSS JOIN customer c" + where + " AND c.id = m.customer_id";
    auto valued = [&](const std::string& condition, std::vector<SqlValue> extra, const std::string& order) {
      CustomerListPlan::Segment s{select_valued + condition + order, args};
      s.args.insert(s.args.end(), extra.begin(), extra.end());
      plan.segments.push_back(std::move(s));
    };
    const std::string by_value = " ORDER BY " + metric + dir + ", m.customer_id" + dir;
    const std::string by_id = std::string(" ORDER BY c.id") + dir;
    if (q.after.empty()) {
      valued(" AND " + metric + " IS NOT NULL", {}, by_value);
      segment(" AND " + metric + " IS NULL", {}, by_id);
      return plan;
    }
    auto parts = DecodeCursor(q.after, 3);
    if (!parts || (*parts)[0] != plan.metric_column) {
      return Status::InvalidField("after", "not a cursor this server issued for this sort");
    }
    auto id = store_rows::ParseInt64((*parts)[2]);
    if (!id) return Status::InvalidField("after", "not a cursor this server issued");
    const std::string& v = (*parts)[1];
    if (v == kNullPart) {
      segment(" AND " + metric + " IS NULL AND c.id " + cmp + " ?", {*id}, by_id);
      return plan;
    }
    SqlValue value;
    if (plan.metric_real) {
      double d = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      if (ec != std::errc() || ptr != v.data() + v.size()) {
        return Status::InvalidField("after", "not a cursor this server issued");
      }
      value = d;
    } else {
      auto n = store_rows::ParseInt64(v);
      if (!n) return Status::InvalidField("after", "not a cursor this server issued");
      value = *n;
    }
    valued(" AND " + metric + " = ? AND m.customer_id " + cmp + " ?", {value, *id},
           std::string(" ORDER BY m.customer_id") + dir);
    valued(" AND " + metric + " " + cmp + " ?", {value}, by_value);
    segment(" AND " + metric + " IS NULL", {}, by_id);
    return plan;
  }
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
                               const std::optional<std::string>& sort_value) {
  using Key = CustomerListPlan::Key;
  std::vector<std::string> parts;
  if (plan.key == Key::kMetric) {
    parts.push_back(plan.metric_column);
    parts.push_back(sort_value.value_or(kNullPart));
  }
  if (plan.key == Key::kUpdated) parts.push_back(std::to_string(last.updated_at));
  if (plan.key == Key::kCreated) parts.push_back(std::to_string(last.created_at));
  if (plan.key == Key::kName) parts.push_back(HexEncode(sort_value.value_or("")));
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
