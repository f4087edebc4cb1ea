// LoadTransactions and LoadBaskets (service/analytics_service.h): the store's purchases
// and order lines as the analytics library's columns.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "service/analytics_service.h"

namespace guanxi {

Result<analytics::Transactions> LoadTransactions(Store& store, int64_t utc_offset_seconds) {
  AnalyticsStore& a = store.Analytics();
  GX_ASSIGN_OR_RETURN(std::vector<int64_t> ids, a.AllCustomerIds(false));
  GX_ASSIGN_OR_RETURN(PurchaseColumns p, a.ReadPurchases());

  analytics::Transactions tx;
  std::unordered_map<int64_t, uint32_t> index;
  index.reserve(ids.size());
  tx.customer_keys.reserve(ids.size());
  for (int64_t id : ids) {
    index.emplace(id, static_cast<uint32_t>(tx.customer_keys.size()));
    tx.customer_keys.push_back(std::to_string(id));
  }
  tx.customer.reserve(p.size());
  tx.day.reserve(p.size());
  tx.amount_fen.reserve(p.size());
  for (size_t r = 0; r < p.size(); ++r) {
    auto it = index.find(p.customer_id[r]);
    if (it == index.end()) continue;  // an archived customer's order
    tx.customer.push_back(it->second);
    tx.day.push_back(analytics::DayOfUnixSeconds(p.ordered_at[r], utc_offset_seconds));
    tx.amount_fen.push_back(p.total_fen[r]);
  }
  return tx;
}

Result<analytics::Baskets> LoadBaskets(Store& store,
                                       std::map<std::string, std::string>* product_names) {
  GX_ASSIGN_OR_RETURN(OrderLineColumns lines, store.Analytics().ReadOrderLines());

  // Lines grouped by order; the store gives them in no particular order.
  std::vector<size_t> order(lines.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return lines.order_id[x] != lines.order_id[y] ? lines.order_id[x] < lines.order_id[y]
                                                  : lines.product_id[x] < lines.product_id[y];
  });

  analytics::Baskets b;
  std::unordered_map<int64_t, uint32_t> item_of_product;
  std::unordered_map<int64_t, uint32_t> customer_index;
  b.offsets.push_back(0);
  for (size_t k = 0; k < order.size();) {
    const int64_t order_id = lines.order_id[order[k]];
    const int64_t customer_id = lines.customer_id[order[k]];
    int64_t previous_product = 0;
    bool first = true;
    for (; k < order.size() && lines.order_id[order[k]] == order_id; ++k) {
      const int64_t product = lines.product_id[order[k]];
      if (!first && product == previous_product) continue;  // a product on two lines
      first = false;
      previous_product = product;
      auto [it, added] =
          item_of_product.emplace(product, static_cast<uint32_t>(b.item_keys.size()));
      if (added) {
        auto code = lines.product_code.find(product);
        b.item_keys.push_back(code != lines.product_code.end() ? code->second
                                                               : std::to_string(product));
        if (product_names) {
          auto name = lines.product_name.find(product);
          (*product_names)[b.item_keys.back()] =
              name != lines.product_name.end() ? name->second : b.item_keys.back();
        }
      }
      b.items.push_back(it->second);
    }
    // Items of a basket ascending by index: one canonical form per basket.
    std::sort(b.items.begin() + b.offsets.back(), b.items.end());
    auto [cit, cadded] =
        customer_index.emplace(customer_id, static_cast<uint32_t>(b.customer_keys.size()));
    if (cadded) b.customer_keys.push_back(std::to_string(customer_id));
    b.basket_customer.push_back(cit->second);
    b.offsets.push_back(static_cast<uint32_t>(b.items.size()));
  }
  return b;
}

}  // namespace guanxi
