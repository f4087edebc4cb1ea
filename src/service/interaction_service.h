// Interactions and the customer timeline as use cases (docs/relationship-api.md,
// "Interactions + timeline").
//
// Permissions: an interaction is about one customer and is seen by whoever sees
// that customer (service/permissions.h); invisible → NotFound. Logging needs a
// role that works customers (admin, manager, sales) or the service role: the
// service desk takes calls and must be able to note them. Changing or deleting
// an interaction needs admin, manager or sales, or being its service-role author.
// Naming another user as the one who had the contact needs admin or manager.
// Analysts only read. Thread-safe (state lives in the Store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/interaction.h"
#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/interaction_store.h"
#include "store/store.h"

namespace guanxi {

// The follow-up task asked for with an interaction.
struct FollowUpDraft {
  std::string title;                        // 1..200 characters after trimming
  std::string due_day;                      // YYYY-MM-DD, today (Asia/Shanghai) or later
  std::optional<std::string> due_time;      // "HH:MM"
  std::optional<int64_t> assignee_user_id;  // default: the customer's owner, else the caller
  std::string priority = "normal";          // low | normal | high | urgent
};

struct InteractionDraft {
  Interaction interaction;        // id, version, created/updated ignored
  std::optional<UnixSeconds> at;  // default: now
  std::optional<FollowUpDraft> follow_up;
};

class InteractionService {
 public:
  InteractionService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Validates every field (the follow-up's as "follow_up/<field>") and stores the
  // interaction with its follow-up task in one transaction. user_id defaults to
  // the caller. InvalidArgument listing every wrong field; PermissionDenied for
  // a role that may not log.
  Result<LoggedInteraction> Log(const Principal& p, InteractionDraft d);
  // NotFound when missing or its customer is not visible.
  Result<Interaction> Get(const Principal& p, int64_t id);
  // `changed` is the stored interaction with the new values and the version the
  // caller read (If-Match). Conflict when stale.
  Result<Interaction> Update(const Principal& p, Interaction changed);
  Status Delete(const Principal& p, int64_t id, int64_t expected_version);
  // The query's scope is set to what `p` may see.
  Result<Page<Interaction>> List(const Principal& p, InteractionQuery q);
  // NotFound when the customer is missing or not visible.
  Result<Page<TimelineEntry>> Timeline(const Principal& p, TimelineQuery q);

 private:
  AuditEntry Audit(const Principal& p, const char* action) const;
  // The customer when `p` may see it; NotFound otherwise.
  Result<Customer> VisibleCustomer(const Principal& p, int64_t customer_id);
  // Checks the follow-up's fields against `customer`, filling the defaults.
  // Fails only when the store does; wrong fields go to `errors`.
  Result<Task> CheckFollowUp(const Principal& p, FollowUpDraft d, const std::optional<Customer>& customer,
                             std::vector<FieldError>& errors);
  // The interaction's own fields and who had the contact, into `errors`.
  void CheckFields(const Principal& p, Interaction& i, std::vector<FieldError>& errors);

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
