// Task rows as both store backends read and write them: the column list, the
// row reader, the list/count statements (with `?` markers; PostgreSQL numbers
// them), the audit JSON and the checks of what the table accepts. Other stores
// that write tasks in their own transactions (an interaction's follow-up, an
// ownership transfer) use the same pieces. Internal to src/store/.
#pragma once

#include <string>
#include <vector>

#include "store/list_query.h"
#include "store/task_store.h"

namespace guanxi::store_rows {

constexpr char kTaskColumns[] =
    "t.id, t.version, t.customer_id, t.assignee_user_id, t.title, t.kind, t.priority, t.due_day, "
    "t.due_time, t.status, t.origin, t.origin_id, t.dedupe_key, t.note, t.completion_note, "
    "t.created_by, t.created_at, t.updated_at, t.completed_at, t.completed_by";

// The INSERT of a new open task, version 1, with its 15 `?` markers in the
// order TaskInsertValues binds them; backends append their id answer.
constexpr char kTaskInsertSql[] =
    "INSERT INTO task(version, customer_id, assignee_user_id, title, kind, priority, due_day, due_time, "
    "status, origin, origin_id, dedupe_key, note, completion_note, created_by, created_at, updated_at) "
    "VALUES (1, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, '', ?, ?, ?)";

template <typename Row>
Task ReadTask(const Row& s) {
  Task t;
  t.id = s.Int(0);
  t.version = s.Int(1);
  t.customer_id = s.Int(2);
  t.assignee_user_id = s.OptInt(3);
  t.title = s.Text(4);
  t.kind = s.Text(5);
  t.priority = s.Text(6);
  t.due_day = s.Text(7);
  if (!s.IsNull(8)) t.due_time = s.Text(8);
  t.status = s.Text(9);
  t.origin = s.Text(10);
  t.origin_id = s.OptInt(11);
  if (!s.IsNull(12)) t.dedupe_key = s.Text(12);
  t.note = s.Text(13);
  t.completion_note = s.Text(14);
  t.created_by = s.OptInt(15);
  t.created_at = s.Int(16);
  t.updated_at = s.Int(17);
  t.completed_at = s.OptInt(18);
  t.completed_by = s.OptInt(19);
  return t;
}

// Binds the markers of kTaskInsertSql through `bind(optional<int64_t>)` and
// `bind_text(optional<string>)` (NULL for nullopt), in statement order.
template <typename BindInt, typename BindText>
void BindTaskInsert(const Task& t, BindInt bind, BindText bind_text) {
  bind(t.customer_id);
  bind(t.assignee_user_id);
  bind_text(t.title);
  bind_text(t.kind);
  bind_text(t.priority);
  bind_text(t.due_day);
  bind_text(t.due_time);
  bind_text(t.origin);
  bind(t.origin_id);
  bind_text(t.dedupe_key);
  bind_text(t.note);
  bind(t.created_by);
  bind(t.created_at);
  bind(t.created_at);
}

struct TaskSql {
  std::string sql;
  std::vector<SqlValue> args;
};

// The task list: one statement ending in "LIMIT ?" (limit + 1 rows), ordered by
// due_day, due_time (NULL last), id. InvalidArgument (field) for a bad filter
// or cursor.
Result<TaskSql> PlanTaskList(const TaskQuery& q);
// SELECT count(*) for the query's filters (after and limit ignored).
Result<TaskSql> PlanTaskCount(const TaskQuery& q);
// Drops the look-ahead row and sets the cursor of the following page.
void FinishTaskPage(Page<Task>& page, int limit);

// The compact JSON of a task, for the audit log.
std::string TaskToJson(const Task& t);
// InvalidArgument (with the field) unless the task can be stored: kind,
// priority, origin, status keys; due_day a date, due_time HH:MM; a title.
Status CheckTask(const Task& t);

bool IsTaskKind(const std::string& s);
bool IsTaskPriority(const std::string& s);
bool IsTaskOrigin(const std::string& s);
bool IsTaskStatus(const std::string& s);
// "HH:MM" with 00 <= HH <= 23, 00 <= MM <= 59.
bool IsDueTime(const std::string& s);

}  // namespace guanxi::store_rows
