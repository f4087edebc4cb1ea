// `guanxi analyze basket`: association rules over order lines (a CSV or the store) and
// per-customer recommendations (docs/analytics-api.md, "CLI").
#include <string>
#include <vector>

#include "analytics/basket.h"
#include "cli/analyze_input.h"
#include "cli/analyze_output.h"
#include "cli/commands.h"
#include "service/analytics_writers.h"

namespace guanxi::cli {
namespace {

constexpr int64_t kMaxItemsetSize = 10;
constexpr int64_t kMaxPerCustomer = 1000;

std::string JoinItems(const analytics::Baskets& b, const std::vector<uint32_t>& items) {
  std::string out;
  for (uint32_t i : items) out += (out.empty() ? "" : ";") + b.item_keys[i];
  return out;
}

void WriteItems(JsonWriter& w, const analytics::Baskets& b, const std::vector<uint32_t>& items) {
  w.StartArray();
  for (uint32_t i : items) WriteString(w, b.item_keys[i]);
  w.EndArray();
}

}  // namespace

int AnalyzeBasket(const Args& a) {
  analyze::Common c;
  const std::set<std::string> allowed = {"file", "db", "order-col", "item-col", "customer-col", "format", "out",
                                         "sync", "pool", "min-support", "min-confidence", "max-size", "top"};
  if (int code = analyze::ParseCommon(a, allowed, c)) return code;
  analytics::BasketOptions o;
  size_t top = 0;
  if (!analyze::ReadDouble(a, "min-support", 0.01, 0, 1, o.min_support, true) ||
      !analyze::ReadDouble(a, "min-confidence", 0.2, 0, 1, o.min_confidence) ||
      !analyze::ReadInt(a, "max-size", 4, 2, kMaxItemsetSize, o.max_itemset_size) ||
      !analyze::ReadInt(a, "top", 3, 0, kMaxPerCustomer, top)) {
    return analyze::kExitUsage;
  }
  analytics::Baskets baskets;
  if (int code = analyze::LoadBasketLines(a, baskets)) return code;
  const analytics::BasketResult mined = analytics::MineBaskets(baskets, o);
  int code = analyze::WriteOut(c.out, [&](analyze::CsvWriter& csv) {
    const auto recs = analytics::Recommend(baskets, mined, top);
    csv.Text("customer_id").Text("item").Text("score").Text("lift").EndRow();
    for (const auto& r : recs) {
      csv.Text(baskets.customer_keys[r.customer]).Text(baskets.item_keys[r.item]).Double(r.score).Double(r.lift);
      csv.EndRow();
    }
  });
  if (code) return code;
  return analyze::PrintReport(
      c,
      [&](analyze::CsvWriter& csv) {
        csv.Text("antecedent").Text("consequent").Text("support").Text("confidence").Text("lift").Text("count");
        csv.EndRow();
        for (const auto& r : mined.rules) {
          csv.Text(JoinItems(baskets, r.antecedent)).Text(JoinItems(baskets, r.consequent));
          csv.Double(r.support).Double(r.confidence).Double(r.lift).Int(static_cast<int64_t>(r.count)).EndRow();
        }
      },
      [&](JsonWriter& w) {
        w.Key("baskets");
        w.Uint64(mined.baskets);
        w.Key("itemsets");
        w.Uint64(mined.itemsets.size());
        w.Key("rules");
        w.StartArray();
        for (const auto& r : mined.rules) {
          analytics_writers::WriteRule(w, r, [&](JsonWriter& iw, const std::vector<uint32_t>& items) {
            WriteItems(iw, baskets, items);
          });
        }
        w.EndArray();
      });
}

}  // namespace guanxi::cli
