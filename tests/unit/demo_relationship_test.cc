// WriteDemoRelationship on both backends: the bulk inserts keep every field,
// fill the ids, and the default return-visit plans are seeded once.
#include "service/demo_relationship.h"

#include <gtest/gtest.h>

#include "domain/sales.h"
#include "store/interaction_store.h"
#include "store/plan_store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

constexpr UnixSeconds kNow = 1795399200;  // 2026-11-23 10:00 Asia/Shanghai

class DemoRelationshipStoreTest : public testing::BackendStoreTest {};

INSTANTIATE_TEST_SUITE_P(Backends, DemoRelationshipStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(DemoRelationshipStoreTest, WritesHistoriesTasksAndPlansOnce) {
  const std::vector<int64_t> owners = {User_("rep.a"), User_("rep.b")};
  DemoDataGenerator gen;
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < 40; ++i) {
    Customer c = gen.Make(i).customer;
    c.created_at = c.updated_at = gen.CreatedAt(i, kNow);
    c.owner_user_id = owners[static_cast<size_t>(i) % owners.size()];
    auto r = store_->CreateCustomer(c, testing::Audit("customer", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ids.push_back(r->id);
  }
  std::vector<uint16_t> purchases(ids.size(), 3);
  auto n = WriteDemoRelationship(*store_, gen, DemoRelationshipInput{ids, owners, purchases, kNow});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->plans_created, 3);

  // The stored rows are the generated ones, owned by the customer's owner.
  int64_t interactions = 0, open = 0, done = 0;
  for (size_t k = 0; k < ids.size(); ++k) {
    const auto expected = gen.Interactions(static_cast<int64_t>(k), gen.CreatedAt(static_cast<int64_t>(k), kNow),
                                           kNow, 3);
    InteractionQuery q;
    q.customer_id = ids[k];
    q.limit = 50;
    auto page = store_->Interactions().ListInteractions(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->items.size(), expected.size());
    for (size_t j = 0; j < expected.size(); ++j) {
      const Interaction& got = page->items[expected.size() - 1 - j];  // newest first
      Interaction want = expected[j];
      want.id = got.id;
      want.version = 1;
      want.customer_id = ids[k];
      want.user_id = owners[k % owners.size()];
      EXPECT_GT(got.id, 0);
      EXPECT_EQ(got, want);
    }
    interactions += static_cast<int64_t>(expected.size());
    TaskQuery tq;
    tq.customer_id = ids[k];
    tq.limit = 50;
    auto tasks = store_->Tasks().ListTasks(tq);
    ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
    for (const Task& t : tasks->items) {
      EXPECT_EQ(t.assignee_user_id, owners[k % owners.size()]);
      EXPECT_EQ(t.version, 1);
      (t.status == "open" ? open : done) += 1;
      if (t.status == "done") {
        EXPECT_EQ(t.completed_by, owners[k % owners.size()]);
      }
    }
  }
  EXPECT_EQ(interactions, n->interactions);
  EXPECT_EQ(open, n->open_tasks);
  EXPECT_EQ(done, n->done_tasks);
  EXPECT_GT(interactions, 0);

  auto plans = store_->Plans().ListVisitPlans();
  ASSERT_TRUE(plans.ok());
  ASSERT_EQ(plans->size(), 3u);
  EXPECT_EQ((*plans)[0].class_value, "strategic");
  EXPECT_EQ((*plans)[0].interval_days, 30);
  EXPECT_EQ((*plans)[1].class_value, "important");
  EXPECT_EQ((*plans)[1].interval_days, 90);
  EXPECT_EQ((*plans)[2].class_value, "general");
  EXPECT_EQ((*plans)[2].interval_days, 180);
  for (const VisitPlan& p : *plans) EXPECT_EQ(p.class_kind, "tier");

  // A second run (no customers) leaves the plans alone.
  const std::vector<int64_t> none;
  const std::vector<uint16_t> no_purchases;
  auto again = WriteDemoRelationship(*store_, gen, DemoRelationshipInput{none, owners, no_purchases, kNow});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->plans_created, 0);
  EXPECT_EQ(store_->Plans().ListVisitPlans()->size(), 3u);
}

}  // namespace
}  // namespace guanxi
