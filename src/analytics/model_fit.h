// What every maximum-likelihood fit reports: never assumed, always measured.
#pragma once

#include <string>
#include <vector>

namespace guanxi::analytics {

struct FitDiagnostics {
  double log_likelihood = 0;  // total over customers, at the returned parameters
  int iterations = 0;         // objective evaluations used by the optimiser
  bool converged = false;     // the optimiser stopped on its tolerance, not on a limit/error
  double gradient_norm = 0;   // Euclidean norm of the numerical gradient of the total LL
                              // with respect to the (natural-scale) parameters, at the end
  std::string message;        // the optimiser's stop reason, for people
};

// Minimises `negative_log_likelihood(const std::vector<double>& theta)` (natural-scale,
// positive parameters; returns the total negative log-likelihood; may throw, and the
// exception is rethrown from FitPositive) over strictly positive parameters, searching on
// log scale from `start` (NLopt LN_BOBYQA, then a polish). Returns the parameters and
// fills `diagnostics` (log_likelihood = −objective). The objective must be finite near
// the optimum; non-finite values are treated as +infinity.
struct PositiveFitOptions {
  double relative_tolerance = 1e-10;
  int max_evaluations = 5000;
};
template <typename F>
std::vector<double> FitPositive(const F& negative_log_likelihood, std::vector<double> start,
                                FitDiagnostics& diagnostics,
                                const PositiveFitOptions& options = {});

}  // namespace guanxi::analytics

#include "analytics/model_fit_impl.h"  // IWYU pragma: keep
