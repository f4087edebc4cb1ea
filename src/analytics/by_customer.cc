#include "analytics/by_customer.h"

#include <algorithm>
#include <thread>

namespace guanxi::analytics {
namespace {

// Below this many rows a thread costs more than it saves.
constexpr size_t kMinWorkPerThread = 200'000;
// The deployment machine has 2 cores; more threads only add contention elsewhere.
constexpr unsigned kMaxThreads = 4;

}  // namespace

size_t CustomerCountOf(const Transactions& tx) {
  size_t n = tx.customer_keys.size();
  for (uint32_t c : tx.customer) n = std::max<size_t>(n, static_cast<size_t>(c) + 1);
  return n;
}

RowsByCustomer GroupByCustomer(const Transactions& tx, int32_t from_day, int32_t to_day,
                               const std::vector<uint8_t>* only) {
  const size_t n = CustomerCountOf(tx);
  const size_t rows = tx.size();
  // A parallel counting sort: each thread counts the rows of its slice of the input per
  // customer; thread t then writes customer c's rows after those of threads < t.
  const size_t threads = ThreadsFor(rows);
  const auto wanted = [&](size_t i) {
    const int32_t d = tx.day[i];
    return d >= from_day && d <= to_day && (only == nullptr || (*only)[tx.customer[i]] != 0);
  };
  const auto chunk_begin = [rows, threads](size_t t) { return rows * t / threads; };
  std::vector<std::vector<size_t>> cursor(threads);
  ParallelRanges(threads, rows, [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      std::vector<size_t>& count = cursor[t];
      count.assign(n, 0);
      for (size_t i = chunk_begin(t); i < chunk_begin(t + 1); ++i) {
        if (wanted(i)) ++count[tx.customer[i]];
      }
    }
  });
  RowsByCustomer out;
  out.offsets.assign(n + 1, 0);
  size_t next = 0;
  for (size_t c = 0; c < n; ++c) {
    out.offsets[c] = next;
    for (size_t t = 0; t < threads; ++t) {
      const size_t count = cursor[t][c];
      cursor[t][c] = next;
      next += count;
    }
  }
  out.offsets[n] = next;
  out.rows.resize(next);
  ParallelRanges(threads, rows, [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      std::vector<size_t>& at = cursor[t];
      for (size_t i = chunk_begin(t); i < chunk_begin(t + 1); ++i) {
        if (wanted(i)) out.rows[at[tx.customer[i]]++] = DayAmount{tx.day[i], tx.amount_fen[i]};
      }
    }
  });
  ParallelRanges(n, out.rows.size(), [&out](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) {
      auto first = out.rows.begin() + static_cast<std::ptrdiff_t>(out.offsets[c]);
      auto last = out.rows.begin() + static_cast<std::ptrdiff_t>(out.offsets[c + 1]);
      if (last - first < 2) continue;
      std::sort(first, last, [](const DayAmount& a, const DayAmount& b) { return a.day < b.day; });
    }
  });
  return out;
}

size_t ThreadsFor(size_t work) {
  const unsigned cores = std::max(1u, std::min(kMaxThreads, std::thread::hardware_concurrency()));
  return std::min<size_t>(cores, std::max<size_t>(1, work / kMinWorkPerThread));
}

void ParallelRanges(size_t count, size_t work, const std::function<void(size_t, size_t)>& body) {
  const size_t threads = std::min(ThreadsFor(work), std::max<size_t>(count, 1));
  if (threads <= 1) {
    body(0, count);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  const size_t step = (count + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    const size_t begin = std::min(count, t * step);
    const size_t end = std::min(count, begin + step);
    pool.emplace_back([&body, begin, end] { body(begin, end); });
  }
  body(0, std::min(count, step));
  for (std::thread& th : pool) th.join();
}

}  // namespace guanxi::analytics
