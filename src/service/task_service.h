// Follow-up tasks (minimal; issue 6 extends them): a task is about one customer and
// is seen by whoever sees that customer (service/permissions.h). Creating needs a
// role that works customers (admin, manager, sales); completing needs the assignee
// or such a role. Thread-safe (state lives in the Store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/analytics_store.h"
#include "store/store.h"

namespace guanxi {

struct TaskDraft {
  int64_t customer_id = 0;
  std::string title;    // 1..200 characters after trimming
  std::string due_day;  // YYYY-MM-DD, today (Asia/Shanghai) or later
  std::optional<int64_t> assignee_user_id;  // default: the customer's owner, else the caller
  std::string origin = "manual";            // "manual" | "churn_alert"
};

class TaskService {
 public:
  TaskService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // InvalidArgument naming each wrong field (customer_id, title, due_day, assignee,
  // origin); PermissionDenied for a role that may not create tasks.
  Result<Task> Create(const Principal& p, TaskDraft d);
  // NotFound when missing or its customer is not visible.
  Result<Task> Get(const Principal& p, int64_t id);
  // The query's scope is set to what `p` may see.
  Result<Page<Task>> List(const Principal& p, TaskQuery q);
  // Conflict when expected_version is stale.
  Result<Task> Complete(const Principal& p, int64_t id, int64_t expected_version);

 private:
  AuditEntry Audit(const Principal& p, const char* action) const;

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
