#include "http/job_json.h"

#include <optional>
#include <string>

namespace guanxi::http {
namespace {

void OptInt(JsonWriter& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v) w.Int64(*v); else w.Null();
}

// Stored JSON text written by our own handlers, embedded as it is; "" → null.
void StoredJson(JsonWriter& w, const char* key, const std::string& text) {
  w.Key(key);
  if (text.empty()) w.Null();
  else w.RawValue(text.data(), text.size(), text[0] == '[' ? rapidjson::kArrayType : rapidjson::kObjectType);
}

}  // namespace

void WriteJob(JsonWriter& w, const Job& j) {
  w.StartObject();
  w.Key("id");
  w.Int64(j.id);
  w.Key("kind");
  WriteString(w, j.kind);
  w.Key("key");
  WriteString(w, j.key);
  w.Key("status");
  WriteString(w, j.status);
  w.Key("attempts");
  w.Int64(j.attempts);
  w.Key("max_attempts");
  w.Int64(j.max_attempts);
  w.Key("run_after");
  w.Int64(j.run_after);
  w.Key("created_at");
  w.Int64(j.created_at);
  OptInt(w, "started_at", j.started_at);
  OptInt(w, "finished_at", j.finished_at);
  w.Key("lease_owner");
  if (j.lease_owner.empty()) w.Null(); else WriteString(w, j.lease_owner);
  OptInt(w, "lease_until", j.lease_until);
  w.Key("error");
  WriteString(w, j.error);
  StoredJson(w, "result", j.result);
  StoredJson(w, "payload", j.payload);
  w.EndObject();
}

}  // namespace guanxi::http
