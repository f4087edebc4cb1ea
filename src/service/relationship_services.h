// The relationship-work services (issue 6: interactions, tasks' plans and
// journeys, lifecycle, ownership and the public pool, duplicates), built
// together because they call one another (logging an interaction creates its
// follow-up task; completing a return visit schedules the next). One instance
// per server process; every member is thread-safe.
#pragma once

#include "service/clock.h"
#include "service/dedup_service.h"
#include "service/interaction_service.h"
#include "service/journey_service.h"
#include "service/lifecycle_service.h"
#include "service/ownership_service.h"
#include "service/task_service.h"
#include "service/visit_plan_service.h"
#include "store/store.h"

namespace guanxi {

class Scheduler;  // service/scheduler.h

struct RelationshipServices {
  RelationshipServices(Store& store, const Clock& clock, TaskService& tasks);
  RelationshipServices(const RelationshipServices&) = delete;
  RelationshipServices& operator=(const RelationshipServices&) = delete;

  TaskService& tasks;
  OwnershipService ownership;  // transfers and the public pool
  VisitPlanService plans;      // return-visit plans and event rules
  LifecycleService lifecycle;  // lifecycle stage and formation ladder
  InteractionService interactions;  // interactions and the customer timeline
  JourneyService journeys;          // care dates and care journeys
  DedupService dedup;               // duplicate customers and merges
  // The server's scheduler (set by `serve` after construction; nullptr in
  // processes without one): the jobs API enqueues and lists through it.
  Scheduler* scheduler = nullptr;
};

}  // namespace guanxi
