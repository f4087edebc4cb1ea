#include "analytics/gamma_gamma.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace guanxi::analytics {
namespace {

// CDNOW estimates of Fader, Hardie & Lee (2005), "RFM and CLV".
constexpr GammaGammaParams kCdnow{6.25, 3.74, 15.44};

// Density of m_x integrated over ν numerically: the mean of x Gamma(p, rate ν) amounts
// is Gamma(p·x, rate ν·x); ν ~ Gamma(q, rate γ). Trapezoid rule in w = log ν around the
// posterior mode, where the integrand is smooth and decays doubly exponentially.
long double LlByIntegral(const GammaGammaParams& g, double x, double m_x) {
  const long double p = g.p, q = g.q, gamma = g.gamma, m = m_x, n = x;
  auto log_integrand = [&](long double w) {
    const long double nu = std::exp(w);
    const long double log_mean_density =
        p * n * std::log(nu * n) + (p * n - 1) * std::log(m) - nu * n * m - std::lgamma(p * n);
    const long double log_prior = q * std::log(gamma) + (q - 1) * w - gamma * nu - std::lgamma(q);
    return log_mean_density + log_prior + w;  // dν = ν dw
  };
  const long double mode = std::log((p * n + q) / (gamma + n * m));
  const long double lo = mode - 12, hi = mode + 6;
  constexpr int kSteps = 200'000;
  const long double h = (hi - lo) / kSteps;
  const long double scale = log_integrand(mode);
  long double s = 0;
  for (int i = 0; i <= kSteps; ++i) {
    const long double v = std::exp(log_integrand(lo + i * h) - scale);
    s += (i == 0 || i == kSteps) ? v / 2 : v;
  }
  return scale + std::log(s * h);
}

TEST(GammaGammaLogLikelihood, MatchesIntegrationOverNu) {
  struct Case {
    GammaGammaParams g;
    double x, m_x;
  };
  const std::vector<Case> cases = {
      {kCdnow, 1, 35.0}, {kCdnow, 2, 30.0},         {kCdnow, 7, 12.5},          {kCdnow, 40, 80.0},
      {kCdnow, 1, 0.5},  {{0.8, 2.5, 300}, 3, 250}, {{2.0, 1.2, 5.0}, 15, 1000}};
  for (const Case& c : cases) {
    const double want = static_cast<double>(LlByIntegral(c.g, c.x, c.m_x));
    EXPECT_NEAR(GammaGammaLogLikelihood(c.g, c.x, c.m_x), want,
                1e-9 * std::max(1.0, std::abs(want)))
        << "x=" << c.x << " m_x=" << c.m_x;
  }
}

TEST(GammaGammaExpectedSpend, HandComputed) {
  // x = 2, m_x = 30: (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m_x
  //   = (pγ + px·m_x)/(px+q−1) = (96.5 + 375)/(12.5 + 2.74) = 471.5/15.24 = 30.938320…
  EXPECT_NEAR(GammaGammaExpectedSpend(kCdnow, 2, 30), 30.9383202, 1e-7);
  // x = 0: the population mean pγ/(q−1) = 96.5/2.74 = 35.218978…
  EXPECT_NEAR(GammaGammaExpectedSpend(kCdnow, 0, 0), 35.2189781, 1e-7);
  // Many purchases: the estimate approaches the customer's own mean.
  EXPECT_NEAR(GammaGammaExpectedSpend(kCdnow, 10'000, 30), 30, 0.001);
}

TEST(FitGammaGamma, UsesOnlyRepeatCustomersWithSpend) {
  BtydData d;
  d.x = {0, 1, 2, 3, 0, 4, 2, 1};
  d.m_x = {0, 20, 35, 0, 0, 18, 50, 27};  // row 3 has no positive spend
  d.t_x = d.T = std::vector<double>(8, 1.0);
  const GammaGammaFit fit = FitGammaGamma(d);
  EXPECT_EQ(fit.customers, 5u);
  double direct = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d.x[i] > 0 && d.m_x[i] > 0) direct += GammaGammaLogLikelihood(fit.params, d.x[i], d.m_x[i]);
  }
  EXPECT_NEAR(fit.diagnostics.log_likelihood, direct, 1e-9 * std::abs(direct));
  EXPECT_GT(fit.diagnostics.iterations, 0);
}

TEST(FitGammaGamma, RejectsDataWithoutRepeatCustomers) {
  BtydData d;
  d.x = {0, 0};
  d.m_x = {0, 0};
  d.t_x = d.T = {0, 0};
  EXPECT_THROW(FitGammaGamma(d), std::invalid_argument);
}

}  // namespace
}  // namespace guanxi::analytics
