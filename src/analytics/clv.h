// Customer lifetime value: the textbook discounted formula and the probabilistic CLV
// composed from a purchase model (BG/NBD or Pareto/NBD) and the Gamma-Gamma spend model.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "analytics/bgnbd.h"
#include "analytics/gamma_gamma.h"
#include "analytics/pareto_nbd.h"
#include "analytics/transactions.h"

namespace guanxi::analytics {

// CLV = Σ_{t=1..N} margin[t−1] · retention^t / (1 + discount_rate)^t − acquisition_cost.
// N = margins.size(). Money in the caller's unit (use yuan or fen consistently).
double DiscountedClv(const std::vector<double>& margins, double retention, double discount_rate,
                     double acquisition_cost);

enum class PurchaseModelKind { kBgNbd, kParetoNbd };
std::optional<PurchaseModelKind> ParsePurchaseModel(std::string_view s);  // "bgnbd" | "pareto-nbd"
const char* PurchaseModelName(PurchaseModelKind kind);

// A fitted purchase model of either kind.
struct PurchaseModel {
  PurchaseModelKind kind = PurchaseModelKind::kBgNbd;
  std::variant<BgNbdParams, ParetoNbdParams> params;
  FitDiagnostics diagnostics;

  double ConditionalExpected(double t, double x, double t_x, double T) const;
  double PAlive(double x, double t_x, double T) const;
  double ExpectedPurchases(double t) const;  // for a new customer
};
PurchaseModel FitPurchaseModel(PurchaseModelKind kind, const BtydData& data);

struct ClvOptions {
  int horizon = 52;               // future periods, in the data's time unit
  double annual_discount_rate = 0.12;  // converted to a per-unit rate: (1+d)^(days/365) − 1
  double margin = 1.0;            // profit share of revenue, 0 < margin ≤ 1
};

// Per-row results, aligned with the BtydData rows.
struct ClvResult {
  std::vector<double> p_alive;
  std::vector<double> expected_purchases;  // over the horizon
  std::vector<double> expected_spend;      // yuan per purchase; empty without a spend model
  std::vector<double> clv;                 // yuan, discounted; empty without a spend model
  double customer_equity = 0;              // Σ clv (客户资产)
};
// CLV_i = Σ_{k=1..H} (E[Y(k) | …] − E[Y(k−1) | …]) · spend_i · margin / (1 + d_unit)^k.
// `spend` may be null (purchase model alone: no spend and no CLV columns).
ClvResult ComputeClv(const PurchaseModel& model, const GammaGammaParams* spend,
                     const BtydData& data, const ClvOptions& options);

// Holdout check: predicted vs actual purchases in (calibration end, holdout end],
// grouped by calibration frequency 0, 1, …, 6 and "7+" (index 7).
struct HoldoutReport {
  double predicted_total = 0;
  double actual_total = 0;
  struct Bucket {
    std::string frequency;  // "0" … "6", "7+"
    size_t customers = 0;
    double predicted_mean = 0;  // per customer
    double actual_mean = 0;
  };
  std::vector<Bucket> by_frequency;
};
// Requires data.holdout_x (BtydStatistics with a holdout end).
HoldoutReport CheckHoldout(const PurchaseModel& model, const BtydData& data);

}  // namespace guanxi::analytics
