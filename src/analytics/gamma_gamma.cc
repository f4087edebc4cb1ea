#include "analytics/gamma_gamma.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "analytics/chunked_sum.h"
#include "analytics/log_gamma.h"

namespace guanxi::analytics {

double GammaGammaLogLikelihood(const GammaGammaParams& g, double x, double m_x) {
  // Density of the mean z̄ = m_x of x Gamma(p, ν) amounts, ν ~ Gamma(q, γ):
  // Γ(px+q)/(Γ(px)Γ(q)) · γ^q · m_x^(px−1) · x^(px) / (γ + m_x·x)^(px+q).
  const double px = g.p * x;
  return LogGamma(px + g.q) - LogGamma(px) - LogGamma(g.q) + g.q * std::log(g.gamma) +
         (px - 1) * std::log(m_x) + px * std::log(x) - (px + g.q) * std::log(g.gamma + m_x * x);
}

double GammaGammaExpectedSpend(const GammaGammaParams& g, double x, double m_x) {
  // Weighted mean of the population mean pγ/(q−1) and the customer's own m_x:
  // (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m_x.
  const double px = g.p * x;
  return (g.p * g.gamma + px * m_x) / (px + g.q - 1);
}

GammaGammaFit FitGammaGamma(const BtydData& data) {
  const size_t n = data.size();
  if (data.m_x.size() != n)
    throw std::invalid_argument("Gamma-Gamma: columns x and m_x differ in length");

  // Repeat customers sorted by x so that log Γ(px) is computed once per distinct x.
  struct Row {
    double x, m_x;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < n; ++i) {
    if (data.x[i] > 0 && data.m_x[i] > 0 && std::isfinite(data.m_x[i]))
      rows.push_back({data.x[i], data.m_x[i]});
  }
  if (rows.empty())
    throw std::invalid_argument("Gamma-Gamma: no repeat customers with a positive spend");
  std::sort(rows.begin(), rows.end(), [](const Row& l, const Row& r) { return l.x < r.x; });
  std::vector<double> distinct_x, x, m_x, log_m_x, log_x;
  std::vector<uint32_t> x_index;
  double sum_m = 0;
  for (const Row& r : rows) {
    if (distinct_x.empty() || distinct_x.back() != r.x) distinct_x.push_back(r.x);
    x_index.push_back(static_cast<uint32_t>(distinct_x.size() - 1));
    x.push_back(r.x);
    m_x.push_back(r.m_x);
    log_m_x.push_back(std::log(r.m_x));
    log_x.push_back(std::log(r.x));
    sum_m += r.m_x;
  }
  const size_t count = rows.size();

  auto negative_ll = [&](const std::vector<double>& theta) {
    const GammaGammaParams g{theta[0], theta[1], theta[2]};
    std::vector<double> by_x(distinct_x.size());
    for (size_t k = 0; k < distinct_x.size(); ++k) {
      const double px = g.p * distinct_x[k];
      by_x[k] = LogGamma(px + g.q) - LogGamma(px);
    }
    const double constant = -LogGamma(g.q) + g.q * std::log(g.gamma);
    const double ll = ChunkedSum(count, [&](size_t begin, size_t end) {
      double s = 0;
      for (size_t i = begin; i < end; ++i) {
        const double px = g.p * x[i];
        s += by_x[x_index[i]] + (px - 1) * log_m_x[i] + px * log_x[i] -
             (px + g.q) * std::log(g.gamma + m_x[i] * x[i]);
      }
      return s;
    });
    return -(ll + static_cast<double>(count) * constant);
  };

  // Start: p = 1, q = 2, and γ so that the population mean spend pγ/(q−1) is the
  // observed mean.
  GammaGammaFit fit;
  fit.customers = count;
  const std::vector<double> theta =
      FitPositive(negative_ll, {1.0, 2.0, sum_m / static_cast<double>(count)}, fit.diagnostics);
  fit.params = GammaGammaParams{theta[0], theta[1], theta[2]};
  return fit;
}

}  // namespace guanxi::analytics
