#include "http/pipeline_json.h"

#include <rapidjson/stringbuffer.h>

#include <cmath>

namespace guanxi::http {

void WriteRate(JsonWriter& w, int rate_bp) {
  w.Double(static_cast<double>(rate_bp) / kWinRateScale);
}

void WriteOptDouble(JsonWriter& w, const std::optional<double>& v) {
  // JSON has no NaN or infinity: a value that is not finite is written as unknown.
  if (v && std::isfinite(*v))
    w.Double(*v);
  else
    w.Null();
}

void WriteOptInt(JsonWriter& w, const std::optional<int64_t>& v) {
  if (v)
    w.Int64(*v);
  else
    w.Null();
}

void WriteStageKeyName(JsonWriter& w, const Stage& s) {
  w.Key("key");
  WriteString(w, s.key);
  w.Key("name");
  WriteString(w, s.name_zh);
}

void WriteStage(JsonWriter& w, const Stage& s) {
  w.StartObject();
  WriteStageKeyName(w, s);
  w.Key("name_zh");
  WriteString(w, s.name_zh);
  w.Key("name_en");
  WriteString(w, s.name_en);
  w.Key("win_rate");
  WriteRate(w, s.win_rate_bp);
  w.Key("kind");
  WriteString(w, ToString(s.kind));
  w.Key("position");
  w.Int(s.position);
  w.EndObject();
}

void WriteOpportunityFields(JsonWriter& w, const Opportunity& o) {
  w.Key("id");
  w.Int64(o.id);
  w.Key("version");
  w.Int64(o.version);
  w.Key("customer_id");
  w.Int64(o.customer_id);
  w.Key("contact_id");
  WriteOptInt(w, o.contact_id);
  w.Key("title");
  WriteString(w, o.title);
  w.Key("amount");
  w.Int64(o.amount);
  w.Key("owner_user_id");
  WriteOptInt(w, o.owner_user_id);
  w.Key("expected_close");
  WriteString(w, o.expected_close);
  w.Key("stage");
  WriteString(w, o.stage);
  w.Key("closed_on");
  if (o.closed_on.empty())
    w.Null();
  else
    WriteString(w, o.closed_on);
  w.Key("money");
  w.Bool(o.money);
  w.Key("authority");
  w.Bool(o.authority);
  w.Key("need");
  w.Bool(o.need);
  w.Key("competitor");
  WriteString(w, o.competitor);
  w.Key("loss_reason");
  WriteString(w, o.loss_reason);
  w.Key("next_step");
  WriteString(w, o.next_step);
  w.Key("notes");
  WriteString(w, o.notes);
  w.Key("stage_entered_at");
  WriteString(w, FormatUtc(o.stage_entered_at));
  w.Key("created_at");
  WriteString(w, FormatUtc(o.created_at));
  w.Key("updated_at");
  WriteString(w, FormatUtc(o.updated_at));
}

void ReadOpportunityFields(JsonObjectReader& in, Opportunity& o) {
  in.Int("customer_id", o.customer_id);
  in.OptInt("contact_id", o.contact_id);
  in.String("title", o.title);
  in.Int("amount", o.amount);
  in.OptInt("owner_user_id", o.owner_user_id);
  in.String("expected_close", o.expected_close);
  in.String("stage", o.stage);
  in.NullableString("closed_on", o.closed_on);
  in.Bool("money", o.money);
  in.Bool("authority", o.authority);
  in.Bool("need", o.need);
  in.NullableString("competitor", o.competitor);
  in.NullableString("loss_reason", o.loss_reason);
  in.NullableString("next_step", o.next_step);
  in.NullableString("notes", o.notes);
}

void WriteTarget(JsonWriter& w, const TargetEntry& t) {
  w.StartObject();
  w.Key("id");
  w.Int64(t.target.id);
  w.Key("quarter");
  WriteString(w, t.target.quarter);
  w.Key("scope");
  WriteString(w, ToString(t.target.scope));
  w.Key("subject_id");
  WriteOptInt(w, t.target.subject_id);
  w.Key("subject_name");
  WriteString(w, t.subject_name);
  w.Key("amount");
  w.Int64(t.target.amount);
  w.EndObject();
}

std::string ForecastJson(const ForecastView& v) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("closed");
  w.Int64(v.now.closed);
  w.Key("open_weighted");
  w.Int64(v.now.open_weighted);
  w.Key("out_of_funnel");
  w.Int64(v.now.out_of_funnel);
  w.Key("forecast");
  w.Int64(v.now.forecast);
  w.Key("target");
  WriteOptInt(w, v.target);
  w.Key("coverage");
  WriteOptDouble(w, v.coverage);
  w.Key("progress");
  WriteOptDouble(w, v.progress);
  w.Key("quarter");
  WriteString(w, v.quarter);
  w.Key("cumulative_sales");
  w.Int64(v.now.cumulative_sales);
  w.Key("week_start");
  WriteString(w, v.week_start);
  w.Key("last_week");
  w.StartObject();
  w.Key("forecast");
  w.Int64(v.last_week_forecast);
  w.Key("cumulative_sales");
  w.Int64(v.last_week_cumulative_sales);
  w.EndObject();
  w.Key("by_stage");
  w.StartArray();
  for (const auto& s : v.by_stage) {
    w.StartObject();
    WriteStageKeyName(w, s.stage);
    w.Key("win_rate");
    WriteRate(w, s.stage.win_rate_bp);
    w.Key("count");
    w.Int64(s.count);
    w.Key("amount");
    w.Int64(s.amount);
    w.Key("weighted");
    w.Int64(s.weighted);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace guanxi::http
