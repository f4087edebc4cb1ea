// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
// curves"): a customer's purchase amounts are Gamma(p, ν), ν ~ Gamma(q, γ); fitted on
// repeat customers' (x, m_x).
#pragma once

#include "analytics/model_fit.h"
#include "analytics/transactions.h"

namespace guanxi::analytics {

struct GammaGammaParams {
  double p = 0, q = 0, gamma = 0;
};

// Log-likelihood of one repeat customer's mean spend m_x over x purchases.
double GammaGammaLogLikelihood(const GammaGammaParams& g, double x, double m_x);
// E[M | x, m_x]: expected average spend of a customer (for x = 0 the population mean
// p·γ/(q − 1)); requires q > 1.
double GammaGammaExpectedSpend(const GammaGammaParams& g, double x, double m_x);

struct GammaGammaFit {
  GammaGammaParams params;
  FitDiagnostics diagnostics;
  size_t customers = 0;  // repeat customers (x > 0, m_x > 0) used
};
GammaGammaFit FitGammaGamma(const BtydData& data);

}  // namespace guanxi::analytics
