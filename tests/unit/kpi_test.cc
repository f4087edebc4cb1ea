#include "analytics/kpi.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace guanxi::analytics {
namespace {

int32_t Day(const char* iso) { return DayFromIso(iso).value(); }

struct Row {
  uint32_t customer;
  const char* day;
  int64_t fen;
};

Transactions Make(size_t customers, const std::vector<Row>& rows) {
  Transactions tx;
  for (size_t i = 0; i < customers; ++i) tx.customer_keys.push_back("c" + std::to_string(i));
  for (const Row& r : rows) {
    tx.customer.push_back(r.customer);
    tx.day.push_back(Day(r.day));
    tx.amount_fen.push_back(r.fen);
  }
  return tx;
}

// A: Jan 5, Jan 20, Feb 10 (and Apr 2, after the window)
// B: Jan 15, Mar 1 twice
// C: Feb 3 twice (one day)
// D: 2025-12-30 (before the window: an existing customer), Mar 15
constexpr uint32_t A = 0, B = 1, C = 2, D = 3;
Transactions Shop() {
  return Make(4, {{A, "2026-01-05", 10000},
                  {B, "2026-01-15", 2000},
                  {A, "2026-01-20", 5000},
                  {C, "2026-02-03", 7000},
                  {A, "2026-02-10", 3000},
                  {C, "2026-02-03", 100},
                  {B, "2026-03-01", 4000},
                  {B, "2026-03-01", 1000},
                  {D, "2025-12-30", 999},
                  {D, "2026-03-15", 500},
                  {A, "2026-04-02", 1}});
}

TEST(KpiLabels, MonthsAndQuarters) {
  EXPECT_EQ(PeriodLabel(PeriodKind::kMonth, Day("2026-11-30")), "2026-11");
  EXPECT_EQ(PeriodLabel(PeriodKind::kQuarter, Day("2026-11-30")), "2026Q4");
  EXPECT_EQ(PeriodLabel(PeriodKind::kQuarter, Day("2026-01-01")), "2026Q1");
  EXPECT_EQ(PeriodLabel(PeriodKind::kQuarter, Day("2026-06-30")), "2026Q2");
  EXPECT_EQ(PeriodLabel(PeriodKind::kQuarter, Day("2026-07-01")), "2026Q3");
  EXPECT_EQ(PeriodLabel(PeriodKind::kMonth, Day("1969-12-31")), "1969-12");
  EXPECT_EQ(ParsePeriodKind("month"), PeriodKind::kMonth);
  EXPECT_EQ(ParsePeriodKind("quarter"), PeriodKind::kQuarter);
  EXPECT_FALSE(ParsePeriodKind("week").has_value());
}

TEST(KpiRows, MonthlyHandExample) {
  const KpiResult k = ComputeKpis(Shop(), PeriodKind::kMonth, Day("2026-01-01"), Day("2026-03-31"),
                                  {"g0", "g1"}, {0, 1, 0, -1});
  ASSERT_EQ(k.rows.size(), 3u);
  EXPECT_EQ(k.group_keys, (std::vector<std::string>{"g0", "g1"}));
  const KpiRow& jan = k.rows[0];
  EXPECT_EQ(jan.period, "2026-01");
  EXPECT_EQ(jan.active, 2u);         // A, B
  EXPECT_EQ(jan.new_customers, 2u);  // A, B
  EXPECT_EQ(jan.base_start, 1u);     // D bought in December
  EXPECT_EQ(jan.orders, 3u);
  EXPECT_EQ(jan.revenue_fen, 17000);
  EXPECT_EQ(jan.aov_fen, 5667);  // 5666.67
  EXPECT_DOUBLE_EQ(jan.acquisition_rate.value(), 2.0);
  EXPECT_FALSE(jan.retention_rate.has_value());
  EXPECT_FALSE(jan.churn_rate.has_value());
  EXPECT_DOUBLE_EQ(jan.repeat_purchase_rate, 0.5);  // A on two days
  EXPECT_EQ(jan.revenue_by_group_fen, (std::vector<int64_t>{15000, 2000}));

  const KpiRow& feb = k.rows[1];
  EXPECT_EQ(feb.period, "2026-02");
  EXPECT_EQ(feb.active, 2u);  // A, C
  EXPECT_EQ(feb.new_customers, 1u);
  EXPECT_EQ(feb.base_start, 3u);
  EXPECT_EQ(feb.orders, 3u);
  EXPECT_EQ(feb.revenue_fen, 10100);
  EXPECT_EQ(feb.aov_fen, 3367);  // 3366.67
  EXPECT_DOUBLE_EQ(feb.acquisition_rate.value(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(feb.retention_rate.value(), 0.5);  // A of {A, B}
  EXPECT_DOUBLE_EQ(feb.churn_rate.value(), 0.5);
  EXPECT_DOUBLE_EQ(feb.repeat_purchase_rate, 0.0);  // C's two orders are one day
  EXPECT_EQ(feb.revenue_by_group_fen, (std::vector<int64_t>{10100, 0}));

  const KpiRow& mar = k.rows[2];
  EXPECT_EQ(mar.period, "2026-03");
  EXPECT_EQ(mar.active, 2u);  // B, D
  EXPECT_EQ(mar.new_customers, 0u);
  EXPECT_EQ(mar.base_start, 4u);
  EXPECT_EQ(mar.orders, 3u);
  EXPECT_EQ(mar.revenue_fen, 5500);
  EXPECT_EQ(mar.aov_fen, 1833);
  EXPECT_DOUBLE_EQ(mar.acquisition_rate.value(), 0.0);
  EXPECT_DOUBLE_EQ(mar.retention_rate.value(), 0.0);
  EXPECT_DOUBLE_EQ(mar.churn_rate.value(), 1.0);
  EXPECT_DOUBLE_EQ(mar.repeat_purchase_rate, 0.0);
  EXPECT_EQ(mar.revenue_by_group_fen, (std::vector<int64_t>{0, 5000}));  // D has no group

  // Cohorts: January (A, B) and February (C); D's December cohort is outside the window
  // and March has no new customer.
  EXPECT_EQ(k.cohorts.cohorts, (std::vector<std::string>{"2026-01", "2026-02"}));
  EXPECT_EQ(k.cohorts.cohort_sizes, (std::vector<size_t>{2, 1}));
  ASSERT_EQ(k.cohorts.retention.size(), 2u);
  EXPECT_EQ(k.cohorts.retention[0], (std::vector<double>{1.0, 0.5, 0.5}));
  EXPECT_EQ(k.cohorts.retention[1], (std::vector<double>{1.0, 0.0}));
}

TEST(KpiRows, Quarterly) {
  const KpiResult k =
      ComputeKpis(Shop(), PeriodKind::kQuarter, Day("2026-01-01"), Day("2026-03-31"));
  ASSERT_EQ(k.rows.size(), 1u);
  const KpiRow& q = k.rows[0];
  EXPECT_EQ(q.period, "2026Q1");
  EXPECT_EQ(q.active, 4u);
  EXPECT_EQ(q.new_customers, 3u);
  EXPECT_EQ(q.base_start, 1u);
  EXPECT_EQ(q.orders, 9u);
  EXPECT_EQ(q.revenue_fen, 32600);
  EXPECT_EQ(q.aov_fen, 3622);  // 3622.22
  EXPECT_DOUBLE_EQ(q.acquisition_rate.value(), 3.0);
  EXPECT_FALSE(q.retention_rate.has_value());
  EXPECT_DOUBLE_EQ(q.repeat_purchase_rate, 0.5);  // A and B on ≥ 2 days, C and D on one
  EXPECT_TRUE(q.revenue_by_group_fen.empty());
  EXPECT_EQ(k.cohorts.cohorts, (std::vector<std::string>{"2026Q1"}));
  EXPECT_EQ(k.cohorts.retention[0], (std::vector<double>{1.0}));
}

TEST(KpiRows, QuietMonthInBetween) {
  const Transactions tx = Make(1, {{0, "2026-01-10", 100}, {0, "2026-03-10", 300}});
  const KpiResult k = ComputeKpis(tx, PeriodKind::kMonth, Day("2000-01-01"), Day("2030-01-01"));
  ASSERT_EQ(k.rows.size(), 3u);
  EXPECT_EQ(k.rows[1].period, "2026-02");
  EXPECT_EQ(k.rows[1].active, 0u);
  EXPECT_EQ(k.rows[1].aov_fen, 0);
  EXPECT_FALSE(k.rows[0].acquisition_rate.has_value());  // nobody before: no base
  EXPECT_DOUBLE_EQ(k.rows[1].retention_rate.value(), 0.0);
  EXPECT_DOUBLE_EQ(k.rows[1].acquisition_rate.value(), 0.0);
  EXPECT_FALSE(k.rows[2].retention_rate.has_value());  // nobody active in February
  EXPECT_EQ(k.cohorts.retention[0], (std::vector<double>{1.0, 0.0, 1.0}));
}

TEST(KpiRows, AcrossTheYearEnd) {
  const Transactions tx = Make(2, {{0, "2025-12-31", 100},
                                   {0, "2026-01-01", 200},
                                   {1, "2025-11-30", 50},
                                   {1, "2025-12-01", 50},
                                   {1, "2025-12-02", 50}});
  const KpiResult m = ComputeKpis(tx, PeriodKind::kMonth, Day("2025-01-01"), Day("2026-12-31"));
  ASSERT_EQ(m.rows.size(), 3u);
  EXPECT_EQ(m.rows[0].period, "2025-11");
  EXPECT_EQ(m.rows[2].period, "2026-01");
  EXPECT_EQ(m.rows[1].active, 2u);
  EXPECT_EQ(m.rows[1].orders, 3u);
  EXPECT_DOUBLE_EQ(m.rows[1].repeat_purchase_rate, 0.5);  // customer 1 on Dec 1 and 2
  EXPECT_DOUBLE_EQ(m.rows[2].retention_rate.value(), 0.5);
  EXPECT_EQ(m.rows[2].revenue_fen, 200);
  const KpiResult q = ComputeKpis(tx, PeriodKind::kQuarter, Day("2025-01-01"), Day("2026-12-31"));
  ASSERT_EQ(q.rows.size(), 2u);
  EXPECT_EQ(q.rows[0].period, "2025Q4");
  EXPECT_EQ(q.rows[1].period, "2026Q1");
  EXPECT_EQ(q.rows[0].orders, 4u);
  EXPECT_DOUBLE_EQ(q.rows[0].repeat_purchase_rate, 0.5);  // customer 0 on one Q4 day
  EXPECT_DOUBLE_EQ(q.rows[1].retention_rate.value(), 0.5);
  EXPECT_EQ(q.cohorts.retention[0], (std::vector<double>{1.0, 0.5}));
}

TEST(KpiRows, EmptyWindow) {
  const KpiResult k = ComputeKpis(Shop(), PeriodKind::kMonth, Day("2027-01-01"), Day("2027-12-31"));
  EXPECT_TRUE(k.rows.empty());
  EXPECT_TRUE(k.cohorts.cohorts.empty());
}

}  // namespace
}  // namespace guanxi::analytics
