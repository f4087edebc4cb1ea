// JSON forms of the funnel's records and figures (docs/sales-api.md), shared by
// the API routes (api_pipeline.cc) and the `guanxi pipeline` commands, so both
// answer the same document. Win rates are written as 0..1 numbers, ratios as
// plain numbers or null, money as integer fen. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "domain/customer_json.h"
#include "domain/json_input.h"
#include "domain/sales.h"
#include "service/funnel_metrics.h"
#include "service/pipeline_service.h"

namespace guanxi::http {

// A basis-point rate as a number in 0..1 (4 decimals).
void WriteRate(JsonWriter& w, int rate_bp);
void WriteOptDouble(JsonWriter& w, const std::optional<double>& v);
void WriteOptInt(JsonWriter& w, const std::optional<int64_t>& v);

// {"key","name","name_zh","name_en","win_rate","kind","position"}
void WriteStage(JsonWriter& w, const Stage& s);
// The "key" and "name" members that begin every per-stage row of an answer.
void WriteStageKeyName(JsonWriter& w, const Stage& s);
// The stored fields of an opportunity, into an object the caller opened.
void WriteOpportunityFields(JsonWriter& w, const Opportunity& o);
// Reads the writable fields present in `in` onto `o`.
void ReadOpportunityFields(JsonObjectReader& in, Opportunity& o);

// {"id","quarter","scope","subject_id","subject_name","amount"}
void WriteTarget(JsonWriter& w, const TargetEntry& t);

// The document of GET /pipeline/forecast and `guanxi pipeline forecast --format json`.
std::string ForecastJson(const ForecastView& v);

}  // namespace guanxi::http
