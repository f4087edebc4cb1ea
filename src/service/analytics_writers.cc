#include "service/analytics_writers.h"

#include <cmath>
#include <optional>
#include <variant>

namespace guanxi::analytics_writers {

namespace {

void Member(Writer& w, const char* key, double v) {
  w.Key(key);
  WriteNumber(w, v);
}

void NameFields(Writer& w, const char* key, const char* zh, const char* en, size_t count) {
  w.Key("key");
  w.String(key);
  w.Key("name_zh");
  w.String(zh);
  w.Key("name_en");
  w.String(en);
  w.Key("count");
  w.Uint64(count);
}

void OptionalMember(Writer& w, const char* key, const std::optional<double>& v) {
  w.Key(key);
  if (v) WriteNumber(w, *v);
  else w.Null();
}

void CountMember(Writer& w, const char* key, size_t v) {
  w.Key(key);
  w.Uint64(v);
}

}  // namespace

void WriteNumber(Writer& w, double v) {
  if (std::isfinite(v)) w.Double(v);
  else w.Null();
}

void WriteRfmMeanScores(Writer& w, const analytics::RfmResult& rfm) {
  w.StartObject();
  Member(w, "r", rfm.mean_r);
  Member(w, "f", rfm.mean_f);
  Member(w, "m", rfm.mean_m);
  w.EndObject();
}

void WriteRfmClassFields(Writer& w, analytics::RfmClass cls, size_t count) {
  NameFields(w, analytics::RfmClassKey(cls), analytics::RfmClassNameZh(cls), analytics::RfmClassNameEn(cls), count);
}

void WriteValueTierFields(Writer& w, analytics::ValueTier tier, size_t count) {
  NameFields(w, analytics::ValueTierKey(tier), analytics::ValueTierNameZh(tier), analytics::ValueTierNameEn(tier),
             count);
}

void WriteFitDiagnostics(Writer& w, const analytics::FitDiagnostics& d, bool with_message) {
  Member(w, "log_likelihood", d.log_likelihood);
  w.Key("converged");
  w.Bool(d.converged);
  w.Key("iterations");
  w.Int(d.iterations);
  Member(w, "gradient_norm", d.gradient_norm);
  if (with_message) {
    w.Key("message");
    w.String(d.message.data(), static_cast<rapidjson::SizeType>(d.message.size()));
  }
}

void WritePurchaseParams(Writer& w, const analytics::PurchaseModel& m) {
  w.StartObject();
  if (const auto* b = std::get_if<analytics::BgNbdParams>(&m.params)) {
    Member(w, "r", b->r);
    Member(w, "alpha", b->alpha);
    Member(w, "a", b->a);
    Member(w, "b", b->b);
  } else if (const auto* p = std::get_if<analytics::ParetoNbdParams>(&m.params)) {
    Member(w, "r", p->r);
    Member(w, "alpha", p->alpha);
    Member(w, "s", p->s);
    Member(w, "beta", p->beta);
  }
  w.EndObject();
}

void WriteSpendFit(Writer& w, const analytics::GammaGammaFit& fit, bool with_message) {
  w.StartObject();
  w.Key("model");
  w.String("gamma-gamma");
  w.Key("customers");
  w.Uint64(fit.customers);
  w.Key("params");
  w.StartObject();
  Member(w, "p", fit.params.p);
  Member(w, "q", fit.params.q);
  Member(w, "gamma", fit.params.gamma);
  w.EndObject();
  WriteFitDiagnostics(w, fit.diagnostics, with_message);
  w.EndObject();
}

void WriteKpiRowFields(Writer& w, const analytics::KpiRow& r, MoneyWriter money) {
  w.Key("period");
  w.String(r.period.data(), static_cast<rapidjson::SizeType>(r.period.size()));
  CountMember(w, "active", r.active);
  CountMember(w, "new", r.new_customers);
  CountMember(w, "base_start", r.base_start);
  CountMember(w, "orders", r.orders);
  w.Key("revenue");
  money(w, r.revenue_fen);
  w.Key("aov");
  money(w, r.aov_fen);
  OptionalMember(w, "acquisition_rate", r.acquisition_rate);
  OptionalMember(w, "retention_rate", r.retention_rate);
  OptionalMember(w, "churn_rate", r.churn_rate);
  Member(w, "repeat_purchase_rate", r.repeat_purchase_rate);
}

void WriteCohorts(Writer& w, const analytics::CohortMatrix& m) {
  w.StartArray();
  for (size_t c = 0; c < m.cohorts.size(); ++c) {
    w.StartObject();
    w.Key("cohort");
    w.String(m.cohorts[c].data(), static_cast<rapidjson::SizeType>(m.cohorts[c].size()));
    CountMember(w, "size", c < m.cohort_sizes.size() ? m.cohort_sizes[c] : 0);
    w.Key("retention");
    w.StartArray();
    if (c < m.retention.size()) {
      for (double v : m.retention[c]) WriteNumber(w, v);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

void WriteRuleMeasures(Writer& w, const analytics::AssociationRule& r) {
  Member(w, "support", r.support);
  Member(w, "confidence", r.confidence);
  Member(w, "lift", r.lift);
  w.Key("count");
  w.Uint64(r.count);
}

}  // namespace guanxi::analytics_writers
