// Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987): purchases while
// alive Poisson(λ), λ ~ Gamma(r, α); lifetime Exponential(μ), μ ~ Gamma(s, β).
// Likelihood as in Fader & Hardie's note (2005) with the 2F1 form, computed in log space.
#pragma once

#include "analytics/model_fit.h"
#include "analytics/transactions.h"

namespace guanxi::analytics {

struct ParetoNbdParams {
  double r = 0, alpha = 0, s = 0, beta = 0;
};

double ParetoNbdLogLikelihood(const ParetoNbdParams& p, double x, double t_x, double T);
// E[X(t)] for a new customer.
double ParetoNbdExpectedPurchases(const ParetoNbdParams& p, double t);
// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t].
double ParetoNbdConditionalExpected(const ParetoNbdParams& p, double t, double x, double t_x,
                                    double T);
double ParetoNbdPAlive(const ParetoNbdParams& p, double x, double t_x, double T);

struct ParetoNbdFit {
  ParetoNbdParams params;
  FitDiagnostics diagnostics;
};
ParetoNbdFit FitParetoNbd(const BtydData& data);

}  // namespace guanxi::analytics
