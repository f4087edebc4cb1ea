// Return-visit plans and event rules: the PlanStore on both backends and the
// VisitPlanService's passes with a fixed clock (docs/relationship-api.md,
// "Plans + event rules").
#include <gtest/gtest.h>

#include "domain/sales.h"
#include "service/visit_plan_service.h"
#include "store/analytics_store.h"
#include "store/plan_store.h"
#include "store/sales_store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::At;
using testing::Audit;

constexpr char kToday[] = "2026-12-01";

class VisitPlanTest : public testing::BackendStoreTest {
 protected:
  void SetUp() override {
    BackendStoreTest::SetUp();
    if (!store_) return;
    clock_ = std::make_unique<testing::FakeClock>(At(kToday, 3));
    service_ = std::make_unique<VisitPlanService>(*store_, *clock_);
    owner_ = User_("owner");
    manager_ = Principal{User_("boss"), "boss", Role::kManager, std::nullopt};
  }

  PlanStore& plans() { return store_->Plans(); }

  int64_t Customer_(const std::string& name, std::optional<int64_t> owner, std::vector<std::string> tags = {},
                    bool archived = false) {
    Customer c;
    c.name = name;
    c.owner_user_id = owner;
    c.tags = std::move(tags);
    c.archived = archived;
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  // Replaces every customer's metric row: tier per customer, usual interval.
  void Metrics(const std::vector<std::tuple<int64_t, std::string, std::optional<double>>>& rows) {
    std::vector<CustomerMetric> metrics;
    for (const auto& [id, tier, interval] : rows) {
      CustomerMetric m;
      m.customer_id = id;
      m.computed_at = 2000;
      m.as_of = kToday;
      m.tier = tier;
      m.rfm_class = "important_value";
      m.usual_interval_days = interval;
      metrics.push_back(m);
    }
    ASSERT_TRUE(store_->Analytics().ReplaceMetrics(1, metrics).ok());
  }

  VisitPlan Plan(const std::string& name, const std::string& kind, const std::string& value, int64_t interval,
                 int64_t position) {
    VisitPlan p;
    p.name = name;
    p.class_kind = kind;
    p.class_value = value;
    p.interval_days = interval;
    p.position = position;
    p.task_title = "回访 " + name;
    auto r = service_->CreatePlan(manager_, p);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VisitPlan{};
  }

  EventRule Rule(const std::string& event, int64_t delay) {
    EventRule e;
    e.event = event;
    e.delay_days = delay;
    e.task_title = "跟进 " + event;
    auto r = service_->CreateRule(manager_, e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : EventRule{};
  }

  std::vector<Task> Tasks(int64_t customer_id, const std::string& status = "open") {
    TaskQuery q;
    q.customer_id = customer_id;
    q.status = status;
    q.limit = 200;
    auto r = store_->Tasks().ListTasks(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->items : std::vector<Task>{};
  }

  std::string RunPass() {
    JobContext ctx;
    ctx.kind = "visit_plans";
    auto r = service_->RunVisitPlans(ctx);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : "";
  }

  std::string RunEvents() {
    JobContext ctx;
    ctx.kind = "event_rules";
    auto r = service_->RunEventRules(ctx);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : "";
  }

  Task Complete(const Task& t) {
    auto r = store_->Tasks().FinishTask(t.id, t.version, "done", "called", clock_->Now(), owner_,
                                        Audit("task", "complete"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Task{};
  }

  std::unique_ptr<testing::FakeClock> clock_;
  std::unique_ptr<VisitPlanService> service_;
  int64_t owner_ = 0;
  Principal manager_;
};

TEST_P(VisitPlanTest, PlanAndRuleCrudWithVersions) {
  VisitPlan later = Plan("all", "all", "", 30, 5);
  VisitPlan first = Plan("strategic", "tier", "strategic", 7, 1);
  auto list = service_->ListPlans(manager_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, first.id);  // by position
  EXPECT_EQ((*list)[1], later);

  VisitPlan edit = later;
  edit.interval_days = 60;
  auto updated = service_->UpdatePlan(manager_, later.id, later.version, edit);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->interval_days, 60);
  EXPECT_EQ(plans().GetVisitPlan(later.id)->interval_days, 60);
  EXPECT_EQ(service_->UpdatePlan(manager_, later.id, 1, edit).status().code(), StatusCode::kConflict);
  EXPECT_EQ(service_->DeletePlan(manager_, later.id, 1).code(), StatusCode::kConflict);
  EXPECT_TRUE(service_->DeletePlan(manager_, later.id, 2).ok());
  EXPECT_EQ(plans().GetVisitPlan(later.id).status().code(), StatusCode::kNotFound);

  EventRule rule = Rule("case_closed", 3);  // stored, fires once cases exist
  EXPECT_EQ(rule.version, 1);
  EventRule redo = rule;
  redo.enabled = false;
  auto saved = service_->UpdateRule(manager_, rule.id, 1, redo);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_FALSE(plans().GetEventRule(rule.id)->enabled);
  EXPECT_TRUE(service_->DeleteRule(manager_, rule.id, 2).ok());
  EXPECT_TRUE(plans().ListEventRules()->empty());
}

TEST_P(VisitPlanTest, ValidationNamesEveryWrongField) {
  VisitPlan bad;
  bad.name = " ";
  bad.class_kind = "tier";
  bad.class_value = "gold";
  bad.interval_days = 0;
  bad.position = -1;
  bad.task_title = "";
  bad.priority = "asap";
  auto r = service_->CreatePlan(manager_, bad);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& f : r.status().fields()) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "class_value", "interval_days", "position", "task_title",
                                              "priority"}));
  bad = VisitPlan{};
  bad.name = "x";
  bad.task_title = "y";
  bad.interval_days = 3651;
  bad.class_kind = "colour";
  r = service_->CreatePlan(manager_, bad);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(r.status().fields().size(), 2u);
  EXPECT_EQ(r.status().fields()[0].field, "class_kind");
  EXPECT_EQ(r.status().fields()[1].field, "interval_days");

  EventRule rule;
  rule.event = "birthday";
  rule.delay_days = 366;
  rule.task_title = "t";
  auto e = service_->CreateRule(manager_, rule);
  ASSERT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(e.status().fields().size(), 2u);
  EXPECT_EQ(e.status().fields()[0].field, "event");
  EXPECT_EQ(e.status().fields()[1].field, "delay_days");

  Principal sales{owner_, "owner", Role::kSales, std::nullopt};
  VisitPlan ok;
  ok.name = "n";
  ok.task_title = "t";
  EXPECT_EQ(service_->CreatePlan(sales, ok).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_->ListPlans(sales).ok());
}

TEST_P(VisitPlanTest, ReadVisitCustomersGathersFactsAndTasksByPage) {
  const int64_t a = Customer_("甲", owner_, {"vip", "north"});
  const int64_t pool = Customer_("乙", std::nullopt);
  Customer_("丙", owner_, {}, /*archived=*/true);
  const int64_t d = Customer_("丁", owner_);
  Metrics({{a, "strategic", std::nullopt}});
  auto first = plans().ReadVisitCustomers(0, 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].customer_id, a);
  EXPECT_EQ(first->items[0].owner_user_id, owner_);
  EXPECT_EQ(first->items[0].facts.tier, "strategic");
  EXPECT_EQ(first->items[0].facts.rfm_class, "important_value");
  EXPECT_EQ(first->items[0].facts.relationship_level, "basic");
  EXPECT_EQ(first->items[0].facts.tags, (std::vector<std::string>{"north", "vip"}));
  EXPECT_FALSE(first->items[1].owner_user_id);
  EXPECT_EQ(first->items[1].facts.tier, "");
  ASSERT_EQ(first->last_id, pool);
  auto second = plans().ReadVisitCustomers(*first->last_id, 2);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);  // the archived one is left out
  EXPECT_EQ(second->items[0].customer_id, d);
  EXPECT_FALSE(second->last_id);
}

TEST_P(VisitPlanTest, PassKeepsOneOpenVisitPerCustomerAndIsIdempotent) {
  const VisitPlan strategic = Plan("strategic", "tier", "strategic", 7, 0);
  const VisitPlan all = Plan("all", "all", "", 30, 1);
  const int64_t a = Customer_("甲", owner_);
  const int64_t b = Customer_("乙", owner_);
  const int64_t pool = Customer_("丙", std::nullopt);
  const int64_t archived = Customer_("丁", owner_, {}, true);
  Metrics({{a, "strategic", std::nullopt}, {b, "general", std::nullopt}});

  EXPECT_EQ(RunPass(), R"({"customers":3,"created":2,"moved":0,"cancelled":0,"skipped":0,"without_owner":1})");
  auto ta = Tasks(a);
  ASSERT_EQ(ta.size(), 1u);
  EXPECT_EQ(ta[0].kind, "return_visit");
  EXPECT_EQ(ta[0].origin, "visit_plan");
  EXPECT_EQ(ta[0].origin_id, strategic.id);
  EXPECT_EQ(ta[0].due_day, kToday);  // no return visit before: today
  EXPECT_EQ(ta[0].assignee_user_id, owner_);
  EXPECT_EQ(ta[0].title, strategic.task_title);
  EXPECT_EQ(ta[0].dedupe_key, "visit:" + std::to_string(a) + ":0");
  auto tb = Tasks(b);
  ASSERT_EQ(tb.size(), 1u);
  EXPECT_EQ(tb[0].origin_id, all.id);
  EXPECT_TRUE(Tasks(pool).empty());
  EXPECT_TRUE(Tasks(archived).empty());

  EXPECT_EQ(RunPass(), R"({"customers":3,"created":0,"moved":0,"cancelled":0,"skipped":0,"without_owner":1})");
  EXPECT_EQ(Tasks(a), ta);
  EXPECT_EQ(Tasks(b), tb);
}

TEST_P(VisitPlanTest, TierChangeMovesTheOpenVisitToTheNewPlan) {
  const VisitPlan strategic = Plan("strategic", "tier", "strategic", 7, 0);
  const VisitPlan all = Plan("all", "all", "", 30, 1);
  const int64_t a = Customer_("甲", owner_);
  Metrics({{a, "general", std::nullopt}});
  RunPass();
  // A visit done on the 1st; the next is due on the 31st on the "all" plan.
  Task done = Complete(Tasks(a).at(0));
  ASSERT_TRUE(service_->OnReturnVisitCompleted(done).ok());
  auto open = Tasks(a);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].origin_id, all.id);
  EXPECT_EQ(open[0].due_day, "2026-12-31");

  clock_->Advance(2 * 86400);  // the 3rd
  Metrics({{a, "strategic", std::nullopt}});
  EXPECT_EQ(RunPass(), R"({"customers":1,"created":0,"moved":1,"cancelled":0,"skipped":0,"without_owner":0})");
  auto moved = Tasks(a);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].id, open[0].id);
  EXPECT_EQ(moved[0].origin_id, strategic.id);
  EXPECT_EQ(moved[0].due_day, "2026-12-08");  // the last visit + 7 days
  EXPECT_EQ(moved[0].title, strategic.task_title);

  // No plan matches any more: the open plan visit is cancelled.
  ASSERT_TRUE(service_->DeletePlan(manager_, all.id, all.version).ok());
  Metrics({{a, "general", std::nullopt}});
  EXPECT_EQ(RunPass(), R"({"customers":1,"created":0,"moved":0,"cancelled":1,"skipped":0,"without_owner":0})");
  EXPECT_TRUE(Tasks(a).empty());
  EXPECT_EQ(Tasks(a, "cancelled").size(), 1u);
}

TEST_P(VisitPlanTest, CompletingCreatesTheNextAndThePassAddsNothing) {
  const VisitPlan all = Plan("all", "all", "", 14, 0);
  const int64_t a = Customer_("甲", owner_);
  RunPass();
  clock_->Advance(3 * 86400);  // completed on the 4th
  Task done = Complete(Tasks(a).at(0));
  ASSERT_TRUE(service_->OnReturnVisitCompleted(done).ok());
  auto next = Tasks(a);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].due_day, "2026-12-18");
  EXPECT_EQ(next[0].origin_id, all.id);
  EXPECT_EQ(next[0].dedupe_key, "visit:" + std::to_string(a) + ":" + std::to_string(done.id));
  // A second notification (a retried listener) and the pass change nothing.
  ASSERT_TRUE(service_->OnReturnVisitCompleted(done).ok());
  EXPECT_EQ(RunPass(), R"({"customers":1,"created":0,"moved":0,"cancelled":0,"skipped":0,"without_owner":0})");
  EXPECT_EQ(Tasks(a), next);
}

TEST_P(VisitPlanTest, RefundedOrderMakesOneTaskAfterTheDelay) {
  const int64_t a = Customer_("甲", owner_);
  const EventRule rule = Rule("order_refunded", 2);
  Order o;
  o.customer_id = a;
  o.total = 5000;
  o.ordered_at = At("2026-11-20");
  o.status = OrderStatus::kPaid;
  o.created_at = o.updated_at = At("2026-11-20");
  auto created = store_->Sales().CreateOrder(o, Audit("order", "create"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(RunEvents(), R"({"refunds":0,"repurchases":0,"created":0})");
  Order refunded = *created;
  refunded.status = OrderStatus::kRefunded;
  refunded.updated_at = clock_->Now();
  ASSERT_TRUE(store_->Sales().UpdateOrder(refunded, Audit("order", "update")).ok());
  clock_->Advance(600);
  EXPECT_EQ(RunEvents(), R"({"refunds":1,"repurchases":0,"created":1})");
  EXPECT_EQ(RunEvents(), R"({"refunds":1,"repurchases":0,"created":0})");
  auto tasks = Tasks(a);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].due_day, "2026-12-03");
  EXPECT_EQ(tasks[0].origin, "event_rule");
  EXPECT_EQ(tasks[0].origin_id, rule.id);
  EXPECT_EQ(tasks[0].assignee_user_id, owner_);
  EXPECT_EQ(tasks[0].dedupe_key,
            "event:" + std::to_string(rule.id) + ":order_refunded:" + std::to_string(created->id));
}

TEST_P(VisitPlanTest, RepurchaseDueOncePerPurchaseCycle) {
  const int64_t due = Customer_("甲", owner_);
  const int64_t early = Customer_("乙", owner_);
  for (auto [id, day] : {std::pair{due, "2026-11-21"}, std::pair{early, "2026-11-25"}}) {
    Order o;
    o.customer_id = id;
    o.total = 5000;
    o.ordered_at = At(day);
    o.status = OrderStatus::kPaid;
    o.created_at = o.updated_at = At(day);
    ASSERT_TRUE(store_->Sales().CreateOrder(o, Audit("order", "create")).ok());
  }
  Metrics({{due, "general", 9.5}, {early, "general", 9.5}});
  clock_->Advance(-86400);  // the rule exists from Nov 30
  const EventRule rule = Rule("repurchase_due", 1);
  clock_->Advance(86400);
  // 10 days since Nov 21 reach the usual 9.5; 6 days since Nov 25 do not.
  EXPECT_EQ(RunEvents(), R"({"refunds":0,"repurchases":1,"created":1})");
  EXPECT_EQ(RunEvents(), R"({"refunds":0,"repurchases":0,"created":0})");  // checked today already
  auto tasks = Tasks(due);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].due_day, "2026-12-02");  // due Dec 1, + 1 day
  EXPECT_EQ(tasks[0].dedupe_key, "event:" + std::to_string(rule.id) + ":repurchase_due:" + std::to_string(due) +
                                     ":2026-11-21");
  EXPECT_TRUE(Tasks(early).empty());
  clock_->Advance(86400);  // the next day: the same cycle creates nothing new
  EXPECT_EQ(RunEvents(), R"({"refunds":0,"repurchases":1,"created":0})");
}

INSTANTIATE_TEST_SUITE_P(Backends, VisitPlanTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace guanxi
