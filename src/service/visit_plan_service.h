// Return-visit plans and event rules (docs/relationship-api.md, "Plans + event
// rules").
//
// A plan names a customer class (analytics/customer_class.h), an interval and a
// task title. Every active customer with an owner on whom an enabled plan
// matches (the first by position) keeps exactly one open return_visit task of
// origin visit_plan: the nightly pass (RunVisitPlans, job kind visit_plans)
// creates the missing ones, moves open ones to the plan that matches now and
// cancels those no plan matches; completing a return visit
// (OnReturnVisitCompleted, a TaskService completion listener) creates the next
// at once. Both create through the dedupe key
// visit:<customer_id>:<last done/cancelled return_visit task id or 0>, so the
// pass never duplicates what a completion made and reruns create nothing.
//
// Event rules (RunEventRules, job kind event_rules, every 10 minutes) make a
// task some days after an event: a refunded order, a repurchase that is due
// (checked once a day). case_closed rules are accepted and stored, but fire
// only once service cases exist (a later issue): its case service, when a case
// closes, creates for each enabled case_closed rule a task with the key
// event:<rule_id>:case_closed:<case_id>, due delay_days after the closing day.
//
// Everyone signed in reads plans and rules; managers and admins change them.
// Thread-safe (state lives in the Store).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "service/scheduler.h"
#include "store/plan_store.h"
#include "store/store.h"

namespace guanxi {

class VisitPlanService {
 public:
  VisitPlanService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // --- plans ------------------------------------------------------------------
  Result<std::vector<VisitPlan>> ListPlans(const Principal& p);
  // InvalidArgument naming each wrong field (name, class_kind, class_value,
  // interval_days, position, task_title, priority); PermissionDenied below manager.
  Result<VisitPlan> CreatePlan(const Principal& p, VisitPlan plan);
  // Conflict when expected_version is stale; NotFound when missing.
  Result<VisitPlan> UpdatePlan(const Principal& p, int64_t id, int64_t expected_version, VisitPlan plan);
  Status DeletePlan(const Principal& p, int64_t id, int64_t expected_version);

  // --- event rules ------------------------------------------------------------
  Result<std::vector<EventRule>> ListRules(const Principal& p);
  // InvalidArgument naming each wrong field (event, delay_days, task_title, priority).
  Result<EventRule> CreateRule(const Principal& p, EventRule rule);
  Result<EventRule> UpdateRule(const Principal& p, int64_t id, int64_t expected_version, EventRule rule);
  Status DeleteRule(const Principal& p, int64_t id, int64_t expected_version);

  // --- jobs -------------------------------------------------------------------
  // The nightly pass; answers {"customers","created","moved","cancelled",
  // "skipped","without_owner"}. Unavailable when ctx.stopping() (between batches).
  Result<std::string> RunVisitPlans(const JobContext& ctx);
  // Refunds and (once a day) repurchases; answers {"refunds","repurchases","created"}.
  Result<std::string> RunEventRules(const JobContext& ctx);
  // Called after a task was completed: a done return_visit task schedules the
  // customer's next one (when no plan task is open and a plan matches).
  Status OnReturnVisitCompleted(const Task& done);

 private:
  AuditEntry Audit(const Principal& p, const char* entity, const char* action) const;
  AuditEntry JobAudit(const char* login) const;

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
