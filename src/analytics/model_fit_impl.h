// Implementation of FitPositive (declared in model_fit.h); included from there only.
//
// The objective is called as `negative_log_likelihood(const std::vector<double>& theta)`
// with natural-scale (positive) parameters and returns the total negative log-likelihood.
// It may throw: the exception stops the optimiser and is rethrown from FitPositive.
#pragma once

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace guanxi::analytics {
namespace internal {

// Log-parameters are kept in a box: exp(±15) covers every scale the models meet
// (1e-7 … 3e6) while keeping exp() and the likelihoods finite.
inline constexpr double kLogParamBound = 15.0;
// What a non-finite objective becomes: large enough to be rejected, finite so BOBYQA's
// quadratic model stays defined.
inline constexpr double kNonFiniteObjective = 1e300;

template <typename F>
struct LogScaleObjective {
  const F* f = nullptr;
  int evaluations = 0;
  std::vector<double> theta;
  std::exception_ptr error;
  nlopt_opt opt = nullptr;
};

template <typename F>
double LogScaleTrampoline(unsigned n, const double* z, double* /*grad*/, void* data) {
  auto* o = static_cast<LogScaleObjective<F>*>(data);
  ++o->evaluations;
  o->theta.resize(n);
  for (unsigned i = 0; i < n; ++i) o->theta[i] = std::exp(z[i]);
  try {
    double v = (*o->f)(o->theta);
    return std::isfinite(v) ? v : kNonFiniteObjective;
  } catch (...) {
    // An exception must not unwind through NLopt's C frames: stop and rethrow later.
    o->error = std::current_exception();
    nlopt_force_stop(o->opt);
    return kNonFiniteObjective;
  }
}

inline const char* NloptResultName(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS:
      return "success";
    case NLOPT_STOPVAL_REACHED:
      return "stopval reached";
    case NLOPT_FTOL_REACHED:
      return "ftol reached";
    case NLOPT_XTOL_REACHED:
      return "xtol reached";
    case NLOPT_MAXEVAL_REACHED:
      return "evaluation limit reached";
    case NLOPT_MAXTIME_REACHED:
      return "time limit reached";
    case NLOPT_FAILURE:
      return "generic failure";
    case NLOPT_INVALID_ARGS:
      return "invalid arguments";
    case NLOPT_OUT_OF_MEMORY:
      return "out of memory";
    case NLOPT_ROUNDOFF_LIMITED:
      return "roundoff limited";
    case NLOPT_FORCED_STOP:
      return "forced stop";
    default:
      return "unknown result";
  }
}

// One bounded BOBYQA run on log scale from z (updated in place). Returns the NLopt
// result; `value` receives the objective at z.
template <typename F>
nlopt_result RunBobyqa(LogScaleObjective<F>& objective, std::vector<double>& z, double initial_step,
                       double ftol_rel, double xtol_rel, int max_evaluations, double& value) {
  const unsigned n = static_cast<unsigned>(z.size());
  nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, n);
  if (opt == nullptr) throw std::runtime_error("FitPositive: nlopt_create failed");
  objective.opt = opt;
  std::vector<double> lower(n, -kLogParamBound), upper(n, kLogParamBound);
  nlopt_set_lower_bounds(opt, lower.data());
  nlopt_set_upper_bounds(opt, upper.data());
  nlopt_set_min_objective(opt, &LogScaleTrampoline<F>, &objective);
  nlopt_set_ftol_rel(opt, ftol_rel);
  nlopt_set_xtol_rel(opt, xtol_rel);
  nlopt_set_maxeval(opt, std::max(max_evaluations, 1));
  nlopt_set_initial_step1(opt, initial_step);
  value = kNonFiniteObjective;
  nlopt_result result = nlopt_optimize(opt, z.data(), &value);
  nlopt_destroy(opt);
  objective.opt = nullptr;
  if (objective.error) std::rethrow_exception(objective.error);
  return result;
}

}  // namespace internal

template <typename F>
std::vector<double> FitPositive(const F& negative_log_likelihood, std::vector<double> start,
                                FitDiagnostics& diagnostics, const PositiveFitOptions& options) {
  if (start.empty()) throw std::invalid_argument("FitPositive: no parameters");
  std::vector<double> z(start.size());
  for (size_t i = 0; i < start.size(); ++i) {
    if (!(start[i] > 0) || !std::isfinite(start[i])) {
      throw std::invalid_argument("FitPositive: start values must be positive and finite");
    }
    z[i] = std::clamp(std::log(start[i]), -internal::kLogParamBound, internal::kLogParamBound);
  }

  internal::LogScaleObjective<F> objective;
  objective.f = &negative_log_likelihood;

  // Coarse search with steps of ~e^0.5, then a polish restarted from the optimum with a
  // small step: BOBYQA's trust region can shrink onto a poor quadratic model far from
  // the start, and the restart rebuilds the model where it matters.
  constexpr double kSearchStep = 0.5;
  constexpr double kPolishStep = 0.02;
  // Likelihoods have flat directions (BG/NBD's b, Pareto/NBD's β): there an improvement
  // below ftol can still leave the parameter 0.1 % off, so the polish demands a relative
  // improvement a thousand times smaller before it stops (still above the rounding of a
  // sum over millions of customers).
  constexpr double kPolishFtolShare = 1e-3;
  double value = 0;
  nlopt_result first =
      internal::RunBobyqa(objective, z, kSearchStep, options.relative_tolerance,
                          options.relative_tolerance, options.max_evaluations, value);
  int remaining = options.max_evaluations - objective.evaluations;
  nlopt_result last = first;
  std::string message = std::string("search: ") + internal::NloptResultName(first) + " after " +
                        std::to_string(objective.evaluations) + " evaluations";
  if (first >= 0 && remaining > 0) {
    std::vector<double> z_polish = z;
    double polished = 0;
    last = internal::RunBobyqa(objective, z_polish, kPolishStep,
                               options.relative_tolerance * kPolishFtolShare,
                               options.relative_tolerance, remaining, polished);
    message += std::string("; polish: ") + internal::NloptResultName(last) + " after " +
               std::to_string(objective.evaluations - (options.max_evaluations - remaining)) +
               " evaluations";
    if (last >= 0 && polished <= value) {
      z = z_polish;
      value = polished;
    }
  }

  std::vector<double> theta(z.size());
  for (size_t i = 0; i < z.size(); ++i) theta[i] = std::exp(z[i]);

  diagnostics.iterations = objective.evaluations;
  // NLOPT_SUCCESS: BOBYQA's trust region shrank to its final radius (its own test).
  diagnostics.converged =
      (last == NLOPT_FTOL_REACHED || last == NLOPT_XTOL_REACHED || last == NLOPT_SUCCESS) &&
      value < internal::kNonFiniteObjective;
  diagnostics.log_likelihood = -negative_log_likelihood(theta);
  diagnostics.message = message;

  // Central differences on natural scale, step relative to each parameter (cube root of
  // the machine epsilon balances truncation against rounding of the total).
  constexpr double kRelativeStep = 6e-6;
  double squared = 0;
  std::vector<double> probe = theta;
  for (size_t i = 0; i < theta.size(); ++i) {
    const double h = kRelativeStep * theta[i];
    probe[i] = theta[i] + h;
    const double up = -negative_log_likelihood(probe);
    probe[i] = theta[i] - h;
    const double down = -negative_log_likelihood(probe);
    probe[i] = theta[i];
    const double g = (up - down) / (2 * h);
    squared += g * g;
  }
  diagnostics.gradient_norm = std::sqrt(squared);
  return theta;
}

}  // namespace guanxi::analytics
