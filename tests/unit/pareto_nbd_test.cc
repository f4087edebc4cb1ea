#include "analytics/pareto_nbd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace guanxi::analytics {
namespace {

// Published Pareto/NBD parameters of the CDNOW sample (weeks): Fader, Hardie & Lee (2005).
constexpr ParetoNbdParams kCdnow{0.55, 10.58, 0.61, 11.67};

struct LikelihoodReference {
  ParetoNbdParams p;
  double x, t_x, T;
  double log_likelihood, p_alive;
};

// Computed with mpmath 1.3.0 at mp.dps = 30 by integrating the model directly, not
// through 2F1: with the purchase and dropout rates integrated out of the individual
// likelihood λ^x e^(−(λ+μ)T) + λ^x μ/(λ+μ) (e^(−(λ+μ)t_x) − e^(−(λ+μ)T)),
//   L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^(−(r+x)) (β+T)^(−s)
//                                + s ∫_{t_x}^{T} (α+τ)^(−(r+x)) (β+τ)^(−(s+1)) dτ ],
//   mp.quad(f, [t_x] + [t_x + (T−t_x)·2^−k for k = 40…1] + [T])   (f the integrand),
// P(alive) = first term / bracket. The second row was also checked against the double
// integral over (λ, μ) of the individual likelihood times the two Gamma densities
// (mp.quad in 2-D, 20 digits: −9.5619812608429646588).
const std::vector<LikelihoodReference> kLikelihoods = {
    {{0.55, 10.58, 0.61, 11.67}, 0, 0, 38.86, -0.5170251508875384931208, 0.2937739504674204746457},
    {{0.55, 10.58, 0.61, 11.67},
     2,
     30.43,
     38.86,
     -9.561981260842963939275,
     0.8684109171320917202214},
    {{0.55, 10.58, 0.61, 11.67}, 10, 5, 38, -17.27985676772611244078, 0.00006139141557546838331847},
    {{0.55, 10.58, 0.61, 11.67},
     500,
     4000,
     5000,
     -1553.831573690128965505,
     2.898814407672460133959e-46},
    {{0.55, 10.58, 0.61, 11.67}, 3, 37.9, 38, -12.59373781244499521451, 0.9987669119975327280038},
    {{0.55, 74.06, 0.61, 81.69}, 0, 0, 5000, -0.6607631476626007724478, 0.01524225745811804091611},
    {{0.55, 74.06, 0.61, 81.69},
     200,
     4999,
     5000,
     -850.8565424977244737453,
     0.9998775526952844485096},
    {{0.55, 74.06, 0.61, 81.69},
     50,
     100,
     5000,
     -117.1636142415216213414,
     1.049068497227673451505e-73},
    {{2.0, 0.5, 0.05, 30}, 7, 20, 30, -21.49488786720335665079, 0.9221926745241337602486},
    {{0.2, 50, 3, 0.5}, 7, 20, 30, -36.00078342870680082625, 0.1887671422853810013363},
    {{0.2, 50, 3, 0.5}, 0, 0, 30, -0.0009892017524275732449486, 0.0000040143580285337456915},
    {{1.3, 0.01, 0.8, 0.002},
     500,
     4000.5,
     5000,
     -1568.603279455647704551,
     1.467392733094583315446e-46},
    {{0.55, 10.58, 1.0, 11.67}, 4, 20, 39, -14.67731766793777841377, 0.2977716760370205602089},
};

TEST(ParetoNbd, LogLikelihoodMatchesDirectIntegration) {
  for (const LikelihoodReference& c : kLikelihoods) {
    SCOPED_TRACE(::testing::Message()
                 << "r=" << c.p.r << " alpha=" << c.p.alpha << " s=" << c.p.s
                 << " beta=" << c.p.beta << " x=" << c.x << " t_x=" << c.t_x << " T=" << c.T);
    const double ll = ParetoNbdLogLikelihood(c.p, c.x, c.t_x, c.T);
    EXPECT_LT(std::abs(ll - c.log_likelihood), 1e-12 * std::max(1.0, std::abs(c.log_likelihood)));
    EXPECT_LT(std::abs(ParetoNbdPAlive(c.p, c.x, c.t_x, c.T) / c.p_alive - 1), 1e-10);
  }
}

TEST(ParetoNbd, CdnowPAliveOfNonRepeatersFallsWithT) {
  double previous = 1;
  for (double T = 1; T <= 78; T += 1) {
    const double p = ParetoNbdPAlive(kCdnow, 0, 0, T);
    EXPECT_LT(p, previous) << T;
    EXPECT_GT(p, 0) << T;
    previous = p;
  }
  // A customer who bought 10 times but not for 30 weeks is very likely gone; one whose
  // last purchase was at T is alive.
  EXPECT_LT(ParetoNbdPAlive(kCdnow, 10, 8, 38), 0.01);
  EXPECT_DOUBLE_EQ(ParetoNbdPAlive(kCdnow, 10, 38, 38), 1.0);
}

TEST(ParetoNbd, ExpectationsAtGivenParameters) {
  // E[X(t)] = r β / (α (s−1)) [1 − (β/(β+t))^(s−1)], by hand for t = 52.
  const double by_hand =
      0.55 * 11.67 / (10.58 * (0.61 - 1)) * (1 - std::pow(11.67 / (11.67 + 52), 0.61 - 1));
  EXPECT_NEAR(ParetoNbdExpectedPurchases(kCdnow, 52), by_hand, 1e-12);
  EXPECT_EQ(ParetoNbdExpectedPurchases(kCdnow, 0), 0);
  // s = 1 is the limit r β/α · log(1 + t/β), continuous from both sides.
  const ParetoNbdParams s_one{0.55, 10.58, 1.0, 11.67};
  const double limit = 0.55 * 11.67 / 10.58 * std::log1p(52 / 11.67);
  EXPECT_NEAR(ParetoNbdExpectedPurchases(s_one, 52), limit, 1e-12);
  for (double s : {1 - 1e-9, 1 + 1e-9}) {
    EXPECT_NEAR(ParetoNbdExpectedPurchases({0.55, 10.58, s, 11.67}, 52), limit, 1e-8);
  }
  // Conditional expectation: more purchases expected from the recent frequent buyer.
  const double frequent = ParetoNbdConditionalExpected(kCdnow, 39, 5, 37, 38);
  const double lapsed = ParetoNbdConditionalExpected(kCdnow, 39, 5, 10, 38);
  EXPECT_GT(frequent, 4 * lapsed);
  // With P(alive) = 1 (t_x = T) it is (r+x)(β+T)/((α+T)(s−1)) [1 − ((β+T)/(β+T+t))^(s−1)].
  const double alive = (0.55 + 5) * (11.67 + 38) / ((10.58 + 38) * (0.61 - 1)) *
                       (1 - std::pow((11.67 + 38) / (11.67 + 38 + 39), 0.61 - 1));
  EXPECT_NEAR(ParetoNbdConditionalExpected(kCdnow, 39, 5, 38, 38), alive, 1e-12);
}

// Customers simulated from the model: λ ~ Gamma(r, rate α), μ ~ Gamma(s, rate β),
// lifetime ~ Exponential(μ) from the first purchase at 0, purchases Poisson(λ) while
// alive, T uniform on [min_T, max_T] (continuous). Deterministic for a seed.
struct Simulated {
  BtydData data;
  std::vector<double> alive_at_T;  // 1 if the lifetime outlasts T
  std::vector<double> holdout_x;   // purchases in (T, T + holdout]
  std::vector<double> early_x;     // purchases in (0, early], for E[X(t)] (early ≤ min_T)
};

Simulated Simulate(const ParetoNbdParams& p, size_t customers, double holdout, double early,
                   uint64_t seed) {
  constexpr double kMinT = 27, kMaxT = 39;
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> purchase_rate(p.r, 1 / p.alpha), dropout_rate(p.s, 1 / p.beta);
  std::uniform_real_distribution<double> uniform(0, 1);
  auto poisson = [&](double mean) {
    return mean > 0 ? static_cast<double>(std::poisson_distribution<int64_t>(mean)(rng)) : 0.0;
  };
  Simulated s;
  for (size_t i = 0; i < customers; ++i) {
    const double lambda = purchase_rate(rng), mu = dropout_rate(rng);
    const double lifetime = -std::log1p(-uniform(rng)) / mu;
    const double T = kMinT + (kMaxT - kMinT) * uniform(rng);
    const double window = std::min(lifetime, T);
    const double x = poisson(lambda * window);
    // Given x Poisson events in (0, w], the last is w times the max of x uniforms.
    const double t_x = x > 0 ? window * std::pow(uniform(rng), 1 / x) : 0;
    s.data.customer.push_back(static_cast<uint32_t>(i));
    s.data.x.push_back(x);
    s.data.t_x.push_back(t_x);
    s.data.T.push_back(T);
    s.alive_at_T.push_back(lifetime > T ? 1 : 0);
    s.holdout_x.push_back(poisson(lambda * std::max(0.0, std::min(lifetime, T + holdout) - T)));
    s.early_x.push_back(poisson(lambda * std::min(lifetime, early)));
  }
  return s;
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double e : v) sum += e;
  return sum / static_cast<double>(v.size());
}

double StandardError(const std::vector<double>& v) {
  const double m = Mean(v);
  double sq = 0;
  for (double e : v) sq += (e - m) * (e - m);
  return std::sqrt(sq / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
}

// Averaged over customers drawn from the model, P(alive | x, t_x, T) is the share alive
// at T, and E[Y(t) | x, t_x, T] the mean purchases in (T, T+t] (law of total
// expectation): a Monte-Carlo check of both formulas, and of E[X(t)].
TEST(ParetoNbd, ExpectationsMatchMonteCarlo) {
  constexpr size_t kCustomers = 200'000;
  constexpr double kHoldout = 39, kEarly = 26;
  const Simulated s = Simulate(kCdnow, kCustomers, kHoldout, kEarly, 17);
  std::vector<double> p_alive(kCustomers), conditional(kCustomers);
  for (size_t i = 0; i < kCustomers; ++i) {
    p_alive[i] = ParetoNbdPAlive(kCdnow, s.data.x[i], s.data.t_x[i], s.data.T[i]);
    conditional[i] =
        ParetoNbdConditionalExpected(kCdnow, kHoldout, s.data.x[i], s.data.t_x[i], s.data.T[i]);
  }
  // 4 standard errors of the simulated mean (the model values vary far less).
  EXPECT_NEAR(Mean(p_alive), Mean(s.alive_at_T), 4 * StandardError(s.alive_at_T));
  EXPECT_NEAR(Mean(conditional), Mean(s.holdout_x), 4 * StandardError(s.holdout_x));
  EXPECT_NEAR(ParetoNbdExpectedPurchases(kCdnow, kEarly), Mean(s.early_x),
              4 * StandardError(s.early_x));
}

// The fit sums over distinct (x, t_x, T) with counts; its reported log-likelihood is the
// sum of the per-customer function over every row, and the fit is deterministic.
TEST(ParetoNbd, GroupedFitLikelihoodEqualsRowSum) {
  Simulated s = Simulate(kCdnow, 20'000, 0, 0, 3);
  // Day resolution in weeks, as the CLI produces: many repeated triples.
  for (size_t i = 0; i < s.data.size(); ++i) {
    s.data.t_x[i] = std::round(s.data.t_x[i] * 7) / 7;
    s.data.T[i] = std::max(std::round(s.data.T[i] * 7) / 7, s.data.t_x[i]);
  }
  const ParetoNbdFit fit = FitParetoNbd(s.data);
  double row_sum = 0;
  for (size_t i = 0; i < s.data.size(); ++i) {
    row_sum += ParetoNbdLogLikelihood(fit.params, s.data.x[i], s.data.t_x[i], s.data.T[i]);
  }
  EXPECT_NEAR(fit.diagnostics.log_likelihood, row_sum, 1e-10 * std::abs(row_sum));
  const ParetoNbdFit again = FitParetoNbd(s.data);
  EXPECT_EQ(again.params.r, fit.params.r);
  EXPECT_EQ(again.params.alpha, fit.params.alpha);
  EXPECT_EQ(again.params.s, fit.params.s);
  EXPECT_EQ(again.params.beta, fit.params.beta);
  EXPECT_EQ(again.diagnostics.log_likelihood, fit.diagnostics.log_likelihood);
}

TEST(ParetoNbd, RecoversSimulatedParameters) {
#if defined(__SANITIZE_ADDRESS__)
  // Under ASan+UBSan the fit is several times slower; 200,000 customers still pin each
  // parameter well inside 5 % (the Release build runs the full 1,000,000).
  constexpr size_t kCustomers = 200'000;
#else
  constexpr size_t kCustomers = 1'000'000;
#endif
  const Simulated s = Simulate(kCdnow, kCustomers, 0, 0, 2026);
  const ParetoNbdFit fit = FitParetoNbd(s.data);
  EXPECT_TRUE(fit.diagnostics.converged) << fit.diagnostics.message;
  EXPECT_NEAR(fit.params.r, kCdnow.r, 0.05 * kCdnow.r);
  EXPECT_NEAR(fit.params.alpha, kCdnow.alpha, 0.05 * kCdnow.alpha);
  EXPECT_NEAR(fit.params.s, kCdnow.s, 0.05 * kCdnow.s);
  EXPECT_NEAR(fit.params.beta, kCdnow.beta, 0.05 * kCdnow.beta);
  // At the optimum the gradient is near 0 (far from it, it is of the order of the
  // customer count).
  EXPECT_LT(fit.diagnostics.gradient_norm, 1e-5 * std::abs(fit.diagnostics.log_likelihood));
}

TEST(ParetoNbd, RejectsInvalidRows) {
  BtydData d;
  EXPECT_THROW(FitParetoNbd(d), std::invalid_argument);
  d.customer = {0};
  d.x = {2};
  d.t_x = {10};
  d.T = {5};  // last purchase after the calibration end
  EXPECT_THROW(FitParetoNbd(d), std::invalid_argument);
}

}  // namespace
}  // namespace guanxi::analytics
