// The relationship half of `guanxi demo`: every demo customer's interaction
// history and follow-up tasks (DemoDataGenerator::Interactions / Tasks) written
// in bulk, chunk by chunk, and the default return-visit plans seeded once.
//
//   DemoRelationshipInput in{customer_ids, owner_ids, purchases, now};
//   GX_ASSIGN_OR_RETURN(DemoRelationshipCounts n, WriteDemoRelationship(store, gen, in));
#pragma once

#include <cstdint>
#include <vector>

#include "domain/status.h"
#include "service/demo_data.h"
#include "store/store.h"

namespace guanxi {

struct DemoRelationshipInput {
  const std::vector<int64_t>& customer_ids;  // index → id of the demo customers
  const std::vector<int64_t>& owner_ids;     // customer i is owned by owner_ids[i % size]
  const std::vector<uint16_t>& purchases;    // orders per customer index (shorter: 0)
  UnixSeconds now = 0;
};

struct DemoRelationshipCounts {
  int64_t interactions = 0;
  int64_t open_tasks = 0;
  int64_t done_tasks = 0;
  int64_t plans_created = 0;
};

// Writes the interactions and tasks (one transaction per chunk of 5,000
// customers per table, generated on a side thread while the previous chunk is
// written) and, when the database has no return-visit plan yet, the default
// plans by value tier: strategic every 30 days, important every 90, general
// every 180. No pool rule: one would hand demo customers back at once.
Result<DemoRelationshipCounts> WriteDemoRelationship(Store& store, const DemoDataGenerator& gen,
                                                     const DemoRelationshipInput& in);

}  // namespace guanxi
