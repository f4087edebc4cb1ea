// Tasks (交办事项): follow-ups, return visits, care touches and anything a person
// assigns. Reached through Store::Tasks(); same database and connections as the
// Store. Thread-safe. Every mutation writes its audit row in the same transaction
// (unless audit.entity is "").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "store/store.h"

namespace guanxi {

struct Task {
  int64_t id = 0;
  int64_t version = 0;
  int64_t customer_id = 0;
  std::optional<int64_t> assignee_user_id;
  std::string title;
  std::string kind = "follow_up";   // follow_up | return_visit | care | other
  std::string priority = "normal";  // low | normal | high | urgent
  std::string due_day;              // "YYYY-MM-DD" (Asia/Shanghai)
  std::optional<std::string> due_time;  // "HH:MM", nullopt for any time of the day
  std::string status = "open";      // open | done | cancelled
  std::string origin = "manual";    // manual | churn_alert | interaction | visit_plan |
                                    // event_rule | care_date | journey | pool_warning
  std::optional<int64_t> origin_id;
  std::optional<std::string> dedupe_key;  // generated tasks (docs/relationship-api.md)
  std::string note;
  std::string completion_note;
  std::optional<int64_t> created_by;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
  std::optional<UnixSeconds> completed_at;
  std::optional<int64_t> completed_by;

  bool operator==(const Task&) const = default;
};

// A moment in Asia/Shanghai terms: a day and an "HH:MM" time of it.
struct DueMoment {
  std::string day;   // "YYYY-MM-DD"
  std::string time;  // "HH:MM"
};

struct TaskQuery {
  VisibilityScope scope;  // by the task's customer's owner
  std::optional<int64_t> customer_id;
  std::optional<int64_t> assignee_user_id;
  std::optional<int64_t> assignee_team_id;  // tasks of the team's members
  std::string status;  // "open" | "done" | "cancelled" | "" for any
  std::string kind;    // "" for any
  std::string due_from;  // inclusive "YYYY-MM-DD", "" for open-ended
  std::string due_to;    // inclusive
  // Overdue at the moment: due_day < day, or due_day = day and due_time < time
  // (a task without a time is due until the end of its day).
  std::optional<DueMoment> due_before;
  // The complement: not yet overdue at the moment.
  std::optional<DueMoment> due_not_before;
  std::string after;     // cursor; by due_day, due_time (NULL last), then id
  int limit = 50;
};

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Inserts `t` (id, version 1, created/updated at t.created_at; status open).
  // InvalidArgument (field "customer_id" / "assignee_user_id") for an unknown
  // customer or user. A dedupe_key already taken: AlreadyExists.
  virtual Result<Task> CreateTask(Task t, AuditEntry audit) = 0;
  // Inserts `t` unless a task with its dedupe_key (required) exists; answers the
  // task and whether this call created it. The scheduler's exactly-once primitive.
  virtual Result<std::pair<Task, bool>> CreateTaskIfAbsent(Task t, AuditEntry audit) = 0;
  // Inserts demo/import rows as they are (version 1, their status, times and
  // completion fields) in one transaction without audit rows, and fills their
  // ids. References are not checked beyond the database's foreign keys.
  virtual Status InsertTasksBulk(std::vector<Task>& rows) = 0;
  virtual Result<Task> GetTask(int64_t id) = 0;
  virtual Result<Page<Task>> ListTasks(const TaskQuery& q) = 0;
  // Counts for a query's filters (ignores after/limit).
  virtual Result<int64_t> CountTasks(const TaskQuery& q) = 0;
  // Replaces the editable fields (title, kind, priority, due_day, due_time,
  // assignee, note, origin_id) when the stored version equals t.version;
  // Conflict otherwise; bumps version and sets updated_at (t.updated_at, or
  // audit.at when that is 0). InvalidArgument (field) for bad values.
  virtual Result<Task> UpdateTask(Task t, AuditEntry audit) = 0;
  // Moves an open task to done/cancelled at `at` by `user` with a note, when its
  // version equals expected_version (Conflict otherwise). A task already in that
  // status is answered as it is; a done task cannot be cancelled (FailedPrecondition).
  virtual Result<Task> FinishTask(int64_t id, int64_t expected_version, const std::string& status,
                                  const std::string& note, UnixSeconds at, std::optional<int64_t> user,
                                  AuditEntry audit) = 0;
};

}  // namespace guanxi
