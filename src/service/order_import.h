// Order import (`guanxi orders import`, POST /api/v1/orders/import): a CSV file
// streamed in one pass into SalesStore::ImportOrders, which pulls it in chunks.
//
//   customer_external_id,order_id,ordered_at,amount[,product_code,quantity,unit_price][,channel,status]
//
// Columns may come in any order; an unknown header name fails the whole import
// (naming it). Fields follow RFC 4180 (quotes, doubled quotes, CRLF); a UTF-8 BOM
// is skipped. Money is yuan with up to two decimals, parsed exactly into fen.
// Consecutive rows with the same order id are one order, each row carrying one
// product line (amount then repeats the total or is empty). An order id seen
// again after other orders, or rows of one order that disagree, are rejected
// with their line numbers; the first occurrence stands.
//
// Memory stays bounded by the chunk size plus 8 bytes per distinct order id:
// in-file duplicates are found through a set of 64-bit hashes of the ids. Two
// different ids with the same hash would make the later one be reported as a
// duplicate; with n ids the chance is about n²/2⁶⁵ (3·10⁻⁶ for 10 million).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "domain/customer.h"
#include "domain/status.h"
#include "store/sales_store.h"

namespace guanxi {

// Fills `buf` with up to `cap` bytes; returns 0 at the end of the input.
using ByteSource = std::function<size_t(char* buf, size_t cap)>;

struct OrderImportOptions {
  size_t chunk_orders = 20000;  // orders per chunk handed to SalesStore::ImportOrders
  UnixSeconds now = 0;          // created_at and updated_at of the imported orders
  int64_t size_bytes = 0;       // the file's size when known (0 = unknown); large files take a bulk path
};

// Runs the import in one transaction of the store. Fails (InvalidArgument, field
// "header" or "file") when the file as a whole is unusable, and then nothing is
// stored; bad rows are reported in the outcome's rejected list (sorted by line)
// and the good ones are imported.
Result<OrderImportOutcome> ImportOrdersCsv(SalesStore& sales, const ByteSource& source,
                                           const OrderImportOptions& options = {});

// An instant as an order's ordered_at: an ISO 8601 date-time ("2026-11-23T10:00:00Z",
// "2026-11-23T18:00:00+08:00", "2026-11-23 18:00:00", local time read as +08:00,
// fractions of a second dropped), a day "2026-11-23" or "20261123" (00:00 +08:00).
std::optional<UnixSeconds> ParseOrderedAt(std::string_view s);

// Yuan with at most two decimals ("1234", "1234.5", "1,234.56" is refused) into
// fen; nullopt when malformed, negative or above kMaxMoneyFen.
std::optional<int64_t> ParseYuan(std::string_view s);

}  // namespace guanxi
