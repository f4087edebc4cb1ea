#include "service/customer_service.h"

#include "service/lifecycle_service.h"

namespace guanxi {

AuditEntry CustomerService::Audit(const Principal& p, const char* entity, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = entity;
  a.action = action;
  return a;
}

Status CustomerService::CheckVisible(const Principal& p, const Customer& c) {
  std::optional<int64_t> owner_team;
  if (c.owner_user_id && CustomerScope(p).kind == VisibilityScope::Kind::kTeam) {
    auto owner = store_.GetUser(*c.owner_user_id);
    if (owner.ok()) owner_team = owner->team_id;
  }
  if (!CanSeeCustomer(p, c.owner_user_id, owner_team)) {
    return Status::NotFound("customer " + std::to_string(c.id) + " not found");
  }
  return Status::Ok();
}

Status CustomerService::CheckWritable(const Principal& p, const Customer& c) {
  GX_RETURN_IF_ERROR(CheckVisible(p, c));
  if (!CanWriteArchive(p)) {
    return Status::PermissionDenied("the " + std::string(ToString(p.role)) +
                                    " role may read customers but not change them");
  }
  return Status::Ok();
}

Status CustomerService::CheckOwnerAssignable(const Principal& p, std::optional<int64_t> owner) {
  if (!owner) {
    if (p.role == Role::kSales) {
      return Status::PermissionDenied("a sales user's customers must have an owner");
    }
    return Status::Ok();
  }
  auto user = store_.GetUser(*owner);
  if (!user.ok()) return Status::InvalidField("owner_user_id", "no such user");
  if (user->disabled) return Status::InvalidField("owner_user_id", "the user is disabled");
  switch (p.role) {
    case Role::kAdmin: return Status::Ok();
    case Role::kSales:
      if (*owner != p.user_id) {
        return Status::PermissionDenied("a sales user may only own customers themself");
      }
      return Status::Ok();
    case Role::kManager:
      if (*owner == p.user_id || (p.team_id && user->team_id == p.team_id)) return Status::Ok();
      return Status::PermissionDenied("a manager may assign customers only within their team");
    case Role::kService:
    case Role::kAnalyst:
      return Status::PermissionDenied("this role may not change customers");
  }
  return Status::PermissionDenied("not allowed");
}

Result<Customer> CustomerService::Create(const Principal& p, Customer draft) {
  if (!CanWriteArchive(p)) {
    return Status::PermissionDenied("the " + std::string(ToString(p.role)) +
                                    " role may not create customers");
  }
  if (!draft.owner_user_id && (p.role == Role::kSales || p.role == Role::kManager) && p.user_id) {
    draft.owner_user_id = p.user_id;
  }
  GX_RETURN_IF_ERROR(NormalizeCustomer(draft));
  GX_RETURN_IF_ERROR(CheckOwnerAssignable(p, draft.owner_user_id));
  draft.id = 0;
  draft.created_at = draft.updated_at = clock_.Now();
  return store_.CreateCustomer(std::move(draft), Audit(p, "customer", "create"));
}

Result<Customer> CustomerService::Get(const Principal& p, int64_t id) {
  GX_ASSIGN_OR_RETURN(Customer c, store_.GetCustomer(id));
  GX_RETURN_IF_ERROR(CheckVisible(p, c));
  return c;
}

Result<Customer> CustomerService::Update(const Principal& p, Customer changed) {
  GX_ASSIGN_OR_RETURN(Customer current, store_.GetCustomer(changed.id));
  GX_RETURN_IF_ERROR(CheckWritable(p, current));
  GX_RETURN_IF_ERROR(NormalizeCustomer(changed));
  if (changed.owner_user_id != current.owner_user_id) {
    GX_RETURN_IF_ERROR(CheckOwnerAssignable(p, changed.owner_user_id));
  }
  changed.updated_at = std::max(clock_.Now(), current.updated_at);
  GX_ASSIGN_OR_RETURN(Customer updated, store_.UpdateCustomer(std::move(changed), Audit(p, "customer", "update")));
  // A stage a person sets in the edit form is an override the nightly
  // derivation keeps (and it shows in the lifecycle history).
  GX_RETURN_IF_ERROR(LifecycleService(store_, clock_).RecordCustomerEdit(p, current, updated));
  return updated;
}

Result<Customer> CustomerService::SetArchived(const Principal& p, int64_t id, bool archived) {
  // Archiving names no version: it applies to whatever the record is now, so a
  // concurrent edit is retried over rather than reported as a conflict.
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    GX_ASSIGN_OR_RETURN(Customer c, store_.GetCustomer(id));
    GX_RETURN_IF_ERROR(CheckWritable(p, c));
    if (c.archived == archived) return c;
    c.archived = archived;
    c.updated_at = std::max(clock_.Now(), c.updated_at);
    auto r = store_.UpdateCustomer(std::move(c), Audit(p, "customer", archived ? "archive" : "restore"));
    if (r.ok() || r.status().code() != StatusCode::kConflict || attempt == kAttempts) return r;
  }
}

Status CustomerService::Delete(const Principal& p, int64_t id) {
  GX_ASSIGN_OR_RETURN(Customer c, store_.GetCustomer(id));
  GX_RETURN_IF_ERROR(CheckVisible(p, c));
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may delete customers");
  return store_.DeleteCustomer(id, Audit(p, "customer", "delete"));
}

Result<Page<Customer>> CustomerService::List(const Principal& p, CustomerQuery q) {
  q.scope = CustomerScope(p);
  if (q.limit < 1 || q.limit > 200) return Status::InvalidField("limit", "must be between 1 and 200");
  return store_.ListCustomers(q);
}

Result<Contact> CustomerService::CreateContact(const Principal& p, Contact draft) {
  GX_RETURN_IF_ERROR(NormalizeContact(draft));
  auto parent = store_.GetCustomer(draft.customer_id);
  if (!parent.ok() || !CheckVisible(p, *parent).ok()) {
    return Status::InvalidField("customer_id", "no such customer");
  }
  GX_RETURN_IF_ERROR(CheckWritable(p, *parent));
  draft.id = 0;
  draft.created_at = draft.updated_at = clock_.Now();
  return store_.CreateContact(std::move(draft), Audit(p, "contact", "create"));
}

Result<Contact> CustomerService::GetContact(const Principal& p, int64_t id) {
  GX_ASSIGN_OR_RETURN(Contact c, store_.GetContact(id));
  auto parent = store_.GetCustomer(c.customer_id);
  if (!parent.ok() || !CheckVisible(p, *parent).ok()) {
    return Status::NotFound("contact " + std::to_string(id) + " not found");
  }
  return c;
}

Result<Contact> CustomerService::UpdateContact(const Principal& p, Contact changed) {
  GX_ASSIGN_OR_RETURN(Contact current, GetContact(p, changed.id));
  GX_ASSIGN_OR_RETURN(Customer parent, store_.GetCustomer(current.customer_id));
  GX_RETURN_IF_ERROR(CheckWritable(p, parent));
  GX_RETURN_IF_ERROR(NormalizeContact(changed));
  if (changed.customer_id != current.customer_id) {
    auto target = store_.GetCustomer(changed.customer_id);
    if (!target.ok() || !CheckWritable(p, *target).ok()) {
      return Status::InvalidField("customer_id", "no such customer");
    }
  }
  changed.updated_at = std::max(clock_.Now(), current.updated_at);
  return store_.UpdateContact(std::move(changed), Audit(p, "contact", "update"));
}

Status CustomerService::DeleteContact(const Principal& p, int64_t id) {
  GX_ASSIGN_OR_RETURN(Contact current, GetContact(p, id));
  GX_ASSIGN_OR_RETURN(Customer parent, store_.GetCustomer(current.customer_id));
  GX_RETURN_IF_ERROR(CheckWritable(p, parent));
  return store_.DeleteContact(id, Audit(p, "contact", "delete"));
}

Result<std::vector<Contact>> CustomerService::ListContacts(const Principal& p, int64_t customer_id) {
  GX_RETURN_IF_ERROR(Get(p, customer_id).status());
  return store_.ListContacts(customer_id);
}

}  // namespace guanxi
