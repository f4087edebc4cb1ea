#include "analytics/hyp2f1.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

#include "analytics/log_gamma.h"

namespace guanxi::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A series stops when the bound on its remaining tail is below this share of the sum.
constexpr double kSeriesTolerance = 1e-17;
// Terms allowed before a series that converges slowly gives way to the integral.
constexpr int kShortSeriesTerms = 400;
// The same for 2F1(a, b; a+1; z), whose terms cost a few nanoseconds: up to z ≈ 0.99
// (≈ 37/(1−z) terms) the series is still cheaper than the integral (~30–70 µs).
constexpr int kShortAPlus1Terms = 4000;
// Terms allowed when the series is the only method (z ≤ 0.5 converges well within it).
constexpr int kLongSeriesTerms = 10'000'000;
// A signed series whose sum is below this share of Σ|terms| lost too many digits.
constexpr double kCancellationLimit = 1e-6;
// Running scale of the series: terms are divided by 1e200 when they grow past it.
constexpr double kRescale = 1e200;

// Upper bound, for every m ≥ n, of |(a+m)(b+m)| / ((c+m)(m+1)), given c + n > 0: the
// ratio of consecutive terms divided by |z|. It bounds the remaining tail of the series.
double RatioBound(double a, double b, double c, double n) {
  const double abs_a = std::abs(a), abs_b = std::abs(b);
  const double constant = std::max(0.0, abs_a * abs_b - c);
  const double slope = std::max(0.0, abs_a + abs_b - c - 1);
  return 1 + constant / ((c + n) * (n + 1)) + slope / std::min(c + n, n + 1);
}

// A real value as log|v| and the sign of v.
struct LogValue {
  double log_abs = 0;
  int sign = 1;
};

// The power series Σ (a)_n (b)_n / ((c)_n n!) z^n for |z| < 1 and c not a non-positive
// integer. Empty when it did not converge within `max_terms`, or when signed terms
// cancelled too much to trust the digits.
std::optional<LogValue> LogSeries(double a, double b, double c, double z, int max_terms) {
  if (!(std::abs(z) < 1) || (c <= 0 && c == std::floor(c))) return std::nullopt;
  double term = 1, sum = 1, abs_sum = 1, log_scale = 0;
  bool converged = false;
  for (int n = 0; n < max_terms; ++n) {
    const double dn = n;
    term *= (a + dn) * (b + dn) / ((c + dn) * (dn + 1)) * z;
    if (term == 0) {  // a or b is a non-positive integer: a polynomial
      converged = true;
      break;
    }
    sum += term;
    abs_sum += std::abs(term);
    if (abs_sum > kRescale) {
      term /= kRescale;
      sum /= kRescale;
      abs_sum /= kRescale;
      log_scale += std::log(kRescale);
    }
    if (c + dn + 1 <= 0) continue;  // the bound needs c + m > 0 from here on
    const double rho = std::abs(z) * RatioBound(a, b, c, dn + 1);
    if (rho < 1 && std::abs(term) * rho / (1 - rho) <= kSeriesTolerance * std::abs(sum)) {
      converged = true;
      break;
    }
  }
  if (!converged || !(std::abs(sum) >= kCancellationLimit * abs_sum)) return std::nullopt;
  return LogValue{log_scale + std::log(std::abs(sum)), sum > 0 ? 1 : -1};
}

// log ∫ over (0,1) of an integrand given as log_integrand(log t, log(1−t), 1−t), by
// tanh-sinh quadrature t = (1 + tanh(π/2 sinh u))/2 on the whole real u-line, every
// value in log space. The integrand may have integrable algebraic singularities at 0
// and 1; the log form folds them into the weights, so nothing overflows or underflows.
template <typename LogIntegrand>
double LogTanhSinh(const LogIntegrand& log_integrand) {
  // log of the integrand in u, the weight dt/du = π cosh(u) t (1−t) included.
  auto log_f = [&](double u) {
    const double s = std::numbers::pi / 2 * std::sinh(u);
    double log_t, log_1mt;
    if (s > 0) {
      log_t = -std::log1p(std::exp(-2 * s));
      log_1mt = -2 * s + log_t;
    } else {
      log_1mt = -std::log1p(std::exp(2 * s));
      log_t = 2 * s + log_1mt;
    }
    return log_integrand(log_t, log_1mt, std::exp(log_1mt)) +
           std::log(std::numbers::pi * std::cosh(u));
  };
  constexpr double kCoarseStep = 0.5;
  constexpr double kNegligible = 45;  // e^-45 = 3e-20: tails below this share are left out
  constexpr double kMaxU = 20;        // s = 7.6e8: t and 1−t are e^(−1.5e9)
  constexpr double kLevelTolerance = 1e-11;
  constexpr int kMinLevels = 4;  // h = 1/32 at least, so a sharp peak is seen
  constexpr int kMaxLevels = 12;

  // Σ e^v kept as e^reference · scaled, the reference moved up when a larger v comes:
  // one exp per point.
  double reference = log_f(0), scaled = 1;
  auto add = [&](double v) {
    if (v > reference) {
      scaled = scaled * std::exp(reference - v) + 1;
      reference = v;
    } else {
      scaled += std::exp(v - reference);
    }
  };
  // Coarse grid: walk out from 0 on each side until the tail is negligible.
  double u_lo = 0, u_hi = 0;
  for (int side : {-1, 1}) {
    double previous = reference;
    for (double u = side * kCoarseStep; std::abs(u) <= kMaxU; u += side * kCoarseStep) {
      const double v = log_f(u);
      if (std::isnan(v)) return kNaN;
      add(v);
      (side < 0 ? u_lo : u_hi) = u;
      if (v < reference - kNegligible && v < previous) break;
      previous = v;
    }
  }
  double step = kCoarseStep;
  double estimate = std::log(step) + reference + std::log(scaled);
  for (int level = 1; level <= kMaxLevels; ++level) {
    step /= 2;
    for (double u = u_lo + step; u < u_hi; u += 2 * step) add(log_f(u));
    const double refined = std::log(step) + reference + std::log(scaled);
    const double change = std::abs(std::expm1(refined - estimate));
    estimate = refined;
    if (level >= kMinLevels && change < kLevelTolerance) break;
  }
  return estimate;
}

// log of Euler's integral Γ(c)/(Γ(q)Γ(c−q)) ∫₀¹ t^(q−1)(1−t)^(c−q−1)(1−zt)^(−p) dt, which
// is 2F1(p, q; c; z) for c > q > 0 and z < 1. c−q and log_prefactor = log Γ(c)/(Γ(q)Γ(c−q))
// are passed in so the c = q+1 case uses 1 and log q exactly.
double LogEulerIntegral(double p, double q, double c_minus_q, double z, double one_minus_z,
                        double log_prefactor) {
  auto log_integrand = [&](double log_t, double log_1mt, double one_minus_t) {
    // 1 − z t = (1 − z) + z (1 − t) keeps its digits when z and t are both near 1.
    const double log_1mzt =
        z > 0 ? std::log(one_minus_z + z * one_minus_t) : std::log1p(-z * std::exp(log_t));
    // t^(q−1)(1−t)^(c−q−1) times the t(1−t) of the weight.
    return q * log_t + c_minus_q * log_1mt - p * log_1mzt;
  };
  return log_prefactor + LogTanhSinh(log_integrand);
}

LogValue LogEulerIntegral(double p, double q, double c, double z) {
  return {LogEulerIntegral(p, q, c - q, z, 1 - z, LogGamma(c) - LogGamma(q) - LogGamma(c - q)), 1};
}

// 2F1(a, b; c; z) for 0 < z < 1.
LogValue LogHyp2F1Unit(double a, double b, double c, double z) {
  if (z <= 0.5) {
    if (auto v = LogSeries(a, b, c, z, kLongSeriesTerms)) return *v;
  }
  const double log_1mz = std::log1p(-z);
  const double excess = c - a - b;
  // Euler's transformation first when it shortens the series (c−a−b < 0: its terms
  // fall like n^(c−a−b−1) z^n), the plain series first otherwise.
  auto euler = [&]() -> std::optional<LogValue> {
    auto v = LogSeries(c - a, c - b, c, z, kShortSeriesTerms);
    if (v) v->log_abs += excess * log_1mz;
    return v;
  };
  auto plain = [&] { return LogSeries(a, b, c, z, kShortSeriesTerms); };
  if (excess < 0) {
    if (auto v = euler()) return *v;
    if (auto v = plain()) return *v;
  } else {
    if (auto v = plain()) return *v;
    if (auto v = euler()) return *v;
  }
  if (c > b && b > 0) return LogEulerIntegral(a, b, c, z);
  if (c > a && a > 0) return LogEulerIntegral(b, a, c, z);
  if (auto v = LogSeries(a, b, c, z, kLongSeriesTerms)) return *v;
  return {kNaN, 1};
}

LogValue SignedLogHyp2F1(double a, double b, double c, double z) {
  if (std::isnan(a) || std::isnan(b) || std::isnan(c) || !(z < 1)) return {kNaN, 1};
  if (z == 0) return {0, 1};
  if (z > 0) return LogHyp2F1Unit(a, b, c, z);
  // z < −1 maps to w > 1/2, where the series is slow; Euler's integral takes z < 0 as it
  // is, without the large power of (1−z) that Pfaff's form would cancel against.
  if (z < -1 && c > b && b > 0) return LogEulerIntegral(a, b, c, z);
  if (z < -1 && c > a && a > 0) return LogEulerIntegral(b, a, c, z);
  // Pfaff: 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)), argument now in (0, 1).
  // Keep the new second parameter non-negative when possible (positive terms); of two
  // such forms take the smaller power of (1−z), which cancels less against the rest.
  const double w = z / (z - 1);
  const double log_1mz = std::log1p(-z);
  const bool a_form_positive = c - b >= 0, b_form_positive = c - a >= 0;
  const bool use_a_form = a_form_positive && b_form_positive ? std::abs(a) <= std::abs(b)
                                                             : a_form_positive || !b_form_positive;
  LogValue v;
  if (use_a_form) {
    v = LogHyp2F1Unit(a, c - b, c, w);
    v.log_abs -= a * log_1mz;
  } else {
    v = LogHyp2F1Unit(b, c - a, c, w);
    v.log_abs -= b * log_1mz;
  }
  return v;
}

}  // namespace

double LogHyp2F1(double a, double b, double c, double z) {
  const LogValue v = SignedLogHyp2F1(a, b, c, z);
  return v.sign > 0 ? v.log_abs : kNaN;
}

double Hyp2F1(double a, double b, double c, double z) {
  const LogValue v = SignedLogHyp2F1(a, b, c, z);
  return v.sign * std::exp(v.log_abs);
}

double LogHyp2F1APlus1(double a, double b, double z) {
  return LogHyp2F1APlus1(a, b, z, std::log1p(-z));
}

double LogHyp2F1APlus1(double a, double b, double z, double log_1mz) {
  if (!(a > 0) || !(b > 0) || !(z < 1)) return kNaN;
  if (z == 0) return 0;
  if (z > 0 && a + 1 - b > 0) {
    // Euler: 2F1(a,b;a+1;z) = (1−z)^(1−b) Σ (a+1−b)_n/(a+1)_n z^n; each ratio of terms
    // is (a+1−b+n)/(a+1+n) z < z, so the tail after a term is below term·z/(1−z).
    double term = 1, sum = 1;
    const double tail_factor = z / -std::expm1(log_1mz);
    for (int n = 0; n < kShortAPlus1Terms; ++n) {
      term *= (a + 1 - b + n) / (a + 1 + n) * z;
      sum += term;
      if (term * tail_factor <= kSeriesTolerance * sum) return (1 - b) * log_1mz + std::log(sum);
    }
  } else if (z < 0 && b <= a + 1) {
    // Pfaff: (1−z)^(−b) 2F1(1, b; a+1; w), w = z/(z−1); ratios (b+n)/(a+1+n) w ≤ w.
    const double w = z / (z - 1);
    double term = 1, sum = 1;
    const double tail_factor = w / (1 - w);
    for (int n = 0; n < kShortAPlus1Terms; ++n) {
      term *= (b + n) / (a + 1 + n) * w;
      sum += term;
      if (term * tail_factor <= kSeriesTolerance * sum) return -b * log_1mz + std::log(sum);
    }
  }
  // Slow series (z near 1, or z → −∞): Euler's integral a ∫₀¹ t^(a−1) (1−zt)^(−b) dt.
  return LogEulerIntegral(b, a, 1, z, std::exp(log_1mz), std::log(a));
}

}  // namespace guanxi::analytics
