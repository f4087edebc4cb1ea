// Who may see an opportunity, order or funnel figure: the customer rules of
// service/permissions.h applied to the record's owner_user_id. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "service/permissions.h"
#include "store/store.h"

namespace guanxi {

// Whether `p` may see records owned by `owner` (looks the owner's team up for a manager).
bool CanSeeOwner(Store& store, const Principal& p, std::optional<int64_t> owner);

}  // namespace guanxi
