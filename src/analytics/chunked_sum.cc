#include "analytics/chunked_sum.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace guanxi::analytics {
namespace {

// Big enough that a chunk outweighs the bookkeeping, small enough to balance 2–8 threads
// over a few hundred thousand rows.
constexpr size_t kChunkRows = 16'384;
constexpr unsigned kMaxThreads = 8;

void RunChunks(size_t count, const std::function<void(size_t, size_t, size_t)>& body) {
  const size_t chunks = (count + kChunkRows - 1) / kChunkRows;
  if (chunks == 0) return;
  const size_t threads =
      std::min<size_t>(chunks, std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads));
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    for (size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
      try {
        body(c, c * kChunkRows, std::min(count, (c + 1) * kChunkRows));
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(chunks);  // stop handing out chunks
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace

double ChunkedSum(size_t count, const std::function<double(size_t, size_t)>& partial) {
  std::vector<double> sums((count + kChunkRows - 1) / kChunkRows, 0.0);
  RunChunks(count,
            [&](size_t chunk, size_t begin, size_t end) { sums[chunk] = partial(begin, end); });
  double total = 0;
  for (double s : sums) total += s;
  return total;
}

void ForEachChunk(size_t count, const std::function<void(size_t, size_t)>& body) {
  RunChunks(count, [&](size_t, size_t begin, size_t end) { body(begin, end); });
}

}  // namespace guanxi::analytics
