#include "analytics/transactions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "analytics/calendar.h"

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

TEST(TxDates, KnownDays) {
  EXPECT_EQ(Day("1970-01-01"), 0);
  EXPECT_EQ(Day("1970-01-02"), 1);
  EXPECT_EQ(Day("1969-12-31"), -1);
  EXPECT_EQ(Day("2000-03-01"), 11017);
  EXPECT_EQ(Day("2026-11-30"), 20787);
  EXPECT_EQ(Day("2100-03-01") - Day("2100-02-28"), 1);  // 2100 is not a leap year
  EXPECT_EQ(Day("2000-03-01") - Day("2000-02-28"), 2);  // 2000 is
  EXPECT_EQ(Day("2024-03-01") - Day("2024-02-28"), 2);
  EXPECT_EQ(Day("2101-01-01") - Day("2100-01-01"), 365);
  EXPECT_EQ(Day("2001-01-01") - Day("2000-01-01"), 366);
  EXPECT_EQ(IsoFromDay(0), "1970-01-01");
  EXPECT_EQ(IsoFromDay(-1), "1969-12-31");
  EXPECT_EQ(IsoFromDay(20787), "2026-11-30");
  EXPECT_EQ(IsoFromDay(Day("2100-02-28") + 1), "2100-03-01");
  EXPECT_EQ(IsoFromDay(Day("2024-02-28") + 1), "2024-02-29");
}

TEST(TxDates, InvalidDatesAreRejected) {
  for (const char* bad :
       {"2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00",
        "2026-1-01", "2026/01/01", "20260101", "", "2026-01-01x", "2026-01-0a", "abcd-01-01"}) {
    EXPECT_FALSE(DayFromIso(bad).has_value()) << bad;
  }
  EXPECT_TRUE(DayFromIso("2000-02-29").has_value());
  EXPECT_TRUE(DayFromIso("2024-02-29").has_value());
}

TEST(TxDates, RoundTripEveryDayOfFourCenturies) {
  int32_t expected = Day("1900-01-01");
  for (int32_t year = 1900; year < 2300; ++year) {
    for (int32_t month = 1; month <= 12; ++month) {
      for (int32_t d = 1; d <= DaysInMonth(year, month); ++d) {
        const CivilDate c = CivilFromDay(expected);
        ASSERT_EQ(c.year, year);
        ASSERT_EQ(c.month, month);
        ASSERT_EQ(c.day, d);
        ASSERT_EQ(DayFromCivil(c), expected);
        ++expected;
      }
    }
  }
}

TEST(TxDates, UnixSecondsInShanghai) {
  // 2026-11-30T16:00:00Z is 2026-12-01 00:00 in Shanghai; one second earlier is still the 30th.
  const int64_t t = int64_t{Day("2026-11-30")} * 86400 + 16 * 3600;
  EXPECT_EQ(IsoFromDay(DayOfUnixSeconds(t)), "2026-12-01");
  EXPECT_EQ(IsoFromDay(DayOfUnixSeconds(t - 1)), "2026-11-30");
  EXPECT_EQ(IsoFromDay(DayOfUnixSeconds(t, 0)), "2026-11-30");
  EXPECT_EQ(DayOfUnixSeconds(-1, 0), -1);  // floor, not truncation
  EXPECT_EQ(DayOfUnixSeconds(0, 0), 0);
}

TEST(TxTimeUnits, NamesAndLengths) {
  EXPECT_EQ(ParseTimeUnit("day"), TimeUnit::kDay);
  EXPECT_EQ(ParseTimeUnit("week"), TimeUnit::kWeek);
  EXPECT_FALSE(ParseTimeUnit("month").has_value());
  EXPECT_STREQ(TimeUnitName(TimeUnit::kWeek), "week");
  EXPECT_STREQ(TimeUnitName(TimeUnit::kDay), "day");
  EXPECT_EQ(DaysPerUnit(TimeUnit::kWeek), 7.0);
  EXPECT_EQ(DaysPerUnit(TimeUnit::kDay), 1.0);
}

TEST(TxSummarize, HandExample) {
  const Transactions tx = Make(4, {{0, "2026-11-01", 1000},
                                   {1, "2026-11-20", 333},
                                   {0, "2026-11-01", 500},
                                   {0, "2026-11-10", 1},
                                   {1, "2026-11-20", 334},
                                   {2, "2026-12-05", 999},  // after as_of: ignored
                                   {1, "2026-11-25", 0}});
  const CustomerSummary s = Summarize(tx, Day("2026-11-30"));
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.first_day[0], Day("2026-11-01"));
  EXPECT_EQ(s.last_day[0], Day("2026-11-10"));
  EXPECT_EQ(s.purchases[0], 3);
  EXPECT_EQ(s.purchase_days[0], 2);
  EXPECT_EQ(s.total_fen[0], 1501);
  EXPECT_EQ(s.average_fen[0], 500);  // 500.33
  EXPECT_EQ(s.recency_days[0], 20);
  EXPECT_EQ(s.purchases[1], 3);
  EXPECT_EQ(s.purchase_days[1], 2);
  EXPECT_EQ(s.total_fen[1], 667);
  EXPECT_EQ(s.average_fen[1], 222);  // 222.33
  EXPECT_EQ(s.recency_days[1], 5);
  for (size_t c : {2u, 3u}) {
    EXPECT_EQ(s.purchases[c], 0);
    EXPECT_EQ(s.purchase_days[c], 0);
    EXPECT_EQ(s.first_day[c], -1);
    EXPECT_EQ(s.last_day[c], -1);
    EXPECT_EQ(s.recency_days[c], -1);
    EXPECT_EQ(s.total_fen[c], 0);
    EXPECT_EQ(s.average_fen[c], 0);
  }
}

TEST(TxSummarize, AverageRoundsHalfUp) {
  const Transactions tx = Make(1, {{0, "2026-01-01", 1}, {0, "2026-01-02", 2}});
  EXPECT_EQ(Summarize(tx, Day("2026-01-02")).average_fen[0], 2);  // 1.5 → 2
}

enum class RowOrder { kRandom, kByDay, kByDayMostly };

// Distinct days are counted on the fly for customers whose rows come in day order and by
// sorting for the others; rows are split between threads when there are enough of them.
// Each ordering must give the reference figures.
void CheckSummaryAgainstReference(RowOrder order) {
  std::mt19937 rng(7);
  const size_t customers = 20'000, rows = 400'000;
  struct R {
    uint32_t c;
    int32_t d;
    int64_t fen;
  };
  std::vector<R> all(rows);
  for (R& r : all) {
    r.c = rng() % (customers - 100);  // the last 100 never buy
    r.d = static_cast<int32_t>(rng() % 1100);
    r.fen = rng() % 10'000;
  }
  if (order != RowOrder::kRandom) {
    std::stable_sort(all.begin(), all.end(), [](const R& a, const R& b) { return a.d < b.d; });
  }
  if (order == RowOrder::kByDayMostly) {
    for (int k = 0; k < 2000; ++k) std::swap(all[rng() % rows], all[rng() % rows]);
  }
  Transactions tx;
  tx.customer_keys.resize(customers);
  std::vector<std::vector<std::pair<int32_t, int64_t>>> ref(customers);
  const int32_t as_of = 1000;
  for (const R& r : all) {
    tx.customer.push_back(r.c);
    tx.day.push_back(r.d);
    tx.amount_fen.push_back(r.fen);
    if (r.d <= as_of) ref[r.c].push_back({r.d, r.fen});
  }
  const CustomerSummary s = Summarize(tx, as_of);
  ASSERT_EQ(s.size(), customers);
  for (size_t c = 0; c < customers; ++c) {
    const auto& v = ref[c];
    ASSERT_EQ(s.purchases[c], static_cast<int32_t>(v.size()));
    if (v.empty()) {
      ASSERT_EQ(s.first_day[c], -1);
      ASSERT_EQ(s.purchase_days[c], 0);
      continue;
    }
    std::vector<int32_t> days;
    int64_t total = 0;
    for (const auto& [d, f] : v) {
      days.push_back(d);
      total += f;
    }
    std::sort(days.begin(), days.end());
    ASSERT_EQ(s.first_day[c], days.front());
    ASSERT_EQ(s.last_day[c], days.back());
    ASSERT_EQ(s.total_fen[c], total);
    ASSERT_EQ(s.recency_days[c], as_of - days.back());
    ASSERT_EQ(s.purchase_days[c], std::unique(days.begin(), days.end()) - days.begin()) << c;
  }
}

TEST(TxSummarize, MatchesReferenceOnRowsInRandomOrder) {
  CheckSummaryAgainstReference(RowOrder::kRandom);
}
TEST(TxSummarize, MatchesReferenceOnRowsInDayOrder) {
  CheckSummaryAgainstReference(RowOrder::kByDay);
}
TEST(TxSummarize, MatchesReferenceOnRowsMostlyInDayOrder) {
  CheckSummaryAgainstReference(RowOrder::kByDayMostly);
}

TEST(TxSummarize, SameDayAcrossTheThreadSplit) {
  // 400,000 rows split in two halves: customer 0 buys on day 5 at the end of the first
  // half and again on day 5 and day 6 at the start of the second.
  Transactions tx;
  tx.customer_keys = {"a", "b"};
  for (size_t i = 0; i < 400'000; ++i) {
    tx.customer.push_back(1);
    tx.day.push_back(1);
    tx.amount_fen.push_back(1);
  }
  tx.customer[199'999] = 0;
  tx.day[199'999] = 5;
  tx.customer[200'000] = 0;
  tx.day[200'000] = 5;
  tx.customer[200'001] = 0;
  tx.day[200'001] = 6;
  const CustomerSummary s = Summarize(tx, 10);
  EXPECT_EQ(s.purchases[0], 3);
  EXPECT_EQ(s.purchase_days[0], 2);
  EXPECT_EQ(s.purchase_days[1], 1);
  EXPECT_EQ(s.first_day[0], 5);
  EXPECT_EQ(s.last_day[0], 6);
}

TEST(TxBtyd, HandExampleInWeeks) {
  // Customer 0: first 01-01 (two orders, merged), repeats on 01-15 (100 + 50 yuan merged)
  // and 01-29 (30 yuan); holdout purchases on 02-10 (two, merged) and 02-20; one after the
  // holdout (ignored). Customer 1: a single purchase. Customer 2: first after the
  // calibration end → excluded. Customer 3: no purchase → neither.
  const Transactions tx = Make(4, {{0, "2026-01-01", 100},
                                   {0, "2026-01-01", 5000},
                                   {0, "2026-01-15", 10000},
                                   {0, "2026-01-15", 5000},
                                   {0, "2026-01-29", 3000},
                                   {0, "2026-02-10", 1},
                                   {0, "2026-02-10", 1},
                                   {0, "2026-02-20", 1},
                                   {0, "2026-03-20", 1},
                                   {1, "2026-01-22", 700},
                                   {2, "2026-02-01", 100}});
  BtydOptions o;
  o.calibration_end_day = Day("2026-01-31");
  o.holdout_end_day = Day("2026-02-28");
  o.unit = TimeUnit::kWeek;
  const BtydData d = BtydStatistics(tx, o);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.excluded, 1u);
  EXPECT_EQ(d.unit, TimeUnit::kWeek);
  EXPECT_EQ(d.calibration_end_day, Day("2026-01-31"));
  EXPECT_EQ(d.customer[0], 0u);
  EXPECT_EQ(d.x[0], 2.0);
  EXPECT_DOUBLE_EQ(d.t_x[0], 28.0 / 7.0);
  EXPECT_DOUBLE_EQ(d.T[0], 30.0 / 7.0);
  EXPECT_DOUBLE_EQ(d.m_x[0], (150.0 + 30.0) / 2.0);  // the first day's 51 yuan left out
  EXPECT_EQ(d.holdout_x[0], 2.0);
  EXPECT_EQ(d.customer[1], 1u);
  EXPECT_EQ(d.x[1], 0.0);
  EXPECT_EQ(d.t_x[1], 0.0);
  EXPECT_DOUBLE_EQ(d.T[1], 9.0 / 7.0);
  EXPECT_EQ(d.m_x[1], 0.0);
  EXPECT_EQ(d.holdout_x[1], 0.0);
  EXPECT_DOUBLE_EQ(d.holdout_length, 28.0 / 7.0);
}

TEST(TxBtyd, DaysWithoutHoldout) {
  const Transactions tx = Make(1, {{0, "2026-01-01", 100}, {0, "2026-01-04", 250}});
  BtydOptions o;
  o.calibration_end_day = Day("2026-01-11");
  o.unit = TimeUnit::kDay;
  const BtydData d = BtydStatistics(tx, o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.x[0], 1.0);
  EXPECT_EQ(d.t_x[0], 3.0);
  EXPECT_EQ(d.T[0], 10.0);
  EXPECT_DOUBLE_EQ(d.m_x[0], 2.5);
  EXPECT_TRUE(d.holdout_x.empty());
  EXPECT_EQ(d.holdout_length, 0.0);
  EXPECT_EQ(d.excluded, 0u);
}

// The BTYD figures are counted on the fly for customers whose rows come in day order and
// from grouped rows for the others; both, and the split between threads, must agree
// with a plain per-customer reference.
void CheckBtydAgainstReference(RowOrder order) {
  std::mt19937 rng(11);
  const size_t customers = 30'000, rows = 400'000;
  struct R {
    uint32_t c;
    int32_t d;
    int64_t fen;
  };
  std::vector<R> all(rows);
  for (R& r : all) {
    r.c = rng() % customers;
    r.d = static_cast<int32_t>(rng() % 400);
    r.fen = rng() % 5'000;
  }
  if (order != RowOrder::kRandom) {
    std::stable_sort(all.begin(), all.end(), [](const R& a, const R& b) { return a.d < b.d; });
  }
  if (order == RowOrder::kByDayMostly) {
    for (int k = 0; k < 3000; ++k) std::swap(all[rng() % rows], all[rng() % rows]);
  }
  Transactions tx;
  tx.customer_keys.resize(customers);
  for (const R& r : all) {
    tx.customer.push_back(r.c);
    tx.day.push_back(r.d);
    tx.amount_fen.push_back(r.fen);
  }
  BtydOptions o;
  o.calibration_end_day = 250;
  o.holdout_end_day = 350;
  o.unit = TimeUnit::kWeek;
  const BtydData d = BtydStatistics(tx, o);

  // The reference: rows up to the holdout end sorted by customer and day.
  std::vector<R> sorted;
  for (const R& r : all) {
    if (r.d <= 350) sorted.push_back(r);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const R& a, const R& b) { return a.c != b.c ? a.c < b.c : a.d < b.d; });
  size_t row = 0, excluded = 0;
  for (size_t b = 0; b < sorted.size();) {
    size_t e = b;
    while (e < sorted.size() && sorted[e].c == sorted[b].c) ++e;
    const uint32_t c = sorted[b].c;
    const int32_t first = sorted[b].d;
    if (first > 250) {
      ++excluded;
      b = e;
      continue;
    }
    double x = 0, repeat_fen = 0, holdout = 0;
    int32_t last_cal = first;
    for (size_t i = b; i < e; ++i) {
      const int32_t day = sorted[i].d;
      if (day == first) continue;
      if (day <= 250) {
        repeat_fen += static_cast<double>(sorted[i].fen);
        if (sorted[i - 1].d == day) continue;  // the same day again
        ++x;
        last_cal = day;
      } else if (sorted[i - 1].d != day) {
        ++holdout;
      }
    }
    ASSERT_LT(row, d.size());
    ASSERT_EQ(d.customer[row], c);
    ASSERT_EQ(d.x[row], x) << c;
    ASSERT_DOUBLE_EQ(d.t_x[row], (last_cal - first) / 7.0) << c;
    ASSERT_DOUBLE_EQ(d.T[row], (250 - first) / 7.0) << c;
    ASSERT_NEAR(d.m_x[row], x == 0 ? 0.0 : repeat_fen / 100.0 / x, 1e-9) << c;
    ASSERT_EQ(d.holdout_x[row], holdout) << c;
    ++row;
    b = e;
  }
  EXPECT_EQ(row, d.size());
  EXPECT_EQ(excluded, d.excluded);
}

TEST(TxBtyd, MatchesReferenceOnRowsInRandomOrder) { CheckBtydAgainstReference(RowOrder::kRandom); }
TEST(TxBtyd, MatchesReferenceOnRowsInDayOrder) { CheckBtydAgainstReference(RowOrder::kByDay); }
TEST(TxBtyd, MatchesReferenceOnRowsMostlyInDayOrder) {
  CheckBtydAgainstReference(RowOrder::kByDayMostly);
}

TEST(TxBtyd, FirstDaySplitAcrossThreadsAndOutOfOrderRows) {
  // 400,000 filler rows of customer 2 split in two halves. Customer 0's first day (day 3)
  // straddles the split; customer 1's rows go back in time.
  Transactions tx;
  tx.customer_keys = {"a", "b", "c"};
  for (size_t i = 0; i < 400'000; ++i) {
    tx.customer.push_back(2);
    tx.day.push_back(1);
    tx.amount_fen.push_back(1);
  }
  const auto put = [&tx](size_t i, uint32_t c, int32_t day, int64_t fen) {
    tx.customer[i] = c;
    tx.day[i] = day;
    tx.amount_fen[i] = fen;
  };
  put(199'998, 0, 3, 100);
  put(199'999, 0, 3, 200);
  put(200'000, 0, 3, 400);
  put(200'001, 0, 10, 1000);
  put(200'002, 0, 30, 7);  // holdout
  put(10, 1, 9, 500);
  put(20, 1, 2, 100);
  put(300'000, 1, 9, 300);
  BtydOptions o;
  o.calibration_end_day = 20;
  o.holdout_end_day = 40;
  o.unit = TimeUnit::kDay;
  const BtydData d = BtydStatistics(tx, o);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.x[0], 1.0);
  EXPECT_EQ(d.t_x[0], 7.0);
  EXPECT_EQ(d.T[0], 17.0);
  EXPECT_DOUBLE_EQ(d.m_x[0], 10.0);
  EXPECT_EQ(d.holdout_x[0], 1.0);
  EXPECT_EQ(d.x[1], 1.0);  // day 2, then day 9 (two orders merged)
  EXPECT_EQ(d.t_x[1], 7.0);
  EXPECT_EQ(d.T[1], 18.0);
  EXPECT_DOUBLE_EQ(d.m_x[1], 8.0);
  EXPECT_EQ(d.holdout_x[1], 0.0);
  EXPECT_EQ(d.x[2], 0.0);
  EXPECT_EQ(d.T[2], 19.0);
}

}  // namespace
}  // namespace guanxi::analytics
