// Customer ownership: transfers between users, the public pool (公海: customers
// without an owner) with claims, releases, assignments and nightly returns,
// pool rules, and the owner history. Reached through Store::Ownership(); same
// database and connections as the Store. Thread-safe. Every multi-customer
// change is one transaction: all of it lands or none.
//
// Open work follows the customer: a transfer moves the old owner's open tasks
// and open opportunities to the new owner; a release or pool return cancels the
// customer's open pool warnings and unassigns its other open tasks of the old
// owner; a claim or assignment gives the customer's unassigned open tasks to
// the new owner. Opportunities stay with their owner on a release (they count
// in that rep's forecast until a manager transfers them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "store/store.h"

namespace guanxi {

struct OwnerHistoryEntry {
  int64_t id = 0;
  int64_t customer_id = 0;
  UnixSeconds at = 0;
  std::optional<int64_t> from_user_id;
  std::optional<int64_t> to_user_id;  // nullopt: the customer went to the pool
  std::string reason;  // transfer | claim | release | pool_return | assign | merge | edit
  std::optional<int64_t> user_id;     // who did it; nullopt for the scheduler
  std::string note;
  int64_t tasks_moved = 0;
  int64_t opportunities_moved = 0;
};

// Who changes owners, when, and why; `audit` is the template of the audit row
// written per customer (entity "customer", entity_id and before/after filled
// in by the store).
struct OwnerChange {
  UnixSeconds at = 0;
  std::optional<int64_t> by_user_id;
  std::string by_login;
  std::string note;
  AuditEntry audit;
};

struct TransferOutcome {
  int64_t transferred = 0;  // customers whose owner changed
  int64_t tasks_moved = 0;
  int64_t opportunities_moved = 0;
};

struct PoolRule {
  int64_t id = 0;
  int64_t version = 0;
  std::string name;
  std::string class_kind = "all";  // analytics/customer_class.h names
  std::string class_value;
  std::optional<int64_t> no_follow_up_days;
  std::optional<int64_t> no_deal_days;
  int64_t warn_days = 3;
  int64_t position = 0;
  bool enabled = true;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;

  bool operator==(const PoolRule&) const = default;
};

// One owned, active customer as the nightly pool pass sees it. Times are the
// latest ones on record (0 when none); the pass compares them with `since`.
struct OwnedCustomerFacts {
  int64_t customer_id = 0;
  int64_t owner_user_id = 0;
  UnixSeconds since = 0;           // latest owner_history row to this owner, else created_at
  UnixSeconds last_follow_up = 0;  // max of interaction.at and done task completed_at
  UnixSeconds last_deal = 0;       // max of purchase ordered_at and won opportunity stage_entered_at
  std::string tier;                // customer_metric.tier, "" when none
  std::string rfm_class;
  std::string relationship_level;
  std::vector<std::string> tags;
};

// A return to the pool decided by the nightly pass: applied only when the
// customer still has `owner_user_id`.
struct PoolReturn {
  int64_t customer_id = 0;
  int64_t owner_user_id = 0;
  std::string note;
};

// A warning task for an owner whose customer will return to the pool.
struct PoolWarning {
  int64_t customer_id = 0;
  int64_t owner_user_id = 0;
  int64_t rule_id = 0;
  std::string title;
  std::string due_day;     // "YYYY-MM-DD"
  std::string dedupe_key;  // pool_warning:<customer>:<owner>:<return day>
};

class OwnershipStore {
 public:
  virtual ~OwnershipStore() = default;

  // Gives every customer of `customer_ids` to `to_user_id` (reason transfer).
  // NotFound (naming the id) when one does not exist: nothing changes.
  virtual Result<TransferOutcome> Transfer(const std::vector<int64_t>& customer_ids, int64_t to_user_id,
                                           const OwnerChange& change) = 0;
  // Gives customers of the pool to `to_user_id` (reason claim or assign). Every
  // customer must still be in the pool (owner NULL, not archived), else
  // FailedPrecondition naming it and nothing changes — of concurrent claims of
  // one customer exactly one wins. With `limit`, the user may hold at most that
  // many active customers afterwards (checked under a lock of the user's row):
  // ResourceExhausted otherwise.
  virtual Result<TransferOutcome> TakeFromPool(const std::vector<int64_t>& customer_ids, int64_t to_user_id,
                                               const std::string& reason, std::optional<int64_t> limit,
                                               const OwnerChange& change) = 0;
  // Puts customers into the pool (reason release). NotFound for a missing one;
  // FailedPrecondition for one already in the pool; nothing changes then.
  virtual Result<TransferOutcome> Release(const std::vector<int64_t>& customer_ids,
                                          const OwnerChange& change) = 0;
  // The nightly returns (reason pool_return, user NULL, one transaction per
  // call): answers how many applied (a customer whose owner changed meanwhile is skipped).
  virtual Result<int64_t> ReturnToPool(const std::vector<PoolReturn>& returns, UnixSeconds at) = 0;
  // Inserts warning tasks (kind follow_up, origin pool_warning, priority high)
  // whose dedupe keys are free; answers how many were created.
  virtual Result<int64_t> CreatePoolWarnings(const std::vector<PoolWarning>& warnings, UnixSeconds at) = 0;
  // Owned active customers with id > after_id, by id, at most `limit`.
  virtual Result<std::vector<OwnedCustomerFacts>> OwnedCustomers(int64_t after_id, int limit) = 0;
  // Number of active customers `user_id` owns.
  virtual Result<int64_t> CountOwned(int64_t user_id) = 0;

  // Newest first.
  virtual Result<std::vector<OwnerHistoryEntry>> OwnerHistory(int64_t customer_id) = 0;
  // Records an owner change made elsewhere (customer edit, merge) in the caller's
  // own call; used by tests and tools. The customer edit path records its own.
  virtual Status AppendOwnerHistory(const OwnerHistoryEntry& e) = 0;

  // Pool rules by position, then id.
  virtual Result<std::vector<PoolRule>> ListPoolRules() = 0;
  virtual Result<PoolRule> GetPoolRule(int64_t id) = 0;
  virtual Result<PoolRule> CreatePoolRule(PoolRule r, AuditEntry audit) = 0;
  // Conflict when the stored version differs from r.version.
  virtual Result<PoolRule> UpdatePoolRule(PoolRule r, AuditEntry audit) = 0;
  virtual Status DeletePoolRule(int64_t id, int64_t expected_version, AuditEntry audit) = 0;

  // relationship_setting values (JSON text); nullopt when unset.
  virtual Result<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  virtual Status PutSetting(const std::string& key, const std::string& value, AuditEntry audit) = 0;
};

}  // namespace guanxi
