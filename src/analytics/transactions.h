// Purchase records as columns, and the per-customer summary every model starts from.
//
// The analytics layer is pure computation: it never reads files, the store or the
// network. Callers (the CLI's CSV reader, the service's store reader) fill
// `Transactions`; everything else takes the summary or its columns.
//
// Days: a transaction's time is reduced to a calendar day number (days since
// 1970-01-01) in the display time zone (Asia/Shanghai by default), so "the same day"
// means the same local day. `DayOfUnixSeconds` does that reduction.
//
//   Transactions tx;                 // filled by a reader
//   CustomerSummary s = Summarize(tx, /*as_of_day=*/DayFromIso("2026-11-30"));
//   BtydData d = BtydStatistics(tx, {.calibration_end_day = …, .unit = TimeUnit::kWeek});
//
// Thread safety: all functions are pure; distinct calls may run concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::analytics {

// Default display offset: UTC+8 (Asia/Shanghai has had no DST since 1991).
inline constexpr int64_t kDefaultUtcOffsetSeconds = 8 * 3600;

// Local calendar day number of a UTC instant.
int32_t DayOfUnixSeconds(int64_t unix_seconds, int64_t utc_offset_seconds = kDefaultUtcOffsetSeconds);
// Day number of "YYYY-MM-DD"; nullopt when it is not a valid date.
std::optional<int32_t> DayFromIso(std::string_view yyyy_mm_dd);
// "YYYY-MM-DD" of a day number.
std::string IsoFromDay(int32_t day);

// One row per purchase (an order). `customer` is a dense index 0..customer_count-1;
// `customer_keys[i]` is the caller's id for index i (CSV text or the store's id as text).
// Rows need not be sorted. Amounts are in fen (分); refunds are not purchases and are
// left out by the readers.
struct Transactions {
  std::vector<uint32_t> customer;
  std::vector<int32_t> day;
  std::vector<int64_t> amount_fen;
  std::vector<std::string> customer_keys;

  size_t size() const { return customer.size(); }
  size_t customer_count() const { return customer_keys.size(); }
};

// Per-customer descriptive summary over every transaction up to and including
// `as_of_day` (later ones are ignored). Customers with no transaction up to then have
// purchases = 0 and first/last day = -1; they stay in the columns (index i is customer i).
struct CustomerSummary {
  int32_t as_of_day = 0;
  std::vector<int32_t> first_day;
  std::vector<int32_t> last_day;
  std::vector<int32_t> purchases;        // rows (orders)
  std::vector<int32_t> purchase_days;    // distinct days with a purchase
  std::vector<int64_t> total_fen;
  std::vector<int64_t> average_fen;      // total / purchases, rounded half up; 0 if none
  std::vector<int32_t> recency_days;     // as_of_day − last_day; -1 if none

  size_t size() const { return first_day.size(); }
};
CustomerSummary Summarize(const Transactions& tx, int32_t as_of_day);

enum class TimeUnit { kDay, kWeek };
double DaysPerUnit(TimeUnit unit);  // 1 or 7
std::optional<TimeUnit> ParseTimeUnit(std::string_view s);  // "day" | "week"
const char* TimeUnitName(TimeUnit unit);

struct BtydOptions {
  int32_t calibration_end_day = 0;              // inclusive
  std::optional<int32_t> holdout_end_day;       // inclusive; > calibration_end_day
  TimeUnit unit = TimeUnit::kWeek;
};

// The "buy till you die" statistics of each customer whose first purchase is on or
// before the calibration end. Purchases on the same day are merged into one purchase
// whose amount is the day's sum. Columns are indexed by row r; `customer[r]` is the
// dense customer index.
struct BtydData {
  TimeUnit unit = TimeUnit::kWeek;
  int32_t calibration_end_day = 0;
  std::vector<uint32_t> customer;
  std::vector<double> x;        // repeat purchases in the calibration period
  std::vector<double> t_x;      // first → last calibration purchase, in units
  std::vector<double> T;        // first purchase → calibration end, in units
  std::vector<double> m_x;      // mean amount (yuan) of the repeat purchases; 0 if x = 0
  std::vector<double> holdout_x;  // purchases (merged days) in the holdout; empty without one
  double holdout_length = 0;    // holdout length in units (0 without one)
  size_t excluded = 0;          // customers whose first purchase is after the calibration end

  size_t size() const { return x.size(); }
};
BtydData BtydStatistics(const Transactions& tx, const BtydOptions& options);

}  // namespace guanxi::analytics
