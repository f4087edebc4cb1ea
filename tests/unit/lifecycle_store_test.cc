// LifecycleStore and LifecycleService on both backends: the derivation writes
// stage and rung with history, a second run writes nothing, overrides survive
// derivation until cleared, stale versions conflict, and a stage set through the
// customer edit is recorded as an override.
#include <gtest/gtest.h>

#include "domain/customer.h"
#include "domain/sales.h"
#include "service/customer_service.h"
#include "service/lifecycle_service.h"
#include "store/lifecycle_store.h"
#include "store/sales_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::At;
using testing::Audit;
using testing::FakeClock;

constexpr int64_t kDay = 86400;

class LifecycleStoreTest : public testing::BackendStoreTest {
 protected:
  void SetUp() override {
    BackendStoreTest::SetUp();
    if (!store_) return;
    User u;
    u.login = "boss";
    u.display_name = "老板";
    u.password_hash = "x";
    u.role = Role::kAdmin;
    auto r = store_->CreateUser(u, Audit("user", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    admin_ = Principal{r->id, "boss", Role::kAdmin, std::nullopt};
  }
  int64_t Customer_(const std::string& name, Relationship rel = Relationship::kPotential,
                    std::vector<std::string> tags = {}) {
    Customer c;
    c.name = name;
    c.relationship = rel;
    c.tags = std::move(tags);
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  void Order_(int64_t customer, UnixSeconds at) {
    Order o;
    o.customer_id = customer;
    o.total = 10000;
    o.ordered_at = at;
    o.created_at = o.updated_at = at;
    auto r = store_->Sales().CreateOrder(o, Audit("order", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  LifecycleStage StageOf(int64_t id) {
    auto c = store_->GetCustomer(id);
    EXPECT_TRUE(c.ok());
    return c.ok() ? c->lifecycle_stage : LifecycleStage::kExploration;
  }
  size_t HistoryCount(int64_t id) {
    auto h = store_->Lifecycle().History(id, 1000);
    EXPECT_TRUE(h.ok());
    return h.ok() ? h->size() : 0;
  }

  FakeClock clock_{At("2026-12-01")};
  Principal admin_;
};

TEST_P(LifecycleStoreTest, DerivationWritesOnceWithHistory) {
  const int64_t none = Customer_("无");
  const int64_t loyal = Customer_("稳定", Relationship::kCurrent);
  const int64_t gone = Customer_("流失", Relationship::kCurrent);
  const int64_t member = Customer_("会员客户", Relationship::kCurrent, {"金卡会员"});
  for (int d : {5, 35, 65}) Order_(loyal, clock_.Now() - d * kDay);
  Order_(gone, clock_.Now() - 400 * kDay);
  Order_(member, clock_.Now() - 3 * kDay);

  LifecycleService svc(*store_, clock_);
  auto first = svc.DeriveAll(nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->customers, 4);
  // Stages change for the three buyers (all start at exploration); every
  // customer gets its first rung.
  EXPECT_EQ(first->stages_changed, 3);
  EXPECT_EQ(first->ladders_changed, 4);
  EXPECT_EQ(StageOf(none), LifecycleStage::kExploration);
  EXPECT_EQ(StageOf(loyal), LifecycleStage::kStability);
  EXPECT_EQ(StageOf(gone), LifecycleStage::kLost);
  EXPECT_EQ(StageOf(member), LifecycleStage::kFormation);

  auto state = store_->Lifecycle().GetState(loyal);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->version, 2);  // the stage change bumped the customer's version
  ASSERT_TRUE(state->ladder.has_value());
  EXPECT_EQ(*state->ladder, LadderRung::kRepeatBuyer);
  auto member_state = store_->Lifecycle().GetState(member);
  ASSERT_TRUE(member_state.ok());
  EXPECT_EQ(*member_state->ladder, LadderRung::kMember);

  auto history = store_->Lifecycle().History(loyal, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  for (const auto& h : *history) {
    EXPECT_EQ(h.source, "derived");
    EXPECT_FALSE(h.user_id.has_value());
    if (h.field == "stage") {
      EXPECT_EQ(h.from_value, "exploration");
      EXPECT_EQ(h.to_value, "stability");
    } else {
      EXPECT_EQ(h.from_value, "");
      EXPECT_EQ(h.to_value, "repeat_buyer");
    }
  }
  EXPECT_EQ(HistoryCount(none), 1u);  // the rung only

  // Idempotent: nothing changed, nothing written.
  auto second = svc.DeriveAll(nullptr);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->stages_changed, 0);
  EXPECT_EQ(second->ladders_changed, 0);
  EXPECT_EQ(HistoryCount(loyal), 2u);
  EXPECT_EQ(store_->Lifecycle().GetState(loyal)->version, 2);

  // Applying the same stale change again is skipped (the from-value no longer holds).
  LifecycleDerivedChange stale;
  stale.customer_id = loyal;
  stale.stage_from = LifecycleStage::kExploration;
  stale.stage_to = LifecycleStage::kStability;
  stale.ladder_to = LadderRung::kRepeatBuyer;  // from "no row": the row exists
  auto again = store_->Lifecycle().ApplyDerived({stale}, clock_.Now());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stages, 0);
  EXPECT_EQ(again->ladders, 0);
  EXPECT_EQ(HistoryCount(loyal), 2u);

  // Time passes: the loyal customer's gap grows past 180 days → decline.
  clock_.Advance(200 * kDay);
  auto later = svc.DeriveAll(nullptr);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(StageOf(loyal), LifecycleStage::kDecline);
}

TEST_P(LifecycleStoreTest, OverridesSurviveDerivationUntilCleared) {
  const int64_t id = Customer_("客户", Relationship::kCurrent);
  for (int d : {5, 35, 65}) Order_(id, clock_.Now() - d * kDay);
  LifecycleService svc(*store_, clock_);
  ASSERT_TRUE(svc.DeriveAll(nullptr).ok());
  auto view = svc.Get(admin_, id);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->state.stage, LifecycleStage::kStability);
  EXPECT_EQ(view->derived.reason(), "repeat_purchases,repeat_purchases");
  const int64_t version = view->state.version;

  LifecycleChange stale;
  stale.stage = LifecycleStage::kDecline;
  stale.expected_version = version - 1;
  EXPECT_EQ(svc.Update(admin_, id, stale).status().code(), StatusCode::kConflict);

  LifecycleChange set;
  set.stage = LifecycleStage::kDecline;
  set.ladder = LadderRung::kPartner;
  set.expected_version = version;
  auto after = svc.Update(admin_, id, set);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->state.stage, LifecycleStage::kDecline);
  EXPECT_EQ(*after->state.ladder, LadderRung::kPartner);
  EXPECT_TRUE(after->state.stage_overridden);
  EXPECT_TRUE(after->state.ladder_overridden);
  EXPECT_EQ(after->state.version, version + 1);
  ASSERT_GE(after->history.size(), 2u);
  EXPECT_EQ(after->history[0].source, "override");
  EXPECT_EQ(after->history[0].user_id, admin_.user_id);
  EXPECT_EQ(after->history[0].user_name, "老板");

  auto run = svc.DeriveAll(nullptr);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->stages_changed, 0);
  EXPECT_EQ(run->ladders_changed, 0);
  EXPECT_EQ(StageOf(id), LifecycleStage::kDecline);
  // A derived change computed before the override is refused by the store too.
  LifecycleDerivedChange racing;
  racing.customer_id = id;
  racing.stage_from = LifecycleStage::kDecline;
  racing.stage_to = LifecycleStage::kStability;
  racing.ladder_from = LadderRung::kPartner;
  racing.ladder_to = LadderRung::kRepeatBuyer;
  auto refused = store_->Lifecycle().ApplyDerived({racing}, clock_.Now());
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->stages + refused->ladders, 0);

  LifecycleChange clear;
  clear.clear_stage = clear.clear_ladder = true;
  clear.expected_version = version + 1;
  auto cleared = svc.Update(admin_, id, clear);
  ASSERT_TRUE(cleared.ok()) << cleared.status().ToString();
  EXPECT_EQ(cleared->state.stage, LifecycleStage::kStability);
  EXPECT_EQ(*cleared->state.ladder, LadderRung::kRepeatBuyer);
  EXPECT_FALSE(cleared->state.stage_overridden);
  EXPECT_FALSE(cleared->state.ladder_overridden);
  EXPECT_EQ(cleared->history[0].source, "override_cleared");

  LifecycleChange nothing;
  nothing.expected_version = cleared->state.version;
  EXPECT_EQ(svc.Update(admin_, id, nothing).status().code(), StatusCode::kInvalidArgument);
  Principal analyst{admin_.user_id, "boss", Role::kAnalyst, std::nullopt};
  EXPECT_EQ(svc.Update(analyst, id, set).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc.Get(admin_, id + 1000).status().code(), StatusCode::kNotFound);
}

TEST_P(LifecycleStoreTest, CustomerEditOfTheStageIsAnOverride) {
  const int64_t id = Customer_("客户");
  CustomerService customers(*store_, clock_);
  auto c = store_->GetCustomer(id);
  ASSERT_TRUE(c.ok());
  Customer changed = *c;
  changed.lifecycle_stage = LifecycleStage::kStability;
  auto updated = customers.Update(admin_, changed);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  auto state = store_->Lifecycle().GetState(id);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->stage_overridden);
  EXPECT_FALSE(state->ladder_overridden);
  EXPECT_EQ(state->version, updated->version);
  auto history = store_->Lifecycle().History(id, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].source, "override");
  EXPECT_EQ((*history)[0].from_value, "exploration");
  EXPECT_EQ((*history)[0].to_value, "stability");

  LifecycleService svc(*store_, clock_);
  ASSERT_TRUE(svc.DeriveAll(nullptr).ok());
  EXPECT_EQ(StageOf(id), LifecycleStage::kStability);  // kept, though the rules say exploration

  // An edit that leaves the stage alone records nothing.
  Customer renamed = *store_->GetCustomer(id);
  renamed.name = "新名字";
  ASSERT_TRUE(customers.Update(admin_, renamed).ok());
  EXPECT_EQ(HistoryCount(id), 1u);  // the override (its row started at the derived rung)
}

TEST_P(LifecycleStoreTest, StoppingServerInterruptsTheRun) {
  const int64_t id = Customer_("客户");
  LifecycleService svc(*store_, clock_);
  auto r = svc.DeriveAll([] { return true; });
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(HistoryCount(id), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, LifecycleStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace guanxi
