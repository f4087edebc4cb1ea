#include "service/analytics_settings.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <limits>

namespace guanxi {

Status ValidateAnalyticsSettings(const AnalyticsSettings& s) {
  auto bad = [](const char* field, const char* msg) { return Status::InvalidField(field, msg); };
  if (s.horizon < 1 || s.horizon > 520) return bad("horizon", "must be 1..520 time units");
  if (!(s.discount_rate >= 0 && s.discount_rate < 1))
    return bad("discount_rate", "must be at least 0 and below 1");
  if (!(s.margin > 0 && s.margin <= 1)) return bad("margin", "must be above 0 and at most 1");
  if (!(s.strategic_share > 0 && s.strategic_share < 1))
    return bad("strategic_share", "must be above 0 and below 1");
  if (!(s.important_share > s.strategic_share && s.important_share < 1))
    return bad("important_share", "must be above strategic_share and below 1");
  if (!(s.p_alive_threshold > 0 && s.p_alive_threshold < 1))
    return bad("p_alive_threshold", "must be above 0 and below 1");
  if (!(s.gap_multiple >= 1 && s.gap_multiple <= 100))
    return bad("gap_multiple", "must be 1..100");
  if (s.k < 2 || s.k > 10) return bad("k", "must be 2..10");
  if (!(s.share_threshold > 0 && s.share_threshold <= 10))
    return bad("share_threshold", "must be above 0 and at most 10");
  if (s.potential_threshold_fen && *s.potential_threshold_fen <= 0)
    return bad("potential_threshold", "must be a positive amount in fen, or null");
  if (s.schedule_hour < 0 || s.schedule_hour > 23) return bad("schedule_hour", "must be 0..23");
  return Status::Ok();
}

std::string AnalyticsSettingsJson(const AnalyticsSettings& s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("model");
  w.String(analytics::PurchaseModelName(s.model));
  w.Key("time_unit");
  w.String(analytics::TimeUnitName(s.time_unit));
  w.Key("horizon");
  w.Int(s.horizon);
  w.Key("discount_rate");
  w.Double(s.discount_rate);
  w.Key("margin");
  w.Double(s.margin);
  w.Key("strategic_share");
  w.Double(s.strategic_share);
  w.Key("important_share");
  w.Double(s.important_share);
  w.Key("p_alive_threshold");
  w.Double(s.p_alive_threshold);
  w.Key("gap_multiple");
  w.Double(s.gap_multiple);
  w.Key("k");
  w.Int(s.k);
  w.Key("share_threshold");
  w.Double(s.share_threshold);
  w.Key("potential_threshold");
  if (s.potential_threshold_fen) w.Int64(*s.potential_threshold_fen); else w.Null();
  w.Key("schedule_hour");
  w.Int(s.schedule_hour);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

namespace {

// An integral JSON number in [lo, hi], or nullopt.
std::optional<int64_t> IntegerIn(const rapidjson::Value& v, int64_t lo, int64_t hi) {
  int64_t n = 0;
  if (v.IsInt64()) {
    n = v.GetInt64();
  } else if (v.IsDouble() && std::isfinite(v.GetDouble()) && v.GetDouble() == std::floor(v.GetDouble()) &&
             std::fabs(v.GetDouble()) < 9e15) {
    n = static_cast<int64_t>(v.GetDouble());
  } else {
    return std::nullopt;
  }
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

}  // namespace

Status ReadAnalyticsSettings(std::string_view json, AnalyticsSettings& s) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject())
    return Status::InvalidField("", "the settings must be a JSON object");
  for (auto m = d.MemberBegin(); m != d.MemberEnd(); ++m) {
    const std::string name(m->name.GetString(), m->name.GetStringLength());
    const rapidjson::Value& v = m->value;
    auto number = [&](double& out) -> Status {
      if (!v.IsNumber() || !std::isfinite(v.GetDouble()))
        return Status::InvalidField(name, "must be a number");
      out = v.GetDouble();
      return Status::Ok();
    };
    auto integer = [&](int& out, int lo, int hi) -> Status {
      auto n = IntegerIn(v, lo, hi);
      if (!n) {
        return Status::InvalidField(
            name, "must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
      }
      out = static_cast<int>(*n);
      return Status::Ok();
    };
    if (name == "model") {
      std::optional<analytics::PurchaseModelKind> kind;
      if (v.IsString()) kind = analytics::ParsePurchaseModel(v.GetString());
      if (!kind) return Status::InvalidField(name, "must be bgnbd or pareto-nbd");
      s.model = *kind;
    } else if (name == "time_unit") {
      std::optional<analytics::TimeUnit> unit;
      if (v.IsString()) unit = analytics::ParseTimeUnit(v.GetString());
      if (!unit) return Status::InvalidField(name, "must be day or week");
      s.time_unit = *unit;
    } else if (name == "horizon") {
      GX_RETURN_IF_ERROR(integer(s.horizon, 1, 520));
    } else if (name == "discount_rate") {
      GX_RETURN_IF_ERROR(number(s.discount_rate));
    } else if (name == "margin") {
      GX_RETURN_IF_ERROR(number(s.margin));
    } else if (name == "strategic_share") {
      GX_RETURN_IF_ERROR(number(s.strategic_share));
    } else if (name == "important_share") {
      GX_RETURN_IF_ERROR(number(s.important_share));
    } else if (name == "p_alive_threshold") {
      GX_RETURN_IF_ERROR(number(s.p_alive_threshold));
    } else if (name == "gap_multiple") {
      GX_RETURN_IF_ERROR(number(s.gap_multiple));
    } else if (name == "k") {
      GX_RETURN_IF_ERROR(integer(s.k, 2, 10));
    } else if (name == "share_threshold") {
      GX_RETURN_IF_ERROR(number(s.share_threshold));
    } else if (name == "potential_threshold") {
      if (v.IsNull()) {
        s.potential_threshold_fen.reset();
      } else {
        auto n = IntegerIn(v, 1, std::numeric_limits<int64_t>::max() / 4);
        if (!n) return Status::InvalidField(name, "must be a positive amount in fen, or null");
        s.potential_threshold_fen = *n;
      }
    } else if (name == "schedule_hour") {
      GX_RETURN_IF_ERROR(integer(s.schedule_hour, 0, 23));
    } else {
      return Status::InvalidField(name, "is not an analytics setting");
    }
  }
  return ValidateAnalyticsSettings(s);
}

}  // namespace guanxi
