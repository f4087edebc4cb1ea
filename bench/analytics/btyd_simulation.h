// Synthetic customers drawn from the BG/NBD purchase model and the Gamma-Gamma spend
// model, for the analytics benchmarks (the unit tests keep their own small simulators).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace guanxi::bench {

struct BtydTruth {
  double r = 0.5, alpha = 5.0;      // purchase rate per week ~ Gamma(r, alpha): mean 0.1
  double a = 0.8, b = 2.4;          // dropout after each purchase ~ Beta(a, b): mean 0.25
  double p = 6.25, q = 3.74, gamma = 15.44;  // spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)
};

// Purchase days (days since the customer's first purchase, first = 0) and amounts in
// fen, for one customer observed for `weeks` weeks after the first purchase.
struct SimulatedCustomer {
  std::vector<int32_t> day_offsets;
  std::vector<int64_t> amounts_fen;
};

class BtydSimulator {
 public:
  BtydSimulator(const BtydTruth& truth, uint64_t seed) : truth_(truth), rng_(seed) {}

  void Next(double weeks, SimulatedCustomer& out) {
    out.day_offsets.clear();
    out.amounts_fen.clear();
    std::gamma_distribution<double> rate(truth_.r, 1.0 / truth_.alpha);
    std::gamma_distribution<double> beta_x(truth_.a, 1.0), beta_y(truth_.b, 1.0);
    std::gamma_distribution<double> nu_dist(truth_.q, 1.0 / truth_.gamma);
    const double lambda = std::max(rate(rng_), 1e-9);
    const double x = beta_x(rng_), y = beta_y(rng_);
    const double dropout = x / (x + y);
    const double nu = nu_dist(rng_);
    std::exponential_distribution<double> gap(lambda);
    std::gamma_distribution<double> spend(truth_.p, 1.0 / nu);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    // The first purchase starts the relationship; BG/NBD lets a customer drop out only
    // after a repeat purchase (with probability p each time).
    double t = 0;
    while (true) {
      out.day_offsets.push_back(static_cast<int32_t>(t * 7.0));
      out.amounts_fen.push_back(std::max<int64_t>(1, std::llround(spend(rng_) * 100.0)));
      if (out.day_offsets.size() > 1 && unit(rng_) < dropout) break;
      t += gap(rng_);
      if (t > weeks) break;
    }
  }

 private:
  BtydTruth truth_;
  std::mt19937_64 rng_;
};

}  // namespace guanxi::bench
