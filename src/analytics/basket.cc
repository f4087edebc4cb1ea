#include "analytics/basket.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace guanxi::analytics {
namespace {

// Weighted item paths in one flat store; each path holds item ranks ascending
// (rank 0 = the most frequent item), the order an FP-tree is built in.
struct Paths {
  std::vector<uint32_t> offsets{0};
  std::vector<uint32_t> ranks;
  std::vector<size_t> counts;
  size_t size() const { return counts.size(); }
  void Add(const uint32_t* first, const uint32_t* last, size_t count) {
    ranks.insert(ranks.end(), first, last);
    offsets.push_back(static_cast<uint32_t>(ranks.size()));
    counts.push_back(count);
  }
};

// An FP-tree (Han, Pei & Yin 2000): a trie of the paths with a count per node, and
// per item the list of its nodes (the header table).
struct FpTree {
  struct Node {
    uint32_t rank;
    uint32_t parent;
    size_t count;
  };
  std::vector<Node> nodes;                    // nodes[0] is the root
  std::vector<uint32_t> header_ranks;         // items present, ascending rank
  std::vector<std::vector<uint32_t>> header;  // parallel: the nodes of each item
};

// Builds the trie by inserting the paths in lexicographic order: a path then shares
// nodes only with the path before it, so no child lookup is needed.
FpTree BuildTree(const Paths& paths) {
  uint32_t rank_count = 0;
  for (uint32_t r : paths.ranks) rank_count = std::max(rank_count, r + 1);
  std::vector<uint32_t> order(paths.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto begin = [&](uint32_t p) { return paths.ranks.begin() + paths.offsets[p]; };
  const auto end = [&](uint32_t p) { return paths.ranks.begin() + paths.offsets[p + 1]; };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::lexicographical_compare(begin(a), end(a), begin(b), end(b));
  });

  FpTree tree;
  tree.nodes.push_back({0, 0, 0});
  std::vector<std::vector<uint32_t>> by_rank(rank_count);
  std::vector<uint32_t> current;  // node of each depth on the previous path
  uint32_t previous = 0;
  bool first = true;
  for (uint32_t p : order) {
    const size_t length = paths.offsets[p + 1] - paths.offsets[p];
    size_t shared = 0;
    if (!first) {
      const size_t previous_length = paths.offsets[previous + 1] - paths.offsets[previous];
      while (shared < length && shared < previous_length &&
             begin(p)[shared] == begin(previous)[shared]) {
        ++shared;
      }
    }
    current.resize(shared);
    for (size_t d = 0; d < length; ++d) {
      if (d >= shared) {
        const uint32_t rank = begin(p)[d];
        const uint32_t parent = d == 0 ? 0 : current[d - 1];
        tree.nodes.push_back({rank, parent, 0});
        const uint32_t node = static_cast<uint32_t>(tree.nodes.size() - 1);
        by_rank[rank].push_back(node);
        current.push_back(node);
      }
      tree.nodes[current[d]].count += paths.counts[p];
    }
    previous = p;
    first = false;
  }
  for (uint32_t r = 0; r < rank_count; ++r) {
    if (by_rank[r].empty()) continue;
    tree.header_ranks.push_back(r);
    tree.header.push_back(std::move(by_rank[r]));
  }
  return tree;
}

struct Miner {
  size_t min_count;
  size_t max_size;
  std::vector<size_t> scratch;                                  // per rank, zero between uses
  std::vector<std::pair<std::vector<uint32_t>, size_t>> found;  // ranks, count

  // Records suffix ∪ {item} for every item of the tree, then mines its conditional tree.
  void Mine(const FpTree& tree, std::vector<uint32_t>& suffix) {
    for (size_t h = 0; h < tree.header.size(); ++h) {
      size_t count = 0;
      for (uint32_t node : tree.header[h]) count += tree.nodes[node].count;
      suffix.push_back(tree.header_ranks[h]);
      found.emplace_back(suffix, count);
      if (suffix.size() < max_size) {
        const Paths base = ConditionalBase(tree, tree.header[h]);
        if (base.size() > 0) {
          const FpTree conditional = BuildTree(base);
          Mine(conditional, suffix);
        }
      }
      suffix.pop_back();
    }
  }

  // The prefix paths of an item's nodes, keeping only items frequent among them.
  Paths ConditionalBase(const FpTree& tree, const std::vector<uint32_t>& item_nodes) {
    std::vector<uint32_t> touched;
    for (uint32_t node : item_nodes) {
      const size_t c = tree.nodes[node].count;
      for (uint32_t up = tree.nodes[node].parent; up != 0; up = tree.nodes[up].parent) {
        const uint32_t r = tree.nodes[up].rank;
        if (scratch[r] == 0) touched.push_back(r);
        scratch[r] += c;
      }
    }
    Paths base;
    std::vector<uint32_t> path;
    for (uint32_t node : item_nodes) {
      path.clear();
      for (uint32_t up = tree.nodes[node].parent; up != 0; up = tree.nodes[up].parent) {
        const uint32_t r = tree.nodes[up].rank;
        if (scratch[r] >= min_count) path.push_back(r);
      }
      if (path.empty()) continue;
      std::reverse(path.begin(), path.end());
      base.Add(path.data(), path.data() + path.size(), tree.nodes[node].count);
    }
    for (uint32_t r : touched) scratch[r] = 0;
    return base;
  }
};

void CheckBaskets(const Baskets& b) {
  const size_t n = b.size();
  if (!b.offsets.empty() && (b.offsets.front() != 0 || b.offsets.back() != b.items.size())) {
    throw std::invalid_argument("baskets: offsets do not span the items");
  }
  for (size_t i = 0; i < n; ++i) {
    if (b.offsets[i] > b.offsets[i + 1]) throw std::invalid_argument("baskets: offsets decrease");
  }
  if (b.basket_customer.size() != n) {
    throw std::invalid_argument("baskets: one customer per basket is needed");
  }
}

size_t ItemCount(const Baskets& b) {
  size_t n = b.item_keys.size();
  for (uint32_t item : b.items) n = std::max<size_t>(n, size_t{item} + 1);
  return n;
}

struct VectorHash {
  size_t operator()(const std::vector<uint32_t>& v) const {
    size_t h = v.size();
    for (uint32_t x : v) h = h * 1000003u ^ x;
    return h;
  }
};

bool ItemsLess(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

std::vector<AssociationRule> DeriveRules(const std::vector<Itemset>& itemsets, size_t baskets,
                                         const BasketOptions& options) {
  std::unordered_map<std::vector<uint32_t>, size_t, VectorHash> count_of;
  for (const Itemset& s : itemsets) count_of.emplace(s.items, s.count);
  std::vector<AssociationRule> rules;
  std::vector<uint32_t> antecedent, consequent;
  for (const Itemset& s : itemsets) {
    const size_t size = s.items.size();
    if (size < 2) continue;
    // Every non-empty proper subset as antecedent (bit i set: item i is in it).
    for (uint64_t mask = 1; mask + 1 < (uint64_t{1} << size); ++mask) {
      antecedent.clear();
      consequent.clear();
      for (size_t i = 0; i < size; ++i)
        (((mask >> i) & 1) != 0 ? antecedent : consequent).push_back(s.items[i]);
      // Subsets of a frequent itemset are frequent, so both counts are known.
      const size_t ca = count_of.at(antecedent);
      const size_t cc = count_of.at(consequent);
      const double confidence = static_cast<double>(s.count) / static_cast<double>(ca);
      // lift = confidence / support(consequent), written as one division of exact
      // integers so an independent pair gives exactly 1.
      const double lift = static_cast<double>(s.count) * static_cast<double>(baskets) /
                          (static_cast<double>(ca) * static_cast<double>(cc));
      if (confidence < options.min_confidence || lift <= options.min_lift) continue;
      rules.push_back({antecedent, consequent, s.support, confidence, lift, s.count});
    }
  }
  std::sort(rules.begin(), rules.end(), [](const AssociationRule& a, const AssociationRule& b) {
    if (a.lift != b.lift) return a.lift > b.lift;
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.antecedent != b.antecedent) return ItemsLess(a.antecedent, b.antecedent);
    return ItemsLess(a.consequent, b.consequent);
  });
  if (rules.size() > options.max_rules) rules.resize(options.max_rules);
  return rules;
}

}  // namespace

BasketResult MineBaskets(const Baskets& baskets, const BasketOptions& options) {
  CheckBaskets(baskets);
  if (!(options.min_support > 0 && options.min_support <= 1)) {
    throw std::invalid_argument("basket: min_support must be in (0, 1]");
  }
  if (!(options.min_confidence >= 0 && options.min_confidence <= 1)) {
    throw std::invalid_argument("basket: min_confidence must be in [0, 1]");
  }
  if (options.max_itemset_size < 1 || options.max_itemset_size > 16) {
    throw std::invalid_argument("basket: max_itemset_size must be in 1…16");
  }
  BasketResult result;
  const size_t n = baskets.size();
  result.baskets = n;
  if (n == 0) return result;

  // Each item's basket count (an item listed twice in a basket counts once).
  const size_t item_count = ItemCount(baskets);
  std::vector<size_t> frequency(item_count, 0);
  std::vector<uint32_t> basket;
  const auto distinct_items = [&](size_t b) {
    basket.assign(baskets.items.begin() + baskets.offsets[b],
                  baskets.items.begin() + baskets.offsets[b + 1]);
    std::sort(basket.begin(), basket.end());
    basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
  };
  for (size_t b = 0; b < n; ++b) {
    distinct_items(b);
    for (uint32_t item : basket) ++frequency[item];
  }

  // The smallest count whose share of baskets reaches min_support, decided by the same
  // division that reports the support so the threshold and the figure agree.
  const auto reaches = [&](size_t c) {
    return static_cast<double>(c) / static_cast<double>(n) >= options.min_support;
  };
  size_t min_count = static_cast<size_t>(options.min_support * static_cast<double>(n));
  while (min_count > 0 && reaches(min_count - 1)) --min_count;
  while (!reaches(min_count)) ++min_count;
  min_count = std::max<size_t>(min_count, 1);

  // Ranks: frequent items by descending frequency, then item index.
  std::vector<uint32_t> item_of_rank;
  for (uint32_t item = 0; item < item_count; ++item) {
    if (frequency[item] >= min_count) item_of_rank.push_back(item);
  }
  std::sort(item_of_rank.begin(), item_of_rank.end(), [&](uint32_t a, uint32_t b) {
    return frequency[a] != frequency[b] ? frequency[a] > frequency[b] : a < b;
  });
  constexpr uint32_t kInfrequent = UINT32_MAX;
  std::vector<uint32_t> rank_of(item_count, kInfrequent);
  for (uint32_t r = 0; r < item_of_rank.size(); ++r) rank_of[item_of_rank[r]] = r;

  // Each basket as its frequent items' ranks, ascending.
  Paths ranked;
  std::vector<uint32_t> path;
  for (size_t b = 0; b < n; ++b) {
    distinct_items(b);
    path.clear();
    for (uint32_t item : basket) {
      if (rank_of[item] != kInfrequent) path.push_back(rank_of[item]);
    }
    if (path.empty()) continue;
    std::sort(path.begin(), path.end());
    ranked.Add(path.data(), path.data() + path.size(), 1);
  }

  Miner miner{min_count, options.max_itemset_size, std::vector<size_t>(item_of_rank.size(), 0), {}};
  std::vector<uint32_t> suffix;
  miner.Mine(BuildTree(ranked), suffix);

  result.itemsets.reserve(miner.found.size());
  for (auto& [ranks, count] : miner.found) {
    Itemset s;
    for (uint32_t r : ranks) s.items.push_back(item_of_rank[r]);
    std::sort(s.items.begin(), s.items.end());
    s.count = count;
    s.support = static_cast<double>(count) / static_cast<double>(n);
    result.itemsets.push_back(std::move(s));
  }
  std::sort(result.itemsets.begin(), result.itemsets.end(), [](const Itemset& a, const Itemset& b) {
    return a.count != b.count ? a.count > b.count : ItemsLess(a.items, b.items);
  });
  result.rules = DeriveRules(result.itemsets, n, options);
  return result;
}

std::vector<Recommendation> Recommend(const Baskets& baskets, const BasketResult& mined,
                                      size_t per_customer) {
  CheckBaskets(baskets);
  const size_t n = baskets.size();
  const size_t item_count = ItemCount(baskets);
  size_t customer_count = baskets.customer_keys.size();
  for (uint32_t c : baskets.basket_customer)
    customer_count = std::max<size_t>(customer_count, size_t{c} + 1);

  // Rules indexed by the first (smallest) item of their antecedent: a customer is
  // checked only against rules that item could start.
  std::vector<std::vector<size_t>> rules_by_item(item_count);
  for (size_t i = 0; i < mined.rules.size(); ++i) {
    const AssociationRule& rule = mined.rules[i];
    if (rule.antecedent.empty()) continue;
    const uint32_t first = rule.antecedent.front();
    if (first < item_count) rules_by_item[first].push_back(i);
  }

  // Baskets grouped by customer (counting sort).
  std::vector<size_t> start(customer_count + 1, 0);
  for (uint32_t c : baskets.basket_customer) ++start[c + 1];
  for (size_t c = 0; c < customer_count; ++c) start[c + 1] += start[c];
  std::vector<size_t> basket_of(n);
  std::vector<size_t> next(start.begin(), start.end() - 1);
  for (size_t b = 0; b < n; ++b) basket_of[next[baskets.basket_customer[b]]++] = b;

  // owned[item] == customer + 1 marks the items the current customer has bought.
  std::vector<size_t> owned(item_count, 0);
  std::vector<uint32_t> bought;
  std::vector<Recommendation> candidates, out;
  for (size_t c = 0; c < customer_count; ++c) {
    const size_t mark = c + 1;
    bought.clear();
    for (size_t i = start[c]; i < start[c + 1]; ++i) {
      const size_t b = basket_of[i];
      for (uint32_t j = baskets.offsets[b]; j < baskets.offsets[b + 1]; ++j) {
        const uint32_t item = baskets.items[j];
        if (owned[item] != mark) {
          owned[item] = mark;
          bought.push_back(item);
        }
      }
    }
    const auto has = [&](uint32_t item) { return item < item_count && owned[item] == mark; };
    candidates.clear();
    for (uint32_t item : bought) {
      for (size_t r : rules_by_item[item]) {
        const AssociationRule& rule = mined.rules[r];
        if (!std::all_of(rule.antecedent.begin(), rule.antecedent.end(), has)) continue;
        // Each consequent item the customer lacks is a candidate: the rule's confidence
        // is a lower bound of the confidence of {antecedent} → {that item}.
        for (uint32_t target : rule.consequent) {
          if (!has(target)) {
            candidates.push_back({static_cast<uint32_t>(c), target, rule.confidence, rule.lift, r});
          }
        }
      }
    }
    // Best rule per item: highest confidence, then lift, then the earlier rule.
    std::sort(candidates.begin(), candidates.end(),
              [](const Recommendation& a, const Recommendation& b) {
                if (a.item != b.item) return a.item < b.item;
                if (a.score != b.score) return a.score > b.score;
                if (a.lift != b.lift) return a.lift > b.lift;
                return a.rule < b.rule;
              });
    candidates.erase(std::unique(candidates.begin(), candidates.end(),
                                 [](const Recommendation& a, const Recommendation& b) {
                                   return a.item == b.item;
                                 }),
                     candidates.end());
    std::sort(candidates.begin(), candidates.end(),
              [](const Recommendation& a, const Recommendation& b) {
                if (a.score != b.score) return a.score > b.score;
                if (a.lift != b.lift) return a.lift > b.lift;
                return a.item < b.item;
              });
    const size_t take = std::min(per_customer, candidates.size());
    out.insert(out.end(), candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(take));
  }
  return out;
}

}  // namespace guanxi::analytics
