// Duplicate customers: candidate pairs (analytics/duplicates.h over the
// customers the caller sees), dismissals, merges and their undo.
//
// Roles: everyone who sees customers may list candidates and merges. Dismiss,
// merge and undo need a role that works customers (admin, manager, sales) and
// both customers visible: a manager within their team, a sales rep only when
// they own both (sales see only their own customers). A merge may be undone by
// the same roles for `merge.undo_days` days (relationship_setting, default 7).
// Thread-safe (state lives in the Store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/duplicates.h"
#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/dedup_store.h"
#include "store/store.h"

namespace guanxi {

// A candidate pair with both customers, for side-by-side display.
struct DuplicateCandidate {
  DuplicatePair pair;
  Customer a;
  Customer b;
};

struct MergeView {
  CustomerMerge merge;
  std::string survivor_name;
  std::string merged_name;
  bool undoable = false;  // not undone and inside the window at the time of the answer
};

class DedupService {
 public:
  static constexpr int kDefaultUndoDays = 7;
  static constexpr int kMaxLimit = 500;

  DedupService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Pairs of visible, active customers scoring >= min_score (clamped to
  // [kGuaranteedScore, 1]) that nobody dismissed, best first, at most `limit`
  // (1..kMaxLimit). InvalidArgument (min_score, limit) for values out of range.
  Result<std::vector<DuplicateCandidate>> Candidates(const Principal& p, double min_score, int limit);
  // The candidates of one customer. NotFound when it is not visible.
  Result<std::vector<DuplicateCandidate>> CandidatesOf(const Principal& p, int64_t customer_id, double min_score);
  // Marks a pair "not duplicates". NotFound when either is not visible.
  Status Dismiss(const Principal& p, int64_t a, int64_t b);
  // Merges `merged_id` into `survivor_id` (see DedupStore::Merge).
  Result<MergeView> Merge(const Principal& p, int64_t survivor_id, int64_t merged_id);
  Result<MergeView> Undo(const Principal& p, int64_t merge_id);
  // One merge; NotFound when missing or its survivor is not visible.
  Result<MergeView> GetMerge(const Principal& p, int64_t merge_id);
  // Newest first; merges whose survivor the caller sees; optionally of one customer.
  Result<std::vector<MergeView>> ListMerges(const Principal& p, std::optional<int64_t> customer_id, int limit);
  // The undo window in days (merge.undo_days).
  Result<int> UndoDays();

 private:
  Result<Customer> Visible(const Principal& p, int64_t id, const char* field);
  Result<std::vector<DuplicateCandidate>> Detect(const Principal& p, const DuplicateOptions& opt, size_t limit);
  Result<MergeView> View(CustomerMerge m);
  AuditEntry Audit(const Principal& p, const char* action) const;

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
