// Use cases of products, orders (with their import) and receivables, with the
// ownership rules of service/permissions.h and an audit entry for every change.
// Thread-safe (state lives in the Store).
#pragma once

#include "service/clock.h"
#include "service/permissions.h"
#include "store/sales_store.h"
#include "store/store.h"

namespace guanxi {

class OrderService {
 public:
  OrderService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
