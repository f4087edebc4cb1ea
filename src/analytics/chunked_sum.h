// Deterministic multi-threaded loops over rows, for likelihood sums and per-row model
// output. Internal to the analytics layer.
//
// Rows are cut into chunks of a fixed size (independent of the number of threads); each
// chunk's partial sum is stored and the partials are added in chunk order, so a sum is
// bit-for-bit the same on every machine and every run.
#pragma once

#include <cstddef>
#include <functional>

namespace guanxi::analytics {

// Σ over chunks of partial(begin, end), [begin, end) covering [0, count). Runs on up to
// the machine's cores; an exception thrown by `partial` is rethrown here.
double ChunkedSum(size_t count, const std::function<double(size_t, size_t)>& partial);

// Runs body(begin, end) over the same chunks (for per-row outputs written by index).
void ForEachChunk(size_t count, const std::function<void(size_t, size_t)>& body);

}  // namespace guanxi::analytics
