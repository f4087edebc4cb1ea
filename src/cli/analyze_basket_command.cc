// `guanxi analyze basket`: association rules over order lines (a CSV or the store) and
// per-customer recommendations (docs/analytics-api.md, "CLI").
#include <string>
#include <vector>

#include "analytics/basket.h"
#include "cli/analyze_input.h"
#include "cli/analyze_output.h"
#include "cli/commands.h"

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
  auto support = analyze::DoubleOption(a, "min-support", 0.01, 0, 1, true);
  if (!support) return analyze::kExitUsage;
  auto confidence = analyze::DoubleOption(a, "min-confidence", 0.2, 0, 1);
  if (!confidence) return analyze::kExitUsage;
  auto max_size = analyze::IntOption(a, "max-size", 4, 2, kMaxItemsetSize);
  if (!max_size) return analyze::kExitUsage;
  auto top = analyze::IntOption(a, "top", 3, 0, kMaxPerCustomer);
  if (!top) return analyze::kExitUsage;
  analytics::Baskets baskets;
  if (int code = analyze::LoadBasketLines(a, baskets)) return code;
  analytics::BasketOptions o;
  o.min_support = *support;
  o.min_confidence = *confidence;
  o.max_itemset_size = static_cast<size_t>(*max_size);
  const analytics::BasketResult mined = analytics::MineBaskets(baskets, o);
  int code = analyze::WriteOut(c.out, [&](analyze::CsvWriter& csv) {
    const auto recs = analytics::Recommend(baskets, mined, static_cast<size_t>(*top));
    csv.Text("customer_id").Text("item").Text("score").Text("lift").EndRow();
    for (const auto& r : recs) {
      csv.Text(baskets.customer_keys[r.customer]).Text(baskets.item_keys[r.item]).Double(r.score).Double(r.lift);
      csv.EndRow();
    }
  });
  if (code) return code;
  if (c.format == "csv") {
    analyze::CsvWriter csv(stdout);
    csv.Text("antecedent").Text("consequent").Text("support").Text("confidence").Text("lift").Text("count");
    csv.EndRow();
    for (const auto& r : mined.rules) {
      csv.Text(JoinItems(baskets, r.antecedent)).Text(JoinItems(baskets, r.consequent));
      csv.Double(r.support).Double(r.confidence).Double(r.lift).Int(static_cast<int64_t>(r.count)).EndRow();
    }
    return 0;
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("baskets");
  w.Uint64(mined.baskets);
  w.Key("itemsets");
  w.Uint64(mined.itemsets.size());
  w.Key("rules");
  w.StartArray();
  for (const auto& r : mined.rules) {
    w.StartObject();
    w.Key("antecedent");
    WriteItems(w, baskets, r.antecedent);
    w.Key("consequent");
    WriteItems(w, baskets, r.consequent);
    w.Key("support");
    analyze::WriteNumber(w, r.support);
    w.Key("confidence");
    analyze::WriteNumber(w, r.confidence);
    w.Key("lift");
    analyze::WriteNumber(w, r.lift);
    w.Key("count");
    w.Uint64(r.count);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  analyze::PrintJson(buf);
  return 0;
}

}  // namespace guanxi::cli
