#include "analytics/clv.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "analytics/chunked_sum.h"

namespace guanxi::analytics {

double DiscountedClv(const std::vector<double>& margins, double retention, double discount_rate,
                     double acquisition_cost) {
  if (!(discount_rate > -1)) throw std::invalid_argument("discount_rate must be greater than -1");
  double value = 0;
  double factor = 1;  // retention^t / (1 + d)^t
  for (double margin : margins) {
    factor *= retention / (1 + discount_rate);
    value += margin * factor;
  }
  return value - acquisition_cost;
}

std::optional<PurchaseModelKind> ParsePurchaseModel(std::string_view s) {
  if (s == "bgnbd") return PurchaseModelKind::kBgNbd;
  if (s == "pareto-nbd") return PurchaseModelKind::kParetoNbd;
  return std::nullopt;
}

const char* PurchaseModelName(PurchaseModelKind kind) {
  switch (kind) {
    case PurchaseModelKind::kBgNbd:
      return "bgnbd";
    case PurchaseModelKind::kParetoNbd:
      return "pareto-nbd";
  }
  return "bgnbd";
}

double PurchaseModel::ConditionalExpected(double t, double x, double t_x, double T) const {
  if (kind == PurchaseModelKind::kParetoNbd) {
    return ParetoNbdConditionalExpected(std::get<ParetoNbdParams>(params), t, x, t_x, T);
  }
  return BgNbdConditionalExpected(std::get<BgNbdParams>(params), t, x, t_x, T);
}

double PurchaseModel::PAlive(double x, double t_x, double T) const {
  if (kind == PurchaseModelKind::kParetoNbd) {
    return ParetoNbdPAlive(std::get<ParetoNbdParams>(params), x, t_x, T);
  }
  return BgNbdPAlive(std::get<BgNbdParams>(params), x, t_x, T);
}

double PurchaseModel::ExpectedPurchases(double t) const {
  if (kind == PurchaseModelKind::kParetoNbd) {
    return ParetoNbdExpectedPurchases(std::get<ParetoNbdParams>(params), t);
  }
  return BgNbdExpectedPurchases(std::get<BgNbdParams>(params), t);
}

PurchaseModel FitPurchaseModel(PurchaseModelKind kind, const BtydData& data) {
  PurchaseModel model;
  model.kind = kind;
  if (kind == PurchaseModelKind::kParetoNbd) {
    ParetoNbdFit fit = FitParetoNbd(data);
    model.params = fit.params;
    model.diagnostics = std::move(fit.diagnostics);
  } else {
    BgNbdFit fit = FitBgNbd(data);
    model.params = fit.params;
    model.diagnostics = std::move(fit.diagnostics);
  }
  return model;
}

namespace {

// Rows with the same (x, t_x, T) share every purchase-model output, and day-resolution
// data repeat triples heavily, so the model (a 2F1 per horizon period) runs once per
// distinct triple. `group_of[row]` indexes the distinct triples.
struct DistinctTriples {
  std::vector<double> x, t_x, T;
  std::vector<uint32_t> group_of;
};

DistinctTriples DistinctTriplesOf(const BtydData& data) {
  const size_t n = data.size();
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  auto key_less = [&](uint32_t l, uint32_t r) {
    if (data.x[l] != data.x[r]) return data.x[l] < data.x[r];
    if (data.t_x[l] != data.t_x[r]) return data.t_x[l] < data.t_x[r];
    return data.T[l] < data.T[r];
  };
  std::sort(order.begin(), order.end(), key_less);
  DistinctTriples d;
  d.group_of.resize(n);
  for (size_t k = 0; k < n; ++k) {
    const uint32_t i = order[k];
    if (k == 0 || key_less(order[k - 1], i)) {
      d.x.push_back(data.x[i]);
      d.t_x.push_back(data.t_x[i]);
      d.T.push_back(data.T[i]);
    }
    d.group_of[i] = static_cast<uint32_t>(d.x.size() - 1);
  }
  return d;
}

void CheckColumns(const BtydData& data) {
  const size_t n = data.size();
  if (data.t_x.size() != n || data.T.size() != n) {
    throw std::invalid_argument("columns x, t_x, T differ in length");
  }
}

}  // namespace

ClvResult ComputeClv(const PurchaseModel& model, const GammaGammaParams* spend,
                     const BtydData& data, const ClvOptions& options) {
  if (options.horizon < 0) throw std::invalid_argument("horizon must not be negative");
  if (!(options.annual_discount_rate > -1)) {
    throw std::invalid_argument("annual_discount_rate must be greater than -1");
  }
  if (!(options.margin > 0 && options.margin <= 1)) {
    throw std::invalid_argument("margin must be in (0, 1]");
  }
  CheckColumns(data);
  if (spend != nullptr && data.m_x.size() != data.size()) {
    throw std::invalid_argument("column m_x is missing for the spend model");
  }
  if (spend != nullptr && !(spend->q > 1)) {
    throw std::invalid_argument("Gamma-Gamma q must exceed 1 for a finite expected spend");
  }

  const size_t n = data.size();
  const DistinctTriples d = DistinctTriplesOf(data);
  const size_t groups = d.x.size();
  const double unit_rate =
      std::pow(1 + options.annual_discount_rate, DaysPerUnit(data.unit) / 365.0) - 1;

  // Per distinct triple: P(alive), E[Y(H)] and Σ_k ΔE[Y(k)] / (1 + d)^k.
  std::vector<double> p_alive(groups), purchases(groups), discounted(groups);
  ForEachChunk(groups, [&](size_t begin, size_t end) {
    for (size_t g = begin; g < end; ++g) {
      p_alive[g] = model.PAlive(d.x[g], d.t_x[g], d.T[g]);
      double previous = 0, sum = 0, factor = 1;
      for (int k = 1; k <= options.horizon; ++k) {
        const double current = model.ConditionalExpected(k, d.x[g], d.t_x[g], d.T[g]);
        factor /= 1 + unit_rate;
        sum += (current - previous) * factor;
        previous = current;
      }
      purchases[g] = previous;
      discounted[g] = sum;
    }
  });

  ClvResult result;
  result.p_alive.resize(n);
  result.expected_purchases.resize(n);
  for (size_t i = 0; i < n; ++i) {
    result.p_alive[i] = p_alive[d.group_of[i]];
    result.expected_purchases[i] = purchases[d.group_of[i]];
  }
  if (spend == nullptr) return result;

  result.expected_spend.resize(n);
  result.clv.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double m_x = data.x[i] > 0 ? data.m_x[i] : 0;
    result.expected_spend[i] = GammaGammaExpectedSpend(*spend, data.x[i], m_x);
    result.clv[i] = discounted[d.group_of[i]] * result.expected_spend[i] * options.margin;
    result.customer_equity += result.clv[i];
  }
  return result;
}

HoldoutReport CheckHoldout(const PurchaseModel& model, const BtydData& data) {
  CheckColumns(data);
  const size_t n = data.size();
  if (data.holdout_x.size() != n) throw std::invalid_argument("the data have no holdout period");
  if (!(data.holdout_length > 0)) throw std::invalid_argument("the holdout period is empty");

  const DistinctTriples d = DistinctTriplesOf(data);
  std::vector<double> predicted(d.x.size());
  ForEachChunk(d.x.size(), [&](size_t begin, size_t end) {
    for (size_t g = begin; g < end; ++g) {
      predicted[g] = model.ConditionalExpected(data.holdout_length, d.x[g], d.t_x[g], d.T[g]);
    }
  });

  constexpr size_t kBuckets = 8;  // x = 0 … 6 and 7+
  HoldoutReport report;
  report.by_frequency.resize(kBuckets);
  std::vector<double> predicted_sum(kBuckets, 0), actual_sum(kBuckets, 0);
  for (size_t i = 0; i < n; ++i) {
    const size_t b =
        static_cast<size_t>(std::clamp(data.x[i], 0.0, static_cast<double>(kBuckets - 1)));
    const double p = predicted[d.group_of[i]];
    ++report.by_frequency[b].customers;
    predicted_sum[b] += p;
    actual_sum[b] += data.holdout_x[i];
    report.predicted_total += p;
    report.actual_total += data.holdout_x[i];
  }
  for (size_t b = 0; b < kBuckets; ++b) {
    HoldoutReport::Bucket& bucket = report.by_frequency[b];
    bucket.frequency = b + 1 < kBuckets ? std::to_string(b) : std::to_string(b) + "+";
    if (bucket.customers > 0) {
      bucket.predicted_mean = predicted_sum[b] / static_cast<double>(bucket.customers);
      bucket.actual_mean = actual_sum[b] / static_cast<double>(bucket.customers);
    }
  }
  return report;
}

}  // namespace guanxi::analytics
