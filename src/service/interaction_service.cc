#include "service/interaction_service.h"

#include <vector>

#include "domain/sales.h"
#include "domain/search_text.h"
#include "service/sales_access.h"

namespace guanxi {

namespace {

constexpr size_t kMaxFollowUpTitle = 200;

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool IsClockTime(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return (s[0] - '0') * 10 + (s[1] - '0') <= 23 && (s[3] - '0') * 10 + (s[4] - '0') <= 59;
}

bool IsPriority(const std::string& s) {
  return s == "low" || s == "normal" || s == "high" || s == "urgent";
}

// Whether `p` may log interactions at all (see the header).
bool MayLog(const Principal& p) { return CanWriteArchive(p) || p.role == Role::kService; }

bool MayChange(const Principal& p, const Interaction& i) {
  if (CanWriteArchive(p)) return true;
  return p.role == Role::kService && i.user_id && *i.user_id == p.user_id;
}

}  // namespace

AuditEntry InteractionService::Audit(const Principal& p, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "interaction";
  a.action = action;
  return a;
}

Result<Customer> InteractionService::VisibleCustomer(const Principal& p, int64_t customer_id) {
  auto c = store_.GetCustomer(customer_id);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) return Status::NotFound("no such customer");
    return c.status();
  }
  if (!CanSeeOwner(store_, p, c->owner_user_id)) return Status::NotFound("no such customer");
  return c;
}

void InteractionService::CheckFields(const Principal& p, Interaction& i, std::vector<FieldError>& errors) {
  Status s = ValidateInteraction(i, clock_.Now());
  for (const auto& f : s.fields()) errors.push_back(f);
  const bool other_user = i.user_id && *i.user_id != p.user_id;
  if (other_user && p.role != Role::kAdmin && p.role != Role::kManager) {
    errors.push_back({"user_id", "only admin and manager log for someone else"});
  }
}

Result<Task> InteractionService::CheckFollowUp(const Principal& p, FollowUpDraft d,
                                               const std::optional<Customer>& customer,
                                               std::vector<FieldError>& errors) {
  Task t;
  t.title = Trim(d.title);
  const size_t title_length = CodePointCount(t.title);
  if (title_length < 1 || title_length > kMaxFollowUpTitle) {
    errors.push_back({"follow_up/title", "must be 1 to 200 characters"});
  }
  const std::string today = BusinessDay(clock_.Now());
  if (!IsValidDate(d.due_day)) {
    errors.push_back({"follow_up/due_day", "must be a date YYYY-MM-DD"});
  } else if (d.due_day < today) {
    errors.push_back({"follow_up/due_day", "must not be in the past"});
  }
  t.due_day = d.due_day;
  if (d.due_time && !d.due_time->empty()) {
    if (!IsClockTime(*d.due_time)) errors.push_back({"follow_up/due_time", "must be a time HH:MM"});
    t.due_time = d.due_time;
  }
  if (!IsPriority(d.priority)) errors.push_back({"follow_up/priority", "must be low, normal, high or urgent"});
  t.priority = d.priority;
  if (!d.assignee_user_id) {
    if (customer && customer->owner_user_id) d.assignee_user_id = customer->owner_user_id;
    else if (p.user_id) d.assignee_user_id = p.user_id;
  }
  if (d.assignee_user_id) {
    auto user = store_.GetUser(*d.assignee_user_id);
    if (!user.ok() && user.status().code() != StatusCode::kNotFound) return user.status();
    if (!user.ok() || user->disabled) errors.push_back({"follow_up/assignee_user_id", "must be an active user"});
  }
  t.assignee_user_id = d.assignee_user_id;
  t.kind = "follow_up";
  t.origin = "interaction";
  if (p.user_id) t.created_by = p.user_id;
  return t;
}

Result<LoggedInteraction> InteractionService::Log(const Principal& p, InteractionDraft d) {
  if (!MayLog(p)) return Status::PermissionDenied("this role may not log interactions");
  std::vector<FieldError> errors;
  Interaction& i = d.interaction;
  std::optional<Customer> customer;
  if (i.customer_id <= 0) {
    errors.push_back({"customer_id", "is required"});
  } else {
    auto c = VisibleCustomer(p, i.customer_id);
    if (c.ok() && !c->archived) customer = *c;
    else if (!c.ok() && c.status().code() != StatusCode::kNotFound) return c.status();
    else errors.push_back({"customer_id", c.ok() ? "is archived" : "no such customer"});
  }
  const UnixSeconds now = clock_.Now();
  i.at = d.at.value_or(now);
  if (!i.user_id && p.user_id) i.user_id = p.user_id;
  {
    // The customer was checked above, with visibility; keep one error per field.
    std::vector<FieldError> field_errors;
    CheckFields(p, i, field_errors);
    for (auto& f : field_errors) {
      if (f.field != "customer_id") errors.push_back(std::move(f));
    }
  }
  std::optional<Task> follow_up;
  if (d.follow_up) {
    GX_ASSIGN_OR_RETURN(Task t, CheckFollowUp(p, std::move(*d.follow_up), customer, errors));
    follow_up = std::move(t);
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid interaction", std::move(errors));
  i.id = 0;
  i.version = 0;
  i.created_at = now;
  i.updated_at = now;
  AuditEntry audit = Audit(p, "create");
  return store_.Interactions().CreateInteraction(std::move(i), std::move(follow_up), std::move(audit));
}

Result<Interaction> InteractionService::Get(const Principal& p, int64_t id) {
  auto i = store_.Interactions().GetInteraction(id);
  if (!i.ok()) {
    if (i.status().code() == StatusCode::kNotFound) return Status::NotFound("no such interaction");
    return i.status();
  }
  auto c = VisibleCustomer(p, i->customer_id);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) return Status::NotFound("no such interaction");
    return c.status();
  }
  return i;
}

Result<Interaction> InteractionService::Update(const Principal& p, Interaction changed) {
  GX_ASSIGN_OR_RETURN(Interaction stored, Get(p, changed.id));
  if (!MayChange(p, stored)) return Status::PermissionDenied("this role may not change this interaction");
  changed.customer_id = stored.customer_id;
  std::vector<FieldError> errors;
  // An interaction logged before a clock change keeps its time valid: only a
  // changed `at` is checked against now.
  CheckFields(p, changed, errors);
  if (changed.at == stored.at) {
    std::erase_if(errors, [](const FieldError& f) { return f.field == "at"; });
  }
  if (changed.user_id == stored.user_id) {
    std::erase_if(errors, [](const FieldError& f) { return f.field == "user_id" && f.message.starts_with("only"); });
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid interaction", std::move(errors));
  changed.updated_at = clock_.Now();
  return store_.Interactions().UpdateInteraction(std::move(changed), Audit(p, "update"));
}

Status InteractionService::Delete(const Principal& p, int64_t id, int64_t expected_version) {
  GX_ASSIGN_OR_RETURN(Interaction stored, Get(p, id));
  if (!MayChange(p, stored)) return Status::PermissionDenied("this role may not delete this interaction");
  return store_.Interactions().DeleteInteraction(id, expected_version, Audit(p, "delete"));
}

Result<Page<Interaction>> InteractionService::List(const Principal& p, InteractionQuery q) {
  if (q.limit < 1 || q.limit > 200) {
    return Status::InvalidArgument("invalid query parameters", {{"limit", "must be between 1 and 200"}});
  }
  q.scope = CustomerScope(p);
  return store_.Interactions().ListInteractions(q);
}

Result<Page<TimelineEntry>> InteractionService::Timeline(const Principal& p, TimelineQuery q) {
  GX_ASSIGN_OR_RETURN(Customer c, VisibleCustomer(p, q.customer_id));
  (void)c;
  return store_.Interactions().Timeline(q);
}

}  // namespace guanxi
