#include "analytics/bgnbd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace guanxi::analytics {
namespace {

// CDNOW estimates of Fader, Hardie & Lee (2005), time in weeks.
constexpr BgNbdParams kCdnow{0.243, 4.414, 0.793, 2.426};

// Simpson's rule over [0, 1] with an even number of intervals.
template <typename F>
long double Simpson(const F& f, int intervals) {
  const long double h = 1.0L / intervals;
  long double s = f(0.0L) + f(1.0L);
  for (int i = 1; i < intervals; ++i) s += (i % 2 ? 4 : 2) * f(i * h);
  return s * h / 3;
}

long double LogBeta(long double a, long double b) {
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

// ∫₀¹ g(p) Beta(p; a, b) dp with p = u^(1/a), which turns p^(a−1) dp into du/a and so
// removes the singularity at p = 0 when a < 1. Accurate for a ≤ 1 and b ≥ 2, where the
// integrand in u is smooth enough for Simpson's rule.
template <typename G>
long double BetaExpectation(long double a, long double b, const G& g) {
  const long double norm = std::exp(-LogBeta(a, b)) / a;
  return norm * Simpson(
                    [&](long double u) {
                      const long double p = std::pow(u, 1 / a);
                      if (p >= 1) return 0.0L;
                      return std::pow(1 - p, b - 1) * g(p);
                    },
                    100'000);
}

// E[(1/p)(1 − E_λ e^{−λpt})] with λ ~ Gamma(r, α), p ~ Beta(a, b): the expected purchases
// in (0, t] of a customer alive at 0 (paper, the step before eq. 9), integrated over p
// numerically instead of through 2F1.
long double ExpectedByIntegral(long double r, long double alpha, long double a, long double b,
                               long double t) {
  return BetaExpectation(a, b, [&](long double p) {
    if (p == 0) return r * t / alpha;  // the limit of the integrand
    // 1 − (α/(α+pt))^r without cancellation.
    return -std::expm1(-r * std::log1p(p * t / alpha)) / p;
  });
}

// Log-likelihood with λ integrated out in closed form (Gamma) and p integrated
// numerically: E_p[(1−p)^x A(T) + [x>0] p (1−p)^(x−1) A(t_x)],
// A(s) = Γ(r+x) α^r / (Γ(r) (α+s)^(r+x)).
long double LlByIntegral(const BgNbdParams& q, double x, double t_x, double T) {
  const long double r = q.r, alpha = q.alpha, a = q.a, b = q.b;
  auto log_a = [&](long double s) {
    return std::lgamma(r + x) - std::lgamma(r) + r * std::log(alpha) -
           (r + x) * std::log(alpha + s);
  };
  const long double at_T = log_a(T), at_tx = log_a(t_x);
  const long double scale = std::max(at_T, at_tx);
  const long double integral = BetaExpectation(a, b, [&](long double p) {
    long double v = std::pow(1 - p, static_cast<long double>(x)) * std::exp(at_T - scale);
    if (x > 0) v += p * std::pow(1 - p, static_cast<long double>(x) - 1) * std::exp(at_tx - scale);
    return v;
  });
  return scale + std::log(integral);
}

TEST(BgNbdLogLikelihood, MatchesIntegrationOverDropoutProbability) {
  struct Case {
    BgNbdParams p;
    double x, t_x, T;
  };
  // Weekly CDNOW parameters and the same model in days (α × 7) for long histories.
  const BgNbdParams daily{0.243, 4.414 * 7, 0.793, 2.426};
  const std::vector<Case> cases = {{kCdnow, 0, 0, 38.86},     {kCdnow, 1, 20, 38.86},
                                   {kCdnow, 2, 30.43, 38.86}, {kCdnow, 7, 35, 36},
                                   {kCdnow, 200, 150, 160},   {daily, 0, 0, 5000},
                                   {daily, 1, 1, 5000},       {daily, 200, 4990, 5000},
                                   {daily, 200, 2000, 5000},  {{2.5, 0.7, 0.4, 3.2}, 3, 2, 9}};
  for (const Case& c : cases) {
    const double got = BgNbdLogLikelihood(c.p, c.x, c.t_x, c.T);
    const double want = static_cast<double>(LlByIntegral(c.p, c.x, c.t_x, c.T));
    EXPECT_NEAR(got, want, 1e-9 * std::max(1.0, std::abs(want)))
        << "x=" << c.x << " t_x=" << c.t_x << " T=" << c.T;
    EXPECT_TRUE(std::isfinite(got));
  }
}

TEST(BgNbdLogLikelihood, NewCustomerWithNoTimeHasProbabilityOne) {
  // x = 0 and T = 0: nothing could have happened yet.
  EXPECT_NEAR(BgNbdLogLikelihood(kCdnow, 0, 0, 0), 0.0, 1e-14);
}

TEST(BgNbdConditionalExpected, PublishedCdnowExample) {
  // Paper, section 4: a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make
  // 1.226 purchases in the next 39 weeks.
  EXPECT_NEAR(BgNbdConditionalExpected(kCdnow, 39, 2, 30.43, 38.86), 1.226, 5e-4);
}

TEST(BgNbdConditionalExpected, MatchesIntegrationOverPosterior) {
  // Given alive, λ | data ~ Gamma(r+x, α+T) and p | data ~ Beta(a, b+x), so
  // E[Y(t) | data] = P(alive) · E[(1/p)(1 − ((α+T)/(α+T+pt))^(r+x))].
  struct Case {
    BgNbdParams p;
    double t, x, t_x, T;
  };
  const BgNbdParams daily{0.243, 4.414 * 7, 0.793, 2.426};
  const std::vector<Case> cases = {{kCdnow, 39, 2, 30.43, 38.86},  {kCdnow, 1, 0, 0, 30},
                                   {kCdnow, 52, 5, 20, 38},        {kCdnow, 10, 12, 37, 38},
                                   {kCdnow, 104, 1, 3, 39},        {daily, 365, 200, 4990, 5000},
                                   {daily, 3650, 200, 4990, 5000}, {daily, 365, 0, 0, 5000},
                                   {{0.5, 5, 0.3, 0.4}, 20, 3, 10, 30}};
  for (const Case& c : cases) {
    const long double posterior =
        ExpectedByIntegral(c.p.r + c.x, c.p.alpha + c.T, c.p.a, c.p.b + c.x, c.t);
    const double want = static_cast<double>(posterior) * BgNbdPAlive(c.p, c.x, c.t_x, c.T);
    EXPECT_NEAR(BgNbdConditionalExpected(c.p, c.t, c.x, c.t_x, c.T), want, 1e-8 * want)
        << "t=" << c.t << " x=" << c.x << " T=" << c.T;
  }
}

TEST(BgNbdConditionalExpected, NegativeHypergeometricWhenAPlusBBelowOne) {
  // a + b < 1 and x = 0: c = a + b − 1 < 0, the 2F1 has no logarithm. Reference: mpmath
  // at 30 digits, quad of E[(1/p)(1 − ((α+T)/(α+T+pt))^r)] over p ~ Beta(0.3, 0.4)
  // split at 1e-6, 0.01, 0.5, 0.99 (the endpoint singularities defeat a plain rule):
  // 0.246738901961730620 (the closed form gives 0.246738901963325510).
  const BgNbdParams p{0.5, 5, 0.3, 0.4};
  EXPECT_DOUBLE_EQ(BgNbdPAlive(p, 0, 0, 30), 1.0);
  EXPECT_NEAR(BgNbdConditionalExpected(p, 20, 0, 0, 30), 0.246738901961730620, 1e-10);
  EXPECT_TRUE(std::isfinite(BgNbdExpectedPurchases(p, 52)));
  EXPECT_GT(BgNbdExpectedPurchases(p, 52), BgNbdExpectedPurchases(p, 26));
}

TEST(BgNbdExpectedPurchases, MatchesIntegrationOverDropoutProbability) {
  for (double t : {1.0, 13.0, 39.0, 78.0}) {
    const double want =
        static_cast<double>(ExpectedByIntegral(kCdnow.r, kCdnow.alpha, kCdnow.a, kCdnow.b, t));
    EXPECT_NEAR(BgNbdExpectedPurchases(kCdnow, t), want, 1e-8 * want) << "t=" << t;
  }
  EXPECT_EQ(BgNbdExpectedPurchases(kCdnow, 0), 0.0);
}

TEST(BgNbdExpectedPurchases, ContinuousAtAEqualsOne) {
  // (a+b−1)/(a−1) · […] has a removable singularity at a = 1.
  const BgNbdParams at_one{0.5, 5, 1.0, 2.0};
  const BgNbdParams near_one{0.5, 5, 1.0 + 1e-4, 2.0};
  const double v = BgNbdExpectedPurchases(at_one, 20);
  EXPECT_TRUE(std::isfinite(v));
  EXPECT_NEAR(v, BgNbdExpectedPurchases(near_one, 20), 1e-4);
  const double want = static_cast<double>(ExpectedByIntegral(0.5, 5, 1.0, 2.0, 20));
  EXPECT_NEAR(v, want, 1e-7 * want);
}

TEST(BgNbdPAlive, NoRepeatPurchaseMeansAlive) { EXPECT_EQ(BgNbdPAlive(kCdnow, 0, 0, 38.86), 1.0); }

TEST(BgNbdPAlive, HandComputed) {
  // 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) with x = 2, t_x = 30.43, T = 38.86:
  // a/(b+1) = 0.793/3.426 = 0.2314653; (43.274/34.844)^2.243 = 1.2419355^2.243 = 1.6257888;
  // odds = 0.3763136 → P = 1/1.3763136 = 0.7265786.
  EXPECT_NEAR(BgNbdPAlive(kCdnow, 2, 30.43, 38.86), 0.7265786, 2e-7);
  // A frequent buyer who stopped long ago is almost surely gone, without underflow.
  const double gone = BgNbdPAlive(kCdnow, 200, 1, 5000);
  EXPECT_GE(gone, 0.0);
  EXPECT_LT(gone, 1e-100);
  // The same buyer seen just now is almost surely alive.
  EXPECT_GT(BgNbdPAlive(kCdnow, 200, 4999.9, 5000), 0.99);
}

TEST(FitBgNbd, RejectsEmptyAndInconsistentData) {
  BtydData empty;
  EXPECT_THROW(FitBgNbd(empty), std::invalid_argument);
  BtydData bad;
  bad.x = {1};
  bad.t_x = {5};
  bad.T = {3};  // t_x > T
  bad.m_x = {10};
  bad.customer = {0};
  EXPECT_THROW(FitBgNbd(bad), std::invalid_argument);
}

TEST(FitBgNbd, GroupedRowsGiveTheSameFitAsDistinctRows) {
  // Each row repeated: the fit sees the same data, so the log-likelihood doubles and the
  // parameters stay (up to optimiser tolerance).
  BtydData once;
  const double xs[] = {0, 0, 1, 2, 3, 0, 5, 1, 0, 8};
  const double txs[] = {0, 0, 10, 20, 30, 0, 35, 2, 0, 38};
  const double Ts[] = {39, 30, 35, 36, 38, 27, 39, 30, 33, 39};
  for (int i = 0; i < 10; ++i) {
    once.x.push_back(xs[i]);
    once.t_x.push_back(txs[i]);
    once.T.push_back(Ts[i]);
  }
  BtydData twice = once;
  for (int i = 0; i < 10; ++i) {
    twice.x.push_back(xs[i]);
    twice.t_x.push_back(txs[i]);
    twice.T.push_back(Ts[i]);
  }
  const BgNbdFit a = FitBgNbd(once);
  double direct = 0;
  for (int i = 0; i < 10; ++i) direct += BgNbdLogLikelihood(a.params, xs[i], txs[i], Ts[i]);
  EXPECT_NEAR(a.diagnostics.log_likelihood, direct, 1e-10 * std::abs(direct));
  const BgNbdFit b = FitBgNbd(twice);
  EXPECT_NEAR(b.diagnostics.log_likelihood, 2 * a.diagnostics.log_likelihood,
              1e-6 * std::abs(a.diagnostics.log_likelihood));
}

}  // namespace
}  // namespace guanxi::analytics
