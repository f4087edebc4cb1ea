// PlanStore: return-visit plans (visit_plan) and event rules (event_rule)
// behind Store::Plans(), plus the set-based reads and batched task writes of
// the nightly visit_plans pass and the event_rules job (docs/relationship-api.md,
// "Plans + event rules"). Same rules as Store: thread-safe, parameterised SQL,
// every mutation writes its audit row in the same transaction, version checks
// answer Conflict.
//
// The bulk reads page through customers by id (keyset), a few statements per
// page and none per customer, so a pass over a million customers costs a few
// hundred statements. Both backends implement it (store/sqlite/plan_store.cc,
// store/postgres/plan_store.cc); tests/unit/plan_store_test.cc runs on both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/customer_class.h"
#include "domain/status.h"
#include "store/store.h"
#include "store/task_store.h"

namespace guanxi {

struct VisitPlan {
  int64_t id = 0;
  int64_t version = 0;
  std::string name;
  std::string class_kind = "all";  // all | tier | rfm_class | relationship_level | tag
  std::string class_value;         // "" for all
  int64_t interval_days = 30;      // 1..3650
  int64_t position = 0;            // plans are tried by position, then id
  std::string task_title;
  std::string priority = "normal";  // low | normal | high | urgent
  bool enabled = true;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;

  bool operator==(const VisitPlan&) const = default;
};

struct EventRule {
  int64_t id = 0;
  int64_t version = 0;
  std::string event;       // case_closed | order_refunded | repurchase_due
  int64_t delay_days = 0;  // 0..365
  std::string task_title;
  std::string priority = "normal";
  bool enabled = true;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;

  bool operator==(const EventRule&) const = default;
};

// One active (not archived) customer as the return-visit pass sees it.
struct VisitCustomer {
  int64_t customer_id = 0;
  std::optional<int64_t> owner_user_id;  // nullopt: in the public pool
  analytics::ClassFacts facts;
  // Its open return_visit tasks made by a plan (origin visit_plan), by id;
  // normally at most one.
  std::vector<Task> open_plan_tasks;
  // Its last done or cancelled return_visit task (any origin), by completion
  // time then id, and the Asia/Shanghai day it was closed.
  std::optional<int64_t> last_closed_task_id;
  std::string last_closed_day;
};

// One page of VisitCustomers (ids ascending); `last_id` is the cursor of the
// next page, nullopt when this page was the last.
struct VisitCustomerPage {
  std::vector<VisitCustomer> items;
  std::optional<int64_t> last_id;
};

// A task change of a generated batch.
struct GeneratedTaskChange {
  enum class Action { kCreate, kMove, kCancel };
  Action action = Action::kCreate;
  // kCreate: the task to insert (dedupe_key required), skipped when the key is
  // taken. kMove: the open task with its new origin_id, title, priority and
  // due_day; its version is the one read. kCancel: the open task as read.
  Task task;
  std::string note;  // kCancel: the completion note
};

struct GeneratedTaskCounts {
  int64_t created = 0;
  int64_t moved = 0;
  int64_t cancelled = 0;
  // Moves and cancels skipped because the task changed since it was read (a
  // person edited or completed it); the next pass sees the new state.
  int64_t skipped = 0;
};

// An order that is refunded now, whose customer is active.
struct RefundedOrder {
  int64_t order_id = 0;
  int64_t customer_id = 0;
  std::optional<int64_t> owner_user_id;  // the customer's owner
  UnixSeconds refunded_at = 0;           // the order's updated_at
};

// A customer with a usual purchase interval (customer_metric) and a purchase.
struct RepurchaseCandidate {
  int64_t customer_id = 0;
  std::optional<int64_t> owner_user_id;
  double usual_interval_days = 0;
  UnixSeconds last_purchase_at = 0;  // the latest placed or paid order
};

// One page of candidates; `last_id` is the next page's cursor (nullopt at the end).
struct RepurchasePage {
  std::vector<RepurchaseCandidate> items;
  std::optional<int64_t> last_id;
};

class PlanStore {
 public:
  virtual ~PlanStore() = default;

  // --- visit plans ------------------------------------------------------------
  // By position, then id.
  virtual Result<std::vector<VisitPlan>> ListVisitPlans() = 0;
  virtual Result<VisitPlan> GetVisitPlan(int64_t id) = 0;
  // Inserts (version 1, created/updated at p.created_at).
  virtual Result<VisitPlan> CreateVisitPlan(VisitPlan p, AuditEntry audit) = 0;
  // Replaces the editable fields when the stored version equals p.version
  // (Conflict otherwise); bumps version; updated_at = p.updated_at.
  virtual Result<VisitPlan> UpdateVisitPlan(VisitPlan p, AuditEntry audit) = 0;
  virtual Status DeleteVisitPlan(int64_t id, int64_t expected_version, AuditEntry audit) = 0;

  // --- event rules ------------------------------------------------------------
  // By id.
  virtual Result<std::vector<EventRule>> ListEventRules() = 0;
  virtual Result<EventRule> GetEventRule(int64_t id) = 0;
  virtual Result<EventRule> CreateEventRule(EventRule r, AuditEntry audit) = 0;
  virtual Result<EventRule> UpdateEventRule(EventRule r, AuditEntry audit) = 0;
  virtual Status DeleteEventRule(int64_t id, int64_t expected_version, AuditEntry audit) = 0;

  // --- the passes' reads ---------------------------------------------------------
  // Up to `limit` active customers with id > after_id, with their class facts,
  // owner, open plan tasks and last closed return visit.
  virtual Result<VisitCustomerPage> ReadVisitCustomers(int64_t after_id, int limit) = 0;
  // Orders with status refunded whose updated_at is in [since, until), of
  // active customers, by updated_at then id.
  virtual Result<std::vector<RefundedOrder>> RefundedOrders(UnixSeconds since, UnixSeconds until) = 0;
  // Of up to `limit` active customers with id > after_id that have a usual
  // interval, those with a purchase, by id.
  virtual Result<RepurchasePage> RepurchaseCandidates(int64_t after_id, int limit) = 0;

  // --- the passes' writes -------------------------------------------------------
  // Applies `changes` in one transaction: each move and cancel with its audit
  // row (`audit` with entity "task", action update / cancel, the entity id
  // set), the created tasks with one audit row (action "generate", entity id 0,
  // after {"created":[ids]}).
  // Creating a task whose customer or assignee vanished meanwhile skips it.
  virtual Result<GeneratedTaskCounts> ApplyGeneratedTasks(const std::vector<GeneratedTaskChange>& changes,
                                                          UnixSeconds at, AuditEntry audit) = 0;

  // The day ("YYYY-MM-DD") the repurchase rules were last checked, "" when
  // never (relationship_setting "event_rules.repurchase_checked_day"), and its update.
  virtual Result<std::string> RepurchaseCheckedDay() = 0;
  virtual Status SetRepurchaseCheckedDay(const std::string& day) = 0;
};

}  // namespace guanxi
