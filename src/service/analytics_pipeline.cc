#include "service/analytics_pipeline.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "analytics/churn.h"
#include "analytics/clv.h"
#include "analytics/kmeans.h"
#include "analytics/kpi.h"
#include "analytics/rfm.h"
#include "analytics/tiers.h"
#include "service/analytics_report.h"

namespace guanxi {

namespace {

// Fitting four parameters to fewer customers answers noise, not a model.
constexpr size_t kMinModelCustomers = 5;
constexpr int kStabilityRuns = 3;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<double> Finite(double v) {
  if (std::isfinite(v)) return v;
  return std::nullopt;
}
std::optional<int64_t> YuanToFen(double yuan) {
  if (!std::isfinite(yuan)) return std::nullopt;
  return static_cast<int64_t>(std::llround(yuan * 100.0));
}

// The first day of the month 23 months before as_of's: KPIs cover two years.
int32_t KpiFromDay(int32_t as_of_day) {
  const std::string iso = analytics::IsoFromDay(as_of_day);
  int year = std::stoi(iso.substr(0, 4));
  int month = std::stoi(iso.substr(5, 2)) - 23;
  while (month < 1) {
    month += 12;
    --year;
  }
  std::string first = std::to_string(year) + (month < 10 ? "-0" : "-") + std::to_string(month) + "-01";
  return analytics::DayFromIso(first).value_or(as_of_day);
}

// Every step-th row of `m`, at most `max_rows` rows (deterministic).
analytics::FeatureMatrix SampleRows(const analytics::FeatureMatrix& m, size_t max_rows) {
  if (m.rows <= max_rows) return m;
  analytics::FeatureMatrix s;
  s.columns = m.columns;
  s.names = m.names;
  const double step = static_cast<double>(m.rows) / static_cast<double>(max_rows);
  for (size_t i = 0; i < max_rows; ++i) {
    const size_t r = static_cast<size_t>(static_cast<double>(i) * step);
    for (size_t c = 0; c < m.columns; ++c) s.values.push_back(m.at(r, c));
  }
  s.rows = max_rows;
  return s;
}

// Products a salesperson can offer each customer: the basket rules' top items
// per customer, as the JSON array customer_metric.recommendations holds.
constexpr size_t kRecommendationsPerCustomer = 3;

void WriteRecommendations(const PipelineInput& in, const analytics::BasketResult& mined,
                          std::vector<CustomerMetric>& metrics) {
  // Baskets number customers in their own order: map them by customer key.
  std::unordered_map<std::string, size_t> metric_of;
  for (size_t i = 0; i < in.tx.customer_keys.size(); ++i) {
    metric_of.emplace(in.tx.customer_keys[i], i);
  }
  std::vector<std::vector<analytics::Recommendation>> per_customer(in.baskets.customer_keys.size());
  // Recommend answers each customer's items best first.
  for (const auto& r : analytics::Recommend(in.baskets, mined, kRecommendationsPerCustomer)) {
    per_customer[r.customer].push_back(r);
  }
  for (size_t c = 0; c < per_customer.size(); ++c) {
    auto it = metric_of.find(in.baskets.customer_keys[c]);
    if (per_customer[c].empty() || it == metric_of.end()) continue;
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.SetMaxDecimalPlaces(4);
    w.StartArray();
    for (const auto& r : per_customer[c]) {
      const std::string& code = in.baskets.item_keys[r.item];
      auto name = in.product_names.find(code);
      const std::string& shown = name != in.product_names.end() ? name->second : code;
      w.StartObject();
      w.Key("code");
      w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
      w.Key("name");
      w.String(shown.data(), static_cast<rapidjson::SizeType>(shown.size()));
      w.Key("score");
      w.Double(std::isfinite(r.score) ? r.score : 0.0);
      w.Key("lift");
      w.Double(std::isfinite(r.lift) ? r.lift : 0.0);
      w.EndObject();
    }
    w.EndArray();
    metrics[it->second].recommendations.assign(buf.GetString(), buf.GetSize());
  }
}

}  // namespace

PipelineOutput RunAnalyticsPipeline(const PipelineInput& in, const AnalyticsSettings& settings,
                                    int32_t as_of_day, int64_t run_id, UnixSeconds computed_at) {
  const analytics::Transactions& tx = in.tx;
  const size_t n = tx.customer_count();
  ReportInput rep;
  rep.settings = settings;
  rep.as_of_day = as_of_day;
  rep.customers = n;

  // --- descriptive figures and the revenue of the last 365 days ---
  const analytics::CustomerSummary summary = analytics::Summarize(tx, as_of_day);
  std::vector<int64_t> revenue_365(n, 0);
  for (size_t r = 0; r < tx.size(); ++r) {
    if (tx.day[r] > as_of_day) continue;
    rep.revenue_fen += tx.amount_fen[r];
    ++rep.orders;
    if (tx.day[r] > as_of_day - kRevenueWindowDays) revenue_365[tx.customer[r]] += tx.amount_fen[r];
  }
  std::vector<bool> has_purchase(n);
  for (size_t i = 0; i < n; ++i) {
    has_purchase[i] = summary.purchases[i] > 0;
    if (has_purchase[i]) ++rep.buyers;
  }

  // --- RFM and tiers ---
  rep.rfm = analytics::ScoreRfm(summary);
  rep.class_revenue_fen.assign(analytics::kRfmClassCount, 0);
  for (size_t i = 0; i < n; ++i) {
    if (rep.rfm.rfm_class[i]) rep.class_revenue_fen[static_cast<size_t>(*rep.rfm.rfm_class[i])] += summary.total_fen[i];
  }
  std::vector<int64_t> profit(n);
  for (size_t i = 0; i < n; ++i) {
    profit[i] = static_cast<int64_t>(std::llround(static_cast<double>(revenue_365[i]) * settings.margin));
  }
  rep.tiers = analytics::AssignValueTiers(
      profit, has_purchase, {.strategic_share = settings.strategic_share,
                             .important_share = settings.important_share});

  // --- purchase model, spend model and CLV (calibration end = as_of) ---
  std::vector<double> p_alive(n, kNaN), expected_purchases(n, kNaN), expected_spend(n, kNaN),
      clv_yuan(n, kNaN);
  const analytics::BtydData btyd = analytics::BtydStatistics(
      tx, {.calibration_end_day = as_of_day, .holdout_end_day = std::nullopt, .unit = settings.time_unit});
  if (btyd.size() >= kMinModelCustomers) {
    ReportClv c;
    c.model = analytics::FitPurchaseModel(settings.model, btyd);
    c.customers = btyd.size();
    c.excluded = btyd.excluded;
    // The spend model needs repeat customers with a positive mean spend, and its expected
    // spend needs q > 1 (a finite population mean).
    size_t repeaters = 0;
    for (size_t r = 0; r < btyd.size(); ++r) repeaters += btyd.x[r] > 0 && btyd.m_x[r] > 0;
    analytics::GammaGammaFit gg;
    if (repeaters >= kMinModelCustomers) gg = analytics::FitGammaGamma(btyd);
    const bool spend_ok = gg.customers >= kMinModelCustomers && gg.params.q > 1 &&
                          std::isfinite(gg.diagnostics.log_likelihood);
    if (spend_ok) c.spend = gg;
    const analytics::ClvResult clv = analytics::ComputeClv(
        c.model, spend_ok ? &gg.params : nullptr, btyd,
        {.horizon = settings.horizon, .annual_discount_rate = settings.discount_rate,
         .margin = settings.margin});
    for (size_t r = 0; r < btyd.size(); ++r) {
      const uint32_t i = btyd.customer[r];
      p_alive[i] = clv.p_alive[r];
      expected_purchases[i] = clv.expected_purchases[r];
      if (spend_ok) {
        expected_spend[i] = clv.expected_spend[r];
        clv_yuan[i] = clv.clv[r];
      }
    }
    rep.clv = std::move(c);
  }

  // --- churn risk ---
  const std::vector<analytics::ChurnRisk> risks = analytics::RankChurnRisk(
      {.as_of_day = as_of_day, .first_day = &summary.first_day, .last_day = &summary.last_day,
       .purchase_days = &summary.purchase_days, .p_alive = &p_alive, .clv = &clv_yuan},
      {.p_alive_threshold = settings.p_alive_threshold, .gap_multiple = settings.gap_multiple,
       .min_purchase_days = 2});

  // --- attack/defend ---
  std::vector<int64_t> potential = in.potential_fen;
  potential.resize(n, 0);
  rep.attack_defend = analytics::ClassifyAttackDefend(
      potential, revenue_365,
      {.potential_threshold_fen = settings.potential_threshold_fen,
       .share_threshold = settings.share_threshold});
  for (int64_t p : potential) rep.with_potential += p > 0 ? 1 : 0;

  // --- k-means on the buyers ---
  std::vector<int64_t> cluster_of(n, -1);
  if (rep.buyers >= static_cast<size_t>(settings.k) * 2) {
    ReportClusters cl;
    cl.k = settings.k;
    cl.features = {"recency_days", "frequency", "monetary"};
    analytics::FeatureMatrix raw;
    raw.columns = 3;
    raw.names = cl.features;
    std::vector<size_t> row_customer;
    for (size_t i = 0; i < n; ++i) {
      if (!has_purchase[i]) continue;
      row_customer.push_back(i);
      raw.values.push_back(summary.recency_days[i]);
      raw.values.push_back(summary.purchases[i]);
      raw.values.push_back(static_cast<double>(summary.total_fen[i]));
    }
    raw.rows = row_customer.size();
    const analytics::FeatureMatrix standard = analytics::Standardise(raw, {false, true, true});
    const analytics::KMeansOptions options{.k = settings.k, .seed = 1};
    cl.kmeans = analytics::RunKMeans(standard, options);
    cl.profiles = analytics::DescribeClusters(raw, cl.kmeans.label, settings.k);
    const analytics::FeatureMatrix sample = SampleRows(standard, kClusterSampleRows);
    cl.stability = analytics::ClusterStability(sample, options, kStabilityRuns);
    const int k_max = static_cast<int>(std::min<size_t>(10, sample.rows - 1));
    if (k_max >= 2) cl.choose_k = analytics::ChooseK(sample, 2, k_max, kSilhouetteSampleRows, 1);
    for (size_t r = 0; r < row_customer.size(); ++r) cluster_of[row_customer[r]] = cl.kmeans.label[r];
    rep.clusters = std::move(cl);
  }

  // --- KPIs by month with revenue by tier, and cohorts ---
  std::vector<std::string> tier_keys;
  for (int t = 0; t < 4; ++t) tier_keys.push_back(analytics::ValueTierKey(static_cast<analytics::ValueTier>(t)));
  std::vector<int> group_of(n);
  for (size_t i = 0; i < n; ++i) group_of[i] = static_cast<int>(rep.tiers.tier[i]);
  rep.kpi = analytics::ComputeKpis(tx, analytics::PeriodKind::kMonth, KpiFromDay(as_of_day),
                                   as_of_day, tier_keys, group_of);

  // --- basket rules ---
  rep.baskets = in.baskets.size();
  if (in.baskets.size() > 0) {
    rep.basket = analytics::MineBaskets(in.baskets, analytics::BasketOptions{});
    rep.item_keys = in.baskets.item_keys;
    rep.product_names = in.product_names;
  }

  // --- the customer_metric rows ---
  PipelineOutput out;
  out.metrics.resize(n);
  const std::string as_of = analytics::IsoFromDay(as_of_day);
  for (size_t i = 0; i < n; ++i) {
    CustomerMetric& m = out.metrics[i];
    m.customer_id = std::stoll(tx.customer_keys[i]);
    m.run_id = run_id;
    m.computed_at = computed_at;
    m.as_of = as_of;
    m.frequency = summary.purchases[i];
    m.monetary = summary.total_fen[i];
    m.tier = analytics::ValueTierKey(rep.tiers.tier[i]);
    if (has_purchase[i]) {
      m.recency_days = summary.recency_days[i];
      m.revenue_365 = revenue_365[i];
      m.churn_risk = false;
      if (summary.purchase_days[i] >= 2) {
        m.usual_interval_days = static_cast<double>(summary.last_day[i] - summary.first_day[i]) /
                                static_cast<double>(summary.purchase_days[i] - 1);
      }
    }
    if (rep.rfm.r[i] > 0) {
      m.r_score = rep.rfm.r[i];
      m.f_score = rep.rfm.f[i];
      m.m_score = rep.rfm.m[i];
      m.rfm_cell = std::to_string(rep.rfm.r[i]) + std::to_string(rep.rfm.f[i]) +
                   std::to_string(rep.rfm.m[i]);
    }
    if (rep.rfm.rfm_class[i]) m.rfm_class = analytics::RfmClassKey(*rep.rfm.rfm_class[i]);
    if (cluster_of[i] >= 0) m.cluster = cluster_of[i];
    m.p_alive = Finite(p_alive[i]);
    m.expected_purchases = Finite(expected_purchases[i]);
    m.expected_spend = YuanToFen(expected_spend[i]);
    m.clv = YuanToFen(clv_yuan[i]);
    if (rep.attack_defend.quadrant[i]) {
      m.attack_defend = analytics::AttackDefendKey(*rep.attack_defend.quadrant[i]);
    }
    if (potential[i] > 0) m.wallet_share = Finite(rep.attack_defend.share[i]);
  }
  if (rep.basket) WriteRecommendations(in, *rep.basket, out.metrics);
  for (const analytics::ChurnRisk& risk : risks) {
    CustomerMetric& m = out.metrics[risk.customer];
    m.churn_risk = true;
    m.value_at_risk = YuanToFen(risk.value_at_risk).value_or(0);
    ++rep.at_risk;
    rep.value_at_risk_fen += *m.value_at_risk;
  }
  if (rep.clv && rep.clv->spend) {
    int64_t equity = 0;
    for (const CustomerMetric& m : out.metrics) {
      if (!m.clv) continue;
      equity += *m.clv;
      rep.clv->clv_fen.push_back(*m.clv);
    }
    rep.clv->customer_equity_fen = equity;
  }
  out.report_json = WriteAnalyticsReport(rep);
  return out;
}

}  // namespace guanxi
