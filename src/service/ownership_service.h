// Ownership transfer and the public pool (公海), docs/relationship-api.md.
//
// Who may do what:
//  - transfer: admins any customer to any active user; managers customers they
//    see (their team's) to themselves or a member of their team; sales users
//    may not transfer (they release into the pool, a manager reassigns).
//  - claim: admin, manager and sales users claim pool customers for themselves,
//    up to their role's limit in `pool.claim_limits` (admin: none by default).
//  - release: a customer the caller may write (sales: their own) goes to the pool.
//  - assign from the pool: managers to themselves or their team's members,
//    admins to anyone.
//  - pool rules and claim limits: read by admin and manager, changed by admin.
// Every batch is all or nothing: a bad id (unknown, invisible: 404; not in the
// pool: 409) leaves every customer as it was. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "service/scheduler.h"
#include "store/ownership_store.h"
#include "store/store.h"

namespace guanxi {

// Role wire name ("sales", "manager", "admin") → most active customers a user
// of that role may hold after a claim; nullopt = no limit.
using ClaimLimits = std::map<std::string, std::optional<int64_t>>;

struct PoolHolding {
  int64_t held = 0;
  std::optional<int64_t> limit;
};

// What one nightly pass did (the job's result).
struct PoolPassSummary {
  int64_t examined = 0;
  int64_t warned = 0;
  int64_t returned = 0;
  bool stopped = false;
};

class OwnershipService {
 public:
  static constexpr size_t kMaxBatch = 1000;
  static constexpr char kClaimLimitsKey[] = "pool.claim_limits";

  OwnershipService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<TransferOutcome> Transfer(const Principal& p, std::vector<int64_t> customer_ids, int64_t to_user_id,
                                   const std::string& note);
  // Every customer `from_user_id` owns (archived ones too), in batches of
  // kMaxBatch; for a leaving rep (CLI). Admin only.
  Result<TransferOutcome> TransferAllOf(const Principal& p, int64_t from_user_id, int64_t to_user_id,
                                        const std::string& note);
  // Newest first; NotFound when the customer is not visible.
  Result<std::vector<OwnerHistoryEntry>> History(const Principal& p, int64_t customer_id);

  // Customers without an owner (active unless the query says otherwise), for
  // anyone who may see or work customers.
  Result<Page<Customer>> ListPool(const Principal& p, CustomerQuery q);
  Result<TransferOutcome> Claim(const Principal& p, std::vector<int64_t> customer_ids);
  Result<TransferOutcome> Release(const Principal& p, std::vector<int64_t> customer_ids, const std::string& note);
  Result<TransferOutcome> Assign(const Principal& p, std::vector<int64_t> customer_ids, int64_t user_id);
  // What the caller holds and may hold.
  Result<PoolHolding> Holding(const Principal& p);

  Result<std::vector<PoolRule>> ListRules(const Principal& p);
  Result<PoolRule> CreateRule(const Principal& p, PoolRule r);
  Result<PoolRule> UpdateRule(const Principal& p, PoolRule r);
  Status DeleteRule(const Principal& p, int64_t id, int64_t expected_version);

  Result<ClaimLimits> GetClaimLimits(const Principal& p);
  Result<ClaimLimits> PutClaimLimits(const Principal& p, const ClaimLimits& limits);

  // The daily `public_pool` job: warnings and returns (see docs).
  Result<std::string> RunPoolReturns(const JobContext& ctx);
  Result<PoolPassSummary> RunPoolPass(const std::function<bool()>& stopping);

  static std::string ClaimLimitsToJson(const ClaimLimits& limits);
  // InvalidArgument (field claim_limits/<role>) for a malformed document.
  static Result<ClaimLimits> ClaimLimitsFromJson(const std::string& json);

 private:
  Result<ClaimLimits> Limits();
  // Sorted, de-duplicated ids; InvalidArgument (customer_ids) when empty, too
  // many or not positive.
  static Result<std::vector<int64_t>> CheckIds(std::vector<int64_t> ids);
  // NotFound unless `p` sees every customer (nothing is read twice).
  Status CheckAllVisible(const Principal& p, const std::vector<int64_t>& ids, bool pool_allowed);
  // The target user: InvalidArgument (`field`) when unknown or disabled;
  // PermissionDenied when `p` may not give customers to them.
  Status CheckTarget(const Principal& p, int64_t user_id, const std::string& field);
  Status ValidateRule(const PoolRule& r);
  OwnerChange Change(const Principal& p, const std::string& note, const char* action) const;
  AuditEntry Audit(const Principal& p, const char* entity, const char* action) const;

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
