// Basket analysis (关联分析): frequent itemsets by FP-growth, association rules
// (support, confidence, lift) and per-customer recommendations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace guanxi::analytics {

// One basket per order: the distinct items (dense item index) bought together.
// `basket_customer[b]` is the dense customer index of basket b.
struct Baskets {
  std::vector<uint32_t> offsets;           // baskets + 1 entries into items
  std::vector<uint32_t> items;
  std::vector<uint32_t> basket_customer;
  std::vector<std::string> item_keys;      // item index → product code / id
  std::vector<std::string> customer_keys;
  size_t size() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

struct BasketOptions {
  double min_support = 0.01;     // share of baskets
  double min_confidence = 0.2;
  double min_lift = 1.0;         // rules with lift ≤ this are dropped
  size_t max_itemset_size = 4;
  size_t max_rules = 1000;       // best by lift, then confidence
};
struct Itemset {
  std::vector<uint32_t> items;   // ascending
  size_t count = 0;
  double support = 0;
};
struct AssociationRule {
  std::vector<uint32_t> antecedent;  // ascending
  std::vector<uint32_t> consequent;  // ascending
  double support = 0, confidence = 0, lift = 0;
  size_t count = 0;
};
struct BasketResult {
  size_t baskets = 0;
  std::vector<Itemset> itemsets;     // support descending, then items
  std::vector<AssociationRule> rules;  // lift descending, then confidence, then items
};
BasketResult MineBaskets(const Baskets& baskets, const BasketOptions& options);

// Items a customer has not bought yet, from rules whose antecedent they have bought:
// score = the best confidence among those rules; top `per_customer` per customer.
struct Recommendation {
  uint32_t customer = 0;
  uint32_t item = 0;
  double score = 0;    // confidence of the best rule
  double lift = 0;     // of that rule
  size_t rule = 0;     // index into rules
};
std::vector<Recommendation> Recommend(const Baskets& baskets, const BasketResult& mined,
                                      size_t per_customer);

}  // namespace guanxi::analytics
