#include "service/permissions.h"

namespace guanxi {

VisibilityScope CustomerScope(const Principal& p) {
  switch (p.role) {
    case Role::kAdmin:
    case Role::kService:
    case Role::kAnalyst:
      return {VisibilityScope::Kind::kAll, 0};
    case Role::kManager:
      if (p.team_id) return {VisibilityScope::Kind::kTeam, *p.team_id};
      return {VisibilityScope::Kind::kOwner, p.user_id};
    case Role::kSales:
      return {VisibilityScope::Kind::kOwner, p.user_id};
  }
  return {VisibilityScope::Kind::kOwner, p.user_id};
}

bool CanSeeCustomer(const Principal& p, std::optional<int64_t> owner,
                    std::optional<int64_t> owner_team) {
  VisibilityScope scope = CustomerScope(p);
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll: return true;
    case VisibilityScope::Kind::kOwner: return owner && *owner == scope.id;
    case VisibilityScope::Kind::kTeam:
      return (owner && *owner == p.user_id) || (owner_team && *owner_team == scope.id);
  }
  return false;
}

bool CanWriteArchive(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kManager || p.role == Role::kSales;
}

bool IsAdmin(const Principal& p) { return p.role == Role::kAdmin; }

}  // namespace guanxi
