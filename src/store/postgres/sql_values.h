// Binding the portable SQL values of the shared query builders
// (store/list_query.h) as libpq parameters. Internal to store/postgres.
#pragma once

#include <vector>

#include "store/list_query.h"
#include "store/postgres/connection.h"

namespace guanxi::postgres {

// Appends each value in order; doubles travel as PortableReal text, so both
// backends see the same digits.
void AddAll(Params& p, const std::vector<SqlValue>& values);

inline Params ParamsOf(const std::vector<SqlValue>& values) {
  Params p;
  AddAll(p, values);
  return p;
}

}  // namespace guanxi::postgres
