// Care journeys (关怀旅程), their enrollments, the relationship settings
// (relationship_setting, key → JSON) and the bulk reads and writes of the
// nightly care-date and journey passes. Reached through Store::Journeys(); same
// database and connections as the Store. Thread-safe. Every mutation writes its
// audit row in the same transaction (docs/relationship-api.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "store/store.h"
#include "store/task_store.h"

namespace guanxi {

struct JourneyStep {
  int position = 0;    // 0-based, in day order; the store numbers them
  int day_offset = 0;  // days after the enrollment's start_day, 0..3650
  std::string channel;  // an interaction channel key
  std::string title;
  std::string note;

  bool operator==(const JourneyStep&) const = default;
};

struct Journey {
  int64_t id = 0;
  int64_t version = 0;
  std::string name;
  std::string trigger = "manual";  // first_purchase | customer_created | manual
  bool enabled = true;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
  std::vector<JourneyStep> steps;
  int64_t active_enrollments = 0;  // read-only, filled by Get/List

  bool operator==(const Journey&) const = default;
};

struct JourneyEnrollment {
  int64_t id = 0;
  int64_t journey_id = 0;
  int64_t customer_id = 0;
  std::string start_day;       // "YYYY-MM-DD": step days count from it
  std::string status = "active";  // active | completed | left
  int next_position = 0;       // the first step whose task is not created yet
  std::string left_reason;
  UnixSeconds enrolled_at = 0;
  std::optional<UnixSeconds> ended_at;
  // Read-only, filled by the reads: the journey's name and step count.
  std::string journey_name;
  int step_count = 0;

  bool operator==(const JourneyEnrollment&) const = default;
};

// One care date of an active customer: a customer's own care_dates entry
// (contact_id 0) or a contact's birthday (kind "birthday", label the name).
struct CareDateRow {
  int64_t customer_id = 0;
  std::optional<int64_t> owner_user_id;
  std::string customer_name;
  int64_t contact_id = 0;
  std::string kind;
  std::string label;
  std::string date;  // "MM-DD" or "YYYY-MM-DD"
};

struct CareDateBatch {
  std::vector<CareDateRow> rows;
  int64_t last_customer_id = 0;  // continue after this one
  bool done = true;              // no customers after last_customer_id
};

// A step of an active enrollment (of an enabled journey) whose day has come
// and whose task has not been created yet.
struct DueStepRow {
  int64_t enrollment_id = 0;
  int64_t customer_id = 0;
  std::optional<int64_t> owner_user_id;
  int64_t journey_id = 0;
  std::string journey_name;
  JourneyStep step;
  std::string start_day;
  int last_position = 0;  // the journey's last step
};

struct DueStepBatch {
  std::vector<DueStepRow> rows;
  int64_t last_enrollment_id = 0;
  bool done = true;
};

// What a pass applies to one enrollment in one transaction: its new step tasks
// (inserted unless their dedupe key exists), the next position and whether the
// journey is finished. Skipped when the enrollment is no longer active.
struct EnrollmentProgress {
  int64_t enrollment_id = 0;
  std::vector<Task> tasks;
  int next_position = 0;
  bool completed = false;
};

struct GeneratedTasks {
  int64_t created = 0;   // tasks inserted
  int64_t existing = 0;  // dedupe keys already present
};

// The two automatic triggers.
struct TriggerWindow {
  UnixSeconds from = 0;  // inclusive
  UnixSeconds to = 0;    // exclusive
};

class JourneyStore {
 public:
  virtual ~JourneyStore() = default;

  // --- journeys ------------------------------------------------------------
  // Inserts the journey with its steps (positions renumbered 0..n-1) in one
  // transaction; version 1.
  virtual Result<Journey> CreateJourney(Journey j, AuditEntry audit) = 0;
  virtual Result<Journey> GetJourney(int64_t id) = 0;
  // Every journey with its steps, by id.
  virtual Result<std::vector<Journey>> ListJourneys() = 0;
  // Replaces name, trigger, enabled and all steps when the stored version
  // equals j.version (Conflict otherwise); bumps the version.
  virtual Result<Journey> UpdateJourney(Journey j, AuditEntry audit) = 0;
  // Deletes the journey (enrollments cascade) and cancels the open step tasks
  // of its enrollments. Conflict on a stale version.
  virtual Status DeleteJourney(int64_t id, int64_t expected_version, AuditEntry audit) = 0;
  // Inserts the journeys unless the seed marker `marker` was applied before.
  virtual Status SeedJourneys(const std::string& marker, const std::vector<Journey>& journeys,
                              UnixSeconds at) = 0;

  // --- enrollments -----------------------------------------------------------
  // Inserts an active enrollment. AlreadyExists when the customer was ever in
  // the journey (the unique pair); NotFound for an unknown journey;
  // InvalidArgument (customer_id) for an unknown customer.
  virtual Result<JourneyEnrollment> Enroll(JourneyEnrollment e, AuditEntry audit) = 0;
  virtual Result<JourneyEnrollment> GetEnrollment(int64_t id) = 0;
  // A customer's enrollments, newest first.
  virtual Result<std::vector<JourneyEnrollment>> ListEnrollments(int64_t customer_id) = 0;
  // Marks an active enrollment left with `reason` at `at` and cancels its open
  // step tasks; answers the enrollment and how many tasks were cancelled.
  // FailedPrecondition when it is not active.
  virtual Result<std::pair<JourneyEnrollment, int64_t>> Leave(int64_t id, const std::string& reason,
                                                               UnixSeconds at, std::optional<int64_t> user,
                                                               AuditEntry audit) = 0;

  // --- settings (relationship_setting) ----------------------------------------
  // The stored JSON of `key`, nullopt when unset.
  virtual Result<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  // Stores `json` (a JSON value) under `key`; audit.before/after are filled.
  virtual Status PutSetting(const std::string& key, const std::string& json, AuditEntry audit) = 0;

  // --- nightly passes -----------------------------------------------------------
  // Care dates of up to `limit` active (not archived) customers with ids after
  // `after_customer_id`, and their contacts' birthdays.
  virtual Result<CareDateBatch> CareDates(int64_t after_customer_id, int limit) = 0;
  // Inserts each task unless its dedupe_key exists (one transaction; an audit
  // row per created task, from `audit` with entity "task").
  virtual Result<GeneratedTasks> InsertTasksIfAbsent(const std::vector<Task>& tasks, AuditEntry audit) = 0;
  // Enrolls, in one statement, the active customers that triggered journey
  // `journey_id` within `window` and are not in it yet, starting on the
  // trigger's day: trigger first_purchase — the first placed/paid order falls
  // in the window; customer_created — the customer was created in it. Answers
  // how many were enrolled (one audit row for the journey with the count).
  virtual Result<int64_t> EnrollTriggered(int64_t journey_id, const std::string& trigger,
                                          TriggerWindow window, UnixSeconds at, AuditEntry audit) = 0;
  // Active enrollments whose customer left (archived, or relationship lost)
  // become left ("archived" / "churned") with their open step tasks cancelled,
  // and active ones past their journey's last step become completed. Answers
  // {left, completed}.
  virtual Result<std::pair<int64_t, int64_t>> CloseEnrollments(UnixSeconds at, AuditEntry audit) = 0;
  // Due steps (day ≤ today) of up to `limit` active enrollments after
  // `after_enrollment_id`, of enabled journeys, from each one's next_position.
  virtual Result<DueStepBatch> DueSteps(int64_t after_enrollment_id, int limit, const std::string& today) = 0;
  // Applies each progress in the batch's transaction (see EnrollmentProgress).
  virtual Result<GeneratedTasks> ApplyProgress(const std::vector<EnrollmentProgress>& progress, UnixSeconds at,
                                               AuditEntry audit) = 0;
};

}  // namespace guanxi
