// Visit-plan and event-rule rows as both store backends read and write them:
// column lists, row readers (sqlite Statement or postgres Row), the audit JSON,
// and the reduction of the pass's per-page reads into VisitCustomers.
// Internal to src/store/.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "domain/customer_json.h"
#include "store/plan_store.h"

namespace guanxi::store_rows {

constexpr char kVisitPlanColumns[] =
    "id, version, name, class_kind, class_value, interval_days, position, task_title, priority, enabled, "
    "created_at, updated_at";
constexpr char kEventRuleColumns[] =
    "id, version, event, delay_days, task_title, priority, enabled, created_at, updated_at";

template <typename Row>
VisitPlan ReadVisitPlan(const Row& s) {
  VisitPlan p;
  p.id = s.Int(0);
  p.version = s.Int(1);
  p.name = s.Text(2);
  p.class_kind = s.Text(3);
  p.class_value = s.Text(4);
  p.interval_days = s.Int(5);
  p.position = s.Int(6);
  p.task_title = s.Text(7);
  p.priority = s.Text(8);
  p.enabled = s.Int(9) != 0;
  p.created_at = s.Int(10);
  p.updated_at = s.Int(11);
  return p;
}

template <typename Row>
EventRule ReadEventRule(const Row& s) {
  EventRule r;
  r.id = s.Int(0);
  r.version = s.Int(1);
  r.event = s.Text(2);
  r.delay_days = s.Int(3);
  r.task_title = s.Text(4);
  r.priority = s.Text(5);
  r.enabled = s.Int(6) != 0;
  r.created_at = s.Int(7);
  r.updated_at = s.Int(8);
  return r;
}

// The compact JSON of a plan / rule, for the audit log.
// The members of a plan / rule without the times (audit JSON; the API adds the times).
void WriteVisitPlanFields(JsonWriter& w, const VisitPlan& p);
void WriteEventRuleFields(JsonWriter& w, const EventRule& r);
std::string VisitPlanToJson(const VisitPlan& p);
std::string EventRuleToJson(const EventRule& r);

// The audit `after` of a generated batch: {"created":[task ids]}. One row per
// batch instead of one per task keeps a first pass over a million customers
// from writing a million audit rows; the tasks themselves carry origin and key.
std::string GeneratedAuditJson(const std::vector<int64_t>& ids);

// A day as the JSON string relationship_setting holds, and back ("" when the
// value is not a quoted day).
std::string DayToJson(const std::string& day);
std::string DayFromJson(const std::string& json);

// The pass's page statements. Each backend runs them with its own markers
// (`?`, numbered for PostgreSQL); the id bounds are (after_id, last_id].
// Customers: id, owner_user_id, relationship_level, tier, rfm_class. The unary
// + keeps SQLite off the (archived, …) indexes: walking the primary key in id
// order is what a keyset page wants, not a sort of every active customer.
constexpr char kVisitCustomersSql[] =
    "SELECT c.id, c.owner_user_id, c.relationship_level, COALESCE(m.tier, ''), COALESCE(m.rfm_class, '') "
    "FROM customer c LEFT JOIN customer_metric m ON m.customer_id = c.id "
    "WHERE +c.archived = 0 AND c.id > ? ORDER BY c.id LIMIT ?";
constexpr char kVisitTagsSql[] =
    "SELECT customer_id, tag FROM customer_tag WHERE customer_id > ? AND customer_id <= ? "
    "ORDER BY customer_id, tag";
// Open plan tasks: the task columns (kTaskColumns, alias t).
constexpr char kVisitOpenTasksWhere[] =
    " FROM task t WHERE t.kind = 'return_visit' AND t.status = 'open' AND t.origin = 'visit_plan' "
    "AND t.customer_id > ? AND t.customer_id <= ? ORDER BY t.customer_id, t.id";
// Closed return visits: customer_id, id, closed at; the last per customer wins.
constexpr char kVisitClosedSql[] =
    "SELECT customer_id, id, COALESCE(completed_at, updated_at) FROM task "
    "WHERE kind = 'return_visit' AND status IN ('done', 'cancelled') AND customer_id > ? AND customer_id <= ? "
    "ORDER BY customer_id, COALESCE(completed_at, updated_at), id";

// Gathers a page from its statements' rows: `customers` in id order; the rest
// are attached by customer id (unknown ids are ignored).
class VisitPageBuilder {
 public:
  void AddCustomer(int64_t id, std::optional<int64_t> owner, std::string level, std::string tier,
                   std::string rfm_class);
  void AddTag(int64_t customer_id, std::string tag);
  void AddOpenTask(Task t);
  void AddClosed(int64_t customer_id, int64_t task_id, UnixSeconds closed_at);
  VisitCustomerPage Finish(int limit);
  // The last customer id read so far (the page's upper bound), 0 when none.
  int64_t last_id() const { return items_.empty() ? 0 : items_.back().customer_id; }

 private:
  VisitCustomer* Find(int64_t customer_id);

  std::vector<VisitCustomer> items_;
  std::map<int64_t, size_t> index_;
};

}  // namespace guanxi::store_rows
