#include "analytics/bgnbd.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "analytics/btyd_groups.h"
#include "analytics/chunked_sum.h"
#include "analytics/hyp2f1.h"
#include "analytics/log_gamma.h"

namespace guanxi::analytics {
namespace {

// log(e^u + e^v) without overflow.
double LogAddExp(double u, double v) {
  const double m = std::max(u, v);
  return m + std::log1p(std::exp(-std::abs(u - v)));
}

// log of the "died after the last purchase" weight relative to "alive at T":
// a/(b+x−1) · ((α+T)/(α+t_x))^(r+x); −∞ when x = 0 (no purchase to die after).
double LogDeathOdds(const BgNbdParams& p, double x, double t_x, double T) {
  if (x <= 0) return -HUGE_VAL;
  return std::log(p.a) - std::log(p.b + x - 1) +
         (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
}

// The grouped customers (btyd_groups.h) plus a table of their distinct times.
struct GroupedCustomers : BtydGroups {
  // Distinct values of t_x and T with per-group indices; empty when not worth it.
  std::vector<double> times;
  std::vector<uint32_t> t_x_index, T_index;
};

// Day-resolution data have a few hundred distinct times, so log(α + time) can be taken
// once per distinct time instead of twice per group. Continuous times gain nothing: the
// table is given up as soon as it grows past a quarter of the groups.
void IndexTimes(GroupedCustomers& g) {
  const size_t groups = g.T.size();
  const size_t limit = groups / 4;
  std::unordered_map<double, uint32_t> index;
  g.t_x_index.resize(groups);
  g.T_index.resize(groups);
  auto find = [&](double t) {
    auto [it, added] = index.emplace(t, static_cast<uint32_t>(g.times.size()));
    if (added) g.times.push_back(t);
    return it->second;
  };
  for (size_t i = 0; i < groups; ++i) {
    g.t_x_index[i] = find(g.t_x[i]);
    g.T_index[i] = find(g.T[i]);
    if (g.times.size() > limit) {
      g.times.clear();
      g.t_x_index.clear();
      g.T_index.clear();
      return;
    }
  }
}

// Σ count · log-likelihood over groups [begin, end); log_T(i) and log_tx(i) give
// log(α + T) and log(α + t_x) of group i.
template <typename LogT, typename LogTx>
double GroupSum(const GroupedCustomers& g, const BgNbdParams& p, const std::vector<double>& common,
                const std::vector<double>& death, size_t begin, size_t end, const LogT& log_T,
                const LogTx& log_tx) {
  double s = 0;
  for (size_t i = begin; i < end; ++i) {
    const uint32_t k = g.x_index[i];
    const double rx = p.r + g.distinct_x[k];
    const double alive = -rx * log_T(i);
    double row = alive;
    if (death[k] > -HUGE_VAL) row = LogAddExp(alive, death[k] - rx * log_tx(i));
    s += g.count[i] * (common[k] + row);
  }
  return s;
}

GroupedCustomers Group(const BtydData& data) {
  GroupedCustomers g;
  static_cast<BtydGroups&>(g) = GroupBtydCustomers(data);
  IndexTimes(g);
  return g;
}

void Validate(const BtydData& data) {
  const size_t n = data.size();
  if (n == 0) throw std::invalid_argument("BG/NBD: no customers to fit");
  if (data.t_x.size() != n || data.T.size() != n) {
    throw std::invalid_argument("BG/NBD: columns x, t_x, T differ in length");
  }
  for (size_t i = 0; i < n; ++i) {
    const double x = data.x[i], t_x = data.t_x[i], T = data.T[i];
    if (!(x >= 0) || !std::isfinite(x) || !(t_x >= 0) || !(T >= t_x) || !std::isfinite(T)) {
      throw std::invalid_argument("BG/NBD: row " + std::to_string(i) +
                                  " needs x >= 0 and 0 <= t_x <= T");
    }
  }
}

// f(a) / (a − 1) where f(1) = 0: at a = 1 the quotient is a removable singularity, so
// it is taken as the mean of the values just either side.
template <typename F>
double OverAMinusOne(double a, const F& f) {
  constexpr double kNearOne = 1e-7, kOffset = 1e-5;
  if (std::abs(a - 1) >= kNearOne) return f(a) / (a - 1);
  return (f(1 + kOffset) - f(1 - kOffset)) / (2 * kOffset);
}

double MeanOf(const std::vector<double>& v) {
  double s = 0;
  for (double e : v) s += e;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

}  // namespace

namespace {

// 1 − e^log_scale · 2F1(a, b; c; z), as −expm1 of the log so small terms keep their
// digits. With c = a + b + x − 1 < 0 (x = 0 and a + b < 1) the 2F1 can be negative and
// has no logarithm; then the signed value is used.
double OneMinusScaledHyp2F1(double log_scale, double a, double b, double c, double z) {
  const double log_f = LogHyp2F1(a, b, c, z);
  if (!std::isnan(log_f)) return -std::expm1(log_scale + log_f);
  return 1 - std::exp(log_scale) * Hyp2F1(a, b, c, z);
}

}  // namespace

double BgNbdLogLikelihood(const BgNbdParams& p, double x, double t_x, double T) {
  const double common = LogGamma(p.r + x) - LogGamma(p.r) + p.r * std::log(p.alpha) +
                        LogGamma(p.a + p.b) + LogGamma(p.b + x) - LogGamma(p.b) -
                        LogGamma(p.a + p.b + x);
  const double alive = -(p.r + x) * std::log(p.alpha + T);
  if (x <= 0) return common + alive;
  const double died = std::log(p.a) - std::log(p.b + x - 1) - (p.r + x) * std::log(p.alpha + t_x);
  return common + LogAddExp(alive, died);
}

double BgNbdExpectedPurchases(const BgNbdParams& p, double t) {
  if (t <= 0) return 0;
  // (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))], with the bracket
  // as −expm1 of its log so small t keeps its digits.
  return OverAMinusOne(p.a, [&](double a) {
    const double log_scale = p.r * (std::log(p.alpha) - std::log(p.alpha + t));
    return (a + p.b - 1) * OneMinusScaledHyp2F1(log_scale, p.r, p.b, a + p.b - 1, t / (p.alpha + t));
  });
}

double BgNbdConditionalExpected(const BgNbdParams& p, double t, double x, double t_x, double T) {
  if (t <= 0) return 0;
  const double numerator = OverAMinusOne(p.a, [&](double a) {
    const double log_scale = (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + T + t));
    return (a + p.b + x - 1) * OneMinusScaledHyp2F1(log_scale, p.r + x, p.b + x, a + p.b + x - 1,
                                                    t / (p.alpha + T + t));
  });
  return numerator * BgNbdPAlive(p, x, t_x, T);
}

double BgNbdPAlive(const BgNbdParams& p, double x, double t_x, double T) {
  const double log_odds = LogDeathOdds(p, x, t_x, T);
  // 1 / (1 + e^o), written so neither branch overflows.
  return log_odds > 0 ? std::exp(-log_odds) / (1 + std::exp(-log_odds))
                      : 1 / (1 + std::exp(log_odds));
}

BgNbdFit FitBgNbd(const BtydData& data) {
  Validate(data);
  const GroupedCustomers g = Group(data);
  const size_t groups = g.count.size();
  const size_t distinct = g.distinct_x.size();

  auto negative_ll = [&](const std::vector<double>& theta) {
    const BgNbdParams p{theta[0], theta[1], theta[2], theta[3]};
    // Terms of x alone, once per distinct x: log of Γ(r+x)α^r/Γ(r) · B(a, b+x)/B(a, b)
    // and of a/(b+x−1).
    std::vector<double> common(distinct), death(distinct);
    const double base =
        -LogGamma(p.r) + p.r * std::log(p.alpha) + LogGamma(p.a + p.b) - LogGamma(p.b);
    for (size_t k = 0; k < distinct; ++k) {
      const double x = g.distinct_x[k];
      common[k] = base + LogGamma(p.r + x) + LogGamma(p.b + x) - LogGamma(p.a + p.b + x);
      death[k] = x > 0 ? std::log(p.a) - std::log(p.b + x - 1) : -HUGE_VAL;
    }
    std::vector<double> log_time(g.times.size());
    for (size_t k = 0; k < g.times.size(); ++k) log_time[k] = std::log(p.alpha + g.times[k]);
    const double ll = ChunkedSum(groups, [&](size_t begin, size_t end) {
      if (!g.times.empty()) {
        return GroupSum(
            g, p, common, death, begin, end, [&](size_t i) { return log_time[g.T_index[i]]; },
            [&](size_t i) { return log_time[g.t_x_index[i]]; });
      }
      return GroupSum(
          g, p, common, death, begin, end, [&](size_t i) { return std::log(p.alpha + g.T[i]); },
          [&](size_t i) { return std::log(p.alpha + g.t_x[i]); });
    });
    return -ll;
  };

  // Start: r = 1 and α from the mean purchase rate (a Gamma(1, α) rate has mean 1/α);
  // a = b = 1 (dropout probability uniform).
  const double rate = (MeanOf(data.x) + 0.5) / std::max(MeanOf(data.T), 1e-6);
  BgNbdFit fit;
  const std::vector<double> theta =
      FitPositive(negative_ll, {1.0, 1.0 / rate, 1.0, 1.0}, fit.diagnostics);
  fit.params = BgNbdParams{theta[0], theta[1], theta[2], theta[3]};
  return fit;
}

}  // namespace guanxi::analytics
