// OwnershipStore and OwnershipService on both backends: transfers move exactly
// the old owner's open work, batches are all or nothing, concurrent claims have
// one winner, claim limits hold, and the nightly pool pass warns once and
// returns customers on the right day.
#include <gtest/gtest.h>

#include <thread>

#include "domain/customer.h"
#include "domain/sales.h"
#include "service/ownership_service.h"
#include "store/ownership_store.h"
#include "store/sales_store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::At;
using testing::Audit;
using testing::FakeClock;

constexpr int64_t kDay = 86400;

class OwnershipTest : public testing::BackendStoreTest {
 protected:
  OwnershipStore& own() { return store_->Ownership(); }

  int64_t UserWithRole(const std::string& login, Role role, std::optional<int64_t> team = std::nullopt,
                       bool disabled = false) {
    User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = "x";
    u.role = role;
    u.team_id = team;
    u.disabled = disabled;
    auto r = store_->CreateUser(u, Audit("user", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  int64_t Customer_(const std::string& name, std::optional<int64_t> owner, std::vector<std::string> tags = {},
                    UnixSeconds created = 1000) {
    Customer c;
    c.name = name;
    c.owner_user_id = owner;
    c.tags = std::move(tags);
    c.created_at = c.updated_at = created;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  int64_t Task_(int64_t customer, std::optional<int64_t> assignee, const std::string& status = "open") {
    Task t;
    t.customer_id = customer;
    t.assignee_user_id = assignee;
    t.title = "跟进";
    t.due_day = "2026-12-01";
    t.created_at = t.updated_at = 1000;
    auto r = store_->Tasks().CreateTask(t, Audit("task", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return 0;
    if (status != "open") {
      auto f = store_->Tasks().FinishTask(r->id, r->version, status, "", 2000, assignee, Audit("task", status.c_str()));
      EXPECT_TRUE(f.ok()) << f.status().ToString();
    }
    return r->id;
  }
  int64_t Opp_(int64_t customer, std::optional<int64_t> owner, const std::string& stage = "build_trust",
               UnixSeconds at = 1000) {
    Opportunity o;
    o.customer_id = customer;
    o.title = "商机";
    o.amount = 10000;
    o.stage = stage;
    o.expected_close = "2026-12-31";
    o.owner_user_id = owner;
    if (stage == "won") o.closed_on = "2026-11-01";
    o.stage_entered_at = o.created_at = o.updated_at = at;
    OpportunityEvent e;
    e.at = at;
    e.kind = "create";
    e.to_stage = stage;
    e.amount = o.amount;
    e.expected_close = o.expected_close;
    e.owner_user_id = owner;
    auto r = store_->Sales().CreateOpportunity(o, e, Audit("opportunity", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  OwnerChange Change(std::optional<int64_t> by, const std::string& note = "") {
    OwnerChange c;
    c.at = 5000;
    c.by_user_id = by;
    c.by_login = "tester";
    c.note = note;
    c.audit = Audit("customer", "x");
    return c;
  }
  std::optional<int64_t> OwnerOf(int64_t customer) {
    auto c = store_->GetCustomer(customer);
    EXPECT_TRUE(c.ok());
    return c.ok() ? c->owner_user_id : std::nullopt;
  }
  std::optional<int64_t> AssigneeOf(int64_t task) {
    auto t = store_->Tasks().GetTask(task);
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->assignee_user_id : std::nullopt;
  }
  static Principal As(int64_t id, Role role, std::optional<int64_t> team = std::nullopt) {
    return Principal{id, "u" + std::to_string(id), role, team};
  }
};

TEST_P(OwnershipTest, TransferMovesExactlyTheOldOwnersOpenWork) {
  int64_t a = User_("a"), b = User_("b"), c = User_("c");
  int64_t cust = Customer_("甲公司", a);
  int64_t open_a = Task_(cust, a);
  int64_t open_c = Task_(cust, c);      // someone else's task stays
  int64_t done_a = Task_(cust, a, "done");  // finished work stays
  int64_t opp_a = Opp_(cust, a);
  int64_t opp_c = Opp_(cust, c);
  int64_t won_a = Opp_(cust, a, "won");

  auto out = own().Transfer({cust}, b, Change(a, "离职交接"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->transferred, 1);
  EXPECT_EQ(out->tasks_moved, 1);
  EXPECT_EQ(out->opportunities_moved, 1);
  EXPECT_EQ(OwnerOf(cust), b);
  EXPECT_EQ(AssigneeOf(open_a), b);
  EXPECT_EQ(AssigneeOf(open_c), c);
  EXPECT_EQ(AssigneeOf(done_a), a);
  EXPECT_EQ(store_->Sales().GetOpportunity(opp_a)->owner_user_id, b);
  EXPECT_EQ(store_->Sales().GetOpportunity(opp_c)->owner_user_id, c);
  EXPECT_EQ(store_->Sales().GetOpportunity(won_a)->owner_user_id, a);
  auto events = store_->Sales().OpportunityHistory(opp_a);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events->back().kind, "update");
  EXPECT_EQ(events->back().owner_user_id, b);
  EXPECT_EQ(events->back().to_stage, "build_trust");

  auto h = own().OwnerHistory(cust);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(h->at(0).reason, "transfer");
  EXPECT_EQ(h->at(0).from_user_id, a);
  EXPECT_EQ(h->at(0).to_user_id, b);
  EXPECT_EQ(h->at(0).note, "离职交接");
  EXPECT_EQ(h->at(0).tasks_moved, 1);
  EXPECT_EQ(h->at(0).opportunities_moved, 1);
  EXPECT_EQ(store_->GetCustomer(cust)->version, 2);
}

TEST_P(OwnershipTest, TransferIsAllOrNothing) {
  int64_t a = User_("a"), b = User_("b");
  int64_t c1 = Customer_("一", a), c2 = Customer_("二", a);
  int64_t t1 = Task_(c1, a);
  auto out = own().Transfer({c1, c2, 999999}, b, Change(a));
  ASSERT_EQ(out.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(OwnerOf(c1), a);
  EXPECT_EQ(OwnerOf(c2), a);
  EXPECT_EQ(AssigneeOf(t1), a);
  EXPECT_TRUE(own().OwnerHistory(c1)->empty());
  auto bad_user = own().Transfer({c1}, 999999, Change(a));
  EXPECT_EQ(bad_user.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OwnerOf(c1), a);
}

TEST_P(OwnershipTest, ReleaseAndClaimCarryTheOpenTasks) {
  int64_t a = User_("a"), b = User_("b");
  int64_t cust = Customer_("甲", a);
  int64_t t = Task_(cust, a);
  auto rel = own().Release({cust}, Change(a, "不再跟进"));
  ASSERT_TRUE(rel.ok()) << rel.status().ToString();
  EXPECT_EQ(rel->tasks_moved, 1);
  EXPECT_EQ(OwnerOf(cust), std::nullopt);
  EXPECT_EQ(AssigneeOf(t), std::nullopt);
  EXPECT_EQ(own().Release({cust}, Change(a)).status().code(), StatusCode::kFailedPrecondition);

  auto claim = own().TakeFromPool({cust}, b, "claim", 10, Change(b));
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->tasks_moved, 1);
  EXPECT_EQ(OwnerOf(cust), b);
  EXPECT_EQ(AssigneeOf(t), b);
  auto h = own().OwnerHistory(cust);
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ(h->at(0).reason, "claim");
  EXPECT_EQ(h->at(1).reason, "release");
  EXPECT_EQ(h->at(1).to_user_id, std::nullopt);
  // Not in the pool any more: a second claim fails and changes nothing.
  EXPECT_EQ(own().TakeFromPool({cust}, a, "claim", std::nullopt, Change(a)).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(OwnerOf(cust), b);
}

TEST_P(OwnershipTest, ClaimLimitCountsHeldCustomers) {
  int64_t a = User_("a");
  Customer_("已有", a);
  int64_t p1 = Customer_("池一", std::nullopt), p2 = Customer_("池二", std::nullopt);
  auto over = own().TakeFromPool({p1, p2}, a, "claim", 2, Change(a));
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(OwnerOf(p1), std::nullopt);
  auto ok = own().TakeFromPool({p1}, a, "claim", 2, Change(a));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*own().CountOwned(a), 2);
}

TEST_P(OwnershipTest, ConcurrentClaimsFromTwoStoresHaveOneWinner) {
  int64_t a = User_("a"), b = User_("b");
  std::vector<int64_t> pool;
  for (int i = 0; i < 20; ++i) pool.push_back(Customer_("池" + std::to_string(i), std::nullopt));
  auto second = db_->Open();
  ASSERT_TRUE(second);
  int wins_a = 0, wins_b = 0, losses = 0;
  for (int64_t id : pool) {
    Result<TransferOutcome> ra = Status::Internal("unset"), rb = Status::Internal("unset");
    std::thread ta([&] { ra = own().TakeFromPool({id}, a, "claim", std::nullopt, Change(a)); });
    std::thread tb([&] { rb = second->Ownership().TakeFromPool({id}, b, "claim", std::nullopt, Change(b)); });
    ta.join();
    tb.join();
    EXPECT_NE(ra.ok(), rb.ok()) << "customer " << id;
    for (auto* r : {&ra, &rb}) {
      if (!r->ok()) {
        EXPECT_EQ(r->status().code(), StatusCode::kFailedPrecondition) << r->status().ToString();
        ++losses;
      }
    }
    wins_a += ra.ok();
    wins_b += rb.ok();
    auto owner = OwnerOf(id);
    EXPECT_EQ(owner, ra.ok() ? a : b);
    EXPECT_EQ(own().OwnerHistory(id)->size(), 1u);
  }
  EXPECT_EQ(wins_a + wins_b, 20);
  EXPECT_EQ(losses, 20);
  second->Close();
}

TEST_P(OwnershipTest, CustomerEditRecordsOwnerHistory) {
  int64_t a = User_("a"), b = User_("b");
  int64_t cust = Customer_("甲", a);
  auto c = store_->GetCustomer(cust);
  ASSERT_TRUE(c.ok());
  c->owner_user_id = b;
  c->updated_at = 3000;
  AuditEntry audit = Audit("customer", "update");
  audit.user_id = a;
  ASSERT_TRUE(store_->UpdateCustomer(*c, audit).ok());
  auto h = own().OwnerHistory(cust);
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(h->at(0).reason, "edit");
  EXPECT_EQ(h->at(0).from_user_id, a);
  EXPECT_EQ(h->at(0).to_user_id, b);
  EXPECT_EQ(h->at(0).user_id, a);
  EXPECT_EQ(h->at(0).at, 3000);
}

TEST_P(OwnershipTest, PoolRulesAndSettingsRoundTrip) {
  PoolRule r;
  r.name = "默认";
  r.no_follow_up_days = 30;
  r.position = 1;
  r.created_at = 100;
  auto created = own().CreatePoolRule(r, Audit("pool_rule", "create"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->version, 1);
  created->warn_days = 5;
  created->updated_at = 200;
  auto updated = own().UpdatePoolRule(*created, Audit("pool_rule", "update"));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(own().UpdatePoolRule(*created, Audit("pool_rule", "update")).status().code(), StatusCode::kConflict);
  auto listed = own().ListPoolRules();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0), *updated);
  EXPECT_EQ(own().DeletePoolRule(updated->id, 1, Audit("pool_rule", "delete")).code(), StatusCode::kConflict);
  EXPECT_TRUE(own().DeletePoolRule(updated->id, 2, Audit("pool_rule", "delete")).ok());
  EXPECT_TRUE(own().ListPoolRules()->empty());

  EXPECT_FALSE(own().GetSetting("pool.claim_limits")->has_value());
  ASSERT_TRUE(own().PutSetting("pool.claim_limits", "{\"sales\":5}", Audit("relationship_setting", "update")).ok());
  EXPECT_EQ(**own().GetSetting("pool.claim_limits"), "{\"sales\":5}");
}

// --- the service ------------------------------------------------------------

TEST_P(OwnershipTest, ServiceValidatesTransfers) {
  FakeClock clock;
  OwnershipService svc(*store_, clock);
  Team t;
  t.name = "华东";
  auto team = store_->CreateTeam(t, Audit("team", "create"));
  ASSERT_TRUE(team.ok());
  int64_t mgr = UserWithRole("mgr", Role::kManager, team->id);
  int64_t rep = UserWithRole("rep", Role::kSales, team->id);
  int64_t other = UserWithRole("other", Role::kSales);
  int64_t gone = UserWithRole("gone", Role::kSales, team->id, true);
  int64_t mine = Customer_("本组", rep), theirs = Customer_("别组", other);
  Principal m = As(mgr, Role::kManager, team->id);

  auto disabled = svc.Transfer(m, {mine}, gone, "");
  ASSERT_EQ(disabled.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(disabled.status().fields().at(0).field, "to_user_id");
  auto invisible = svc.Transfer(m, {mine, theirs}, mgr, "");
  EXPECT_EQ(invisible.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(OwnerOf(mine), rep);
  EXPECT_EQ(svc.Transfer(m, {}, mgr, "").status().fields().at(0).field, "customer_ids");
  std::vector<int64_t> many(1001, mine);
  EXPECT_EQ(svc.Transfer(m, many, mgr, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(svc.Transfer(m, {mine}, other, "").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc.Transfer(As(rep, Role::kSales, team->id), {mine}, mgr, "").status().code(),
            StatusCode::kPermissionDenied);
  auto ok = svc.Transfer(m, {mine, mine}, mgr, "");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->transferred, 1);
  EXPECT_EQ(OwnerOf(mine), mgr);
}

TEST_P(OwnershipTest, ServiceClaimUsesTheRoleLimit) {
  FakeClock clock;
  OwnershipService svc(*store_, clock);
  int64_t rep = UserWithRole("rep", Role::kSales);
  Principal admin = As(UserWithRole("root", Role::kAdmin), Role::kAdmin);
  int64_t p1 = Customer_("池一", std::nullopt), p2 = Customer_("池二", std::nullopt);
  auto limits = svc.PutClaimLimits(admin, {{"sales", 1}});
  ASSERT_TRUE(limits.ok()) << limits.status().ToString();
  EXPECT_EQ(limits->at("manager"), 300);
  EXPECT_EQ(limits->at("admin"), std::nullopt);
  auto over = svc.Claim(As(rep, Role::kSales), {p1, p2});
  ASSERT_EQ(over.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(over.status().fields().at(0).field, "customer_ids");
  ASSERT_TRUE(svc.Claim(As(rep, Role::kSales), {p1}).ok());
  auto h = svc.Holding(As(rep, Role::kSales));
  EXPECT_EQ(h->held, 1);
  EXPECT_EQ(h->limit, 1);
  CustomerQuery q;
  auto pool = svc.ListPool(As(rep, Role::kSales), q);
  ASSERT_TRUE(pool.ok());
  ASSERT_EQ(pool->items.size(), 1u);
  EXPECT_EQ(pool->items[0].id, p2);
}

TEST_P(OwnershipTest, PoolPassWarnsOnceThenReturns) {
  const UnixSeconds start = At("2026-11-01", 10);
  FakeClock clock(start);
  OwnershipService svc(*store_, clock);
  Principal admin = As(UserWithRole("root", Role::kAdmin), Role::kAdmin);
  int64_t rep = UserWithRole("rep", Role::kSales);
  int64_t vip = Customer_("要客", rep, {"vip"}, start);
  int64_t plain = Customer_("普通", rep, {}, start);
  PoolRule vip_rule;
  vip_rule.name = "要客";
  vip_rule.class_kind = "tag";
  vip_rule.class_value = "vip";
  vip_rule.no_follow_up_days = 30;
  vip_rule.warn_days = 3;
  vip_rule.position = 1;
  ASSERT_TRUE(svc.CreateRule(admin, vip_rule).ok());
  PoolRule all;
  all.name = "全部";
  all.no_follow_up_days = 10;
  all.warn_days = 2;
  all.position = 2;
  auto all_rule = svc.CreateRule(admin, all);
  ASSERT_TRUE(all_rule.ok());

  // Day 7: nothing due yet (plain is due on day 10, warned from day 8).
  clock.Advance(7 * kDay);
  auto s = svc.RunPoolPass({});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->examined, 2);
  EXPECT_EQ(s->warned, 0);
  EXPECT_EQ(s->returned, 0);
  // Day 8 and 9: one warning for plain, not repeated.
  clock.Advance(1 * kDay);
  EXPECT_EQ(svc.RunPoolPass({})->warned, 1);
  EXPECT_EQ(svc.RunPoolPass({})->warned, 0);
  clock.Advance(1 * kDay);
  EXPECT_EQ(svc.RunPoolPass({})->warned, 0);
  TaskQuery tq;
  tq.customer_id = plain;
  auto tasks = store_->Tasks().ListTasks(tq);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->items.size(), 1u);
  const Task& warning = tasks->items[0];
  EXPECT_EQ(warning.origin, "pool_warning");
  EXPECT_EQ(warning.origin_id, all_rule->id);
  EXPECT_EQ(warning.priority, "high");
  EXPECT_EQ(warning.assignee_user_id, rep);
  EXPECT_EQ(warning.dedupe_key, "pool_warning:" + std::to_string(plain) + ":" + std::to_string(rep) + ":2026-11-11");
  // Day 10: plain returns (its warning is cancelled); the vip rule still waits.
  clock.Advance(1 * kDay);
  s = svc.RunPoolPass({});
  EXPECT_EQ(s->returned, 1);
  EXPECT_EQ(OwnerOf(plain), std::nullopt);
  EXPECT_EQ(OwnerOf(vip), rep);
  EXPECT_EQ(store_->Tasks().GetTask(warning.id)->status, "cancelled");
  auto h = own().OwnerHistory(plain);
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(h->at(0).reason, "pool_return");
  EXPECT_EQ(h->at(0).user_id, std::nullopt);
  EXPECT_NE(h->at(0).note.find("全部"), std::string::npos);
  // A follow-up on the vip customer on day 20 moves its return to day 50.
  clock.Advance(10 * kDay);
  Task_(vip, rep, "done");  // completed_at 2000: too early to count
  Task done;
  done.customer_id = vip;
  done.assignee_user_id = rep;
  done.title = "拜访";
  done.due_day = "2026-11-21";
  done.created_at = done.updated_at = clock.Now();
  auto created = store_->Tasks().CreateTask(done, Audit("task", "create"));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(store_->Tasks().FinishTask(created->id, created->version, "done", "", clock.Now(), rep,
                                         Audit("task", "done")).ok());
  clock.Advance(25 * kDay);  // day 45: 25 days after the follow-up, no warning yet (warn from day 47)
  s = svc.RunPoolPass({});
  EXPECT_EQ(s->examined, 1);
  EXPECT_EQ(s->warned, 0);
  EXPECT_EQ(s->returned, 0);
  clock.Advance(5 * kDay);  // day 50
  EXPECT_EQ(svc.RunPoolPass({})->returned, 1);
  EXPECT_EQ(OwnerOf(vip), std::nullopt);
}

TEST_P(OwnershipTest, PoolPassStopsBetweenBatches) {
  FakeClock clock(At("2026-11-01"));
  OwnershipService svc(*store_, clock);
  Principal admin = As(UserWithRole("root", Role::kAdmin), Role::kAdmin);
  int64_t rep = UserWithRole("rep", Role::kSales);
  Customer_("甲", rep);
  PoolRule r;
  r.name = "r";
  r.no_deal_days = 1;
  ASSERT_TRUE(svc.CreateRule(admin, r).ok());
  auto s = svc.RunPoolPass([] { return true; });
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->stopped);
  EXPECT_EQ(s->returned, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, OwnershipTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace guanxi
