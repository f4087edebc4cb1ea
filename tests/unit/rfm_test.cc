#include "analytics/rfm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace guanxi::analytics {
namespace {

// The quintile rule of rfm.h written the obvious way: count the strictly worse ones.
std::vector<uint8_t> ReferenceScores(const std::vector<double>& v, bool higher_is_better,
                                     const std::vector<bool>& include) {
  size_t n = 0;
  for (size_t i = 0; i < v.size(); ++i) n += include[i] ? 1 : 0;
  std::vector<uint8_t> out(v.size(), 0);
  for (size_t i = 0; i < v.size(); ++i) {
    if (!include[i]) continue;
    size_t worse = 0;
    for (size_t j = 0; j < v.size(); ++j) {
      if (!include[j]) continue;
      if (higher_is_better ? v[j] < v[i] : v[j] > v[i]) ++worse;
    }
    out[i] = static_cast<uint8_t>(1 + 5 * worse / n);
  }
  return out;
}

CustomerSummary SummaryOf(const std::vector<int32_t>& recency,
                          const std::vector<int32_t>& purchases,
                          const std::vector<int64_t>& total) {
  CustomerSummary s;
  s.as_of_day = 1000;
  s.recency_days = recency;
  s.purchases = purchases;
  s.total_fen = total;
  for (size_t i = 0; i < recency.size(); ++i) {
    const bool bought = purchases[i] > 0;
    s.last_day.push_back(bought ? 1000 - recency[i] : -1);
    s.first_day.push_back(bought ? 1000 - recency[i] : -1);
    s.purchase_days.push_back(bought ? 1 : 0);
    s.average_fen.push_back(bought ? total[i] / purchases[i] : 0);
  }
  return s;
}

TEST(RfmQuintiles, HandExamples) {
  // Ten distinct values: two per score.
  EXPECT_EQ(QuintileScores({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, true),
            (std::vector<uint8_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
  EXPECT_EQ(QuintileScores({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, false),
            (std::vector<uint8_t>{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}));
  // Ties share the score of their lowest member: L = 0,0,0,3,4,5 of n = 6.
  EXPECT_EQ(QuintileScores({7, 7, 7, 8, 9, 10}, true), (std::vector<uint8_t>{1, 1, 1, 3, 4, 5}));
  // All equal: nobody is strictly worse.
  EXPECT_EQ(QuintileScores({3, 3, 3, 3}, true), (std::vector<uint8_t>{1, 1, 1, 1}));
  // Excluded entries get 0 and do not count in n: n = 3, L = 0, 1, 2 → 1, 2, 4.
  EXPECT_EQ(QuintileScores({5, 100, 6, -1, 7}, true, {true, false, true, false, true}),
            (std::vector<uint8_t>{1, 0, 2, 0, 4}));
  // One entry alone is scored 1 (nobody worse); NaN is not scored.
  EXPECT_EQ(QuintileScores({42}, true), (std::vector<uint8_t>{1}));
  EXPECT_EQ(QuintileScores({1, std::nan(""), 2}, true), (std::vector<uint8_t>{1, 0, 3}));
  EXPECT_TRUE(QuintileScores({}, true).empty());
}

TEST(RfmQuintiles, MatchReferenceOnRandomDataWithTies) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 20; ++round) {
    const size_t n = 1 + rng() % 700;
    const int distinct = 1 + static_cast<int>(rng() % 40);  // few distinct values: many ties
    std::vector<double> v(n);
    std::vector<bool> include(n);
    for (size_t i = 0; i < n; ++i) {
      v[i] = static_cast<double>(static_cast<int>(rng() % distinct) - 5) * 0.5;
      include[i] = rng() % 10 != 0;
    }
    for (bool higher : {true, false}) {
      EXPECT_EQ(QuintileScores(v, higher, include), ReferenceScores(v, higher, include))
          << "round " << round << " higher " << higher;
    }
  }
}

// ScoreRfm takes faster paths for integer columns (a histogram for small ranges, a sort for
// wide ones); both must agree with the reference.
TEST(RfmScore, MatchesReferenceOnRandomSummaries) {
  std::mt19937 rng(99);
  for (int64_t money_range : {int64_t{50}, int64_t{1'000'000'000}}) {
    const size_t n = 1500;
    std::vector<int32_t> recency(n), purchases(n);
    std::vector<int64_t> total(n);
    std::vector<bool> bought(n);
    for (size_t i = 0; i < n; ++i) {
      bought[i] = rng() % 8 != 0;
      purchases[i] = bought[i] ? 1 + static_cast<int32_t>(rng() % 6) : 0;
      recency[i] = bought[i] ? static_cast<int32_t>(rng() % 60) : -1;
      total[i] = bought[i] ? static_cast<int64_t>(rng() % money_range) : 0;
    }
    const RfmResult r = ScoreRfm(SummaryOf(recency, purchases, total));
    std::vector<double> rd(recency.begin(), recency.end()), fd(purchases.begin(), purchases.end()),
        md(total.begin(), total.end());
    EXPECT_EQ(r.r, ReferenceScores(rd, false, bought));
    EXPECT_EQ(r.f, ReferenceScores(fd, true, bought));
    EXPECT_EQ(r.m, ReferenceScores(md, true, bought));

    size_t scored = 0;
    double sr = 0, sf = 0, sm = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!bought[i]) continue;
      ++scored;
      sr += r.r[i];
      sf += r.f[i];
      sm += r.m[i];
    }
    ASSERT_EQ(r.scored, scored);
    EXPECT_DOUBLE_EQ(r.mean_r, sr / scored);
    EXPECT_DOUBLE_EQ(r.mean_f, sf / scored);
    EXPECT_DOUBLE_EQ(r.mean_m, sm / scored);
    std::vector<size_t> cells(125, 0), classes(8, 0);
    for (size_t i = 0; i < n; ++i) {
      if (!bought[i]) {
        EXPECT_FALSE(r.rfm_class[i].has_value());
        continue;
      }
      ++cells[(r.r[i] - 1) * 25 + (r.f[i] - 1) * 5 + (r.m[i] - 1)];
      const RfmClass expected =
          RfmClassOf(r.r[i] > sr / scored, r.f[i] > sf / scored, r.m[i] > sm / scored);
      ASSERT_EQ(r.rfm_class[i], expected);
      ++classes[static_cast<size_t>(expected)];
    }
    EXPECT_EQ(r.cell_counts, cells);
    EXPECT_EQ(r.class_counts, classes);
  }
}

TEST(RfmScore, HandExample) {
  // Five buyers and one customer who never bought.
  //            recency  purchases  total
  //  c0           2         5       900   best R, best F, best M
  //  c1          40         1       100
  //  c2          10         2       500
  //  c3          10         1       700
  //  c4          90         3       100
  //  c5          -1         0         0   no purchase
  const RfmResult r = ScoreRfm(
      SummaryOf({2, 40, 10, 10, 90, -1}, {5, 1, 2, 1, 3, 0}, {900, 100, 500, 700, 100, 0}));
  // R: worse counts (larger recency) 4,1,2,2,0 → 5,2,3,3,1.
  EXPECT_EQ(r.r, (std::vector<uint8_t>{5, 2, 3, 3, 1, 0}));
  // F: smaller counts 4,0,2,0,3 → 5,1,3,1,4.
  EXPECT_EQ(r.f, (std::vector<uint8_t>{5, 1, 3, 1, 4, 0}));
  // M: smaller totals 4,0,2,3,0 → 5,1,3,4,1.
  EXPECT_EQ(r.m, (std::vector<uint8_t>{5, 1, 3, 4, 1, 0}));
  EXPECT_EQ(r.scored, 5u);
  EXPECT_DOUBLE_EQ(r.mean_r, 14.0 / 5);  // 2.8
  EXPECT_DOUBLE_EQ(r.mean_f, 14.0 / 5);
  EXPECT_DOUBLE_EQ(r.mean_m, 14.0 / 5);
  EXPECT_EQ(r.rfm_class[0], RfmClass::kImportantValue);        // 5 5 5
  EXPECT_EQ(r.rfm_class[1], RfmClass::kGeneralWinBack);        // 2 1 1
  EXPECT_EQ(r.rfm_class[2], RfmClass::kImportantValue);        // 3 3 3 (all > 2.8)
  EXPECT_EQ(r.rfm_class[3], RfmClass::kImportantDevelopment);  // 3 1 4
  EXPECT_EQ(r.rfm_class[4], RfmClass::kGeneralRetention);      // 1 4 1
  EXPECT_FALSE(r.rfm_class[5].has_value());
  EXPECT_EQ(r.cell_counts[(5 - 1) * 25 + (5 - 1) * 5 + (5 - 1)], 1u);
  EXPECT_EQ(r.cell_counts[(3 - 1) * 25 + (1 - 1) * 5 + (4 - 1)], 1u);
  EXPECT_EQ(r.class_counts, (std::vector<size_t>{2, 1, 0, 0, 0, 0, 1, 1}));
}

TEST(RfmScore, NobodyBought) {
  const RfmResult r = ScoreRfm(SummaryOf({-1, -1}, {0, 0}, {0, 0}));
  EXPECT_EQ(r.scored, 0u);
  EXPECT_EQ(r.r, (std::vector<uint8_t>{0, 0}));
  EXPECT_EQ(r.class_counts, std::vector<size_t>(8, 0));
  EXPECT_EQ(r.cell_counts, std::vector<size_t>(125, 0));
}

TEST(RfmClasses, MappingTable) {
  struct Case {
    bool r, f, m;
    RfmClass c;
    const char* key;
    const char* zh;
    const char* en;
  };
  const Case cases[] = {
      {true, true, true, RfmClass::kImportantValue, "important_value", "重要价值客户",
       "Important value"},
      {true, false, true, RfmClass::kImportantDevelopment, "important_development", "重要发展客户",
       "Important development"},
      {false, true, true, RfmClass::kImportantRetention, "important_retention", "重要保持客户",
       "Important retention"},
      {false, false, true, RfmClass::kImportantWinBack, "important_win_back", "重要挽留客户",
       "Important win-back"},
      {true, true, false, RfmClass::kGeneralValue, "general_value", "一般价值客户",
       "General value"},
      {true, false, false, RfmClass::kGeneralDevelopment, "general_development", "一般发展客户",
       "General development"},
      {false, true, false, RfmClass::kGeneralRetention, "general_retention", "一般保持客户",
       "General retention"},
      {false, false, false, RfmClass::kGeneralWinBack, "general_win_back", "一般挽留客户",
       "General win-back"},
  };
  std::set<std::string> keys;
  for (const Case& c : cases) {
    EXPECT_EQ(RfmClassOf(c.r, c.f, c.m), c.c) << c.key;
    EXPECT_STREQ(RfmClassKey(c.c), c.key);
    EXPECT_STREQ(RfmClassNameZh(c.c), c.zh);
    EXPECT_STREQ(RfmClassNameEn(c.c), c.en);
    EXPECT_EQ(ParseRfmClass(c.key), c.c);
    keys.insert(c.key);
  }
  EXPECT_EQ(keys.size(), 8u);
  EXPECT_FALSE(ParseRfmClass("Important value").has_value());
  EXPECT_FALSE(ParseRfmClass("").has_value());
}

}  // namespace
}  // namespace guanxi::analytics
