// LifecycleStore: the customers' lifecycle stage (customer.lifecycle_stage) and
// formation-ladder rung (customer_lifecycle.ladder), whether a person overrode
// them, and their history (lifecycle_history). Reached through
// Store::Lifecycle(); thread-safe like the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/lifecycle.h"
#include "domain/customer.h"
#include "domain/status.h"

namespace guanxi {

struct AuditEntry;  // store/store.h

// The rule inputs of one customer plus what is stored for it now.
struct LifecycleRow {
  LifecycleFacts facts;
  LifecycleStage stage = LifecycleStage::kExploration;  // customer.lifecycle_stage
  std::optional<LadderRung> ladder;          // nullopt: no customer_lifecycle row yet
  bool stage_overridden = false;
  bool ladder_overridden = false;
};

// The stored state of one customer.
struct LifecycleState {
  int64_t customer_id = 0;
  int64_t version = 0;  // the customer's
  LifecycleStage stage = LifecycleStage::kExploration;
  std::optional<LadderRung> ladder;
  bool stage_overridden = false;
  bool ladder_overridden = false;
  std::optional<UnixSeconds> derived_at;
};

struct LifecycleHistoryEntry {
  int64_t id = 0;
  int64_t customer_id = 0;
  UnixSeconds at = 0;
  std::string field;  // "stage" | "ladder"
  std::string from_value;  // "" when there was none
  std::string to_value;
  std::string source;  // "derived" | "override" | "override_cleared"
  std::optional<int64_t> user_id;
  std::string user_name;  // the user's display name, "" for the scheduler
};

// A derived value to write; `from_*` is what the derivation read (the write
// happens only while it is still stored, so a concurrent change is not lost).
struct LifecycleDerivedChange {
  int64_t customer_id = 0;
  std::optional<LifecycleStage> stage_from, stage_to;          // set when the stage changes
  std::optional<LadderRung> ladder_from, ladder_to;  // ladder_to set when the rung changes
};

struct LifecycleApplyCount {
  int64_t stages = 0;
  int64_t ladders = 0;
};

// A person's change: set and/or clear overrides. `derived_*` are the values
// that apply when an override is cleared.
struct LifecycleOverride {
  int64_t customer_id = 0;
  std::optional<int64_t> expected_version;  // the customer's version (If-Match), nullopt for any
  std::optional<LifecycleStage> stage;
  std::optional<LadderRung> ladder;
  bool clear_stage = false;
  bool clear_ladder = false;
  LifecycleStage derived_stage = LifecycleStage::kExploration;
  LadderRung derived_ladder = LadderRung::kSuspect;
  std::optional<int64_t> user_id;
  UnixSeconds at = 0;
};

class LifecycleStore {
 public:
  virtual ~LifecycleStore() = default;

  // The rows of every active (not archived) customer with id > after_id, by
  // id, at most `limit` of them (one customer when `only_id` is set, archived
  // or not), read in a few set-based queries. `today` is the Asia/Shanghai
  // day number the 365-day window ends on.
  virtual Result<std::vector<LifecycleRow>> ReadRows(int64_t after_id, int limit, std::optional<int64_t> only_id,
                                                     int64_t today) = 0;
  // Writes derived changes in one transaction, skipping overridden fields and
  // values that changed since they were read; a stage change bumps the
  // customer's version and updated_at. Each written change appends a history
  // row (source derived). Applying the same changes twice writes nothing new.
  virtual Result<LifecycleApplyCount> ApplyDerived(const std::vector<LifecycleDerivedChange>& changes,
                                                   UnixSeconds at) = 0;
  // NotFound for an unknown customer.
  virtual Result<LifecycleState> GetState(int64_t customer_id) = 0;
  // Newest first.
  virtual Result<std::vector<LifecycleHistoryEntry>> History(int64_t customer_id, int limit) = 0;
  // One transaction: overrides set (source override) and cleared (source
  // override_cleared, the derived value applies at once), a stage change bumps
  // the customer's version; the audit row goes with it. Conflict for a stale
  // expected_version, NotFound for an unknown customer.
  virtual Result<LifecycleState> Override(const LifecycleOverride& o, AuditEntry audit) = 0;
  // Records a stage a person set through the customer edit: marks the stage
  // overridden and appends the history row (the customer row itself was
  // already written by UpdateCustomer). `ladder_if_new` fills a missing row.
  virtual Status RecordStageEdit(int64_t customer_id, LifecycleStage from, LifecycleStage to,
                                 LadderRung ladder_if_new, std::optional<int64_t> user_id,
                                 UnixSeconds at) = 0;
};

}  // namespace guanxi
