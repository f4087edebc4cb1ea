// BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy
// way"): purchases while alive follow Poisson(λ), λ ~ Gamma(r, α); after each purchase
// the customer drops out with probability p, p ~ Beta(a, b). Times are in the unit of
// the BtydData the model is fitted on (days or weeks).
#pragma once

#include <vector>

#include "analytics/model_fit.h"
#include "analytics/transactions.h"

namespace guanxi::analytics {

struct BgNbdParams {
  double r = 0, alpha = 0, a = 0, b = 0;
};

// Log-likelihood of one customer (eq. 6 of the paper, computed in log space).
double BgNbdLogLikelihood(const BgNbdParams& p, double x, double t_x, double T);
// E[X(t)] for a new customer (eq. 9); uses the Gaussian hypergeometric 2F1.
double BgNbdExpectedPurchases(const BgNbdParams& p, double t);
// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (eq. 10).
double BgNbdConditionalExpected(const BgNbdParams& p, double t, double x, double t_x, double T);
// P(alive | x, t_x, T).
double BgNbdPAlive(const BgNbdParams& p, double x, double t_x, double T);

struct BgNbdFit {
  BgNbdParams params;
  FitDiagnostics diagnostics;
};
// Maximum likelihood on the columns x, t_x, T of `data` (multi-threaded sum).
BgNbdFit FitBgNbd(const BtydData& data);

}  // namespace guanxi::analytics
