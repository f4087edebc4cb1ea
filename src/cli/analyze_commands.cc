// `guanxi analyze summary|rfm|tiers|kpi`: the descriptive analyses of
// docs/analytics-api.md ("CLI") on a purchase CSV or the store.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "analytics/kpi.h"
#include "analytics/rfm.h"
#include "analytics/tiers.h"
#include "cli/analyze_input.h"
#include "cli/analyze_output.h"
#include "cli/commands.h"
#include "service/analytics_writers.h"

namespace guanxi::cli {
namespace {

using analytics::CustomerSummary;
using analyze::Common;
using analyze::CsvWriter;
using analyze::Purchases;

constexpr int kDaysPerYear = 365;

void WriteDayOrNull(JsonWriter& w, int32_t day) {
  if (day < 0) w.Null();
  else WriteString(w, analytics::IsoFromDay(day));
}

void DayOrEmpty(CsvWriter& csv, int32_t day) {
  if (day < 0) csv.Empty();
  else csv.Text(analytics::IsoFromDay(day));
}

}  // namespace

int AnalyzeSummary(const Args& a) {
  Common c;
  Purchases p;
  if (int code = analyze::Prepare(a, {}, c, p)) return code;
  const CustomerSummary s = analytics::Summarize(p.tx, p.as_of_day);
  size_t buyers = 0, rows = 0;
  int64_t revenue = 0;
  int32_t first = -1, last = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.purchases[i] == 0) continue;
    ++buyers;
    rows += static_cast<size_t>(s.purchases[i]);
    revenue += s.total_fen[i];
    first = first < 0 ? s.first_day[i] : std::min(first, s.first_day[i]);
    last = std::max(last, s.last_day[i]);
  }
  const double mean = buyers ? static_cast<double>(rows) / static_cast<double>(buyers) : 0;
  int code = analyze::WriteOut(c.out, [&](CsvWriter& csv) {
    csv.Text("customer_id").Text("first_day").Text("last_day").Text("purchases").Text("purchase_days");
    csv.Text("total").Text("average").Text("recency_days").EndRow();
    for (size_t i = 0; i < s.size(); ++i) {
      csv.Text(p.tx.customer_keys[i]);
      DayOrEmpty(csv, s.first_day[i]);
      DayOrEmpty(csv, s.last_day[i]);
      csv.Int(s.purchases[i]).Int(s.purchase_days[i]).Yuan(s.total_fen[i]).Yuan(s.average_fen[i]);
      if (s.purchases[i] == 0) csv.Empty();
      else csv.Int(s.recency_days[i]);
      csv.EndRow();
    }
  });
  if (code) return code;
  return analyze::PrintReport(
      c,
      [&](CsvWriter& csv) {
        csv.Text("customers").Text("transactions").Text("as_of").Text("first_day").Text("last_day");
        csv.Text("revenue").Text("purchases_mean").EndRow();
        csv.Int(static_cast<int64_t>(buyers)).Int(static_cast<int64_t>(rows)).Text(analytics::IsoFromDay(p.as_of_day));
        DayOrEmpty(csv, first);
        DayOrEmpty(csv, last);
        csv.Yuan(revenue).Double(mean).EndRow();
      },
      [&](JsonWriter& w) {
        w.Key("customers");
        w.Uint64(buyers);
        w.Key("transactions");
        w.Uint64(rows);
        w.Key("as_of");
        WriteString(w, analytics::IsoFromDay(p.as_of_day));
        w.Key("first_day");
        WriteDayOrNull(w, first);
        w.Key("last_day");
        WriteDayOrNull(w, last);
        w.Key("revenue");
        analyze::WriteYuan(w, revenue);
        analyze::WriteNumberMember(w, "purchases_mean", mean);
      });
}

int AnalyzeRfm(const Args& a) {
  Common c;
  Purchases p;
  if (int code = analyze::Prepare(a, {}, c, p)) return code;
  const CustomerSummary s = analytics::Summarize(p.tx, p.as_of_day);
  const analytics::RfmResult rfm = analytics::ScoreRfm(s);
  int code = analyze::WriteOut(c.out, [&](CsvWriter& csv) {
    csv.Text("customer_id").Text("recency_days").Text("frequency").Text("monetary").Text("r").Text("f");
    csv.Text("m").Text("cell").Text("class").EndRow();
    for (size_t i = 0; i < s.size(); ++i) {
      csv.Text(p.tx.customer_keys[i]);
      if (rfm.r[i] == 0) {
        csv.Empty().Int(0).Yuan(0).Empty().Empty().Empty().Empty().Empty().EndRow();
        continue;
      }
      const char cell[4] = {static_cast<char>('0' + rfm.r[i]), static_cast<char>('0' + rfm.f[i]),
                            static_cast<char>('0' + rfm.m[i]), 0};
      csv.Int(s.recency_days[i]).Int(s.purchases[i]).Yuan(s.total_fen[i]);
      csv.Int(rfm.r[i]).Int(rfm.f[i]).Int(rfm.m[i]).Text(cell).Text(analytics::RfmClassKey(*rfm.rfm_class[i]));
      csv.EndRow();
    }
  });
  if (code) return code;
  return analyze::PrintReport(
      c,
      [&](CsvWriter& csv) {
        csv.Text("key").Text("name_zh").Text("name_en").Text("count").EndRow();
        for (int k = 0; k < analytics::kRfmClassCount; ++k) {
          auto cls = static_cast<analytics::RfmClass>(k);
          csv.Text(analytics::RfmClassKey(cls)).Text(analytics::RfmClassNameZh(cls));
          csv.Text(analytics::RfmClassNameEn(cls)).Int(static_cast<int64_t>(rfm.class_counts[k])).EndRow();
        }
      },
      [&](JsonWriter& w) {
        w.Key("customers");
        w.Uint64(s.size());
        w.Key("scored");
        w.Uint64(rfm.scored);
        w.Key("mean_scores");
        analytics_writers::WriteRfmMeanScores(w, rfm);
        w.Key("classes");
        w.StartArray();
        for (int k = 0; k < analytics::kRfmClassCount; ++k) {
          auto cls = static_cast<analytics::RfmClass>(k);
          w.StartObject();
          analytics_writers::WriteRfmClassFields(w, cls, rfm.class_counts[k]);
          w.EndObject();
        }
        w.EndArray();
        w.Key("cells");
        w.StartArray();
        for (size_t cell = 0; cell < rfm.cell_counts.size(); ++cell) {
          if (rfm.cell_counts[cell] == 0) continue;
          w.StartObject();
          w.Key("r");
          w.Uint(static_cast<unsigned>(cell / 25 + 1));
          w.Key("f");
          w.Uint(static_cast<unsigned>(cell / 5 % 5 + 1));
          w.Key("m");
          w.Uint(static_cast<unsigned>(cell % 5 + 1));
          w.Key("count");
          w.Uint64(rfm.cell_counts[cell]);
          w.EndObject();
        }
        w.EndArray();
      });
}

int AnalyzeTiers(const Args& a) {
  Common c;
  Purchases p;
  if (int code = analyze::ParseCommon(a, analyze::PurchaseOptions({"strategic-share", "important-share", "margin"}), c)) {
    return code;
  }
  analytics::TierOptions o;
  if (!analyze::ReadDouble(a, "strategic-share", 0.05, 0, 1, o.strategic_share, true) ||
      !analyze::ReadDouble(a, "important-share", 0.2, 0, 1, o.important_share)) {
    return analyze::kExitUsage;
  }
  if (o.important_share < o.strategic_share) {
    return analyze::UsageError("--important-share must be ≥ --strategic-share");
  }
  double margin = 1;
  if (!analyze::ReadDouble(a, "margin", 1, 0, 1, margin, true)) return analyze::kExitUsage;
  if (int code = analyze::LoadPurchases(a, true, p)) return code;
  // Profit contribution: revenue of the last 365 days up to as_of, times the margin.
  const size_t n = p.tx.customer_count();
  std::vector<int64_t> revenue(n, 0);
  std::vector<bool> bought(n, false);
  const int32_t from = p.as_of_day - kDaysPerYear + 1;
  for (size_t i = 0; i < p.tx.size(); ++i) {
    const int32_t d = p.tx.day[i];
    if (d > p.as_of_day) continue;
    bought[p.tx.customer[i]] = true;
    if (d >= from) revenue[p.tx.customer[i]] += p.tx.amount_fen[i];
  }
  std::vector<int64_t> profit(n);
  for (size_t i = 0; i < n; ++i) profit[i] = std::llround(static_cast<double>(revenue[i]) * margin);
  const analytics::TierResult t = analytics::AssignValueTiers(profit, bought, o);
  int code = analyze::WriteOut(c.out, [&](CsvWriter& csv) {
    csv.Text("customer_id").Text("profit").Text("tier").EndRow();
    for (size_t i = 0; i < n; ++i) {
      csv.Text(p.tx.customer_keys[i]).Yuan(profit[i]).Text(analytics::ValueTierKey(t.tier[i])).EndRow();
    }
  });
  if (code) return code;
  constexpr int kTiers = 4;
  return analyze::PrintReport(
      c,
      [&](CsvWriter& csv) {
        csv.Text("key").Text("name_zh").Text("name_en").Text("count").Text("profit").EndRow();
        for (int k = 0; k < kTiers; ++k) {
          auto tier = static_cast<analytics::ValueTier>(k);
          csv.Text(analytics::ValueTierKey(tier)).Text(analytics::ValueTierNameZh(tier));
          csv.Text(analytics::ValueTierNameEn(tier)).Int(static_cast<int64_t>(t.counts[k])).Yuan(t.profit_fen[k]);
          csv.EndRow();
        }
      },
      [&](JsonWriter& w) {
        w.Key("customers");
        w.Uint64(n);
        w.Key("tiers");
        w.StartArray();
        for (int k = 0; k < kTiers; ++k) {
          auto tier = static_cast<analytics::ValueTier>(k);
          w.StartObject();
          analytics_writers::WriteValueTierFields(w, tier, t.counts[k]);
          w.Key("profit");
          analyze::WriteYuan(w, t.profit_fen[k]);
          w.EndObject();
        }
        w.EndArray();
      });
}

int AnalyzeKpi(const Args& a) {
  Common c;
  Purchases p;
  if (int code = analyze::ParseCommon(a, analyze::PurchaseOptions({"period", "from", "to"}), c)) return code;
  auto kind = analytics::ParsePeriodKind(a.GetOr("period", "month"));
  if (!kind) return analyze::UsageError("--period must be month or quarter");
  // Malformed dates are usage errors before the data is read; the defaults need the data.
  if (!analyze::DayOption(a, "from", 0) || !analyze::DayOption(a, "to", 0)) return analyze::kExitUsage;
  if (int code = analyze::LoadPurchases(a, true, p)) return code;
  int32_t first = p.as_of_day;
  for (int32_t d : p.tx.day) first = std::min(first, d);
  auto from = analyze::DayOption(a, "from", first);
  if (!from) return analyze::kExitUsage;
  auto to = analyze::DayOption(a, "to", p.as_of_day);
  if (!to) return analyze::kExitUsage;
  if (*to < *from) return analyze::UsageError("--to must not be before --from");
  const analytics::KpiResult k = analytics::ComputeKpis(p.tx, *kind, *from, *to);
  const char* period = *kind == analytics::PeriodKind::kMonth ? "month" : "quarter";
  auto rate_csv = [](CsvWriter& csv, const std::optional<double>& v) {
    if (v) csv.Double(*v);
    else csv.Empty();
  };
  auto rows_csv = [&](CsvWriter& csv) {
    csv.Text("period").Text("active").Text("new").Text("base_start").Text("orders").Text("revenue").Text("aov");
    csv.Text("acquisition_rate").Text("retention_rate").Text("churn_rate").Text("repeat_purchase_rate").EndRow();
    for (const auto& r : k.rows) {
      csv.Text(r.period).Int(static_cast<int64_t>(r.active)).Int(static_cast<int64_t>(r.new_customers));
      csv.Int(static_cast<int64_t>(r.base_start)).Int(static_cast<int64_t>(r.orders));
      csv.Yuan(r.revenue_fen).Yuan(r.aov_fen);
      rate_csv(csv, r.acquisition_rate);
      rate_csv(csv, r.retention_rate);
      rate_csv(csv, r.churn_rate);
      csv.Double(r.repeat_purchase_rate).EndRow();
    }
  };
  if (int code = analyze::WriteOut(c.out, rows_csv)) return code;
  return analyze::PrintReport(c, rows_csv, [&](JsonWriter& w) {
    w.Key("period");
    w.String(period);
    w.Key("rows");
    w.StartArray();
    for (const auto& r : k.rows) {
      w.StartObject();
      analytics_writers::WriteKpiRowFields(w, r, analyze::WriteYuan);
      w.EndObject();
    }
    w.EndArray();
    w.Key("cohorts");
    analytics_writers::WriteCohorts(w, k.cohorts);
  });
}

}  // namespace guanxi::cli
