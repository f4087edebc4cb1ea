// The postgres implementation of PlanStore; created by and sharing the
// connections of the postgres Store.
#pragma once

#include <memory>

#include "store/plan_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<PlanStore> NewPostgresPlanStore(postgres::Pool& pool);

}  // namespace guanxi
