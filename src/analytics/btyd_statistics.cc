// BtydStatistics of transactions.h: the per-customer (x, t_x, T, m_x) of the purchase
// models, from the transaction columns.
#include <algorithm>
#include <limits>

#include "analytics/by_customer.h"
#include "analytics/transactions.h"

namespace guanxi::analytics {
namespace {

constexpr double kFenPerYuan = 100.0;

// A customer's BTYD figures over a stretch of rows, counted on the fly while the rows
// come in day order (like the summary's accumulator in transactions.cc); customers whose
// rows go back in time are marked unordered and recomputed from their grouped rows.
struct BtydAccumulator {
  static constexpr int32_t kUnordered = -1;
  int32_t rows = 0;
  int32_t first = 0;
  int32_t last = 0;
  int32_t calibration_days = 0;  // distinct days up to the calibration end, or kUnordered
  int32_t holdout_days = 0;      // distinct days after it
  int32_t last_calibration = 0;  // meaningful when calibration_days > 0
  int64_t first_fen = 0;         // the amount of the first day
  int64_t calibration_fen = 0;   // the amount of every calibration day, the first included

  void Add(int32_t d, int64_t fen, int32_t calibration_end) {
    if (calibration_days == kUnordered) {
      ++rows;
      first = std::min(first, d);
      return;
    }
    if (rows++ == 0) {
      first = last = d;
      NewDay(d, calibration_end);
    } else if (d < last) {
      first = std::min(first, d);
      calibration_days = kUnordered;
    } else if (d > last) {
      last = d;
      NewDay(d, calibration_end);
    }
    if (calibration_days == kUnordered) return;
    if (d == first) first_fen += fen;
    if (d <= calibration_end) calibration_fen += fen;
  }

  // Appends the figures of a later stretch of rows.
  void Append(const BtydAccumulator& later, int32_t calibration_end) {
    if (later.rows == 0) return;
    if (rows == 0) {
      *this = later;
      return;
    }
    rows += later.rows;
    if (calibration_days == kUnordered || later.calibration_days == kUnordered ||
        later.first < last) {
      first = std::min(first, later.first);
      calibration_days = kUnordered;
      return;
    }
    const bool shared_day = later.first == last;  // one day split across the stretches
    if (shared_day && last == first) first_fen += later.first_fen;
    calibration_days += later.calibration_days;
    holdout_days += later.holdout_days;
    if (shared_day) {
      if (later.first <= calibration_end) {
        --calibration_days;
      } else {
        --holdout_days;
      }
    }
    if (later.calibration_days > 0) last_calibration = later.last_calibration;
    calibration_fen += later.calibration_fen;
    last = later.last;
  }

 private:
  void NewDay(int32_t d, int32_t calibration_end) {
    if (d <= calibration_end) {
      ++calibration_days;
      last_calibration = d;
    } else {
      ++holdout_days;
    }
  }
};

// Whether the rows probably come in day order per customer: sorted by time (few steps
// back in time) or grouped by customer (few changes of customer), the shapes of exports
// and simulators. Counting on the fly pays only then; otherwise grouping everyone at once
// is cheaper than counting and then regrouping most customers.
bool LikelyInDayOrderPerCustomer(const Transactions& tx) {
  constexpr size_t kMostlyFraction = 8;
  const size_t rows = tx.size();
  size_t steps_back = 0, customer_changes = 0;
  for (size_t i = 1; i < rows; ++i) {
    steps_back += tx.day[i] < tx.day[i - 1] ? 1 : 0;
    customer_changes += tx.customer[i] != tx.customer[i - 1] ? 1 : 0;
  }
  return steps_back <= rows / kMostlyFraction || customer_changes <= rows / 2;
}

}  // namespace

BtydData BtydStatistics(const Transactions& tx, const BtydOptions& options) {
  const int32_t cal_end = options.calibration_end_day;
  const int32_t end_day = options.holdout_end_day.value_or(cal_end);
  const size_t n = CustomerCountOf(tx);
  const size_t rows = tx.size();
  const double unit_days = DaysPerUnit(options.unit);

  std::vector<BtydAccumulator> merged;
  RowsByCustomer by;
  const bool stream = LikelyInDayOrderPerCustomer(tx);
  if (stream) {
    const size_t threads = ThreadsFor(rows);
    const auto chunk_begin = [rows, threads](size_t t) { return rows * t / threads; };
    std::vector<std::vector<BtydAccumulator>> acc(threads);
    ParallelRanges(threads, rows, [&](size_t begin, size_t end) {
      for (size_t t = begin; t < end; ++t) {
        std::vector<BtydAccumulator>& a = acc[t];
        a.assign(n, BtydAccumulator{});
        for (size_t i = chunk_begin(t); i < chunk_begin(t + 1); ++i) {
          const int32_t d = tx.day[i];
          if (d <= end_day) a[tx.customer[i]].Add(d, tx.amount_fen[i], cal_end);
        }
      }
    });
    ParallelRanges(n, rows, [&](size_t begin, size_t end) {
      for (size_t c = begin; c < end; ++c) {
        for (size_t t = 1; t < threads; ++t) acc[0][c].Append(acc[t][c], cal_end);
      }
    });
    merged = std::move(acc[0]);
  } else {
    // Rows in no useful order: group everyone at once and walk every customer.
    by = GroupByCustomer(tx, std::numeric_limits<int32_t>::min(), end_day);
    merged.assign(n, BtydAccumulator{});
    for (size_t c = 0; c < n; ++c) {
      const size_t b = by.offsets[c];
      const size_t e = by.offsets[c + 1];
      if (b == e) continue;
      merged[c].rows = static_cast<int32_t>(e - b);
      merged[c].first = by.rows[b].day;
      merged[c].calibration_days = BtydAccumulator::kUnordered;
    }
  }

  BtydData out;
  out.unit = options.unit;
  out.calibration_end_day = cal_end;
  // Calibration customers get rows in customer order.
  std::vector<size_t> row_of(n + 1, 0);
  std::vector<uint8_t> unordered(n, 0);
  size_t unordered_count = 0;
  for (size_t c = 0; c < n; ++c) {
    const BtydAccumulator& x = merged[c];
    const bool in_calibration = x.rows > 0 && x.first <= cal_end;
    if (x.rows > 0 && !in_calibration) ++out.excluded;
    if (in_calibration && x.calibration_days == BtydAccumulator::kUnordered) {
      unordered[c] = 1;
      ++unordered_count;
    }
    row_of[c + 1] = row_of[c] + (in_calibration ? 1 : 0);
  }
  const size_t m = row_of[n];
  out.customer.resize(m);
  out.x.resize(m);
  out.t_x.resize(m);
  out.T.resize(m);
  out.m_x.resize(m);
  if (options.holdout_end_day) {
    out.holdout_x.resize(m);
    out.holdout_length = (*options.holdout_end_day - cal_end) / unit_days;
  }
  const auto store = [&](size_t c, int32_t first, int32_t last_calibration, size_t repeats,
                         int64_t repeat_fen, size_t holdout_days) {
    const size_t r = row_of[c];
    out.customer[r] = static_cast<uint32_t>(c);
    out.x[r] = static_cast<double>(repeats);
    out.t_x[r] = (last_calibration - first) / unit_days;
    out.T[r] = (cal_end - first) / unit_days;
    out.m_x[r] = repeats == 0
                     ? 0.0
                     : static_cast<double>(repeat_fen) / kFenPerYuan / static_cast<double>(repeats);
    if (options.holdout_end_day) out.holdout_x[r] = static_cast<double>(holdout_days);
  };

  ParallelRanges(n, rows, [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) {
      if (row_of[c + 1] == row_of[c] || unordered[c]) continue;
      const BtydAccumulator& x = merged[c];
      store(c, x.first, x.last_calibration, static_cast<size_t>(x.calibration_days - 1),
            x.calibration_fen - x.first_fen, static_cast<size_t>(x.holdout_days));
    }
  });
  if (unordered_count == 0) return out;
  merged.clear();
  merged.shrink_to_fit();

  // Customers whose rows were out of day order: walk their grouped, sorted rows.
  if (stream) by = GroupByCustomer(tx, std::numeric_limits<int32_t>::min(), end_day, &unordered);
  ParallelRanges(n, by.rows.size(), [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) {
      if (!unordered[c]) continue;
      const size_t b = by.offsets[c];
      const size_t e = by.offsets[c + 1];
      const int32_t first = by.rows[b].day;
      // The merged days: the first one, then the repeats in the calibration period,
      // then the days of the holdout.
      int32_t last_calibration = first;
      size_t repeats = 0, holdout_days = 0;
      int64_t repeat_fen = 0;
      size_t i = b;
      while (i < e && by.rows[i].day == first) ++i;
      while (i < e) {
        const int32_t d = by.rows[i].day;
        int64_t day_fen = 0;
        while (i < e && by.rows[i].day == d) day_fen += by.rows[i++].amount_fen;
        if (d <= cal_end) {
          ++repeats;
          repeat_fen += day_fen;
          last_calibration = d;
        } else {
          ++holdout_days;
        }
      }
      store(c, first, last_calibration, repeats, repeat_fen, holdout_days);
    }
  });
  return out;
}

}  // namespace guanxi::analytics
