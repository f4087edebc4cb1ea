#include "analytics/transactions.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "analytics/by_customer.h"
#include "analytics/calendar.h"

namespace guanxi::analytics {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// a / b rounded half up (towards +infinity on .5), b > 0.
int64_t DivRoundHalfUp(int64_t a, int64_t b) { return FloorDiv(2 * a + b, 2 * b); }

bool ParseDigits(std::string_view s, int32_t& out) {
  int32_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  out = v;
  return true;
}

}  // namespace

int32_t DayOfUnixSeconds(int64_t unix_seconds, int64_t utc_offset_seconds) {
  return static_cast<int32_t>(FloorDiv(unix_seconds + utc_offset_seconds, kSecondsPerDay));
}

std::optional<int32_t> DayFromIso(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  CivilDate date;
  if (!ParseDigits(s.substr(0, 4), date.year) || !ParseDigits(s.substr(5, 2), date.month) ||
      !ParseDigits(s.substr(8, 2), date.day)) {
    return std::nullopt;
  }
  if (date.month < 1 || date.month > 12) return std::nullopt;
  if (date.day < 1 || date.day > DaysInMonth(date.year, date.month)) return std::nullopt;
  return DayFromCivil(date);
}

std::string IsoFromDay(int32_t day) {
  const CivilDate date = CivilFromDay(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

namespace {

// One customer's figures over a stretch of rows. Distinct days are counted on the fly
// while the customer's rows come in day order (exports sorted by time, or grouped per
// customer in time order: the usual case); a customer whose rows go back in time is
// marked unordered and has their days sorted afterwards.
struct Accumulator {
  static constexpr int32_t kUnordered = -1;
  int32_t purchases = 0;
  int32_t first = 0;
  int32_t last = 0;
  int32_t distinct_days = 0;  // kUnordered when the rows were not in day order
  int64_t total_fen = 0;

  void Add(int32_t d, int64_t fen) {
    total_fen += fen;
    if (purchases++ == 0) {
      first = last = d;
      distinct_days = 1;
    } else if (d > last) {
      last = d;
      if (distinct_days != kUnordered) ++distinct_days;
    } else if (d < last) {
      first = std::min(first, d);
      distinct_days = kUnordered;
    }
  }

  // Appends the figures of a later stretch of rows.
  void Append(const Accumulator& later) {
    if (later.purchases == 0) return;
    if (purchases == 0) {
      *this = later;
      return;
    }
    if (distinct_days == kUnordered || later.distinct_days == kUnordered || later.first < last) {
      distinct_days = kUnordered;
    } else {
      distinct_days += later.distinct_days - (later.first == last ? 1 : 0);
    }
    purchases += later.purchases;
    total_fen += later.total_fen;
    first = std::min(first, later.first);
    last = std::max(last, later.last);
  }
};

}  // namespace

CustomerSummary Summarize(const Transactions& tx, int32_t as_of_day) {
  const size_t n = CustomerCountOf(tx);
  const size_t rows = tx.size();
  // Each thread accumulates its slice of the rows into its own table (one cache line per
  // customer rather than one per column); the tables are merged in slice order.
  const size_t threads = ThreadsFor(rows);
  const auto chunk_begin = [rows, threads](size_t t) { return rows * t / threads; };
  std::vector<std::vector<Accumulator>> acc(threads);
  ParallelRanges(threads, rows, [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      std::vector<Accumulator>& a = acc[t];
      a.assign(n, Accumulator{});
      for (size_t i = chunk_begin(t); i < chunk_begin(t + 1); ++i) {
        const int32_t d = tx.day[i];
        if (d <= as_of_day) a[tx.customer[i]].Add(d, tx.amount_fen[i]);
      }
    }
  });

  CustomerSummary s;
  s.as_of_day = as_of_day;
  s.first_day.resize(n);
  s.last_day.resize(n);
  s.purchases.resize(n);
  s.purchase_days.resize(n);
  s.total_fen.resize(n);
  s.average_fen.resize(n);
  s.recency_days.resize(n);
  // Unordered customers get a slice of `days` (a counting sort of just their rows); each
  // thread's table then holds that thread's write position in `total_fen`, −1 for none.
  std::vector<size_t> offsets(n + 1, 0);
  size_t next = 0;
  ParallelRanges(n, rows, [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) {
      Accumulator x = acc[0][c];
      for (size_t t = 1; t < threads; ++t) x.Append(acc[t][c]);
      s.purchases[c] = x.purchases;
      s.total_fen[c] = x.total_fen;
      if (x.purchases == 0) {
        s.first_day[c] = s.last_day[c] = s.recency_days[c] = -1;
        s.purchase_days[c] = 0;
        s.average_fen[c] = 0;
        continue;
      }
      s.first_day[c] = x.first;
      s.last_day[c] = x.last;
      s.recency_days[c] = as_of_day - x.last;
      s.average_fen[c] = DivRoundHalfUp(x.total_fen, x.purchases);
      s.purchase_days[c] = x.distinct_days;  // kUnordered until counted below
    }
  });
  for (size_t c = 0; c < n; ++c) {
    offsets[c] = next;
    const bool unordered = s.purchase_days[c] == Accumulator::kUnordered;
    for (size_t t = 0; t < threads; ++t) {
      Accumulator& x = acc[t][c];
      x.total_fen = unordered ? static_cast<int64_t>(next) : -1;
      if (unordered) next += static_cast<size_t>(x.purchases);
    }
  }
  offsets[n] = next;
  if (next == 0) return s;

  std::vector<int32_t> days(next);
  ParallelRanges(threads, rows, [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      std::vector<Accumulator>& a = acc[t];
      for (size_t i = chunk_begin(t); i < chunk_begin(t + 1); ++i) {
        const int32_t d = tx.day[i];
        if (d > as_of_day) continue;
        int64_t& at = a[tx.customer[i]].total_fen;
        if (at >= 0) days[static_cast<size_t>(at++)] = d;
      }
    }
  });
  acc.clear();
  acc.shrink_to_fit();
  ParallelRanges(n, next, [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) {
      if (offsets[c + 1] == offsets[c]) continue;
      auto first = days.begin() + static_cast<std::ptrdiff_t>(offsets[c]);
      auto last = days.begin() + static_cast<std::ptrdiff_t>(offsets[c + 1]);
      std::sort(first, last);
      s.purchase_days[c] = static_cast<int32_t>(std::unique(first, last) - first);
    }
  });
  return s;
}

double DaysPerUnit(TimeUnit unit) { return unit == TimeUnit::kWeek ? 7.0 : 1.0; }

std::optional<TimeUnit> ParseTimeUnit(std::string_view s) {
  if (s == "day") return TimeUnit::kDay;
  if (s == "week") return TimeUnit::kWeek;
  return std::nullopt;
}

const char* TimeUnitName(TimeUnit unit) { return unit == TimeUnit::kWeek ? "week" : "day"; }

}  // namespace guanxi::analytics
