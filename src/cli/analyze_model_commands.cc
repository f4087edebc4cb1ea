// `guanxi analyze kmeans|clv|churn`: the fitted models of docs/analytics-api.md ("CLI")
// on a purchase CSV or the store.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "analytics/churn.h"
#include "analytics/clv.h"
#include "analytics/kmeans.h"
#include "cli/analyze_input.h"
#include "cli/analyze_output.h"
#include "cli/commands.h"
#include "service/analytics_writers.h"

namespace guanxi::cli {
namespace {

using analyze::Common;
using analyze::CsvWriter;
using analyze::Purchases;

constexpr int kMaxClusters = 10;
constexpr int kChooseKMin = 2;
constexpr size_t kSilhouetteSample = 2000;
constexpr int kStabilityRuns = 5;
constexpr int kMaxHorizon = 3650;  // ten years of days

// --- kmeans ----------------------------------------------------------------------------

struct Feature {
  const char* name;
  bool log_transform;  // skewed counts and money
};
constexpr Feature kFeatures[] = {
    {"recency", false}, {"frequency", true}, {"monetary", true}, {"average", true}, {"tenure", false}};

double FeatureValue(const std::string& name, const analytics::CustomerSummary& s, size_t i) {
  if (name == "recency") return s.recency_days[i];
  if (name == "frequency") return s.purchases[i];
  if (name == "monetary") return static_cast<double>(s.total_fen[i]) / 100.0;
  if (name == "average") return static_cast<double>(s.average_fen[i]) / 100.0;
  return s.as_of_day - s.first_day[i];  // tenure
}

void WriteFeatureObject(JsonWriter& w, const std::vector<std::string>& names, const std::vector<double>& v) {
  w.StartObject();
  for (size_t f = 0; f < names.size(); ++f) {
    w.Key(names[f].c_str());
    analyze::WriteNumber(w, v[f]);
  }
  w.EndObject();
}

// --- clv and churn -------------------------------------------------------------------------

struct ClvRun {
  analytics::PurchaseModelKind kind = analytics::PurchaseModelKind::kBgNbd;
  bool with_spend = true;
  analytics::BtydOptions btyd;
  analytics::ClvOptions clv;
  analytics::BtydData data;
  analytics::PurchaseModel model;
  analytics::GammaGammaFit spend;
  analytics::ClvResult result;
  std::optional<analytics::HoldoutReport> holdout;
};

const std::initializer_list<std::string> kClvOptions = {
    "model", "spend", "calibration-end", "holdout-end", "time-unit", "horizon", "discount-rate", "margin"};

// The clv options that do not depend on the data; 0 or the exit code.
int ParseClvOptions(const Args& a, ClvRun& run) {
  auto kind = analytics::ParsePurchaseModel(a.GetOr("model", "bgnbd"));
  if (!kind) return analyze::UsageError("--model must be bgnbd or pareto-nbd");
  run.kind = *kind;
  std::string spend = a.GetOr("spend", "gamma-gamma");
  if (spend != "gamma-gamma" && spend != "none") return analyze::UsageError("--spend must be gamma-gamma or none");
  run.with_spend = spend == "gamma-gamma";
  auto unit = analytics::ParseTimeUnit(a.GetOr("time-unit", "week"));
  if (!unit) return analyze::UsageError("--time-unit must be day or week");
  run.btyd.unit = *unit;
  if (!analyze::ReadInt(a, "horizon", 52, 1, kMaxHorizon, run.clv.horizon) ||
      !analyze::ReadDouble(a, "discount-rate", 0.12, 0, 0.99, run.clv.annual_discount_rate) ||
      !analyze::ReadDouble(a, "margin", 1, 0, 1, run.clv.margin, true)) {
    return analyze::kExitUsage;
  }
  for (const char* day_option : {"calibration-end", "holdout-end"}) {
    if (a.Get(day_option) && !analyze::DayOption(a, day_option, 0)) return analyze::kExitUsage;
  }
  return 0;
}

// Fits the purchase (and spend) model on the loaded purchases; 0 or the exit code.
int FitClv(const Args& a, const Purchases& p, ClvRun& run) {
  run.btyd.calibration_end_day = *analyze::DayOption(a, "calibration-end", p.as_of_day);
  if (a.Get("holdout-end")) {
    run.btyd.holdout_end_day = *analyze::DayOption(a, "holdout-end", 0);
    if (*run.btyd.holdout_end_day <= run.btyd.calibration_end_day) {
      return analyze::UsageError("--holdout-end must be after the calibration end " +
                                 analytics::IsoFromDay(run.btyd.calibration_end_day));
    }
  }
  run.data = analytics::BtydStatistics(p.tx, run.btyd);
  if (run.data.size() == 0) {
    return analyze::DataError("no customer has a purchase by the calibration end " +
                              analytics::IsoFromDay(run.btyd.calibration_end_day));
  }
  run.model = analytics::FitPurchaseModel(run.kind, run.data);
  if (run.with_spend) {
    run.spend = analytics::FitGammaGamma(run.data);
    if (run.spend.customers == 0) {
      return analyze::DataError("no repeat customer with a positive amount: the spend model cannot be "
                                "fitted (use --spend none)");
    }
  }
  run.result = analytics::ComputeClv(run.model, run.with_spend ? &run.spend.params : nullptr, run.data, run.clv);
  if (run.btyd.holdout_end_day) run.holdout = analytics::CheckHoldout(run.model, run.data);
  return 0;
}

// The members of the clv report object.
void WriteClvMembers(JsonWriter& w, const ClvRun& run) {
  w.Key("model");
  w.String(analytics::PurchaseModelName(run.kind));
  w.Key("time_unit");
  w.String(analytics::TimeUnitName(run.btyd.unit));
  w.Key("calibration_end");
  WriteString(w, analytics::IsoFromDay(run.btyd.calibration_end_day));
  w.Key("customers");
  w.Uint64(run.data.size());
  w.Key("excluded");
  w.Uint64(run.data.excluded);
  w.Key("params");
  analytics_writers::WritePurchaseParams(w, run.model);
  analytics_writers::WriteFitDiagnostics(w, run.model.diagnostics, false);
  w.Key("spend");
  if (run.with_spend) {
    analytics_writers::WriteSpendFit(w, run.spend, false);
  } else {
    w.Null();
  }
  w.Key("customer_equity");
  if (run.with_spend) analyze::WriteNumber(w, run.result.customer_equity);
  else w.Null();
  w.Key("holdout");
  if (run.holdout) {
    const auto& h = *run.holdout;
    w.StartObject();
    w.Key("end");
    WriteString(w, analytics::IsoFromDay(*run.btyd.holdout_end_day));
    analyze::WriteNumberMember(w, "predicted_total", h.predicted_total);
    analyze::WriteNumberMember(w, "actual_total", h.actual_total);
    w.Key("by_frequency");
    w.StartArray();
    for (const auto& b : h.by_frequency) {
      w.StartObject();
      w.Key("frequency");
      WriteString(w, b.frequency);
      w.Key("customers");
      w.Uint64(b.customers);
      analyze::WriteNumberMember(w, "predicted", b.predicted_mean);
      analyze::WriteNumberMember(w, "actual", b.actual_mean);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  } else {
    w.Null();
  }
}

// The flat report as key,value rows (--format csv).
void WriteClvCsv(CsvWriter& csv, const ClvRun& run) {
  csv.Text("key").Text("value").EndRow();
  auto row = [&](const std::string& k, double v) { csv.Text(k).Double(v).EndRow(); };
  csv.Text("model").Text(analytics::PurchaseModelName(run.kind)).EndRow();
  csv.Text("time_unit").Text(analytics::TimeUnitName(run.btyd.unit)).EndRow();
  csv.Text("calibration_end").Text(analytics::IsoFromDay(run.btyd.calibration_end_day)).EndRow();
  row("customers", static_cast<double>(run.data.size()));
  row("excluded", static_cast<double>(run.data.excluded));
  if (const auto* b = std::get_if<analytics::BgNbdParams>(&run.model.params)) {
    row("r", b->r);
    row("alpha", b->alpha);
    row("a", b->a);
    row("b", b->b);
  } else {
    const auto& pn = std::get<analytics::ParetoNbdParams>(run.model.params);
    row("r", pn.r);
    row("alpha", pn.alpha);
    row("s", pn.s);
    row("beta", pn.beta);
  }
  row("log_likelihood", run.model.diagnostics.log_likelihood);
  row("converged", run.model.diagnostics.converged ? 1 : 0);
  if (run.with_spend) {
    row("spend_p", run.spend.params.p);
    row("spend_q", run.spend.params.q);
    row("spend_gamma", run.spend.params.gamma);
    row("customer_equity", run.result.customer_equity);
  }
  if (run.holdout) {
    row("holdout_predicted_total", run.holdout->predicted_total);
    row("holdout_actual_total", run.holdout->actual_total);
  }
}

void WriteReasonsText(CsvWriter& csv, uint8_t reasons) {
  std::string text;
  if (reasons & static_cast<uint8_t>(analytics::ChurnReason::kLowPAlive)) text = "low_p_alive";
  if (reasons & static_cast<uint8_t>(analytics::ChurnReason::kLongGap)) text += text.empty() ? "long_gap" : ";long_gap";
  csv.Text(text);
}

}  // namespace

int AnalyzeKmeans(const Args& a) {
  Common c;
  if (int code = analyze::ParseCommon(a, analyze::PurchaseOptions({"k", "features", "seed", "choose-k"}), c)) {
    return code;
  }
  analytics::KMeansOptions o;
  if (!analyze::ReadInt(a, "k", 4, 2, kMaxClusters, o.k) ||
      !analyze::ReadInt(a, "seed", 1, 0, std::numeric_limits<int64_t>::max(), o.seed)) {
    return analyze::kExitUsage;
  }
  std::vector<std::string> names;
  std::vector<bool> log_transform;
  {
    std::string list = a.GetOr("features", "recency,frequency,monetary");
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = std::min(list.find(',', start), list.size());
      std::string name = list.substr(start, comma - start);
      const Feature* found = nullptr;
      for (const auto& f : kFeatures) {
        if (name == f.name) found = &f;
      }
      if (!found) {
        return analyze::UsageError("--features takes names from recency, frequency, monetary, average, tenure; "
                                   "got '" + name + "'");
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        return analyze::UsageError("--features names '" + name + "' twice");
      }
      names.push_back(name);
      log_transform.push_back(found->log_transform);
      start = comma + 1;
    }
  }
  Purchases p;
  if (int code = analyze::LoadPurchases(a, true, p)) return code;
  const analytics::CustomerSummary s = analytics::Summarize(p.tx, p.as_of_day);
  analytics::FeatureMatrix raw;
  raw.columns = names.size();
  raw.names = names;
  std::vector<uint32_t> row_customer;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.purchases[i] == 0) continue;
    row_customer.push_back(static_cast<uint32_t>(i));
    for (const auto& name : names) raw.values.push_back(FeatureValue(name, s, i));
  }
  raw.rows = row_customer.size();
  if (raw.rows < static_cast<size_t>(o.k)) {
    return analyze::DataError("k-means with k = " + std::to_string(o.k) + " needs at least that many customers "
                              "with a purchase; there are " + std::to_string(raw.rows));
  }
  const analytics::FeatureMatrix standardised = analytics::Standardise(raw, log_transform);
  const analytics::KMeansResult km = analytics::RunKMeans(standardised, o);
  const double stability = analytics::ClusterStability(standardised, o, kStabilityRuns);
  const auto profiles = analytics::DescribeClusters(raw, km.label, o.k);
  std::vector<analytics::KChoiceRow> choose;
  if (a.Flag("choose-k")) {
    const int k_max = static_cast<int>(std::min<size_t>(kMaxClusters, raw.rows));
    choose = analytics::ChooseK(standardised, kChooseKMin, k_max, kSilhouetteSample, o.seed);
  }
  int code = analyze::WriteOut(c.out, [&](CsvWriter& csv) {
    csv.Text("customer_id").Text("cluster").EndRow();
    for (size_t r = 0; r < row_customer.size(); ++r) {
      csv.Text(p.tx.customer_keys[row_customer[r]]).Int(km.label[r]).EndRow();
    }
  });
  if (code) return code;
  return analyze::PrintReport(
      c,
      [&](CsvWriter& csv) {
        csv.Text("cluster").Text("size").Text("share");
        for (const auto& n : names) csv.Text("mean_" + n);
        for (const auto& n : names) csv.Text("median_" + n);
        csv.EndRow();
        for (const auto& pr : profiles) {
          csv.Int(pr.cluster).Int(static_cast<int64_t>(pr.size)).Double(pr.share);
          for (double v : pr.mean) csv.Double(v);
          for (double v : pr.median) csv.Double(v);
          csv.EndRow();
        }
      },
      [&](JsonWriter& w) {
        w.Key("k");
        w.Int(o.k);
        w.Key("features");
        w.StartArray();
        for (const auto& n : names) WriteString(w, n);
        w.EndArray();
        analyze::WriteNumberMember(w, "wcss", km.wcss);
        w.Key("iterations");
        w.Int(km.iterations);
        w.Key("converged");
        w.Bool(km.converged);
        analyze::WriteNumberMember(w, "stability", stability);
        w.Key("clusters");
        w.StartArray();
        for (const auto& pr : profiles) {
          w.StartObject();
          w.Key("cluster");
          w.Uint(pr.cluster);
          w.Key("size");
          w.Uint64(pr.size);
          analyze::WriteNumberMember(w, "share", pr.share);
          w.Key("mean");
          WriteFeatureObject(w, names, pr.mean);
          w.Key("median");
          WriteFeatureObject(w, names, pr.median);
          w.EndObject();
        }
        w.EndArray();
        if (a.Flag("choose-k")) {
          w.Key("choose_k");
          w.StartArray();
          for (const auto& row : choose) {
            w.StartObject();
            w.Key("k");
            w.Int(row.k);
            analyze::WriteNumberMember(w, "wcss", row.wcss);
            analyze::WriteNumberMember(w, "silhouette", row.silhouette);
            w.EndObject();
          }
          w.EndArray();
        }
      });
}

int AnalyzeClv(const Args& a) {
  Common c;
  if (int code = analyze::ParseCommon(a, analyze::PurchaseOptions(kClvOptions), c)) return code;
  ClvRun run;
  if (int code = ParseClvOptions(a, run)) return code;
  Purchases p;
  if (int code = analyze::LoadPurchases(a, run.with_spend, p)) return code;
  if (int code = FitClv(a, p, run)) return code;
  const auto& d = run.data;
  const auto& r = run.result;
  int code = analyze::WriteOut(c.out, [&](CsvWriter& csv) {
    csv.Text("customer_id").Text("x").Text("t_x").Text("T").Text("m_x").Text("p_alive");
    csv.Text("expected_purchases").Text("expected_spend").Text("clv").EndRow();
    for (size_t i = 0; i < d.size(); ++i) {
      csv.Text(p.tx.customer_keys[d.customer[i]]).Double(d.x[i]).Double(d.t_x[i]).Double(d.T[i]).Double(d.m_x[i]);
      csv.Double(r.p_alive[i]).Double(r.expected_purchases[i]);
      if (run.with_spend) csv.Double(r.expected_spend[i]).Double(r.clv[i]);
      else csv.Empty().Empty();
      csv.EndRow();
    }
  });
  if (code) return code;
  return analyze::PrintReport(
      c, [&](CsvWriter& csv) { WriteClvCsv(csv, run); }, [&](JsonWriter& w) { WriteClvMembers(w, run); });
}

int AnalyzeChurn(const Args& a) {
  Common c;
  std::initializer_list<std::string> extra = {"model", "spend", "calibration-end", "holdout-end", "time-unit",
                                              "horizon", "discount-rate", "margin", "p-alive-threshold",
                                              "gap-multiple", "limit"};
  if (int code = analyze::ParseCommon(a, analyze::PurchaseOptions(extra), c)) return code;
  ClvRun run;
  if (int code = ParseClvOptions(a, run)) return code;
  analytics::ChurnOptions o;
  size_t shown = 0;
  if (!analyze::ReadDouble(a, "p-alive-threshold", 0.3, 0, 1, o.p_alive_threshold, true) ||
      !analyze::ReadDouble(a, "gap-multiple", 2, 0, 1000, o.gap_multiple, true) ||
      !analyze::ReadInt(a, "limit", 100, 0, std::numeric_limits<int32_t>::max(), shown)) {
    return analyze::kExitUsage;
  }
  Purchases p;
  if (int code = analyze::LoadPurchases(a, run.with_spend, p)) return code;
  if (int code = FitClv(a, p, run)) return code;
  const analytics::CustomerSummary s = analytics::Summarize(p.tx, p.as_of_day);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> p_alive(s.size(), nan), clv(s.size(), nan);
  for (size_t i = 0; i < run.data.size(); ++i) {
    p_alive[run.data.customer[i]] = run.result.p_alive[i];
    if (run.with_spend) clv[run.data.customer[i]] = run.result.clv[i];
  }
  analytics::ChurnInput in;
  in.as_of_day = p.as_of_day;
  in.first_day = &s.first_day;
  in.last_day = &s.last_day;
  in.purchase_days = &s.purchase_days;
  in.p_alive = &p_alive;
  in.clv = &clv;
  const auto risks = analytics::RankChurnRisk(in, o);
  auto rows_csv = [&](CsvWriter& csv, size_t max_rows) {
    csv.Text("customer_id").Text("reasons").Text("p_alive").Text("gap_days").Text("usual_interval_days");
    csv.Text("value_at_risk").EndRow();
    for (size_t i = 0; i < risks.size() && i < max_rows; ++i) {
      const auto& risk = risks[i];
      csv.Text(p.tx.customer_keys[risk.customer]);
      WriteReasonsText(csv, risk.reasons);
      csv.Double(risk.p_alive).Double(risk.gap_days).Double(risk.usual_interval_days);
      csv.Fixed(risk.value_at_risk, 2).EndRow();
    }
  };
  int code = analyze::WriteOut(c.out, [&](CsvWriter& csv) { rows_csv(csv, risks.size()); });
  if (code) return code;
  return analyze::PrintReport(
      c,
      [&](CsvWriter& csv) { rows_csv(csv, shown); },
      [&](JsonWriter& w) {
        w.Key("at_risk");
        w.Uint64(risks.size());
        w.Key("items");
        w.StartArray();
        for (size_t i = 0; i < risks.size() && i < shown; ++i) {
          const auto& risk = risks[i];
          w.StartObject();
          w.Key("customer_id");
          WriteString(w, p.tx.customer_keys[risk.customer]);
          w.Key("reasons");
          w.StartArray();
          if (risk.reasons & static_cast<uint8_t>(analytics::ChurnReason::kLowPAlive)) w.String("low_p_alive");
          if (risk.reasons & static_cast<uint8_t>(analytics::ChurnReason::kLongGap)) w.String("long_gap");
          w.EndArray();
          analyze::WriteNumberMember(w, "p_alive", risk.p_alive);
          analyze::WriteNumberMember(w, "gap_days", risk.gap_days);
          analyze::WriteNumberMember(w, "usual_interval_days", risk.usual_interval_days);
          w.Key("value_at_risk");
          analyze::WriteYuanDouble(w, risk.value_at_risk);
          w.EndObject();
        }
        w.EndArray();
      });
}

}  // namespace guanxi::cli
