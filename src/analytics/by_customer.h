// Transactions regrouped by customer, for the per-customer passes of the analytics layer.
//
// Internal to the analytics layer. The grouping is a counting sort on the dense
// customer index (one offsets array, one flat row buffer), so no per-customer container
// is ever allocated: that is what keeps 10,000,000 rows within a second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "analytics/transactions.h"

namespace guanxi::analytics {

struct DayAmount {
  int32_t day = 0;
  int64_t amount_fen = 0;
};

// Customer c's rows are rows[offsets[c] .. offsets[c + 1]), sorted by day (rows of one
// day in no particular order). offsets has customer_count + 1 entries.
struct RowsByCustomer {
  std::vector<size_t> offsets;
  std::vector<DayAmount> rows;

  size_t customer_count() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

// The number of customers the columns cover: customer_keys.size(), or more if a row
// names a larger index (callers that build Transactions by hand may omit the keys).
size_t CustomerCountOf(const Transactions& tx);

// The rows with from_day <= day <= to_day, grouped and sorted; with `only`, just the rows
// of the customers c with (*only)[c] != 0 (the others get empty slices).
RowsByCustomer GroupByCustomer(const Transactions& tx, int32_t from_day, int32_t to_day,
                               const std::vector<uint8_t>* only = nullptr);

// How many threads a pass touching `work` rows should use (1 when threads would not pay).
size_t ThreadsFor(size_t work);

// Runs body(begin, end) over contiguous ranges covering [0, count), on up to the
// machine's cores when `work` (rows touched) is large enough to pay for the threads.
void ParallelRanges(size_t count, size_t work, const std::function<void(size_t, size_t)>& body);

}  // namespace guanxi::analytics
