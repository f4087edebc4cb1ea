#include "service/visit_plan_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "analytics/customer_class.h"
#include "domain/sales.h"
#include "domain/search_text.h"

namespace guanxi {
namespace {

constexpr size_t kMaxName = 100;
constexpr size_t kMaxTitle = 200;
constexpr int64_t kMaxInterval = 3650;
constexpr int64_t kMaxDelay = 365;
constexpr int64_t kMaxPosition = 1'000'000;
// Customers read per page of the pass and changes per write transaction.
constexpr int kPageSize = 5000;
constexpr size_t kWriteBatch = 2000;
// How far back the event_rules job looks for events: it runs every ten
// minutes, so a week covers any outage short of one; dedupe keys make the
// overlap harmless.
constexpr int kEventLookbackDays = 7;
constexpr int64_t kSecondsPerDay = 86400;

constexpr char kNoPlanNote[] = "no return-visit plan matches the customer any more";
constexpr char kDuplicateNote[] = "another open return visit of the plan exists";

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool IsPriority(const std::string& s) { return s == "low" || s == "normal" || s == "high" || s == "urgent"; }
bool IsEvent(const std::string& s) { return s == "case_closed" || s == "order_refunded" || s == "repurchase_due"; }

bool CanEdit(const Principal& p) { return p.role == Role::kAdmin || p.role == Role::kManager; }

void CheckTitle(std::string& title, const char* field, std::vector<FieldError>& errors) {
  title = Trim(title);
  const size_t n = CodePointCount(title);
  if (n < 1 || n > kMaxTitle) errors.push_back({field, "must be 1 to 200 characters"});
}

Status CheckPlan(VisitPlan& plan) {
  std::vector<FieldError> errors;
  plan.name = Trim(plan.name);
  const size_t name_length = CodePointCount(plan.name);
  if (name_length < 1 || name_length > kMaxName) errors.push_back({"name", "must be 1 to 100 characters"});
  auto kind = analytics::ParseClassKind(plan.class_kind);
  if (!kind) {
    errors.push_back({"class_kind", "must be all, tier, rfm_class, relationship_level or tag"});
  } else {
    plan.class_value = Trim(plan.class_value);
    Status s = analytics::ValidateClassRule({*kind, plan.class_value});
    if (!s.ok()) errors.push_back({"class_value", s.message()});
  }
  if (plan.interval_days < 1 || plan.interval_days > kMaxInterval) {
    errors.push_back({"interval_days", "must be between 1 and 3650"});
  }
  if (plan.position < 0 || plan.position > kMaxPosition) errors.push_back({"position", "must be between 0 and 1000000"});
  CheckTitle(plan.task_title, "task_title", errors);
  if (!IsPriority(plan.priority)) errors.push_back({"priority", "must be low, normal, high or urgent"});
  if (!errors.empty()) return Status::InvalidArgument("invalid visit plan", std::move(errors));
  return Status::Ok();
}

Status CheckRule(EventRule& rule) {
  std::vector<FieldError> errors;
  if (!IsEvent(rule.event)) errors.push_back({"event", "must be case_closed, order_refunded or repurchase_due"});
  if (rule.delay_days < 0 || rule.delay_days > kMaxDelay) errors.push_back({"delay_days", "must be between 0 and 365"});
  CheckTitle(rule.task_title, "task_title", errors);
  if (!IsPriority(rule.priority)) errors.push_back({"priority", "must be low, normal, high or urgent"});
  if (!errors.empty()) return Status::InvalidArgument("invalid event rule", std::move(errors));
  return Status::Ok();
}

// The enabled plans in the order they are tried, with their parsed classes.
struct ActivePlan {
  VisitPlan plan;
  analytics::ClassRule rule;
};

std::vector<ActivePlan> ActivePlans(const std::vector<VisitPlan>& plans) {
  std::vector<ActivePlan> out;
  for (const auto& p : plans) {
    if (!p.enabled) continue;
    auto kind = analytics::ParseClassKind(p.class_kind);
    if (!kind) continue;  // the table's CHECK makes this unreachable
    out.push_back({p, {*kind, p.class_value}});
  }
  return out;
}

const VisitPlan* MatchingPlan(const std::vector<ActivePlan>& plans, const analytics::ClassFacts& facts) {
  for (const auto& p : plans) {
    if (analytics::Matches(p.rule, facts)) return &p.plan;
  }
  return nullptr;
}

std::string LaterDay(const std::string& a, const std::string& b) { return a < b ? b : a; }

// When a customer's next return visit on `plan` is due: the last closed return
// visit's day + the interval, or today when that has passed or there was none.
std::string VisitDue(const VisitCustomer& c, const VisitPlan& plan, const std::string& today) {
  if (c.last_closed_day.empty()) return today;
  return LaterDay(today, AddDays(c.last_closed_day, static_cast<int>(plan.interval_days)));
}

struct PassCounts {
  int64_t customers = 0;
  int64_t without_owner = 0;
  GeneratedTaskCounts written;
};

// What the pass does for one customer (the rules in docs/relationship-api.md).
void DecideVisit(const VisitCustomer& c, const std::vector<ActivePlan>& plans, const std::string& today,
                 std::vector<GeneratedTaskChange>& changes, PassCounts& counts) {
  using Action = GeneratedTaskChange::Action;
  const VisitPlan* plan = MatchingPlan(plans, c.facts);
  if (!plan) {
    for (const auto& t : c.open_plan_tasks) changes.push_back({Action::kCancel, t, kNoPlanNote});
    return;
  }
  if (!c.open_plan_tasks.empty()) {
    // Keep the oldest; a second open one can only come from a race of people
    // completing and reopening, and one open visit is the rule.
    for (size_t i = 1; i < c.open_plan_tasks.size(); ++i) {
      changes.push_back({Action::kCancel, c.open_plan_tasks[i], kDuplicateNote});
    }
    const Task& open = c.open_plan_tasks.front();
    if (open.origin_id != plan->id) {
      Task moved = open;
      moved.origin_id = plan->id;
      moved.title = plan->task_title;
      moved.priority = plan->priority;
      moved.due_day = VisitDue(c, *plan, today);
      changes.push_back({Action::kMove, std::move(moved), ""});
    }
    return;
  }
  if (!c.owner_user_id) {
    // A pool customer has no one to call; it gets its visit once claimed.
    ++counts.without_owner;
    return;
  }
  Task t;
  t.customer_id = c.customer_id;
  t.assignee_user_id = c.owner_user_id;
  t.title = plan->task_title;
  t.kind = "return_visit";
  t.priority = plan->priority;
  t.due_day = VisitDue(c, *plan, today);
  t.origin = "visit_plan";
  t.origin_id = plan->id;
  t.dedupe_key = "visit:" + std::to_string(c.customer_id) + ":" + std::to_string(c.last_closed_task_id.value_or(0));
  changes.push_back({Action::kCreate, std::move(t), ""});
}

void Add(GeneratedTaskCounts& into, const GeneratedTaskCounts& c) {
  into.created += c.created;
  into.moved += c.moved;
  into.cancelled += c.cancelled;
  into.skipped += c.skipped;
}

Task EventTask(const EventRule& rule, int64_t customer_id, int64_t owner, const std::string& due_day,
               std::string key) {
  Task t;
  t.customer_id = customer_id;
  t.assignee_user_id = owner;
  t.title = rule.task_title;
  t.kind = "follow_up";
  t.priority = rule.priority;
  t.due_day = due_day;
  t.origin = "event_rule";
  t.origin_id = rule.id;
  t.dedupe_key = std::move(key);
  return t;
}

}  // namespace

AuditEntry VisitPlanService::Audit(const Principal& p, const char* entity, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = entity;
  a.action = action;
  return a;
}

AuditEntry VisitPlanService::JobAudit(const char* login) const {
  AuditEntry a;
  a.at = clock_.Now();
  a.user_login = login;
  a.entity = "task";
  return a;
}

// --- plans ---------------------------------------------------------------------

Result<std::vector<VisitPlan>> VisitPlanService::ListPlans(const Principal& /*p*/) {
  return store_.Plans().ListVisitPlans();
}

Result<VisitPlan> VisitPlanService::CreatePlan(const Principal& p, VisitPlan plan) {
  if (!CanEdit(p)) return Status::PermissionDenied("only managers and admins change return-visit plans");
  GX_RETURN_IF_ERROR(CheckPlan(plan));
  plan.id = 0;
  plan.created_at = plan.updated_at = clock_.Now();
  return store_.Plans().CreateVisitPlan(std::move(plan), Audit(p, "visit_plan", "create"));
}

Result<VisitPlan> VisitPlanService::UpdatePlan(const Principal& p, int64_t id, int64_t expected_version,
                                               VisitPlan plan) {
  if (!CanEdit(p)) return Status::PermissionDenied("only managers and admins change return-visit plans");
  GX_RETURN_IF_ERROR(CheckPlan(plan));
  plan.id = id;
  plan.version = expected_version;
  plan.updated_at = clock_.Now();
  return store_.Plans().UpdateVisitPlan(std::move(plan), Audit(p, "visit_plan", "update"));
}

Status VisitPlanService::DeletePlan(const Principal& p, int64_t id, int64_t expected_version) {
  if (!CanEdit(p)) return Status::PermissionDenied("only managers and admins change return-visit plans");
  return store_.Plans().DeleteVisitPlan(id, expected_version, Audit(p, "visit_plan", "delete"));
}

// --- event rules ---------------------------------------------------------------

Result<std::vector<EventRule>> VisitPlanService::ListRules(const Principal& /*p*/) {
  return store_.Plans().ListEventRules();
}

Result<EventRule> VisitPlanService::CreateRule(const Principal& p, EventRule rule) {
  if (!CanEdit(p)) return Status::PermissionDenied("only managers and admins change event rules");
  GX_RETURN_IF_ERROR(CheckRule(rule));
  rule.id = 0;
  rule.created_at = rule.updated_at = clock_.Now();
  return store_.Plans().CreateEventRule(std::move(rule), Audit(p, "event_rule", "create"));
}

Result<EventRule> VisitPlanService::UpdateRule(const Principal& p, int64_t id, int64_t expected_version,
                                               EventRule rule) {
  if (!CanEdit(p)) return Status::PermissionDenied("only managers and admins change event rules");
  GX_RETURN_IF_ERROR(CheckRule(rule));
  rule.id = id;
  rule.version = expected_version;
  rule.updated_at = clock_.Now();
  return store_.Plans().UpdateEventRule(std::move(rule), Audit(p, "event_rule", "update"));
}

Status VisitPlanService::DeleteRule(const Principal& p, int64_t id, int64_t expected_version) {
  if (!CanEdit(p)) return Status::PermissionDenied("only managers and admins change event rules");
  return store_.Plans().DeleteEventRule(id, expected_version, Audit(p, "event_rule", "delete"));
}

// --- the nightly pass --------------------------------------------------------------

Result<std::string> VisitPlanService::RunVisitPlans(const JobContext& ctx) {
  GX_ASSIGN_OR_RETURN(auto all_plans, store_.Plans().ListVisitPlans());
  const std::vector<ActivePlan> plans = ActivePlans(all_plans);
  const std::string today = BusinessDay(clock_.Now());
  PassCounts counts;
  std::vector<GeneratedTaskChange> changes;
  auto flush = [&]() -> Status {
    if (changes.empty()) return Status::Ok();
    GX_ASSIGN_OR_RETURN(auto written, store_.Plans().ApplyGeneratedTasks(changes, clock_.Now(), JobAudit("visit_plans")));
    Add(counts.written, written);
    changes.clear();
    return Status::Ok();
  };
  int64_t after = 0;
  for (;;) {
    if (ctx.stopping && ctx.stopping()) {
      GX_RETURN_IF_ERROR(flush());
      return Status::Unavailable("the server is stopping; the visit_plans pass resumes later");
    }
    GX_ASSIGN_OR_RETURN(auto page, store_.Plans().ReadVisitCustomers(after, kPageSize));
    for (const auto& c : page.items) {
      ++counts.customers;
      DecideVisit(c, plans, today, changes, counts);
      if (changes.size() >= kWriteBatch) GX_RETURN_IF_ERROR(flush());
    }
    if (!page.last_id) break;
    after = *page.last_id;
  }
  GX_RETURN_IF_ERROR(flush());
  return "{\"customers\":" + std::to_string(counts.customers) + ",\"created\":" +
         std::to_string(counts.written.created) + ",\"moved\":" + std::to_string(counts.written.moved) +
         ",\"cancelled\":" + std::to_string(counts.written.cancelled) + ",\"skipped\":" +
         std::to_string(counts.written.skipped) + ",\"without_owner\":" + std::to_string(counts.without_owner) + "}";
}

Status VisitPlanService::OnReturnVisitCompleted(const Task& done) {
  if (done.kind != "return_visit" || done.status != "done") return Status::Ok();
  // The customer's page of one: the same facts, open tasks and last closed
  // visit the pass reads, so the next visit gets the key the pass would give it.
  GX_ASSIGN_OR_RETURN(auto page, store_.Plans().ReadVisitCustomers(done.customer_id - 1, 1));
  if (page.items.empty() || page.items.front().customer_id != done.customer_id) return Status::Ok();
  GX_ASSIGN_OR_RETURN(auto all_plans, store_.Plans().ListVisitPlans());
  const VisitCustomer& c = page.items.front();
  if (!c.open_plan_tasks.empty()) return Status::Ok();
  PassCounts counts;
  std::vector<GeneratedTaskChange> changes;
  DecideVisit(c, ActivePlans(all_plans), BusinessDay(clock_.Now()), changes, counts);
  if (changes.empty()) return Status::Ok();
  return store_.Plans().ApplyGeneratedTasks(changes, clock_.Now(), JobAudit("visit_plans")).status();
}

// --- event rules -------------------------------------------------------------------

Result<std::string> VisitPlanService::RunEventRules(const JobContext& ctx) {
  GX_ASSIGN_OR_RETURN(auto rules, store_.Plans().ListEventRules());
  const UnixSeconds now = clock_.Now();
  const std::string today = BusinessDay(now);
  const UnixSeconds window_start = now - kEventLookbackDays * kSecondsPerDay;
  std::vector<const EventRule*> refund_rules, repurchase_rules;
  for (const auto& r : rules) {
    if (!r.enabled) continue;
    if (r.event == "order_refunded") refund_rules.push_back(&r);
    if (r.event == "repurchase_due") repurchase_rules.push_back(&r);
    // case_closed: fired by the case service once cases exist (see the header).
  }
  int64_t refunds = 0, repurchases = 0;
  GeneratedTaskCounts written;
  std::vector<GeneratedTaskChange> changes;
  auto flush = [&]() -> Status {
    if (changes.empty()) return Status::Ok();
    GX_ASSIGN_OR_RETURN(auto w, store_.Plans().ApplyGeneratedTasks(changes, clock_.Now(), JobAudit("event_rules")));
    Add(written, w);
    changes.clear();
    return Status::Ok();
  };

  if (!refund_rules.empty()) {
    // A rule fires for refunds from its creation on, within the look-back window.
    UnixSeconds since = now;
    for (const EventRule* r : refund_rules) since = std::min(since, std::max(window_start, r->created_at));
    GX_ASSIGN_OR_RETURN(auto orders, store_.Plans().RefundedOrders(since, now + 1));
    for (const auto& o : orders) {
      ++refunds;
      if (!o.owner_user_id) continue;  // a pool customer has no one to call
      const std::string refund_day = BusinessDay(o.refunded_at);
      for (const EventRule* r : refund_rules) {
        if (o.refunded_at < std::max(window_start, r->created_at)) continue;
        const std::string due = LaterDay(today, AddDays(refund_day, static_cast<int>(r->delay_days)));
        std::string key = "event:" + std::to_string(r->id) + ":order_refunded:" + std::to_string(o.order_id);
        changes.push_back({GeneratedTaskChange::Action::kCreate,
                           EventTask(*r, o.customer_id, *o.owner_user_id, due, std::move(key)), ""});
      }
      if (changes.size() >= kWriteBatch) GX_RETURN_IF_ERROR(flush());
    }
  }

  GX_ASSIGN_OR_RETURN(std::string checked, store_.Plans().RepurchaseCheckedDay());
  if (!repurchase_rules.empty() && checked != today) {
    const std::string window_day = AddDays(today, -kEventLookbackDays);
    int64_t after = 0;
    for (;;) {
      if (ctx.stopping && ctx.stopping()) {
        GX_RETURN_IF_ERROR(flush());
        return Status::Unavailable("the server is stopping; the event_rules job resumes later");
      }
      GX_ASSIGN_OR_RETURN(auto page, store_.Plans().RepurchaseCandidates(after, kPageSize));
      for (const auto& c : page.items) {
        if (!c.owner_user_id || c.usual_interval_days <= 0) continue;
        const std::string last_day = BusinessDay(c.last_purchase_at);
        // Due on the first day whose distance from the last purchase reaches
        // the usual interval.
        const std::string due_day = AddDays(last_day, static_cast<int>(std::ceil(c.usual_interval_days)));
        if (due_day > today) continue;
        ++repurchases;
        for (const EventRule* r : repurchase_rules) {
          // From the rule's creation day on, within the look-back window.
          if (due_day < LaterDay(window_day, BusinessDay(r->created_at))) continue;
          const std::string due = LaterDay(today, AddDays(due_day, static_cast<int>(r->delay_days)));
          std::string key = "event:" + std::to_string(r->id) + ":repurchase_due:" + std::to_string(c.customer_id) +
                            ":" + last_day;
          changes.push_back({GeneratedTaskChange::Action::kCreate,
                             EventTask(*r, c.customer_id, *c.owner_user_id, due, std::move(key)), ""});
        }
        if (changes.size() >= kWriteBatch) GX_RETURN_IF_ERROR(flush());
      }
      if (!page.last_id) break;
      after = *page.last_id;
    }
    GX_RETURN_IF_ERROR(flush());
    GX_RETURN_IF_ERROR(store_.Plans().SetRepurchaseCheckedDay(today));
  }
  GX_RETURN_IF_ERROR(flush());
  return "{\"refunds\":" + std::to_string(refunds) + ",\"repurchases\":" + std::to_string(repurchases) +
         ",\"created\":" + std::to_string(written.created) + "}";
}

}  // namespace guanxi
