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
