// Purchase and basket CSVs held in memory → the analytics library's columns.
//
// The buffer is the whole file (typically an mmap'ed file the caller owns); the parser
// makes one pass over it without copying rows: RFC 4180 fields (quoted fields with ""
// escapes and line breaks), LF or CRLF line ends, an optional UTF-8 byte-order mark,
// blank lines skipped, columns found by header name (extra columns ignored).
//
//   TransactionsCsvOptions o;            // customer_id, ts, amount
//   TransactionsCsv csv = ParseTransactionsCsv(file_bytes, o);
//   if (!csv.errors.empty()) { /* report csv.errors (line numbers), write nothing */ }
//   Summarize(csv.tx, as_of);
//
// Values:
//  - ts: `YYYY-MM-DD`, `YYYYMMDD`, or an ISO 8601 datetime `YYYY-MM-DD[T ]HH:MM[:SS[.f…]]`
//    followed by `Z` or `±HH:MM` (the instant is converted to the local day at
//    `utc_offset_seconds`, Asia/Shanghai by default) or by nothing (already local: the
//    date part is the day).
//  - amount: yuan, digits with up to 2 decimals, ≥ 0, converted to fen exactly (no
//    floating point); more decimals, a sign, or anything else is an error.
//  - customer ids: any text; dense indices in order of first appearance.
//
// Errors carry the 1-based physical line number (a quoted line break counts); the
// first `max_errors` are kept, `error_count` counts them all. A header problem (missing
// column) is reported on line 1 and nothing else is parsed.
//
// Thread safety: pure functions; the parse may use 2 threads internally.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/basket.h"
#include "analytics/transactions.h"

namespace guanxi::analytics {

struct CsvError {
  int64_t line = 0;     // 1-based; the header is line 1
  std::string message;  // names the column and the offending text
};

struct TransactionsCsvOptions {
  std::string customer_column = "customer_id";
  std::string ts_column = "ts";
  std::string amount_column = "amount";
  // false: a file without the amount column is accepted (amounts 0), for models that
  // need no spend (`clv --spend none`).
  bool amount_required = true;
  int64_t utc_offset_seconds = kDefaultUtcOffsetSeconds;
  size_t max_errors = 20;
  // Parse the two halves of a large buffer on two threads (the result is identical).
  bool parallel = true;
  // The buffer is a read-only file mapping (mmap of a file, page aligned): pages already
  // parsed are handed back to the kernel (madvise MADV_DONTNEED; a later read faults them
  // in again from the file), so the whole file is never resident at once. Never set for
  // any other memory: on anonymous memory MADV_DONTNEED discards the contents.
  bool release_parsed_pages = false;
};

struct TransactionsCsv {
  Transactions tx;
  bool has_amount = false;  // the amount column was present
  std::vector<CsvError> errors;
  size_t error_count = 0;
};
TransactionsCsv ParseTransactionsCsv(std::string_view data, const TransactionsCsvOptions& options);

struct BasketsCsvOptions {
  std::string order_column = "order_id";
  std::string customer_column = "customer_id";
  std::string item_column = "item";
  size_t max_errors = 20;
};
struct BasketsCsv {
  Baskets baskets;  // one basket per distinct order id, in order of first appearance
  std::vector<CsvError> errors;
  size_t error_count = 0;
};
// One row per order line; an order's rows need not be adjacent. An order naming two
// different customers is an error.
BasketsCsv ParseBasketsCsv(std::string_view data, const BasketsCsvOptions& options);

// Exposed for tests: the local day of a ts value, or nullopt-like false when invalid.
bool ParseCsvDay(std::string_view text, int64_t utc_offset_seconds, int32_t* day);
// Yuan text → fen; false when it is not a non-negative amount with ≤ 2 decimals.
bool ParseYuanToFen(std::string_view text, int64_t* fen);

}  // namespace guanxi::analytics
