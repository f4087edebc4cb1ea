#include "service/sales_access.h"

namespace guanxi {

bool CanSeeOwner(Store& store, const Principal& p, std::optional<int64_t> owner) {
  std::optional<int64_t> owner_team;
  if (owner && CustomerScope(p).kind == VisibilityScope::Kind::kTeam) {
    auto user = store.GetUser(*owner);
    if (user.ok()) owner_team = user->team_id;
  }
  return CanSeeCustomer(p, owner, owner_team);
}

}  // namespace guanxi
