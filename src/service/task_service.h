// Tasks (交办事项) and "my day" (docs/relationship-api.md, "Tasks + my day").
//
// A task is about one customer and is seen by whoever sees that customer
// (service/permissions.h); a task the caller cannot see is NotFound. Creating
// and editing need a role that works customers (admin, manager, sales);
// completing and cancelling need that or being the assignee.
//
// The assignee must be an active user who can see the customer (a sales rep
// is never handed a customer they could not open); the default assignee is
// the customer's owner, else the caller. A new (or re-dated) task may not be
// due in the past: a day before today, or today at a time that has passed.
//
// Listeners registered with OnCompleted run after a task moved to done (the
// return-visit plans schedule the next visit). Generated tasks (scheduler,
// event rules, journeys …) come through CreateGenerated, exactly once per
// dedupe key. Thread-safe (state lives in the Store; listeners are registered
// before serving).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/store.h"
#include "store/task_store.h"

namespace guanxi {

struct TaskDraft {
  int64_t customer_id = 0;
  std::string title;    // 1..200 characters after trimming
  std::string kind = "follow_up";
  std::string priority = "normal";
  std::string due_day;  // YYYY-MM-DD, today (Asia/Shanghai) or later
  std::optional<std::string> due_time;  // HH:MM; today: not yet passed
  std::string note;                     // up to 2000 characters
  std::optional<int64_t> assignee_user_id;  // default: the customer's owner, else the caller
  std::string origin = "manual";            // Create: "manual" | "churn_alert"
  std::optional<int64_t> origin_id;
  // The field an assignee error names ("assignee" when the API got a login).
  std::string assignee_field = "assignee_user_id";
};

// A PATCH: only the members that are set change.
struct TaskPatch {
  std::optional<std::string> title;
  std::optional<std::string> priority;
  std::optional<std::string> due_day;
  std::optional<std::optional<std::string>> due_time;  // set to nullopt: any time of the day
  std::optional<std::optional<int64_t>> assignee_user_id;
  std::optional<std::string> note;
  std::string assignee_field = "assignee_user_id";
};

// One section of my day: the first `cap` tasks (by due day, time, id) and how many there are.
struct TaskBucket {
  std::vector<Task> items;
  int64_t total = 0;
};

struct MyDay {
  std::string today;     // YYYY-MM-DD, Asia/Shanghai
  std::string now_time;  // HH:MM, Asia/Shanghai
  std::optional<User> user;   // asked for one user …
  std::optional<Team> team;   // … or for a team
  std::vector<User> members;  // the team's members (empty for a user)
  TaskBucket overdue;    // open, due before now
  TaskBucket due_today;  // open, due today and not overdue
  TaskBucket upcoming;   // open, due in the next 7 days (after today)
};

struct TaskReminders {
  int64_t overdue = 0;
  int64_t due_today = 0;
};

class TaskService {
 public:
  using CompletedListener = std::function<void(const Principal&, const Task&)>;
  static constexpr int kMyDayCap = 200;

  TaskService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The task `d` describes, checked and ready to insert (status open, created
  // by p, created now), or InvalidArgument naming each wrong field
  // (customer_id, title, kind, priority, due_day, due_time, note, origin and
  // the assignee field). For callers that insert in their own transaction (an
  // interaction's follow-up). Any task origin is accepted here.
  Result<Task> Prepare(const Principal& p, TaskDraft d);
  // Prepare + insert; PermissionDenied for a role that may not create tasks.
  Result<Task> Create(const Principal& p, TaskDraft d);
  // A task the scheduler (or a rule) makes: t.dedupe_key is required; inserted
  // unless that key exists, with a system audit entry. Answers the task and
  // whether this call created it. No visibility or due checks.
  Result<std::pair<Task, bool>> CreateGenerated(Task t);
  // NotFound when missing or its customer is not visible.
  Result<Task> Get(const Principal& p, int64_t id);
  // The query's scope is set to what `p` may see. InvalidArgument (status,
  // kind, due_from, due_to, limit, after).
  Result<Page<Task>> List(const Principal& p, TaskQuery q);
  // Changes an open task (FailedPrecondition otherwise). Conflict when
  // expected_version is stale; InvalidArgument naming each wrong field.
  Result<Task> Update(const Principal& p, int64_t id, int64_t expected_version, TaskPatch patch);
  // Marks the task done with an optional note (up to 2000 characters); a task
  // done already is answered as it is. Listeners run when it became done.
  Result<Task> Complete(const Principal& p, int64_t id, int64_t expected_version, const std::string& note = "");
  // Marks an open task cancelled; FailedPrecondition for a done one.
  Result<Task> Cancel(const Principal& p, int64_t id, int64_t expected_version, const std::string& note = "");

  // My day of one user (default: the caller) or of a team (give one, not
  // both: InvalidArgument field team_id). Sales, service and analyst: only
  // themselves; a manager: their team or one of its members; admin: anyone
  // (PermissionDenied otherwise, NotFound for an unknown user or team). Only
  // tasks whose customer `p` may see are counted.
  Result<MyDay> GetMyDay(const Principal& p, std::optional<int64_t> user_id, std::optional<int64_t> team_id);
  // The caller's overdue and due-today counts (the navigation badge).
  Result<TaskReminders> Reminders(const Principal& p);

  // Registers `fn`, called after a task moved to done (on the completing thread,
  // after the commit). Register before serving.
  void OnCompleted(CompletedListener fn);

  // "HH:MM" of `t` in Asia/Shanghai (due_time's clock).
  static std::string LocalTime(UnixSeconds t);

 private:
  AuditEntry Audit(const Principal& p, const char* action) const;
  Result<Task> Finish(const Principal& p, int64_t id, int64_t expected_version, const std::string& status,
                      const std::string& note);
  // Appends an assignee error to `errors` unless `user_id` is an active user
  // who can see a customer owned by `owner`.
  Status CheckAssignee(int64_t user_id, std::optional<int64_t> owner, const std::string& field,
                       std::vector<FieldError>& errors);
  Result<TaskBucket> Bucket(const std::vector<int64_t>& assignees, TaskQuery q);

  Store& store_;
  const Clock& clock_;
  std::mutex listeners_mu_;
  std::vector<CompletedListener> listeners_;
};

}  // namespace guanxi
