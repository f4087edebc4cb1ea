// The relationship-work services (issue 6: interactions, tasks' plans and
// journeys, lifecycle, ownership and the public pool, duplicates), built
// together because they call one another (logging an interaction creates its
// follow-up task; completing a return visit schedules the next). One instance
// per server process; every member is thread-safe.
#pragma once

#include "service/clock.h"
#include "service/task_service.h"
#include "store/store.h"

namespace guanxi {

struct RelationshipServices {
  RelationshipServices(Store& store, const Clock& clock, TaskService& tasks);
  RelationshipServices(const RelationshipServices&) = delete;
  RelationshipServices& operator=(const RelationshipServices&) = delete;

  TaskService& tasks;
};

}  // namespace guanxi
