// Use cases for users and teams: creating and changing them is for admins
// (and for the CLI, which acts as Principal::System()); listing is for everyone,
// since owner pickers need it. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "domain/user.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/store.h"

namespace guanxi {

struct NewUser {
  std::string login;
  std::string display_name;  // defaults to the login
  Role role = Role::kSales;
  std::optional<int64_t> team_id;
  std::string password;
};

// Changes to a user; unset fields stay as they are.
struct UserChange {
  int64_t id = 0;
  int64_t version = 0;
  std::optional<std::string> display_name;
  std::optional<Role> role;
  std::optional<std::optional<int64_t>> team_id;
  std::optional<bool> disabled;
  std::optional<std::string> password;
};

class UserService {
 public:
  UserService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<User> Create(const Principal& p, NewUser u);
  Result<User> Update(const Principal& p, const UserChange& change);
  Result<User> Get(const Principal& p, int64_t id);
  Result<std::vector<User>> List(const Principal& p);

  Result<Team> CreateTeam(const Principal& p, Team t);
  Result<Team> UpdateTeam(const Principal& p, Team t);
  Result<std::vector<Team>> ListTeams(const Principal& p);
  // Finds a team by name, creating it when `create` is set (CLI `user add --team`).
  Result<Team> TeamByName(const Principal& p, const std::string& name, bool create);

  Result<Page<AuditEntry>> ListAudit(const Principal& p, const AuditQuery& q);

 private:
  Status ValidateTeamName(std::string& name);
  AuditEntry Audit(const Principal& p, const char* entity, const char* action) const;
  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
