// JSON pieces written the same way by the server's analytics report
// (service/analytics_report.cc) and the `guanxi analyze` commands (src/cli/analyze_*):
// class and tier entries, the purchase and spend model fits, association rules. Where
// the two differ by design (the report adds revenue and diagnostic messages, the CLI
// prints yuan where the report prints fen), the caller writes the difference around
// these pieces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "analytics/basket.h"
#include "analytics/clv.h"
#include "analytics/gamma_gamma.h"
#include "analytics/kpi.h"
#include "analytics/model_fit.h"
#include "analytics/rfm.h"
#include "analytics/tiers.h"

namespace guanxi::analytics_writers {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// A double, or null when it is not finite (JSON has no NaN; a failed fit may give one).
void WriteNumber(Writer& w, double v);

// {r, f, m}: the mean R, F and M scores of the scored customers.
void WriteRfmMeanScores(Writer& w, const analytics::RfmResult& rfm);

// Money in a JSON report: fen as an integer (the server report) or yuan with 2 decimals
// (the CLI).
using MoneyWriter = void (*)(Writer& w, int64_t fen);

// The members period, active, new, base_start, orders, revenue, aov and the rates of a
// KPI row, into the enclosing object.
void WriteKpiRowFields(Writer& w, const analytics::KpiRow& r, MoneyWriter money);

// [{cohort, size, retention: [...]}, …].
void WriteCohorts(Writer& w, const analytics::CohortMatrix& m);

// The members key, name_zh, name_en and count of a class or tier entry; the caller opens
// and closes the object (and may add members such as revenue or profit).
void WriteRfmClassFields(Writer& w, analytics::RfmClass cls, size_t count);
void WriteValueTierFields(Writer& w, analytics::ValueTier tier, size_t count);

// The members log_likelihood, converged, iterations, gradient_norm (and message when
// with_message) of a fit, into the enclosing object.
void WriteFitDiagnostics(Writer& w, const analytics::FitDiagnostics& d, bool with_message);

// {r, alpha, a, b} for BG/NBD or {r, alpha, s, beta} for Pareto/NBD.
void WritePurchaseParams(Writer& w, const analytics::PurchaseModel& m);

// {model: "gamma-gamma", customers, params: {p, q, gamma}, diagnostics…}.
void WriteSpendFit(Writer& w, const analytics::GammaGammaFit& fit, bool with_message);

// The members support, confidence, lift and count of an association rule.
void WriteRuleMeasures(Writer& w, const analytics::AssociationRule& r);

// {antecedent, consequent, support, confidence, lift, count}; items(w, indices) writes
// an item list (codes in the CLI, {code, name} objects in the report).
template <typename WriteItems>
void WriteRule(Writer& w, const analytics::AssociationRule& r, WriteItems&& items) {
  w.StartObject();
  w.Key("antecedent");
  items(w, r.antecedent);
  w.Key("consequent");
  items(w, r.consequent);
  WriteRuleMeasures(w, r);
  w.EndObject();
}

}  // namespace guanxi::analytics_writers
