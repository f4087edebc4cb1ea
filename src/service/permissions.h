// Who may see and change what. One place for the ownership rules of the archive:
//  - admin: everything, and only admin hard-deletes or manages users and teams;
//  - manager: customers owned by anyone in their team (and their own);
//  - sales: only customers they own;
//  - service, analyst: read every customer, change none.
// A customer the caller may not see is reported as NotFound, never as
// PermissionDenied, so its existence does not leak. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/customer.h"
#include "domain/user.h"
#include "store/store.h"

namespace guanxi {

// The authenticated caller of a use case.
struct Principal {
  int64_t user_id = 0;
  std::string login;
  Role role = Role::kSales;
  std::optional<int64_t> team_id;

  // The identity the CLI acts with for administrative commands.
  static Principal System() { return Principal{0, "system", Role::kAdmin, std::nullopt}; }
};

// The customers `p` may list.
VisibilityScope CustomerScope(const Principal& p);

// Whether `p` may see a customer owned by `owner` whose team is `owner_team`.
bool CanSeeCustomer(const Principal& p, std::optional<int64_t> owner,
                    std::optional<int64_t> owner_team);
// Whether `p` may change customers it can see (service and analyst may not).
bool CanWriteArchive(const Principal& p);
bool IsAdmin(const Principal& p);

}  // namespace guanxi
