// Care dates and care journeys (关怀旅程, METHODOLOGY.md §2): journey CRUD with
// validation, manual enrollment and leaving, the care settings, and the two
// nightly passes (care_dates, journeys) run by the scheduler. Thread-safe
// (state lives in the Store).
//
// Who may do what: every signed-in role reads journeys and settings (the
// customer page offers manual journeys); admin and manager create, change and
// delete journeys and change the settings; enrolling a customer and leaving an
// enrollment need a role that works customers (admin, manager, sales) and a
// customer the caller sees (404 otherwise).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "service/scheduler.h"
#include "store/journey_store.h"
#include "store/store.h"

namespace guanxi {

struct CareSettings {
  int lead_days = 7;  // 0..60: a care task appears this many days before the date
};

class JourneyService {
 public:
  JourneyService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  static constexpr int kDefaultLeadDays = 7;
  static constexpr int kMaxLeadDays = 60;
  static constexpr size_t kMaxSteps = 20;
  static constexpr int kMaxDayOffset = 3650;
  // Automatic triggers look this many days back, so a day the pass did not
  // run (server down) is caught up the next night.
  static constexpr int kTriggerWindowDays = 7;

  Result<std::vector<Journey>> List(const Principal& p);
  Result<Journey> Get(const Principal& p, int64_t id);
  // InvalidArgument naming each wrong field: name, trigger, steps, and
  // steps/N/day_offset|channel|title ("overlapping steps" when a step is not
  // strictly after the one before).
  Result<Journey> Create(const Principal& p, Journey j);
  // j.id and j.version (If-Match) select the journey; Conflict when stale.
  Result<Journey> Update(const Principal& p, Journey j);
  Status Delete(const Principal& p, int64_t id, int64_t expected_version);

  // Enrolls a visible customer starting today. AlreadyExists (409) when the
  // customer is or was in the journey.
  Result<JourneyEnrollment> Enroll(const Principal& p, int64_t journey_id, int64_t customer_id);
  Result<std::vector<JourneyEnrollment>> CustomerJourneys(const Principal& p, int64_t customer_id);
  // reason: "opt_out", "churned" or free text (1..200). Answers the enrollment
  // and how many open step tasks were cancelled. FailedPrecondition when not active.
  Result<std::pair<JourneyEnrollment, int64_t>> Leave(const Principal& p, int64_t enrollment_id,
                                                       std::string reason);

  Result<CareSettings> GetCareSettings();
  Result<CareSettings> PutCareSettings(const Principal& p, CareSettings s);

  // Nightly: care tasks `lead_days` before each yearly occurrence of every
  // active customer's care dates and their contacts' birthdays.
  Result<std::string> RunCareDates(const JobContext& ctx);
  // Nightly and on demand: enroll on triggers, stop leavers, create due step tasks.
  Result<std::string> RunJourneys(const JobContext& ctx);

  // Seeds the example journeys once per database (disabled; see docs).
  Status SeedExamples();

 private:
  Status Validate(Journey& j) const;
  AuditEntry Audit(const Principal& p, const char* entity, const char* action) const;
  AuditEntry SystemAudit(const char* entity, const char* action) const;
  // The visible customer, NotFound otherwise.
  Result<Customer> VisibleCustomer(const Principal& p, int64_t customer_id);
  std::string Today(const JobContext& ctx) const;

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
