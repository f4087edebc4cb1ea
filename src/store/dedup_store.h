// DedupStore: the columns duplicate detection reads, dismissed pairs, and
// merges of duplicate customers with their undo.
//
// A merge moves every row of the merged customer that hangs off a customer
// (contacts, interactions, tasks, orders, opportunities, journey enrollments,
// lifecycle and owner history) to the survivor, unions tags and care dates,
// fills the survivor's empty fields from the merged customer, archives the
// merged customer, drops its customer_metric row (the next analytics run
// recomputes the survivor) and records what moved in customer_merge — all in
// one transaction with its audit rows. Undo moves exactly those rows back.
//
// Thread-safe, like Store. Reached through Store::Dedup().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/status.h"
#include "store/store.h"

namespace guanxi {

// What duplicate detection reads (analytics/duplicates.h takes the vectors).
struct DedupColumns {
  std::vector<int64_t> id;
  std::vector<std::string> name;
  std::vector<bool> organization;
  std::vector<std::string> phone;
  std::vector<std::string> email;
  // Contacts' values as (row index into the vectors above, value).
  std::vector<std::pair<uint32_t, std::string>> contact_phone;
  std::vector<std::pair<uint32_t, std::string>> contact_email;
};

struct CustomerMerge {
  int64_t id = 0;
  int64_t survivor_id = 0;
  int64_t merged_id = 0;
  UnixSeconds at = 0;
  std::optional<int64_t> user_id;
  std::optional<double> score;
  std::string moved;            // JSON: {"interaction":[ids], ..., "filled":{field:value}, ...}
  std::string survivor_before;  // JSON of the survivor before the merge (CustomerToJson)
  UnixSeconds undo_until = 0;
  std::optional<UnixSeconds> undone_at;
  std::optional<int64_t> undone_by;
};

struct MergeRequest {
  int64_t survivor_id = 0;
  int64_t merged_id = 0;
  UnixSeconds at = 0;
  std::optional<int64_t> user_id;
  std::optional<double> score;
  UnixSeconds undo_until = 0;
};

struct MergeQuery {
  VisibilityScope scope;  // merges whose survivor the caller sees
  std::optional<int64_t> customer_id;  // as survivor or merged
  int limit = 50;
};

class DedupStore {
 public:
  virtual ~DedupStore() = default;

  // The detection columns of the active (not archived) customers in `scope`,
  // and their contacts' phones and emails, in one consistent read.
  virtual Result<DedupColumns> ReadColumns(const VisibilityScope& scope) = 0;

  // Pairs marked "not duplicates", each as (smaller id, larger id).
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> ListDismissals() = 0;
  // Records a dismissal (a != b; order does not matter; again is a no-op).
  // NotFound when either customer does not exist.
  virtual Status Dismiss(int64_t a, int64_t b, UnixSeconds at, std::optional<int64_t> user_id,
                         AuditEntry audit) = 0;

  // Merges `merged_id` into `survivor_id` (see above). `audit` is the template
  // of the two audit rows (entity "customer", action "merge"; its entity_id,
  // before and after are filled). InvalidArgument (field merged_id) when both
  // are the same; NotFound when either is missing; FailedPrecondition when the
  // survivor is archived (field id) or the merged customer is archived or
  // already merged (field merged_id). Nothing changes on failure.
  virtual Result<CustomerMerge> Merge(const MergeRequest& request, AuditEntry audit) = 0;

  // Moves back what merge `id` moved, restores the survivor's fields the merge
  // filled (unless changed since), un-archives the merged customer, and marks
  // the merge undone. NotFound for an unknown merge; FailedPrecondition when it
  // is undone already or `now` is past its undo_until.
  virtual Result<CustomerMerge> Undo(int64_t id, UnixSeconds now, std::optional<int64_t> user_id,
                                     AuditEntry audit) = 0;

  virtual Result<CustomerMerge> GetMerge(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<CustomerMerge>> ListMerges(const MergeQuery& q) = 0;
};

}  // namespace guanxi
