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
        "updated_at", "purchase_potential"}, {{"id"}}},
      {"contact",
       {"id", "version", "customer_id", "name", "title", "phone", "email", "wechat", "personality",
        "birthday", "notes", "created_at", "updated_at"}, {{"id"}}},
      {"audit_log",
       {"id", "at", "user_id", "user_login", "entity", "entity_id", "action", "before_json",
        "after_json"}, {{"id"}}},
      {"rate_limit_event", {"key", "at"}, {{"key", true}, {"at"}}},
      // The sales tables (0003_sales.sql), after the rows they refer to.
      {"product",
       {"id", "version", "code", "name", "category", "list_price", "active", "created_at",
        "updated_at"}, {{"id"}}},
      {"stage", {"key", "name_zh", "name_en", "win_rate_bp", "position", "kind"}, {{"key", true}},
       true},
      {"sales_setting", {"key", "value"}, {{"key", true}}, true},
      {"opportunity",
       {"id", "version", "customer_id", "contact_id", "title", "amount", "owner_user_id",
        "expected_close", "stage", "status", "closed_on", "money", "authority", "need",
        "competitor", "loss_reason", "next_step", "notes", "stage_entered_at", "created_at",
        "updated_at"}, {{"id"}}},
      {"opportunity_event",
       {"id", "opportunity_id", "at", "user_id", "user_login", "kind", "from_stage", "to_stage",
        "amount", "expected_close", "owner_user_id"}, {{"id"}}},
      {"sales_order",
       {"id", "version", "external_id", "customer_id", "owner_user_id", "opportunity_id",
        "ordered_at", "channel", "status", "total", "note", "created_at", "updated_at"}, {{"id"}}},
      {"order_line",
       {"order_id", "line_no", "product_id", "description", "quantity", "unit_price", "discount"},
       {{"order_id"}, {"line_no"}}},
      // Derived from sales_order, but copied as is: the source keeps it exact.
      {"sales_day", {"owner_user_id", "day", "out_of_funnel", "out_of_funnel_count"},
       {{"owner_user_id"}, {"day", true}}},
      {"sales_target", {"id", "quarter", "scope", "subject_id", "amount", "updated_at"}, {{"id"}}},
      {"forecast_snapshot",
       {"quarter", "week_start", "owner_user_id", "taken_at", "closed", "closed_count", "lost",
        "lost_count", "out_of_funnel", "out_of_funnel_count", "open_by_stage"},
       {{"quarter", true}, {"week_start", true}, {"owner_user_id"}}},
      {"instalment", {"id", "opportunity_id", "order_id", "due_on", "amount", "note"}, {{"id"}}},
      {"receipt",
       {"id", "opportunity_id", "order_id", "received_on", "amount", "method", "note", "user_id",
        "created_at"}, {{"id"}}},
      {"playbook_entry",
       {"id", "version", "stage", "situation", "kind", "locale", "title", "body", "position",
        "updated_at"}, {{"id"}}},
      {"seed_marker", {"name", "applied_at"}, {{"name", true}}},
      {"buying_centre_member",
       {"id", "opportunity_id", "contact_id", "role", "attitude", "influence", "reports_to", "note"},
       {{"id"}}},
      // The analytics tables (0004_analytics.sql). customer_metric's REAL
      // columns travel in one canonical text form (see real_columns).
      {"customer_metric",
       {"customer_id", "run_id", "computed_at", "as_of", "recency_days", "frequency", "monetary",
        "r_score", "f_score", "m_score", "rfm_cell", "rfm_class", "tier", "cluster", "p_alive",
        "expected_purchases", "expected_spend", "clv", "churn_risk", "value_at_risk", "attack_defend",
        "wallet_share", "revenue_365", "usual_interval_days", "recommendations"},
       {{"customer_id"}}, false, {"p_alive", "expected_purchases", "wallet_share", "usual_interval_days"}},
      {"analytics_run",
       {"id", "started_at", "finished_at", "trigger", "schedule_key", "user_id", "as_of", "settings",
        "report"}, {{"id"}}},
      {"analytics_setting", {"key", "value"}, {{"key", true}}},
      {"task",
       {"id", "version", "customer_id", "assignee_user_id", "title", "kind", "priority", "due_day",
        "due_time", "status", "origin", "origin_id", "dedupe_key", "note", "completion_note",
        "created_by", "created_at", "updated_at", "completed_at", "completed_by"}, {{"id"}}},
      // The relationship tables (0005_relationship.sql).
      {"job",
       {"id", "kind", "key", "payload", "run_after", "status", "attempts", "max_attempts",
        "lease_owner", "lease_until", "created_at", "started_at", "finished_at", "error", "result"},
       {{"id"}}},
      {"interaction",
       {"id", "version", "customer_id", "contact_id", "user_id", "channel", "direction", "at",
        "subject", "summary", "outcome", "duration_minutes", "opportunity_id", "case_id",
        "created_at", "updated_at"}, {{"id"}}},
      {"visit_plan",
       {"id", "version", "name", "class_kind", "class_value", "interval_days", "position",
        "task_title", "priority", "enabled", "created_at", "updated_at"}, {{"id"}}},
      {"event_rule",
       {"id", "version", "event", "delay_days", "task_title", "priority", "enabled", "created_at",
        "updated_at"}, {{"id"}}},
      {"journey", {"id", "version", "name", "trigger", "enabled", "created_at", "updated_at"}, {{"id"}}},
      {"journey_step", {"journey_id", "position", "day_offset", "channel", "title", "note"},
       {{"journey_id"}, {"position"}}},
      {"journey_enrollment",
       {"id", "journey_id", "customer_id", "start_day", "status", "next_position", "left_reason",
        "enrolled_at", "ended_at"}, {{"id"}}},
      {"customer_lifecycle",
       {"customer_id", "ladder", "stage_overridden", "ladder_overridden", "derived_at"},
       {{"customer_id"}}},
      {"lifecycle_history",
       {"id", "customer_id", "at", "field", "from_value", "to_value", "source", "user_id"}, {{"id"}}},
      {"owner_history",
       {"id", "customer_id", "at", "from_user_id", "to_user_id", "reason", "user_id", "note",
        "tasks_moved", "opportunities_moved"}, {{"id"}}},
      {"pool_rule",
       {"id", "version", "name", "class_kind", "class_value", "no_follow_up_days", "no_deal_days",
        "warn_days", "position", "enabled", "created_at", "updated_at"}, {{"id"}}},
      {"customer_merge",
       {"id", "survivor_id", "merged_id", "at", "user_id", "score", "moved", "survivor_before",
        "undo_until", "undone_at", "undone_by"}, {{"id"}}, false, {"score"}},
      {"duplicate_dismissal", {"customer_a", "customer_b", "at", "user_id"},
       {{"customer_a"}, {"customer_b"}}},
      {"relationship_setting", {"key", "value"}, {{"key", true}}},
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

std::vector<bool> RealColumnMask(const PortableTable& t) {
  std::vector<bool> mask(t.columns.size(), false);
  for (size_t i = 0; i < t.columns.size(); ++i) {
    for (const auto& r : t.real_columns) mask[i] = mask[i] || r == t.columns[i];
  }
  return mask;
}

std::string PortableReal(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

std::optional<std::string> CanonicalReal(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc()) return text;  // not a number: left for the destination to refuse
  return PortableReal(v);
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
