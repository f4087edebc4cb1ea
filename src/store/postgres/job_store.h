// The postgres implementation of JobStore; created by and sharing the
// connections of the postgres Store.
#pragma once

#include <memory>

#include "store/job_store.h"
#include "store/postgres/connection.h"

namespace guanxi {

std::unique_ptr<JobStore> NewPostgresJobStore(postgres::Pool& pool);

}  // namespace guanxi
