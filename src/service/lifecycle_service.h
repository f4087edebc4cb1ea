// Lifecycle stage and formation-ladder rung of customers: derived nightly by
// the `lifecycle` job (analytics/lifecycle.h rules), shown with their history,
// overridable by people who work the customer. An override holds until it is
// cleared; clearing applies the derived value at once. Visibility is the
// customer's; writes need a role that changes customers. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/lifecycle.h"
#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "service/scheduler.h"
#include "store/lifecycle_store.h"
#include "store/store.h"

namespace guanxi {

struct LifecycleView {
  LifecycleState state;  // state.ladder is the effective rung (the derived one before the first run)
  analytics::DerivedLifecycle derived;
  std::vector<LifecycleHistoryEntry> history;  // newest first, at most 100
};

struct LifecycleChange {
  std::optional<LifecycleStage> stage;
  std::optional<LadderRung> ladder;
  bool clear_stage = false;
  bool clear_ladder = false;
  std::optional<int64_t> expected_version;  // the customer's (If-Match)
};

struct LifecycleRunSummary {
  int64_t customers = 0;
  int64_t stages_changed = 0;
  int64_t ladders_changed = 0;
};

class LifecycleService {
 public:
  LifecycleService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // NotFound when the customer is missing or not visible.
  Result<LifecycleView> Get(const Principal& p, int64_t customer_id);
  // Sets and/or clears overrides. InvalidArgument when nothing is asked, or a
  // field is both set and cleared; PermissionDenied for read-only roles;
  // Conflict for a stale expected_version.
  Result<LifecycleView> Update(const Principal& p, int64_t customer_id, const LifecycleChange& change);
  // Records a stage changed through the customer edit as an override (the
  // customer row is already written). No-op when the stage did not change.
  Status RecordCustomerEdit(const Principal& p, const Customer& before, const Customer& after);

  // Derives every active customer's stage and rung and writes the changes
  // (overridden fields are kept), in pages; `stopping` is checked between pages.
  Result<LifecycleRunSummary> DeriveAll(const std::function<bool()>& stopping);
  // The daily `lifecycle` job: DeriveAll, answering {"customers":…,"stages_changed":…,"ladders_changed":…}.
  Result<std::string> RunDerivation(const JobContext& ctx);

  // Customers per page of the derivation.
  static constexpr int kPageSize = 5000;

 private:
  Result<Customer> Visible(const Principal& p, int64_t customer_id);
  Result<analytics::DerivedLifecycle> DeriveOne(int64_t customer_id);

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
