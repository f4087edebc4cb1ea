// Use cases of the sales funnel: stages, opportunities and their history, the
// forecast and progress metrics with weekly snapshots, targets, playbook and
// buying centre, with the ownership rules of service/permissions.h.
// Thread-safe (state lives in the Store).
#pragma once

#include "service/clock.h"
#include "service/permissions.h"
#include "store/sales_store.h"
#include "store/store.h"

namespace guanxi {

class PipelineService {
 public:
  PipelineService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
