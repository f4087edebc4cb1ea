// The probabilistic models reproduce the published estimates on the data the papers used:
// the CDNOW 1/10 sample (tests/data/cdnow), 39-week calibration 1997-01-01…1997-09-30,
// 39-week holdout to 1998-06-30, time in weeks.
//   BG/NBD      Fader, Hardie & Lee (2005), "Counting your customers the easy way":
//               r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4
//   Pareto/NBD  same paper (Table 1) and Fader & Hardie's note:
//               r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0
//   Gamma-Gamma Fader, Hardie & Lee (2005), "RFM and CLV": p = 6.25, q = 3.74, γ = 15.44
//               on the 946 repeat customers' mean repeat-purchase spend.
// Tolerances are half a unit of the last printed digit.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>

#include "analytics/bgnbd.h"
#include "analytics/clv.h"
#include "analytics/gamma_gamma.h"
#include "analytics/pareto_nbd.h"
#include "analytics/transactions.h"

namespace guanxi::analytics {
namespace {

Transactions LoadCdnow() {
  std::ifstream in(std::string(GUANXI_SOURCE_DIR) + "/tests/data/cdnow/cdnow_transactions.csv");
  EXPECT_TRUE(in.good());
  Transactions tx;
  std::unordered_map<std::string, uint32_t> index;
  std::string line;
  std::getline(in, line);  // _id,id,date,cds_bought,spent
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string master, id, date, cds, spent;
    std::getline(fields, master, ',');
    std::getline(fields, id, ',');
    std::getline(fields, date, ',');
    std::getline(fields, cds, ',');
    std::getline(fields, spent, ',');
    auto [it, added] = index.emplace(id, static_cast<uint32_t>(tx.customer_keys.size()));
    if (added) tx.customer_keys.push_back(id);
    const auto day = DayFromIso(date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2));
    EXPECT_TRUE(day.has_value()) << line;
    tx.customer.push_back(it->second);
    tx.day.push_back(*day);
    tx.amount_fen.push_back(std::llround(std::stod(spent) * 100.0));
  }
  return tx;
}

BtydData CdnowCalibration() {
  static const BtydData data = [] {
    BtydOptions options;
    options.calibration_end_day = *DayFromIso("1997-09-30");
    options.holdout_end_day = *DayFromIso("1998-06-30");
    options.unit = TimeUnit::kWeek;
    return BtydStatistics(LoadCdnow(), options);
  }();
  return data;
}

TEST(ClvPapers, CdnowSampleShape) {
  const BtydData d = CdnowCalibration();
  ASSERT_EQ(d.size(), 2357u);
  EXPECT_EQ(d.excluded, 0u);
  double repeat = 0;
  size_t repeaters = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    repeat += d.x[i];
    repeaters += d.x[i] > 0;
  }
  EXPECT_EQ(repeat, 2457);    // repeat purchases (days) in the 39 calibration weeks
  EXPECT_EQ(repeaters, 946u);  // the Gamma-Gamma paper's 946 repeat customers
}

TEST(ClvPapers, BgNbdReproducesFaderHardieLee2005) {
  const BgNbdFit fit = FitBgNbd(CdnowCalibration());
  EXPECT_TRUE(fit.diagnostics.converged) << fit.diagnostics.message;
  EXPECT_NEAR(fit.params.r, 0.243, 0.0005);
  EXPECT_NEAR(fit.params.alpha, 4.414, 0.0005);
  EXPECT_NEAR(fit.params.a, 0.793, 0.0005);
  EXPECT_NEAR(fit.params.b, 2.426, 0.0005);
  EXPECT_NEAR(fit.diagnostics.log_likelihood, -9582.4, 0.05);
  EXPECT_LT(fit.diagnostics.gradient_norm, 1e-2);
}

TEST(ClvPapers, ParetoNbdReproducesPublishedEstimates) {
  const ParetoNbdFit fit = FitParetoNbd(CdnowCalibration());
  EXPECT_TRUE(fit.diagnostics.converged) << fit.diagnostics.message;
  EXPECT_NEAR(fit.params.r, 0.553, 0.0005);
  EXPECT_NEAR(fit.params.alpha, 10.578, 0.0005);
  EXPECT_NEAR(fit.params.s, 0.606, 0.0005);
  // The likelihood is nearly flat along β (and s): our optimum sits at β ≈ 11.656, where
  // BTYD's R implementation also stops, 0.1 % from the printed 11.669. What must hold is
  // that it is a maximum at least as good as the published point.
  EXPECT_NEAR(fit.params.beta, 11.669, 0.02);
  EXPECT_NEAR(fit.diagnostics.log_likelihood, -9595.0, 0.05);
  const BtydData d = CdnowCalibration();
  const ParetoNbdParams published{0.553, 10.578, 0.606, 11.669};
  double published_ll = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    published_ll += ParetoNbdLogLikelihood(published, d.x[i], d.t_x[i], d.T[i]);
  }
  EXPECT_GE(fit.diagnostics.log_likelihood, published_ll - 1e-6);
  EXPECT_NEAR(published_ll, -9595.0, 0.05);
}

TEST(ClvPapers, GammaGammaReproducesFaderHardieLee2005b) {
  const GammaGammaFit fit = FitGammaGamma(CdnowCalibration());
  EXPECT_EQ(fit.customers, 946u);
  EXPECT_TRUE(fit.diagnostics.converged) << fit.diagnostics.message;
  EXPECT_NEAR(fit.params.p, 6.25, 0.005);
  EXPECT_NEAR(fit.params.q, 3.74, 0.005);
  EXPECT_NEAR(fit.params.gamma, 15.44, 0.005);
}

TEST(ClvPapers, HoldoutPredictionTracksActualPurchases) {
  const BtydData d = CdnowCalibration();
  const PurchaseModel model = FitPurchaseModel(PurchaseModelKind::kBgNbd, d);
  const HoldoutReport report = CheckHoldout(model, d);
  double actual = 0;
  for (double h : d.holdout_x) actual += h;
  EXPECT_EQ(report.actual_total, actual);
  ASSERT_EQ(report.by_frequency.size(), 8u);
  EXPECT_EQ(report.by_frequency.front().frequency, "0");
  EXPECT_EQ(report.by_frequency.back().frequency, "7+");
  size_t customers = 0;
  for (const auto& b : report.by_frequency) customers += b.customers;
  EXPECT_EQ(customers, d.size());
  // A plausibility check, not a published figure: in aggregate the conditional
  // expectations stay within 15 % of the holdout purchases (here they under-predict by
  // about 12 %, mostly among the heaviest buyers, as the paper's Figure 4 shows).
  EXPECT_NEAR(report.predicted_total / report.actual_total, 1.0, 0.15);
}

}  // namespace
}  // namespace guanxi::analytics
