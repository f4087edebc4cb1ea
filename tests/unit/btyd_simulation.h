// Customers simulated from the BG/NBD purchase model and the Gamma-Gamma spend model,
// for parameter-recovery and holdout tests. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <random>

#include "analytics/bgnbd.h"
#include "analytics/gamma_gamma.h"
#include "analytics/transactions.h"

namespace guanxi::analytics::simulation {

struct SimulationSpec {
  size_t customers = 0;
  BgNbdParams purchases;
  GammaGammaParams spend;
  double min_T = 27, max_T = 39;  // weeks since the first purchase, uniform, continuous
  double holdout = 0;             // weeks after each customer's calibration end
  uint64_t seed = 1;
};

// Each customer: λ ~ Gamma(r, rate α), p ~ Beta(a, b); from the first purchase at 0,
// purchases follow Poisson(λ) and after each repeat purchase the customer leaves with
// probability p. Amounts are Gamma(p, rate ν) with ν ~ Gamma(q, rate γ), so the mean of
// x amounts is Gamma(p·x, rate ν·x).
inline BtydData SimulateBtyd(const SimulationSpec& s) {
  std::mt19937_64 rng(s.seed);
  std::gamma_distribution<double> rate(s.purchases.r, 1 / s.purchases.alpha);
  std::gamma_distribution<double> beta_a(s.purchases.a, 1), beta_b(s.purchases.b, 1);
  std::gamma_distribution<double> nu(s.spend.q, 1 / s.spend.gamma);
  std::uniform_real_distribution<double> uniform(0, 1);
  BtydData d;
  d.unit = TimeUnit::kWeek;
  d.holdout_length = s.holdout;
  for (size_t i = 0; i < s.customers; ++i) {
    const double lambda = rate(rng);
    const double ga = beta_a(rng), gb = beta_b(rng);
    const double dropout = ga / (ga + gb);
    const double T = s.min_T + (s.max_T - s.min_T) * uniform(rng);
    double t = 0, t_x = 0, x = 0, holdout_x = 0;
    if (lambda > 0) {
      std::exponential_distribution<double> gap(lambda);
      while (true) {
        t += gap(rng);
        if (t > T + s.holdout) break;
        if (t <= T) {
          ++x;
          t_x = t;
        } else {
          ++holdout_x;
        }
        if (uniform(rng) < dropout) break;
      }
    }
    double m_x = 0;
    if (x > 0) {
      const double v = nu(rng);
      std::gamma_distribution<double> total(s.spend.p * x, 1 / v);
      m_x = total(rng) / x;
    }
    d.customer.push_back(static_cast<uint32_t>(i));
    d.x.push_back(x);
    d.t_x.push_back(t_x);
    d.T.push_back(T);
    d.m_x.push_back(m_x);
    if (s.holdout > 0) d.holdout_x.push_back(holdout_x);
  }
  return d;
}

}  // namespace guanxi::analytics::simulation
