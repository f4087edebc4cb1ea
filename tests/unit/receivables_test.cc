#include "analytics/receivables.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/sales.h"

namespace guanxi::analytics {
namespace {

std::vector<PlannedInstalment> Plan() {
  // Out of order on purpose: allocation goes by due date.
  return {{3, "2026-12-01", 3000}, {1, "2026-10-01", 1000}, {2, "2026-11-01", 2000}};
}

TEST(ReceivableAccount, OldestFirstWithOverdue) {
  AccountState a = EvaluateAccount(Plan(), 1500, "2026-11-30");
  ASSERT_EQ(a.instalments.size(), 3u);
  EXPECT_EQ(a.instalments[0].id, 1);
  EXPECT_EQ(a.instalments[0].paid, 1000);
  EXPECT_EQ(a.instalments[0].status, InstalmentStatus::kPaid);
  EXPECT_EQ(a.instalments[0].days_overdue, 0);
  EXPECT_EQ(a.instalments[1].id, 2);
  EXPECT_EQ(a.instalments[1].paid, 500);
  EXPECT_EQ(a.instalments[1].status, InstalmentStatus::kOverdue);  // partly paid and late
  EXPECT_EQ(a.instalments[1].days_overdue, 29);
  EXPECT_EQ(a.instalments[2].id, 3);
  EXPECT_EQ(a.instalments[2].paid, 0);
  EXPECT_EQ(a.instalments[2].status, InstalmentStatus::kDue);
  EXPECT_EQ(a.planned, 6000);
  EXPECT_EQ(a.received, 1500);
  EXPECT_EQ(a.outstanding, 4500);
  EXPECT_EQ(a.overdue, 1500);
  EXPECT_EQ(a.oldest_overdue_days, 29);
}

TEST(ReceivableAccount, PartlyPaidNotYetDue) {
  AccountState a = EvaluateAccount(Plan(), 3500, "2026-11-30");
  EXPECT_EQ(a.instalments[1].status, InstalmentStatus::kPaid);
  EXPECT_EQ(a.instalments[2].paid, 500);
  EXPECT_EQ(a.instalments[2].status, InstalmentStatus::kPartlyPaid);
  EXPECT_STREQ(ToString(a.instalments[2].status), "partly_paid");
  EXPECT_EQ(a.overdue, 0);
  EXPECT_EQ(a.oldest_overdue_days, 0);
  EXPECT_EQ(a.outstanding, 2500);
}

TEST(ReceivableAccount, DueTodayIsNotOverdue) {
  AccountState a = EvaluateAccount(Plan(), 3000, "2026-12-01");
  EXPECT_EQ(a.instalments[2].status, InstalmentStatus::kDue);
  EXPECT_EQ(a.instalments[2].days_overdue, 0);
  a = EvaluateAccount(Plan(), 3000, "2026-12-02");
  EXPECT_EQ(a.instalments[2].status, InstalmentStatus::kOverdue);
  EXPECT_EQ(a.instalments[2].days_overdue, 1);
  EXPECT_EQ(a.overdue, 3000);
}

TEST(ReceivableAccount, OverpaidAndTies) {
  AccountState a = EvaluateAccount(Plan(), 7000, "2027-06-01");
  for (const auto& s : a.instalments) EXPECT_EQ(s.status, InstalmentStatus::kPaid);
  EXPECT_EQ(a.outstanding, 0);
  EXPECT_EQ(a.overdue, 0);
  a = EvaluateAccount({{5, "2026-01-10", 100}, {4, "2026-01-10", 100}}, 100, "2026-01-01");
  EXPECT_EQ(a.instalments[0].id, 4);
  EXPECT_EQ(a.instalments[0].status, InstalmentStatus::kPaid);
  EXPECT_EQ(a.instalments[1].status, InstalmentStatus::kDue);
  a = EvaluateAccount({}, 0, "2026-01-01");
  EXPECT_EQ(a.planned, 0);
  EXPECT_EQ(a.outstanding, 0);
}

TEST(ReceivableAccount, OverdueAcrossLeapDay) {
  AccountState a = EvaluateAccount({{1, "2024-02-28", 100}}, 0, "2024-03-01");
  EXPECT_EQ(a.instalments[0].days_overdue, 2);
  EXPECT_STREQ(ToString(a.instalments[0].status), "overdue");
}

std::vector<PlannedInstalment> AgedPlan(const std::string& today) {
  std::vector<PlannedInstalment> plan;
  int64_t id = 1;
  for (int days : {91, 90, 61, 60, 31, 30, 1, 0, -5}) {
    plan.push_back({id++, AddDays(today, -days), 100});
  }
  return plan;
}

TEST(ReceivableAgeing, BucketBoundaries) {
  const std::string today = "2026-12-31";
  Ageing g;
  AddToAgeing(EvaluateAccount(AgedPlan(today), 0, today), g);
  EXPECT_EQ(g.d90_plus, 100);  // 91
  EXPECT_EQ(g.d61_90, 200);    // 90, 61
  EXPECT_EQ(g.d31_60, 200);    // 60, 31
  EXPECT_EQ(g.d1_30, 200);     // 30, 1
  EXPECT_EQ(g.current, 200);   // due today, due in 5 days
  EXPECT_EQ(g.total(), 900);
}

TEST(ReceivableAgeing, PaymentsReduceTheOldestAndAccumulate) {
  const std::string today = "2026-12-31";
  Ageing g;
  // 150 pays the 91-day instalment and half of the 90-day one.
  AddToAgeing(EvaluateAccount(AgedPlan(today), 150, today), g);
  EXPECT_EQ(g.d90_plus, 0);
  EXPECT_EQ(g.d61_90, 150);
  EXPECT_EQ(g.total(), 750);
  AddToAgeing(EvaluateAccount({{1, "2026-12-01", 40}}, 0, today), g);  // 30 days
  EXPECT_EQ(g.d1_30, 240);
  EXPECT_EQ(g.total(), 790);
}

}  // namespace
}  // namespace guanxi::analytics
