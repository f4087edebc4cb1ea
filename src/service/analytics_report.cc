#include "service/analytics_report.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "service/analytics_writers.h"

namespace guanxi {

namespace {

using analytics_writers::Writer;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void Num(Writer& w, double v) { analytics_writers::WriteNumber(w, v); }
void Size(Writer& w, size_t v) { w.Uint64(v); }

void Summary(Writer& w, const ReportInput& in) {
  w.Key("summary");
  w.StartObject();
  w.Key("customers");
  Size(w, in.customers);
  w.Key("buyers");
  Size(w, in.buyers);
  w.Key("revenue");
  w.Int64(in.revenue_fen);
  w.Key("orders");
  Size(w, in.orders);
  w.EndObject();
}

void Rfm(Writer& w, const ReportInput& in) {
  const analytics::RfmResult& rfm = in.rfm;
  w.Key("rfm");
  w.StartObject();
  w.Key("scored");
  Size(w, rfm.scored);
  w.Key("mean_scores");
  analytics_writers::WriteRfmMeanScores(w, rfm);
  w.Key("classes");
  w.StartArray();
  for (int c = 0; c < analytics::kRfmClassCount; ++c) {
    const auto cls = static_cast<analytics::RfmClass>(c);
    w.StartObject();
    analytics_writers::WriteRfmClassFields(
        w, cls, rfm.class_counts.size() > static_cast<size_t>(c) ? rfm.class_counts[c] : 0);
    w.Key("revenue");
    w.Int64(in.class_revenue_fen[c]);
    w.EndObject();
  }
  w.EndArray();
  // R × F: the 125 cells summed over M, every one of the 25 cells listed.
  w.Key("heatmap");
  w.StartArray();
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      size_t count = 0;
      for (int m = 1; m <= 5; ++m) {
        const size_t cell = static_cast<size_t>((r - 1) * 25 + (f - 1) * 5 + (m - 1));
        if (cell < rfm.cell_counts.size()) count += rfm.cell_counts[cell];
      }
      w.StartObject();
      w.Key("r");
      w.Int(r);
      w.Key("f");
      w.Int(f);
      w.Key("count");
      Size(w, count);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
}

void Tiers(Writer& w, const ReportInput& in) {
  w.Key("tiers");
  w.StartArray();
  for (int t = 0; t < 4; ++t) {
    const auto tier = static_cast<analytics::ValueTier>(t);
    w.StartObject();
    analytics_writers::WriteValueTierFields(w, tier, in.tiers.counts[t]);
    w.Key("profit");
    w.Int64(in.tiers.profit_fen[t]);
    w.EndObject();
  }
  w.EndArray();
}

// Equal-width buckets from 0 up to the 99th percentile; the last bucket reaches the
// maximum, so a few very large values do not flatten the chart.
void Histogram(Writer& w, std::vector<int64_t> values) {
  w.StartArray();
  if (!values.empty()) {
    std::sort(values.begin(), values.end());
    const int64_t lo = std::min<int64_t>(0, values.front());
    const int64_t hi = values.back();
    const int64_t p99 = values[(values.size() - 1) * 99 / 100];
    const int buckets = kClvHistogramBuckets;
    int64_t width = (std::max(p99, lo + 1) - lo + buckets - 2) / (buckets - 1);
    if (width < 1) width = 1;
    std::vector<size_t> counts(buckets, 0);
    for (int64_t v : values) {
      int64_t b = (v - lo) / width;
      counts[static_cast<size_t>(std::clamp<int64_t>(b, 0, buckets - 1))]++;
    }
    for (int b = 0; b < buckets; ++b) {
      w.StartObject();
      w.Key("from");
      w.Int64(lo + b * width);
      w.Key("to");
      w.Int64(b == buckets - 1 ? std::max(hi, lo + buckets * width) : lo + (b + 1) * width);
      w.Key("count");
      Size(w, counts[b]);
      w.EndObject();
    }
  }
  w.EndArray();
}

void Clv(Writer& w, const ReportInput& in) {
  w.Key("clv");
  if (!in.clv) {
    w.Null();
    return;
  }
  const ReportClv& c = *in.clv;
  w.StartObject();
  w.Key("model");
  w.String(analytics::PurchaseModelName(c.model.kind));
  w.Key("time_unit");
  w.String(analytics::TimeUnitName(in.settings.time_unit));
  w.Key("calibration_end");
  Str(w, analytics::IsoFromDay(in.as_of_day));
  w.Key("horizon");
  w.Int(in.settings.horizon);
  w.Key("discount_rate");
  Num(w, in.settings.discount_rate);
  w.Key("margin");
  Num(w, in.settings.margin);
  w.Key("customers");
  Size(w, c.customers);
  w.Key("excluded");
  Size(w, c.excluded);
  w.Key("params");
  analytics_writers::WritePurchaseParams(w, c.model);
  analytics_writers::WriteFitDiagnostics(w, c.model.diagnostics, true);
  w.Key("spend");
  if (c.spend) {
    analytics_writers::WriteSpendFit(w, *c.spend, true);
  } else {
    w.Null();
  }
  w.Key("customer_equity");
  if (c.customer_equity_fen) w.Int64(*c.customer_equity_fen); else w.Null();
  w.Key("histogram");
  Histogram(w, c.clv_fen);
  w.EndObject();
}

void Churn(Writer& w, const ReportInput& in) {
  w.Key("churn");
  w.StartObject();
  w.Key("at_risk");
  Size(w, in.at_risk);
  w.Key("value_at_risk");
  w.Int64(in.value_at_risk_fen);
  w.Key("p_alive_threshold");
  Num(w, in.settings.p_alive_threshold);
  w.Key("gap_multiple");
  Num(w, in.settings.gap_multiple);
  w.EndObject();
}

void FeatureValues(Writer& w, const std::vector<std::string>& names, const std::vector<double>& v) {
  w.StartObject();
  for (size_t c = 0; c < names.size() && c < v.size(); ++c) {
    w.Key(names[c].c_str());
    Num(w, v[c]);
  }
  w.EndObject();
}

void Clusters(Writer& w, const ReportInput& in) {
  w.Key("clusters");
  if (!in.clusters) {
    w.Null();
    return;
  }
  const ReportClusters& c = *in.clusters;
  w.StartObject();
  w.Key("k");
  w.Int(c.k);
  w.Key("features");
  w.StartArray();
  for (const auto& f : c.features) Str(w, f);
  w.EndArray();
  w.Key("wcss");
  Num(w, c.kmeans.wcss);
  w.Key("iterations");
  w.Int(c.kmeans.iterations);
  w.Key("converged");
  w.Bool(c.kmeans.converged);
  w.Key("stability");
  Num(w, c.stability);
  w.Key("profiles");
  w.StartArray();
  for (const auto& p : c.profiles) {
    w.StartObject();
    w.Key("cluster");
    w.Uint(p.cluster);
    w.Key("size");
    Size(w, p.size);
    w.Key("share");
    Num(w, p.share);
    w.Key("mean");
    FeatureValues(w, c.features, p.mean);
    w.Key("median");
    FeatureValues(w, c.features, p.median);
    w.EndObject();
  }
  w.EndArray();
  w.Key("choose_k");
  w.StartArray();
  for (const auto& row : c.choose_k) {
    w.StartObject();
    w.Key("k");
    w.Int(row.k);
    w.Key("wcss");
    Num(w, row.wcss);
    w.Key("silhouette");
    Num(w, row.silhouette);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void AttackDefend(Writer& w, const ReportInput& in) {
  w.Key("attack_defend");
  w.StartObject();
  w.Key("potential_threshold");
  w.Int64(in.attack_defend.potential_threshold_fen);
  w.Key("share_threshold");
  Num(w, in.settings.share_threshold);
  w.Key("customers_with_potential");
  Size(w, in.with_potential);
  w.Key("counts");
  w.StartObject();
  for (int q = 0; q < 4; ++q) {
    w.Key(analytics::AttackDefendKey(static_cast<analytics::AttackDefend>(q)));
    Size(w, q < static_cast<int>(in.attack_defend.counts.size()) ? in.attack_defend.counts[q] : 0);
  }
  w.EndObject();
  w.EndObject();
}

void Kpi(Writer& w, const ReportInput& in) {
  w.Key("kpi");
  w.StartObject();
  w.Key("period");
  w.String("month");
  w.Key("rows");
  w.StartArray();
  for (const auto& r : in.kpi.rows) {
    w.StartObject();
    analytics_writers::WriteKpiRowFields(w, r, [](Writer& mw, int64_t fen) { mw.Int64(fen); });
    w.Key("revenue_by_tier");
    w.StartObject();
    for (size_t g = 0; g < in.kpi.group_keys.size() && g < r.revenue_by_group_fen.size(); ++g) {
      w.Key(in.kpi.group_keys[g].c_str());
      w.Int64(r.revenue_by_group_fen[g]);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.Key("cohorts");
  analytics_writers::WriteCohorts(w, in.kpi.cohorts);
}

void Items(Writer& w, const ReportInput& in, const std::vector<uint32_t>& items) {
  w.StartArray();
  for (uint32_t item : items) {
    const std::string& code = item < in.item_keys.size() ? in.item_keys[item] : std::string();
    auto name = in.product_names.find(code);
    w.StartObject();
    w.Key("code");
    Str(w, code);
    w.Key("name");
    Str(w, name != in.product_names.end() ? name->second : code);
    w.EndObject();
  }
  w.EndArray();
}

void Basket(Writer& w, const ReportInput& in, size_t top) {
  w.Key("basket");
  w.StartObject();
  w.Key("baskets");
  Size(w, in.baskets);
  w.Key("itemsets");
  Size(w, in.basket ? in.basket->itemsets.size() : 0);
  w.Key("rules");
  w.StartArray();
  if (in.basket) {
    for (size_t i = 0; i < in.basket->rules.size() && i < top; ++i) {
      analytics_writers::WriteRule(w, in.basket->rules[i],
                                   [&](Writer& iw, const std::vector<uint32_t>& items) { Items(iw, in, items); });
    }
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string WriteAnalyticsReport(const ReportInput& in) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("as_of");
  Str(w, analytics::IsoFromDay(in.as_of_day));
  Summary(w, in);
  Rfm(w, in);
  Tiers(w, in);
  Clv(w, in);
  Churn(w, in);
  Clusters(w, in);
  AttackDefend(w, in);
  Kpi(w, in);
  Basket(w, in, kReportRules);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<int64_t> ReportPotentialThreshold(std::string_view report_json) {
  rapidjson::Document d;
  d.Parse(report_json.data(), report_json.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  auto ad = d.FindMember("attack_defend");
  if (ad == d.MemberEnd() || !ad->value.IsObject()) return std::nullopt;
  auto t = ad->value.FindMember("potential_threshold");
  if (t == ad->value.MemberEnd() || !t->value.IsInt64()) return std::nullopt;
  return t->value.GetInt64();
}

}  // namespace guanxi
