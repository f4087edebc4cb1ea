#include "store/journey_json.h"

namespace guanxi {

void WriteJourney(JsonWriter& w, const Journey& j) {
  w.StartObject();
  w.Key("id");
  w.Int64(j.id);
  w.Key("version");
  w.Int64(j.version);
  w.Key("name");
  WriteString(w, j.name);
  w.Key("trigger");
  WriteString(w, j.trigger);
  w.Key("enabled");
  w.Bool(j.enabled);
  w.Key("created_at");
  w.Int64(j.created_at);
  w.Key("updated_at");
  w.Int64(j.updated_at);
  w.Key("steps");
  w.StartArray();
  for (const JourneyStep& s : j.steps) {
    w.StartObject();
    w.Key("position");
    w.Int(s.position);
    w.Key("day_offset");
    w.Int(s.day_offset);
    w.Key("channel");
    WriteString(w, s.channel);
    w.Key("title");
    WriteString(w, s.title);
    w.Key("note");
    WriteString(w, s.note);
    w.EndObject();
  }
  w.EndArray();
  w.Key("active_enrollments");
  w.Int64(j.active_enrollments);
  w.EndObject();
}

void WriteEnrollment(JsonWriter& w, const JourneyEnrollment& e) {
  w.StartObject();
  w.Key("id");
  w.Int64(e.id);
  w.Key("journey_id");
  w.Int64(e.journey_id);
  w.Key("journey_name");
  WriteString(w, e.journey_name);
  w.Key("customer_id");
  w.Int64(e.customer_id);
  w.Key("start_day");
  WriteString(w, e.start_day);
  w.Key("status");
  WriteString(w, e.status);
  w.Key("next_position");
  w.Int(e.next_position);
  w.Key("step_count");
  w.Int(e.step_count);
  w.Key("left_reason");
  WriteString(w, e.left_reason);
  w.Key("enrolled_at");
  w.Int64(e.enrolled_at);
  w.Key("ended_at");
  if (e.ended_at) w.Int64(*e.ended_at); else w.Null();
  w.EndObject();
}

std::string JourneyToJson(const Journey& j) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteJourney(w, j);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string EnrollmentToJson(const JourneyEnrollment& e) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteEnrollment(w, e);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace guanxi
