#include "store/analytics_rows.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "domain/customer_json.h"
#include "store/cursor.h"
#include "store/portable.h"
#include "store/rows.h"

namespace guanxi::store_rows {
namespace {

std::optional<std::string> IntText(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}
std::optional<std::string> RealText(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  return PortableReal(*v);
}
std::optional<std::string> TextOrNull(const std::string& v) {
  if (v.empty()) return std::nullopt;
  return v;
}

void AddScope(const VisibilityScope& scope, const std::string& column, std::string& sql,
              std::vector<SqlValue>& args) {
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll: break;
    case VisibilityScope::Kind::kOwner:
      sql += " AND " + column + " = ?";
      args.emplace_back(scope.id);
      break;
    case VisibilityScope::Kind::kTeam:
      sql += " AND " + column + " IN (SELECT id FROM app_user WHERE team_id = ?)";
      args.emplace_back(scope.id);
      break;
  }
}

bool IsIsoDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

std::string MetricInsertColumns() {
  const std::string out = kMetricColumns;
  std::string plain;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out.compare(i, 2, "m.") == 0 && (i == 0 || out[i - 1] == ' ')) {
      ++i;
      continue;
    }
    plain.push_back(out[i]);
  }
  return plain;
}

std::vector<std::optional<std::string>> MetricValues(const CustomerMetric& m) {
  std::optional<std::string> churn;
  if (m.churn_risk) churn = *m.churn_risk ? "1" : "0";
  return {std::to_string(m.customer_id), std::to_string(m.run_id), std::to_string(m.computed_at),
          m.as_of, IntText(m.recency_days), std::to_string(m.frequency), std::to_string(m.monetary),
          IntText(m.r_score), IntText(m.f_score), IntText(m.m_score), TextOrNull(m.rfm_cell),
          TextOrNull(m.rfm_class), TextOrNull(m.tier), IntText(m.cluster), RealText(m.p_alive),
          RealText(m.expected_purchases), IntText(m.expected_spend), IntText(m.clv), churn,
          IntText(m.value_at_risk), TextOrNull(m.attack_defend), RealText(m.wallet_share),
          IntText(m.revenue_365), RealText(m.usual_interval_days), TextOrNull(m.recommendations)};
}

MetricListSql PlanMetricList(MetricList kind, const MetricListQuery& q) {
  MetricListSql out;
  out.sql = std::string("SELECT ") + kMetricColumns +
            ", c.name, c.owner_user_id, c.purchase_potential, "
            "(SELECT min(t.id) FROM task t WHERE t.customer_id = c.id AND t.status = 'open') "
            "FROM customer_metric m JOIN customer c ON c.id = m.customer_id WHERE c.archived = 0";
  AddScope(q.scope, "c.owner_user_id", out.sql, out.args);
  if (q.owner_user_id) {
    out.sql += " AND c.owner_user_id = ?";
    out.args.emplace_back(*q.owner_user_id);
  }
  switch (kind) {
    case MetricList::kChurn:
      // (value IS NULL) sorts false before true on both backends: NULLs last.
      out.sql += " AND m.churn_risk = 1 ORDER BY (m.value_at_risk IS NULL), m.value_at_risk DESC, "
                 "m.customer_id";
      break;
    case MetricList::kTopClv:
      out.sql += " AND m.clv IS NOT NULL ORDER BY m.clv DESC, m.customer_id";
      break;
    case MetricList::kAttackDefend:
      out.sql += " AND m.attack_defend IS NOT NULL ORDER BY m.customer_id";
      break;
  }
  out.sql += " LIMIT ?";
  out.args.emplace_back(static_cast<int64_t>(std::max(0, q.limit)));
  return out;
}

Result<MetricListSql> PlanTaskList(const TaskQuery& q) {
  MetricListSql out;
  out.sql = std::string("SELECT ") + kTaskColumns +
            " FROM task t JOIN customer c ON c.id = t.customer_id WHERE 1 = 1";
  AddScope(q.scope, "c.owner_user_id", out.sql, out.args);
  if (q.customer_id) {
    out.sql += " AND t.customer_id = ?";
    out.args.emplace_back(*q.customer_id);
  }
  if (q.assignee_user_id) {
    out.sql += " AND t.assignee_user_id = ?";
    out.args.emplace_back(*q.assignee_user_id);
  }
  if (!q.status.empty()) {
    if (q.status != "open" && q.status != "done") return Status::InvalidField("status", "must be open or done");
    out.sql += " AND t.status = ?";
    out.args.emplace_back(q.status);
  }
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 2);
    auto id = parts ? ParseInt64((*parts)[1]) : std::nullopt;
    if (!id || !IsIsoDay((*parts)[0])) return Status::InvalidField("after", "not a cursor this server issued");
    out.sql += " AND (t.due_day > ? OR (t.due_day = ? AND t.id > ?))";
    out.args.emplace_back((*parts)[0]);
    out.args.emplace_back((*parts)[0]);
    out.args.emplace_back(*id);
  }
  out.sql += " ORDER BY t.due_day, t.id LIMIT ?";
  out.args.emplace_back(static_cast<int64_t>(q.limit + 1));
  return out;
}

void FinishTaskPage(Page<Task>& page, int limit) {
  FinishPage(page, limit, [](const Task& t) {
    return std::vector<std::string>{t.due_day, std::to_string(t.id)};
  });
}

std::string TaskToJson(const Task& t) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  auto opt = [&](const char* key, const std::optional<int64_t>& v) {
    w.Key(key);
    if (v) w.Int64(*v); else w.Null();
  };
  w.StartObject();
  w.Key("id");
  w.Int64(t.id);
  w.Key("version");
  w.Int64(t.version);
  w.Key("customer_id");
  w.Int64(t.customer_id);
  opt("assignee_user_id", t.assignee_user_id);
  w.Key("title");
  WriteString(w, t.title);
  w.Key("due_day");
  WriteString(w, t.due_day);
  w.Key("status");
  WriteString(w, t.status);
  w.Key("origin");
  WriteString(w, t.origin);
  opt("created_by", t.created_by);
  w.Key("created_at");
  WriteString(w, FormatUtc(t.created_at));
  w.Key("completed_at");
  if (t.completed_at) WriteString(w, FormatUtc(*t.completed_at)); else w.Null();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Status CheckTask(const Task& t) {
  if (t.title.empty()) return Status::InvalidField("title", "is required");
  if (t.title.size() > 800) return Status::InvalidField("title", "is longer than 800 bytes");
  if (!IsIsoDay(t.due_day)) return Status::InvalidField("due_day", "must be a date YYYY-MM-DD");
  if (t.origin != "manual" && t.origin != "churn_alert") {
    return Status::InvalidField("origin", "must be manual or churn_alert");
  }
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, std::string>>> SettingsMembers(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::InvalidArgument("the analytics settings must be a JSON object");
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    it->value.Accept(w);
    out.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()),
                     std::string(buf.GetString(), buf.GetSize()));
  }
  return out;
}

std::string SettingsObject(const std::vector<std::pair<std::string, std::string>>& members) {
  rapidjson::Document doc;
  doc.SetObject();
  auto& alloc = doc.GetAllocator();
  for (const auto& [key, value] : members) {
    rapidjson::Document v(&alloc);
    v.Parse(value.data(), value.size());
    if (v.HasParseError()) continue;  // written by SaveSettings, so always JSON
    rapidjson::Value name(key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc);
    rapidjson::Value copy(v, alloc);
    doc.AddMember(name, copy, alloc);
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace guanxi::store_rows
