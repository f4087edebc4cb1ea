#include "service/task_service.h"

#include <cstdio>
#include <vector>

#include "domain/sales.h"
#include "domain/search_text.h"
#include "service/sales_access.h"
#include "store/task_rows.h"

namespace guanxi {

namespace {

constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxNote = 2000;

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Appends due_day / due_time errors unless the moment is now or later.
void CheckDue(const std::string& day, const std::optional<std::string>& time, UnixSeconds now,
              std::vector<FieldError>& errors) {
  const std::string today = BusinessDay(now);
  if (!IsValidDate(day)) {
    errors.push_back({"due_day", "must be a date YYYY-MM-DD"});
  } else if (day < today) {
    errors.push_back({"due_day", "must not be in the past"});
  }
  if (time && !store_rows::IsDueTime(*time)) {
    errors.push_back({"due_time", "must be a time HH:MM"});
  } else if (time && day == today && *time < TaskService::LocalTime(now)) {
    errors.push_back({"due_time", "must not be in the past"});
  }
}

void CheckTitle(std::string& title, std::vector<FieldError>& errors) {
  title = Trim(title);
  const size_t n = CodePointCount(title);
  if (n < 1 || n > kMaxTitle) errors.push_back({"title", "must be 1 to 200 characters"});
}

bool NoteTooLong(const std::string& note) { return CodePointCount(note) > kMaxNote; }

}  // namespace

std::string TaskService::LocalTime(UnixSeconds t) {
  const int64_t of_day = ((t + 8 * 3600) % 86400 + 86400) % 86400;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(of_day / 3600), static_cast<int>(of_day / 60 % 60));
  return buf;
}

AuditEntry TaskService::Audit(const Principal& p, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "task";
  a.action = action;
  return a;
}

Status TaskService::CheckAssignee(int64_t user_id, std::optional<int64_t> owner, const std::string& field,
                                  std::vector<FieldError>& errors) {
  auto user = store_.GetUser(user_id);
  if (!user.ok() && user.status().code() != StatusCode::kNotFound) return user.status();
  if (!user.ok() || user->disabled) {
    errors.push_back({field, "must be an active user"});
    return Status::Ok();
  }
  const Principal assignee{user->id, user->login, user->role, user->team_id};
  if (!CanSeeOwner(store_, assignee, owner)) errors.push_back({field, "cannot see this customer"});
  return Status::Ok();
}

Result<Task> TaskService::Prepare(const Principal& p, TaskDraft d) {
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
  CheckTitle(d.title, errors);
  if (!store_rows::IsTaskKind(d.kind)) errors.push_back({"kind", "must be follow_up, return_visit, care or other"});
  if (!store_rows::IsTaskPriority(d.priority)) errors.push_back({"priority", "must be low, normal, high or urgent"});
  if (!store_rows::IsTaskOrigin(d.origin)) errors.push_back({"origin", "is not a task origin"});
  const UnixSeconds now = clock_.Now();
  CheckDue(d.due_day, d.due_time, now, errors);
  if (NoteTooLong(d.note)) errors.push_back({"note", "must be at most 2000 characters"});
  if (!d.assignee_user_id) {
    if (customer && customer->owner_user_id) d.assignee_user_id = customer->owner_user_id;
    else if (p.user_id) d.assignee_user_id = p.user_id;
  }
  if (d.assignee_user_id && customer) {
    GX_RETURN_IF_ERROR(CheckAssignee(*d.assignee_user_id, customer->owner_user_id, d.assignee_field, errors));
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid task", std::move(errors));

  Task t;
  t.customer_id = d.customer_id;
  t.assignee_user_id = d.assignee_user_id;
  t.title = std::move(d.title);
  t.kind = std::move(d.kind);
  t.priority = std::move(d.priority);
  t.due_day = std::move(d.due_day);
  t.due_time = std::move(d.due_time);
  t.note = std::move(d.note);
  t.origin = std::move(d.origin);
  t.origin_id = d.origin_id;
  if (p.user_id) t.created_by = p.user_id;
  t.created_at = t.updated_at = now;
  return t;
}

Result<Task> TaskService::Create(const Principal& p, TaskDraft d) {
  if (!CanWriteArchive(p)) return Status::PermissionDenied("this role may not create tasks");
  if (d.origin != "manual" && d.origin != "churn_alert") {
    // Other origins belong to the code paths that generate them.
    auto checked = Prepare(p, d);
    std::vector<FieldError> errors = checked.ok() ? std::vector<FieldError>{} : checked.status().fields();
    errors.insert(errors.begin(), {"origin", "must be manual or churn_alert"});
    if (!checked.ok() && checked.status().code() != StatusCode::kInvalidArgument) return checked.status();
    return Status::InvalidArgument("invalid task", std::move(errors));
  }
  GX_ASSIGN_OR_RETURN(Task t, Prepare(p, std::move(d)));
  return store_.Tasks().CreateTask(std::move(t), Audit(p, "create"));
}

Result<std::pair<Task, bool>> TaskService::CreateGenerated(Task t) {
  if (!t.dedupe_key || t.dedupe_key->empty()) return Status::InvalidField("dedupe_key", "is required");
  if (t.created_at == 0) t.created_at = clock_.Now();
  AuditEntry a = Audit(Principal::System(), "generate");
  return store_.Tasks().CreateTaskIfAbsent(std::move(t), std::move(a));
}

Result<Task> TaskService::Get(const Principal& p, int64_t id) {
  auto t = store_.Tasks().GetTask(id);
  if (!t.ok()) {
    if (t.status().code() == StatusCode::kNotFound) return Status::NotFound("no such task");
    return t.status();
  }
  auto c = store_.GetCustomer(t->customer_id);
  if (!c.ok() || !CanSeeOwner(store_, p, c->owner_user_id)) return Status::NotFound("no such task");
  return t;
}

Result<Page<Task>> TaskService::List(const Principal& p, TaskQuery q) {
  if (!q.status.empty() && !store_rows::IsTaskStatus(q.status)) {
    return Status::InvalidArgument("invalid query parameters", {{"status", "must be open, done or cancelled"}});
  }
  if (q.limit < 1 || q.limit > 200) {
    return Status::InvalidArgument("invalid query parameters", {{"limit", "must be between 1 and 200"}});
  }
  q.scope = CustomerScope(p);
  q.due_before.reset();
  q.due_not_before.reset();
  return store_.Tasks().ListTasks(q);
}

Result<Task> TaskService::Update(const Principal& p, int64_t id, int64_t expected_version, TaskPatch patch) {
  GX_ASSIGN_OR_RETURN(Task t, Get(p, id));
  const bool assignee = t.assignee_user_id && *t.assignee_user_id == p.user_id && p.user_id != 0;
  if (!assignee && !CanWriteArchive(p)) return Status::PermissionDenied("this role may not change tasks");
  if (t.version != expected_version) {
    return Status::Conflict("task " + std::to_string(id) + " is at version " + std::to_string(t.version));
  }
  if (t.status != "open") return Status::FailedPrecondition("task " + std::to_string(id) + " is " + t.status);
  std::vector<FieldError> errors;
  if (patch.title) {
    t.title = *patch.title;
    CheckTitle(t.title, errors);
  }
  if (patch.priority) {
    t.priority = *patch.priority;
    if (!store_rows::IsTaskPriority(t.priority)) errors.push_back({"priority", "must be low, normal, high or urgent"});
  }
  if (patch.due_day || patch.due_time) {
    // A new due moment may not be in the past; an unchanged overdue one stays.
    if (patch.due_day) t.due_day = *patch.due_day;
    if (patch.due_time) t.due_time = *patch.due_time;
    CheckDue(t.due_day, t.due_time, clock_.Now(), errors);
  }
  if (patch.note) {
    t.note = *patch.note;
    if (NoteTooLong(t.note)) errors.push_back({"note", "must be at most 2000 characters"});
  }
  if (patch.assignee_user_id) {
    t.assignee_user_id = *patch.assignee_user_id;
    if (t.assignee_user_id) {
      auto c = store_.GetCustomer(t.customer_id);
      if (!c.ok()) return c.status();
      GX_RETURN_IF_ERROR(CheckAssignee(*t.assignee_user_id, c->owner_user_id, patch.assignee_field, errors));
    }
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid task", std::move(errors));
  t.updated_at = clock_.Now();
  return store_.Tasks().UpdateTask(std::move(t), Audit(p, "update"));
}

Result<Task> TaskService::Finish(const Principal& p, int64_t id, int64_t expected_version, const std::string& status,
                                 const std::string& note) {
  GX_ASSIGN_OR_RETURN(Task t, Get(p, id));
  const bool assignee = t.assignee_user_id && *t.assignee_user_id == p.user_id && p.user_id != 0;
  if (!assignee && !CanWriteArchive(p)) {
    return Status::PermissionDenied("only the assignee or a role that works customers finishes a task");
  }
  if (NoteTooLong(note)) return Status::InvalidField("note", "must be at most 2000 characters");
  std::optional<int64_t> by;
  if (p.user_id) by = p.user_id;
  return store_.Tasks().FinishTask(id, expected_version, status, Trim(note), clock_.Now(), by,
                                   Audit(p, status == "done" ? "complete" : "cancel"));
}

Result<Task> TaskService::Complete(const Principal& p, int64_t id, int64_t expected_version, const std::string& note) {
  GX_ASSIGN_OR_RETURN(Task done, Finish(p, id, expected_version, "done", note));
  // Answered as it was (done already): the listeners ran for the first completion.
  if (done.version == expected_version) return done;
  std::vector<CompletedListener> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    listeners = listeners_;
  }
  for (const auto& fn : listeners) fn(p, done);
  return done;
}

Result<Task> TaskService::Cancel(const Principal& p, int64_t id, int64_t expected_version, const std::string& note) {
  return Finish(p, id, expected_version, "cancelled", note);
}

void TaskService::OnCompleted(CompletedListener fn) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.push_back(std::move(fn));
}

}  // namespace guanxi
