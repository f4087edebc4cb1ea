#include "store/task_rows.h"

#include <algorithm>

#include "domain/customer_json.h"
#include "domain/sales.h"
#include "store/cursor.h"
#include "store/rows.h"

namespace guanxi::store_rows {
namespace {

// The sort key of due_time: a task without a time sorts after the timed ones
// of its day ("99:99" is above every HH:MM).
constexpr char kDueTimeKey[] = "COALESCE(t.due_time, '99:99')";
constexpr char kNoTimeKey[] = "99:99";

bool OneOf(const std::string& s, std::initializer_list<const char*> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return s == k; });
}

Status AddFilters(const TaskQuery& q, TaskSql& out) {
  // With an assignee filter the task_assignee index should drive the query; the
  // unary "+" keeps SQLite's planner from driving it from the visible-customer set
  // instead (its statistics make the two look alike, but that path reads every
  // task row of the rep's customers: 200 ms instead of 2 for a rep's day).
  const std::string customer_col = q.assignee_user_id || q.assignee_team_id ? "+t.customer_id" : "t.customer_id";
  switch (q.scope.kind) {
    case VisibilityScope::Kind::kAll: break;
    // The visible customers as a set built from the customer_owner index:
    // probing it is far cheaper than a join that fetches every task's customer
    // row ("my day" of a rep with thousands of open tasks stays in milliseconds).
    case VisibilityScope::Kind::kOwner:
      out.sql += " AND " + customer_col + " IN (SELECT id FROM customer WHERE owner_user_id = ?)";
      out.args.emplace_back(q.scope.id);
      break;
    case VisibilityScope::Kind::kTeam:
      out.sql += " AND " + customer_col + " IN (SELECT id FROM customer WHERE owner_user_id IN "
                 "(SELECT id FROM app_user WHERE team_id = ?))";
      out.args.emplace_back(q.scope.id);
      break;
  }
  if (q.customer_id) {
    out.sql += " AND t.customer_id = ?";
    out.args.emplace_back(*q.customer_id);
  }
  if (q.assignee_user_id) {
    out.sql += " AND t.assignee_user_id = ?";
    out.args.emplace_back(*q.assignee_user_id);
  }
  if (q.assignee_team_id) {
    out.sql += " AND t.assignee_user_id IN (SELECT id FROM app_user WHERE team_id = ?)";
    out.args.emplace_back(*q.assignee_team_id);
  }
  if (!q.status.empty()) {
    if (!IsTaskStatus(q.status)) return Status::InvalidField("status", "must be open, done or cancelled");
    out.sql += " AND t.status = ?";
    out.args.emplace_back(q.status);
  }
  if (!q.kind.empty()) {
    if (!IsTaskKind(q.kind)) return Status::InvalidField("kind", "must be follow_up, return_visit, care or other");
    out.sql += " AND t.kind = ?";
    out.args.emplace_back(q.kind);
  }
  if (!q.due_from.empty()) {
    if (!IsValidDate(q.due_from)) return Status::InvalidField("due_from", "must be a date YYYY-MM-DD");
    out.sql += " AND t.due_day >= ?";
    out.args.emplace_back(q.due_from);
  }
  if (!q.due_to.empty()) {
    if (!IsValidDate(q.due_to)) return Status::InvalidField("due_to", "must be a date YYYY-MM-DD");
    out.sql += " AND t.due_day <= ?";
    out.args.emplace_back(q.due_to);
  }
  for (const auto* m : {&q.due_before, &q.due_not_before}) {
    if (!*m) continue;
    if (!IsValidDate((*m)->day) || !IsDueTime((*m)->time)) {
      return Status::InvalidArgument("a due moment needs a day YYYY-MM-DD and a time HH:MM");
    }
  }
  if (q.due_before) {
    out.sql += " AND (t.due_day < ? OR (t.due_day = ? AND t.due_time < ?))";
    out.args.emplace_back(q.due_before->day);
    out.args.emplace_back(q.due_before->day);
    out.args.emplace_back(q.due_before->time);
  }
  if (q.due_not_before) {
    out.sql += " AND (t.due_day > ? OR (t.due_day = ? AND (t.due_time IS NULL OR t.due_time >= ?)))";
    out.args.emplace_back(q.due_not_before->day);
    out.args.emplace_back(q.due_not_before->day);
    out.args.emplace_back(q.due_not_before->time);
  }
  return Status::Ok();
}

std::string From(const TaskQuery&) { return " FROM task t WHERE 1 = 1"; }

}  // namespace

bool IsTaskKind(const std::string& s) { return OneOf(s, {"follow_up", "return_visit", "care", "other"}); }
bool IsTaskPriority(const std::string& s) { return OneOf(s, {"low", "normal", "high", "urgent"}); }
bool IsTaskOrigin(const std::string& s) {
  return OneOf(s, {"manual", "churn_alert", "interaction", "visit_plan", "event_rule", "care_date", "journey",
                   "pool_warning"});
}
bool IsTaskStatus(const std::string& s) { return OneOf(s, {"open", "done", "cancelled"}); }

bool IsDueTime(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return (s[0] - '0') * 10 + (s[1] - '0') <= 23 && s[3] <= '5';
}

Result<TaskSql> PlanTaskList(const TaskQuery& q) {
  TaskSql out;
  out.sql = std::string("SELECT ") + kTaskColumns + From(q);
  GX_RETURN_IF_ERROR(AddFilters(q, out));
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 3);
    auto id = parts ? ParseInt64((*parts)[2]) : std::nullopt;
    if (!id || !IsValidDate((*parts)[0]) || ((*parts)[1] != kNoTimeKey && !IsDueTime((*parts)[1]))) {
      return Status::InvalidField("after", "not a cursor this server issued");
    }
    const std::string key = kDueTimeKey;
    out.sql += " AND (t.due_day > ? OR (t.due_day = ? AND (" + key + " > ? OR (" + key + " = ? AND t.id > ?))))";
    out.args.emplace_back((*parts)[0]);
    out.args.emplace_back((*parts)[0]);
    out.args.emplace_back((*parts)[1]);
    out.args.emplace_back((*parts)[1]);
    out.args.emplace_back(*id);
  }
  out.sql += std::string(" ORDER BY t.due_day, ") + kDueTimeKey + ", t.id LIMIT ?";
  out.args.emplace_back(static_cast<int64_t>(std::max(0, q.limit) + 1));
  return out;
}

Result<TaskSql> PlanTaskCount(const TaskQuery& q) {
  TaskSql out;
  out.sql = "SELECT count(*)" + From(q);
  GX_RETURN_IF_ERROR(AddFilters(q, out));
  return out;
}

void FinishTaskPage(Page<Task>& page, int limit) {
  FinishPage(page, limit, [](const Task& t) {
    return std::vector<std::string>{t.due_day, t.due_time.value_or(kNoTimeKey), std::to_string(t.id)};
  });
}

std::string TaskToJson(const Task& t) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  auto opt = [&](const char* key, const std::optional<int64_t>& v) {
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
  opt("assignee_user_id", t.assignee_user_id);
  text("title", t.title);
  text("kind", t.kind);
  text("priority", t.priority);
  text("due_day", t.due_day);
  opt_text("due_time", t.due_time);
  text("status", t.status);
  text("origin", t.origin);
  opt("origin_id", t.origin_id);
  opt_text("dedupe_key", t.dedupe_key);
  text("note", t.note);
  text("completion_note", t.completion_note);
  opt("created_by", t.created_by);
  text("created_at", FormatUtc(t.created_at));
  w.Key("completed_at");
  if (t.completed_at) WriteString(w, FormatUtc(*t.completed_at)); else w.Null();
  opt("completed_by", t.completed_by);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Status CheckTask(const Task& t) {
  if (t.title.empty()) return Status::InvalidField("title", "is required");
  if (t.title.size() > 800) return Status::InvalidField("title", "is longer than 800 bytes");
  if (!IsTaskKind(t.kind)) return Status::InvalidField("kind", "must be follow_up, return_visit, care or other");
  if (!IsTaskPriority(t.priority)) return Status::InvalidField("priority", "must be low, normal, high or urgent");
  if (!IsValidDate(t.due_day)) return Status::InvalidField("due_day", "must be a date YYYY-MM-DD");
  if (t.due_time && !IsDueTime(*t.due_time)) return Status::InvalidField("due_time", "must be a time HH:MM");
  if (!IsTaskOrigin(t.origin)) return Status::InvalidField("origin", "is not a task origin");
  if (t.dedupe_key && t.dedupe_key->empty()) return Status::InvalidField("dedupe_key", "must not be empty");
  return Status::Ok();
}

}  // namespace guanxi::store_rows
