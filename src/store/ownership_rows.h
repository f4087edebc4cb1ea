// Pieces shared by the SQLite and PostgreSQL OwnershipStores: the audit
// documents of an owner change and the pool rule's columns. Internal to src/store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/ownership_store.h"

namespace guanxi::ownership_rows {

inline constexpr char kPoolRuleColumns[] =
    "id, version, name, class_kind, class_value, no_follow_up_days, no_deal_days, warn_days, "
    "position, enabled, created_at, updated_at";

inline constexpr char kHistoryColumns[] =
    "id, customer_id, at, from_user_id, to_user_id, reason, user_id, note, tasks_moved, opportunities_moved";

// {"owner_user_id":…} for the audit row's before/after of an owner change.
std::string OwnerJson(std::optional<int64_t> owner, const std::string& reason, int64_t tasks_moved,
                      int64_t opportunities_moved);
std::string PoolRuleToJson(const PoolRule& r);
// The audit row of one customer's owner change.
AuditEntry OwnerAudit(const OwnerChange& change, int64_t customer_id, const std::string& action,
                      std::optional<int64_t> from, std::optional<int64_t> to, int64_t tasks_moved,
                      int64_t opportunities_moved);

}  // namespace guanxi::ownership_rows
