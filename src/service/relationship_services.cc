#include "service/relationship_services.h"

#include <cstdio>

namespace guanxi {

RelationshipServices::RelationshipServices(Store& store, const Clock& clock, TaskService& tasks)
    : tasks(tasks), ownership(store, clock), plans(store, clock), lifecycle(store, clock), interactions(store, clock),
      journeys(store, clock), dedup(store, clock) {
  // Completing a return visit schedules the next at once; should that fail,
  // the nightly visit_plans pass creates it under the same dedupe key.
  tasks.OnCompleted([this](const Principal&, const Task& done) {
    Status s = plans.OnReturnVisitCompleted(done);
    if (!s.ok()) {
      std::fprintf(stderr, "guanxi: next return visit after task %lld: %s\n", static_cast<long long>(done.id),
                   s.message().c_str());
    }
  });
}

}  // namespace guanxi
