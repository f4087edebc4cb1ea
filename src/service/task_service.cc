#include "service/task_service.h"

#include <vector>

#include "domain/sales.h"
#include "domain/search_text.h"
#include "service/sales_access.h"

namespace guanxi {

namespace {

constexpr size_t kMaxTitle = 200;

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

AuditEntry TaskService::Audit(const Principal& p, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "task";
  a.action = action;
  return a;
}

Result<Task> TaskService::Create(const Principal& p, TaskDraft d) {
  if (!CanWriteArchive(p)) return Status::PermissionDenied("this role may not create tasks");
  std::vector<FieldError> errors;
  std::optional<Customer> customer;
  if (d.customer_id <= 0) {
    errors.push_back({"customer_id", "is required"});
  } else {
    auto c = store_.GetCustomer(d.customer_id);
    if (c.ok() && !c->archived && CanSeeOwner(store_, p, c->owner_user_id)) {
      customer = *c;
    } else if (!c.ok() && c.status().code() != StatusCode::kNotFound) {
      return c.status();
    } else {
      errors.push_back({"customer_id", "no such customer"});
    }
  }
  d.title = Trim(d.title);
  const size_t title_length = CodePointCount(d.title);
  if (title_length < 1 || title_length > kMaxTitle) {
    errors.push_back({"title", "must be 1 to 200 characters"});
  }
  const std::string today = BusinessDay(clock_.Now());
  if (!IsValidDate(d.due_day)) {
    errors.push_back({"due_day", "must be a date YYYY-MM-DD"});
  } else if (d.due_day < today) {
    errors.push_back({"due_day", "must not be in the past"});
  }
  if (d.origin != "manual" && d.origin != "churn_alert") {
    errors.push_back({"origin", "must be manual or churn_alert"});
  }
  if (!d.assignee_user_id) {
    if (customer && customer->owner_user_id) d.assignee_user_id = customer->owner_user_id;
    else if (p.user_id) d.assignee_user_id = p.user_id;
  }
  if (d.assignee_user_id) {
    auto user = store_.GetUser(*d.assignee_user_id);
    if (!user.ok() && user.status().code() != StatusCode::kNotFound) return user.status();
    if (!user.ok() || user->disabled) errors.push_back({"assignee", "must be an active user"});
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid task", std::move(errors));

  Task t;
  t.customer_id = d.customer_id;
  t.assignee_user_id = d.assignee_user_id;
  t.title = std::move(d.title);
  t.due_day = std::move(d.due_day);
  t.origin = std::move(d.origin);
  if (p.user_id) t.created_by = p.user_id;
  t.created_at = clock_.Now();
  return store_.Analytics().CreateTask(std::move(t), Audit(p, "create"));
}

Result<Task> TaskService::Get(const Principal& p, int64_t id) {
  GX_ASSIGN_OR_RETURN(Task t, store_.Analytics().GetTask(id));
  auto c = store_.GetCustomer(t.customer_id);
  if (!c.ok() || !CanSeeOwner(store_, p, c->owner_user_id)) return Status::NotFound("no such task");
  return t;
}

Result<Page<Task>> TaskService::List(const Principal& p, TaskQuery q) {
  if (!q.status.empty() && q.status != "open" && q.status != "done") {
    return Status::InvalidArgument("invalid query parameters", {{"status", "must be open or done"}});
  }
  if (q.limit < 1 || q.limit > 200) {
    return Status::InvalidArgument("invalid query parameters", {{"limit", "must be between 1 and 200"}});
  }
  q.scope = CustomerScope(p);
  return store_.Analytics().ListTasks(q);
}

Result<Task> TaskService::Complete(const Principal& p, int64_t id, int64_t expected_version) {
  GX_ASSIGN_OR_RETURN(Task t, Get(p, id));
  const bool assignee = t.assignee_user_id && *t.assignee_user_id == p.user_id;
  if (!assignee && !CanWriteArchive(p)) {
    return Status::PermissionDenied("only the assignee or a role that works customers completes a task");
  }
  return store_.Analytics().CompleteTask(id, expected_version, clock_.Now(), Audit(p, "complete"));
}

}  // namespace guanxi
