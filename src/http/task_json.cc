#include "http/task_json.h"

namespace guanxi::http {

void WriteTask(JsonWriter& w, const Task& t, const std::string& customer_name, const std::string& assignee_name) {
  auto opt_int = [&](const char* key, const std::optional<int64_t>& v) {
    w.Key(key);
    if (v) w.Int64(*v); else w.Null();
  };
  auto text = [&](const char* key, const std::string& v) {
    w.Key(key);
    WriteString(w, v);
  };
  auto opt_text = [&](const char* key, const std::optional<std::string>& v) {
    w.Key(key);
    if (v) WriteString(w, *v); else w.Null();
  };
  w.StartObject();
  w.Key("id");
  w.Int64(t.id);
  w.Key("version");
  w.Int64(t.version);
  w.Key("customer_id");
  w.Int64(t.customer_id);
  text("customer_name", customer_name);
  opt_int("assignee_user_id", t.assignee_user_id);
  opt_text("assignee_name", assignee_name.empty() ? std::nullopt : std::optional<std::string>(assignee_name));
  text("title", t.title);
  text("kind", t.kind);
  text("priority", t.priority);
  text("due_day", t.due_day);
  opt_text("due_time", t.due_time);
  text("status", t.status);
  text("origin", t.origin);
  opt_int("origin_id", t.origin_id);
  opt_text("dedupe_key", t.dedupe_key);
  text("note", t.note);
  text("completion_note", t.completion_note);
  opt_int("created_by", t.created_by);
  text("created_at", FormatUtc(t.created_at));
  text("updated_at", FormatUtc(t.updated_at));
  opt_text("completed_at", t.completed_at ? std::optional<std::string>(FormatUtc(*t.completed_at)) : std::nullopt);
  opt_int("completed_by", t.completed_by);
  w.EndObject();
}

}  // namespace guanxi::http
