// Users, roles and teams. A role decides what a user may see and change
// (service/permissions.h applies it); a team groups sales users under a manager.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.h"
#include "domain/status.h"

namespace guanxi {

enum class Role { kAdmin, kManager, kSales, kService, kAnalyst };

std::string_view ToString(Role r);
std::optional<Role> ParseRole(std::string_view s);
const std::vector<std::string_view>& RoleNames();

struct Team {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> manager_user_id;
  UnixSeconds created_at = 0;
};

struct User {
  int64_t id = 0;
  int64_t version = 0;
  std::string login;
  std::string display_name;
  Role role = Role::kSales;
  std::optional<int64_t> team_id;
  std::string password_hash;  // argon2id encoded; never leaves the service layer
  bool disabled = false;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};

// Login: 2–64 of [a-z0-9._-], starting with a letter or digit (stored lower-case).
Status NormalizeLogin(std::string& login);
// Password policy: 8–256 bytes of UTF-8.
Status ValidatePassword(std::string_view password);

}  // namespace guanxi
