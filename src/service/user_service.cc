#include "service/user_service.h"

#include "domain/search_text.h"
#include "service/password.h"

namespace guanxi {
namespace {

Status RequireAdmin(const Principal& p) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may manage users and teams");
  return Status::Ok();
}

Status ValidateDisplayName(const std::string& name) {
  if (!IsValidUtf8(name)) return Status::InvalidField("display_name", "is not valid UTF-8");
  if (name.empty()) return Status::InvalidField("display_name", "is required");
  if (CodePointCount(name) > kMaxShortTextChars) {
    return Status::InvalidField("display_name", "is longer than 100 characters");
  }
  return Status::Ok();
}

}  // namespace

AuditEntry UserService::Audit(const Principal& p, const char* entity, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = entity;
  a.action = action;
  return a;
}

Result<User> UserService::Create(const Principal& p, NewUser in) {
  GX_RETURN_IF_ERROR(RequireAdmin(p));
  std::vector<FieldError> errors;
  Status s = NormalizeLogin(in.login);
  if (!s.ok()) errors.insert(errors.end(), s.fields().begin(), s.fields().end());
  if (in.display_name.empty()) in.display_name = in.login;
  s = ValidateDisplayName(in.display_name);
  if (!s.ok()) errors.insert(errors.end(), s.fields().begin(), s.fields().end());
  s = ValidatePassword(in.password);
  if (!s.ok()) errors.insert(errors.end(), s.fields().begin(), s.fields().end());
  if (in.team_id && !store_.GetTeam(*in.team_id).ok()) errors.push_back({"team_id", "no such team"});
  if (!errors.empty()) return Status::InvalidArgument("invalid user", std::move(errors));
  GX_ASSIGN_OR_RETURN(std::string hash, HashPassword(in.password));
  User u;
  u.login = in.login;
  u.display_name = in.display_name;
  u.role = in.role;
  u.team_id = in.team_id;
  u.password_hash = std::move(hash);
  u.created_at = u.updated_at = clock_.Now();
  return store_.CreateUser(std::move(u), Audit(p, "user", "create"));
}

Result<User> UserService::Update(const Principal& p, const UserChange& change) {
  GX_RETURN_IF_ERROR(RequireAdmin(p));
  GX_ASSIGN_OR_RETURN(User u, store_.GetUser(change.id));
  u.version = change.version;
  if (change.display_name) {
    GX_RETURN_IF_ERROR(ValidateDisplayName(*change.display_name));
    u.display_name = *change.display_name;
  }
  if (change.role) u.role = *change.role;
  if (change.team_id) {
    if (*change.team_id && !store_.GetTeam(**change.team_id).ok()) {
      return Status::InvalidField("team_id", "no such team");
    }
    u.team_id = *change.team_id;
  }
  if (change.disabled) {
    if (*change.disabled && u.id == p.user_id) {
      return Status::InvalidField("disabled", "you cannot disable your own account");
    }
    u.disabled = *change.disabled;
  }
  if (change.role && *change.role != Role::kAdmin && u.id == p.user_id) {
    return Status::InvalidField("role", "you cannot remove your own admin role");
  }
  if (change.password) {
    GX_RETURN_IF_ERROR(ValidatePassword(*change.password));
    GX_ASSIGN_OR_RETURN(u.password_hash, HashPassword(*change.password));
  }
  u.updated_at = clock_.Now();
  return store_.UpdateUser(std::move(u), Audit(p, "user", "update"));
}

Result<User> UserService::Get(const Principal&, int64_t id) { return store_.GetUser(id); }

Result<std::vector<User>> UserService::List(const Principal&) { return store_.ListUsers(); }

Status UserService::ValidateTeamName(std::string& name) {
  while (!name.empty() && (name.back() == ' ')) name.pop_back();
  while (!name.empty() && (name.front() == ' ')) name.erase(name.begin());
  if (!IsValidUtf8(name)) return Status::InvalidField("name", "is not valid UTF-8");
  if (name.empty()) return Status::InvalidField("name", "is required");
  if (CodePointCount(name) > kMaxShortTextChars) {
    return Status::InvalidField("name", "is longer than 100 characters");
  }
  return Status::Ok();
}

Result<Team> UserService::CreateTeam(const Principal& p, Team t) {
  GX_RETURN_IF_ERROR(RequireAdmin(p));
  GX_RETURN_IF_ERROR(ValidateTeamName(t.name));
  if (t.manager_user_id && !store_.GetUser(*t.manager_user_id).ok()) {
    return Status::InvalidField("manager_user_id", "no such user");
  }
  t.created_at = clock_.Now();
  return store_.CreateTeam(std::move(t), Audit(p, "team", "create"));
}

Result<Team> UserService::UpdateTeam(const Principal& p, Team t) {
  GX_RETURN_IF_ERROR(RequireAdmin(p));
  GX_RETURN_IF_ERROR(ValidateTeamName(t.name));
  if (t.manager_user_id && !store_.GetUser(*t.manager_user_id).ok()) {
    return Status::InvalidField("manager_user_id", "no such user");
  }
  return store_.UpdateTeam(std::move(t), Audit(p, "team", "update"));
}

Result<std::vector<Team>> UserService::ListTeams(const Principal&) { return store_.ListTeams(); }

Result<Team> UserService::TeamByName(const Principal& p, const std::string& name, bool create) {
  auto found = store_.GetTeamByName(name);
  if (found.ok() || !create || found.status().code() != StatusCode::kNotFound) return found;
  Team t;
  t.name = name;
  return CreateTeam(p, std::move(t));
}

Result<Page<AuditEntry>> UserService::ListAudit(const Principal& p, const AuditQuery& q) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may read the audit log");
  if (q.limit < 1 || q.limit > 200) return Status::InvalidField("limit", "must be between 1 and 200");
  return store_.ListAudit(q);
}

}  // namespace guanxi
