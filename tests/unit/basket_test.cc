#include "analytics/basket.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

namespace guanxi::analytics {
namespace {

Baskets Make(const std::vector<std::vector<uint32_t>>& lists, const std::vector<uint32_t>& customer,
             size_t items) {
  Baskets b;
  b.offsets.push_back(0);
  for (const auto& list : lists) {
    b.items.insert(b.items.end(), list.begin(), list.end());
    b.offsets.push_back(static_cast<uint32_t>(b.items.size()));
  }
  b.basket_customer = customer;
  for (size_t i = 0; i < items; ++i) b.item_keys.push_back("item" + std::to_string(i));
  uint32_t customers = 0;
  for (uint32_t c : customer) customers = std::max(customers, c + 1);
  for (uint32_t c = 0; c < customers; ++c) b.customer_keys.push_back("c" + std::to_string(c));
  return b;
}

// The classic five transactions (Tan, Steinbach & Kumar, ch. 6).
enum Item : uint32_t { kBread, kMilk, kDiapers, kBeer, kEggs, kCola };
Baskets Classic() {
  return Make({{kBread, kMilk},
               {kBread, kDiapers, kBeer, kEggs},
               {kMilk, kDiapers, kBeer, kCola},
               {kBread, kMilk, kDiapers, kBeer},
               {kBread, kMilk, kDiapers, kCola}},
              {0, 1, 2, 1, 3}, 6);  // customer 1 has baskets 2 and 4
}

const AssociationRule* Find(const BasketResult& r, const std::vector<uint32_t>& antecedent,
                            const std::vector<uint32_t>& consequent) {
  for (const AssociationRule& rule : r.rules) {
    if (rule.antecedent == antecedent && rule.consequent == consequent) return &rule;
  }
  return nullptr;
}

TEST(FpGrowth, MatchesBruteForceOnRandomBaskets) {
  constexpr uint32_t kItems = 14;
  constexpr size_t kBaskets = 1000;
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::vector<uint32_t>> lists;
  std::vector<uint32_t> masks;  // each basket as a bit set, for the brute force
  for (size_t b = 0; b < kBaskets; ++b) {
    std::vector<uint32_t> list;
    uint32_t mask = 0;
    for (uint32_t i = 0; i < kItems; ++i) {
      // Skewed popularity, and items 1, 2 and 3 mostly bought with item 0.
      double p = 0.5 / (1 + i * 0.3);
      if (i >= 1 && i <= 3 && (mask & 1) != 0) p = 0.7;
      if (u(rng) < p) {
        list.push_back(i);
        mask |= 1u << i;
      }
    }
    if (!list.empty() && u(rng) < 0.1) list.push_back(list.front());  // a repeated line
    std::shuffle(list.begin(), list.end(), rng);
    lists.push_back(list);
    masks.push_back(mask);
  }
  const Baskets baskets = Make(lists, std::vector<uint32_t>(kBaskets, 0), kItems);

  for (size_t max_size : {size_t{1}, size_t{2}, size_t{3}, size_t{5}}) {
    for (double min_support : {0.01, 0.05, 0.1}) {
      BasketOptions options;
      options.min_support = min_support;
      options.max_itemset_size = max_size;
      const BasketResult r = MineBaskets(baskets, options);
      EXPECT_EQ(r.baskets, kBaskets);

      // Brute force: every item subset up to max_size, counted against every basket.
      std::map<std::vector<uint32_t>, size_t> expected;
      size_t largest = 0;
      for (uint32_t set = 1; set < (1u << kItems); ++set) {
        std::vector<uint32_t> items;
        for (uint32_t i = 0; i < kItems; ++i) {
          if ((set >> i) & 1) items.push_back(i);
        }
        if (items.size() > max_size) continue;
        size_t count = 0;
        for (uint32_t m : masks) count += (m & set) == set ? 1 : 0;
        if (static_cast<double>(count) / kBaskets >= min_support) {
          expected[items] = count;
          largest = std::max(largest, items.size());
        }
      }
      std::map<std::vector<uint32_t>, size_t> got;
      for (const Itemset& s : r.itemsets) {
        EXPECT_TRUE(std::is_sorted(s.items.begin(), s.items.end()));
        EXPECT_DOUBLE_EQ(s.support, static_cast<double>(s.count) / kBaskets);
        EXPECT_TRUE(got.emplace(s.items, s.count).second) << "duplicate itemset";
      }
      EXPECT_EQ(got, expected) << "min_support " << min_support << " max_size " << max_size;
      // The data reach the size bound, so the bound itself is tested.
      if (min_support == 0.01) {
        EXPECT_EQ(largest, max_size);
      }
      for (size_t i = 1; i < r.itemsets.size(); ++i) {
        EXPECT_GE(r.itemsets[i - 1].count, r.itemsets[i].count);
      }
    }
  }
}

TEST(FpGrowth, ClassicExampleItemsetsAndRules) {
  BasketOptions options;
  options.min_support = 0.4;  // 2 of 5 baskets
  options.min_confidence = 0.6;
  options.min_lift = 1.0;
  const BasketResult r = MineBaskets(Classic(), options);
  EXPECT_EQ(r.baskets, 5u);
  // 5 items (not eggs), 8 pairs, 4 triples; no quadruple reaches 2.
  EXPECT_EQ(r.itemsets.size(), 17u);
  ASSERT_FALSE(r.itemsets.empty());
  EXPECT_EQ(r.itemsets[0].items, (std::vector<uint32_t>{kBread}));  // 4, ties by item
  EXPECT_EQ(r.itemsets[0].count, 4u);

  // {milk, diapers} → {beer}: σ = 2, support 2/5, confidence 2/3, lift (2/3)/(3/5) = 10/9.
  const AssociationRule* md_b = Find(r, {kMilk, kDiapers}, {kBeer});
  ASSERT_NE(md_b, nullptr);
  EXPECT_EQ(md_b->count, 2u);
  EXPECT_DOUBLE_EQ(md_b->support, 0.4);
  EXPECT_DOUBLE_EQ(md_b->confidence, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(md_b->lift, 10.0 / 9.0);
  // {diapers} → {beer}: confidence 3/4, lift 0.75/0.6 = 1.25; {beer} → {diapers}: 1, 1.25.
  const AssociationRule* d_b = Find(r, {kDiapers}, {kBeer});
  ASSERT_NE(d_b, nullptr);
  EXPECT_DOUBLE_EQ(d_b->support, 0.6);
  EXPECT_DOUBLE_EQ(d_b->confidence, 0.75);
  EXPECT_DOUBLE_EQ(d_b->lift, 1.25);
  const AssociationRule* b_d = Find(r, {kBeer}, {kDiapers});
  ASSERT_NE(b_d, nullptr);
  EXPECT_DOUBLE_EQ(b_d->confidence, 1.0);
  EXPECT_DOUBLE_EQ(b_d->lift, 1.25);
  // Dropped: {bread} → {milk} has lift (3/4)/(4/5) = 15/16 ≤ 1; {milk} → {cola} has
  // confidence 1/2 < 0.6.
  EXPECT_EQ(Find(r, {kBread}, {kMilk}), nullptr);
  EXPECT_EQ(Find(r, {kMilk}, {kCola}), nullptr);
  // Best lift 5/3: {cola} → {milk, diapers} (confidence 1) before
  // {milk, diapers} → {cola} (confidence 2/3).
  ASSERT_GE(r.rules.size(), 2u);
  EXPECT_EQ(r.rules[0].antecedent, (std::vector<uint32_t>{kCola}));
  EXPECT_EQ(r.rules[0].consequent, (std::vector<uint32_t>{kMilk, kDiapers}));
  EXPECT_DOUBLE_EQ(r.rules[0].lift, 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.rules[0].confidence, 1.0);
  EXPECT_EQ(r.rules[1].antecedent, (std::vector<uint32_t>{kMilk, kDiapers}));
  EXPECT_EQ(r.rules[1].consequent, (std::vector<uint32_t>{kCola}));
  EXPECT_DOUBLE_EQ(r.rules[1].confidence, 2.0 / 3.0);
  for (size_t i = 0; i < r.rules.size(); ++i) {
    EXPECT_GT(r.rules[i].lift, 1.0);
    EXPECT_GE(r.rules[i].confidence, 0.6);
    if (i > 0) {
      EXPECT_TRUE(r.rules[i - 1].lift > r.rules[i].lift ||
                  (r.rules[i - 1].lift == r.rules[i].lift &&
                   r.rules[i - 1].confidence >= r.rules[i].confidence));
    }
  }
  options.max_rules = 3;
  EXPECT_EQ(MineBaskets(Classic(), options).rules.size(), 3u);
  options.min_support = 0;
  EXPECT_THROW(MineBaskets(Classic(), options), std::invalid_argument);
}

TEST(Recommend, BestConfidencePerItemExcludingBoughtItems) {
  // Customer 0: baskets {0} and {2}; customer 1: {0, 1}; customer 2: {4, 0}.
  const Baskets baskets = Make({{0}, {0, 1}, {2}, {4, 0}}, {0, 1, 0, 2}, 5);
  BasketResult mined;
  mined.baskets = 4;
  mined.rules = {{{0}, {1}, 0.5, 0.9, 2.0, 2},
                 {{0, 2}, {3}, 0.25, 0.8, 3.0, 1},
                 {{2}, {1}, 0.25, 0.95, 1.5, 1},
                 {{4}, {0}, 0.25, 0.99, 1.2, 1}};
  const std::vector<Recommendation> all = Recommend(baskets, mined, 5);
  ASSERT_EQ(all.size(), 3u);
  // Customer 0: item 1 from rule 2 (0.95 beats rule 0's 0.9), then item 3 from rule 1.
  EXPECT_EQ(all[0].customer, 0u);
  EXPECT_EQ(all[0].item, 1u);
  EXPECT_DOUBLE_EQ(all[0].score, 0.95);
  EXPECT_DOUBLE_EQ(all[0].lift, 1.5);
  EXPECT_EQ(all[0].rule, 2u);
  EXPECT_EQ(all[1].customer, 0u);
  EXPECT_EQ(all[1].item, 3u);
  EXPECT_EQ(all[1].rule, 1u);
  // Customer 1 already has item 1; customer 2 already has item 0, so only rule 0 → 1.
  EXPECT_EQ(all[2].customer, 2u);
  EXPECT_EQ(all[2].item, 1u);
  EXPECT_EQ(all[2].rule, 0u);

  const std::vector<Recommendation> top1 = Recommend(baskets, mined, 1);
  ASSERT_EQ(top1.size(), 2u);
  EXPECT_EQ(top1[0].item, 1u);
  EXPECT_EQ(top1[1].customer, 2u);
}

TEST(Recommend, MinedRulesNeverRecommendWhatWasBought) {
  BasketOptions options;
  options.min_support = 0.4;
  options.min_confidence = 0.5;
  options.min_lift = 0.5;
  const Baskets baskets = Classic();
  const BasketResult r = MineBaskets(baskets, options);
  const std::vector<Recommendation> recs = Recommend(baskets, r, 2);
  ASSERT_FALSE(recs.empty());
  std::map<uint32_t, size_t> per_customer;
  for (const Recommendation& rec : recs) {
    ++per_customer[rec.customer];
    for (size_t b = 0; b < baskets.size(); ++b) {
      if (baskets.basket_customer[b] != rec.customer) continue;
      for (uint32_t i = baskets.offsets[b]; i < baskets.offsets[b + 1]; ++i) {
        EXPECT_NE(baskets.items[i], rec.item) << "customer " << rec.customer;
      }
    }
    ASSERT_LT(rec.rule, r.rules.size());
    EXPECT_DOUBLE_EQ(rec.score, r.rules[rec.rule].confidence);
  }
  for (const auto& [customer, n] : per_customer) EXPECT_LE(n, 2u);
  // Customer 0 bought bread and milk only: {bread, milk} → {diapers} has confidence
  // 2/3 at lift 10/12, {milk} → {diapers} and {bread} → {diapers} 3/4 at 15/16.
  bool found = false;
  for (const Recommendation& rec : recs) {
    if (rec.customer == 0 && rec.item == kDiapers) {
      found = true;
      EXPECT_DOUBLE_EQ(rec.score, 0.75);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace guanxi::analytics
