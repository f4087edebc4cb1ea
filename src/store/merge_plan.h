// The merge and undo of duplicate customers, written once for both backends
// against the few statements they run differently (locking and rewriting a
// customer row with its search indexes, the audit row). Internal to src/store.
#pragma once

#include <optional>
#include <string>
#include <cstdint>
#include <utility>
#include <vector>

#include "domain/customer.h"
#include "store/dedup_store.h"

namespace guanxi::merge_plan {

// A statement argument (a plain struct: GCC 12 warns falsely about a
// std::variant holding a std::string here).
struct Arg {
  enum class Kind { kNull, kInt, kText, kReal } kind = Kind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string s;
  Arg() = default;
  Arg(int64_t v) : kind(Kind::kInt), i(v) {}              // NOLINT(google-explicit-constructor)
  Arg(double v) : kind(Kind::kReal), d(v) {}              // NOLINT(google-explicit-constructor)
  Arg(std::string v) : kind(Kind::kText), s(std::move(v)) {}  // NOLINT(google-explicit-constructor)
};
// A result row as text (nullopt for NULL).
using TextRow = std::vector<std::optional<std::string>>;

// One open write transaction of a backend. SQL uses `?` markers.
class MergeTx {
 public:
  virtual ~MergeTx() = default;
  // Runs a statement; answers its rows of `columns` columns (0 for none).
  virtual Result<std::vector<TextRow>> Query(const std::string& sql, const std::vector<Arg>& args, int columns) = 0;
  // The customer row, locked against concurrent writers until the end.
  virtual Result<Customer> LockCustomer(int64_t id) = 0;
  // Rewrites the customer (old → updated) with version + 1 and keeps its
  // search indexes and tag rows in step.
  virtual Status WriteCustomer(const Customer& old, const Customer& updated) = 0;
  virtual Status Audit(const AuditEntry& audit) = 0;
};

// The columns of customer_merge in ReadMerge order.
extern const char kMergeColumns[];
CustomerMerge ReadMerge(const TextRow& row);

Result<CustomerMerge> Merge(MergeTx& tx, const MergeRequest& request, const AuditEntry& audit);
Result<CustomerMerge> Undo(MergeTx& tx, int64_t id, UnixSeconds now, std::optional<int64_t> user_id,
                           const AuditEntry& audit);

}  // namespace guanxi::merge_plan
