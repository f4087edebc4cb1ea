// SQL of the plan store shared by both backends (`?` markers; the PostgreSQL
// store numbers them). Internal to src/store/.
#pragma once

namespace guanxi::store_rows {

constexpr char kInsertVisitPlanSql[] =
    "INSERT INTO visit_plan(version, name, class_kind, class_value, interval_days, position, task_title, "
    "priority, enabled, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kUpdateVisitPlanSql[] =
    "UPDATE visit_plan SET version = version + 1, name = ?, class_kind = ?, class_value = ?, interval_days = ?, "
    "position = ?, task_title = ?, priority = ?, enabled = ?, updated_at = ? WHERE id = ? AND version = ?";
constexpr char kInsertEventRuleSql[] =
    "INSERT INTO event_rule(version, event, delay_days, task_title, priority, enabled, created_at, updated_at) "
    "VALUES (1, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kUpdateEventRuleSql[] =
    "UPDATE event_rule SET version = version + 1, event = ?, delay_days = ?, task_title = ?, priority = ?, "
    "enabled = ?, updated_at = ? WHERE id = ? AND version = ?";

// A generated task: inserted only while its customer and assignee exist, and
// only once per dedupe key. Markers: assignee, title, kind, priority, due_day,
// origin, origin_id, dedupe_key, created_at, updated_at, customer id, assignee.
constexpr char kInsertGeneratedTaskSql[] =
    "INSERT INTO task(version, customer_id, assignee_user_id, title, kind, priority, due_day, due_time, status, "
    "origin, origin_id, dedupe_key, note, completion_note, created_by, created_at, updated_at) "
    "SELECT 1, c.id, ?, ?, ?, ?, ?, NULL, 'open', ?, ?, ?, '', '', NULL, ?, ? FROM customer c "
    "WHERE c.id = ? AND EXISTS (SELECT 1 FROM app_user u WHERE u.id = ?) "
    "ON CONFLICT (dedupe_key) DO NOTHING";
// Markers: origin_id, title, priority, due_day, updated_at, id, version.
constexpr char kMoveGeneratedTaskSql[] =
    "UPDATE task SET version = version + 1, origin_id = ?, title = ?, priority = ?, due_day = ?, updated_at = ? "
    "WHERE id = ? AND version = ? AND status = 'open'";
// Markers: completion_note, completed_at, updated_at, id, version.
constexpr char kCancelGeneratedTaskSql[] =
    "UPDATE task SET version = version + 1, status = 'cancelled', completion_note = ?, completed_at = ?, "
    "updated_at = ? WHERE id = ? AND version = ? AND status = 'open'";

constexpr char kRefundedOrdersSql[] =
    "SELECT o.id, o.customer_id, c.owner_user_id, o.updated_at FROM sales_order o "
    "JOIN customer c ON c.id = o.customer_id "
    "WHERE o.status = 'refunded' AND o.updated_at >= ? AND o.updated_at < ? AND c.archived = 0 "
    "ORDER BY o.updated_at, o.id";
// The latest purchase through a correlated MAX over sales_order_customer
// (customer_id, ordered_at): one statement per page, not one per customer.
constexpr char kRepurchaseSql[] =
    "SELECT c.id, c.owner_user_id, m.usual_interval_days, "
    "(SELECT MAX(o.ordered_at) FROM sales_order o WHERE o.customer_id = c.id AND o.status IN ('placed', 'paid')) "
    "FROM customer c JOIN customer_metric m ON m.customer_id = c.id "
    "WHERE +c.archived = 0 AND c.id > ? AND m.usual_interval_days IS NOT NULL ORDER BY c.id LIMIT ?";

constexpr char kRepurchaseDayKey[] = "event_rules.repurchase_checked_day";

}  // namespace guanxi::store_rows
