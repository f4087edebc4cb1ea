#include <gtest/gtest.h>

#include "service/permissions.h"
#include "service/rate_limiter.h"
#include "test_db.h"

namespace guanxi {
namespace {

Principal P(Role r, int64_t id, std::optional<int64_t> team = std::nullopt) {
  return Principal{id, "u" + std::to_string(id), r, team};
}

TEST(PermissionsTest, ScopesFollowRoles) {
  EXPECT_EQ(CustomerScope(P(Role::kAdmin, 1)).kind, VisibilityScope::Kind::kAll);
  EXPECT_EQ(CustomerScope(P(Role::kService, 1)).kind, VisibilityScope::Kind::kAll);
  EXPECT_EQ(CustomerScope(P(Role::kAnalyst, 1)).kind, VisibilityScope::Kind::kAll);
  auto sales = CustomerScope(P(Role::kSales, 7, 3));
  EXPECT_EQ(sales.kind, VisibilityScope::Kind::kOwner);
  EXPECT_EQ(sales.id, 7);
  auto mgr = CustomerScope(P(Role::kManager, 8, 3));
  EXPECT_EQ(mgr.kind, VisibilityScope::Kind::kTeam);
  EXPECT_EQ(mgr.id, 3);
  EXPECT_EQ(CustomerScope(P(Role::kManager, 8)).kind, VisibilityScope::Kind::kOwner);
}

TEST(PermissionsTest, VisibilityOfOneCustomer) {
  EXPECT_TRUE(CanSeeCustomer(P(Role::kSales, 7), 7, std::nullopt));
  EXPECT_FALSE(CanSeeCustomer(P(Role::kSales, 7), 8, 3));
  EXPECT_FALSE(CanSeeCustomer(P(Role::kSales, 7), std::nullopt, std::nullopt));
  EXPECT_TRUE(CanSeeCustomer(P(Role::kManager, 8, 3), 9, 3));
  EXPECT_FALSE(CanSeeCustomer(P(Role::kManager, 8, 3), 9, 4));
  EXPECT_TRUE(CanSeeCustomer(P(Role::kAnalyst, 1), 9, 4));
  EXPECT_FALSE(CanWriteArchive(P(Role::kAnalyst, 1)));
  EXPECT_FALSE(CanWriteArchive(P(Role::kService, 1)));
  EXPECT_TRUE(CanWriteArchive(P(Role::kSales, 1)));
}

TEST(RateLimiterTest, BlocksAfterMaxFailuresUntilWindowPasses) {
  testing::TempDir dir;
  auto store = testing::OpenTestStore(dir.File("t.db"));
  ASSERT_TRUE(store);
  testing::FakeClock clock;
  RateLimiter limiter(*store, clock, 3, 60);
  EXPECT_EQ(limiter.RetryAfter("k"), 0);
  limiter.RecordFailure("k");
  clock.Advance(10);
  limiter.RecordFailure("k");
  EXPECT_EQ(limiter.RetryAfter("k"), 0);
  limiter.RecordFailure("k");
  EXPECT_EQ(limiter.RetryAfter("k"), 50);  // the first failure leaves the window in 50 s
  EXPECT_EQ(limiter.RetryAfter("other"), 0);
  clock.Advance(50);
  EXPECT_EQ(limiter.RetryAfter("k"), 0);
  limiter.RecordFailure("k");
  limiter.Reset("k");
  EXPECT_EQ(limiter.RetryAfter("k"), 0);
}

// Two limiters on one database (two server processes) count the same failures.
TEST(RateLimiterTest, LimitersOnOneDatabaseShareTheirCounts) {
  testing::TempDir dir;
  auto store = testing::OpenTestStore(dir.File("t.db"));
  ASSERT_TRUE(store);
  testing::FakeClock clock;
  RateLimiter a(*store, clock, 3, 60), b(*store, clock, 3, 60);
  a.RecordFailure("k");
  b.RecordFailure("k");
  EXPECT_EQ(a.RetryAfter("k"), 0);
  a.RecordFailure("k");
  EXPECT_EQ(b.RetryAfter("k"), 60);
}

}  // namespace
}  // namespace guanxi
