// The list queries both backends run, planned once as SQL with positional `?`
// parameters: customers (filters, visibility, sort, keyset pages; each backend
// supplies only how a search term is matched) and the audit log. Internal to
// src/store/.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/customer.h"
#include "domain/status.h"
#include "store/cursor.h"
#include "store/store.h"

namespace guanxi {

struct SqlBlob {
  std::string bytes;
};
using SqlValue = std::variant<int64_t, std::string, SqlBlob, double>;

// How a backend matches the search terms (already folded, split on spaces).
// `drive` indexes the longest term, which should use an index; the others filter.
struct SearchSql {
  std::string from;       // replaces " FROM customer c" (joins an index table), or ""
  std::string id_column;  // the id column rows are ordered by when searching, or "" for c.id
  std::string where;      // " AND …" conditions
  std::vector<SqlValue> args;
};
using SearchDialect = std::function<SearchSql(const std::vector<std::string>& terms, size_t drive)>;

struct CustomerListPlan {
  enum class Key { kId, kUpdated, kCreated, kName, kMetric };
  Key key = Key::kId;
  // kMetric: the customer_metric column sorted by (selected as column
  // store_rows::kCustomerSortValueColumn) and whether it holds doubles.
  std::string metric_column;
  bool metric_real = false;
  // One or two statements read in turn until the page is full (see the .cc).
  struct Segment {
    std::string sql;  // SELECT store_rows::kCustomerColumns … ORDER BY …, then " LIMIT ?"
    std::vector<SqlValue> args;  // without the LIMIT
  };
  std::vector<Segment> segments;
};

Result<CustomerListPlan> PlanCustomerList(const CustomerQuery& q, const SearchDialect& dialect);

// The cursor of the page ending at `last`. `sort_value` is its sort key for
// kName (name_sort bytes) and kMetric (the value's text, PortableReal form for
// doubles; nullopt when NULL); unused otherwise.
std::string CustomerListCursor(const CustomerListPlan& plan, const Customer& last,
                               const std::optional<std::string>& sort_value);

// The search terms of a folded query, and the index of the one that drives it.
std::vector<std::string> SplitSearchTerms(const std::string& search, size_t* drive);

// The audit log, newest first: one statement ending in "LIMIT ?" (limit + 1
// rows, so the page knows whether another follows), and its arguments.
struct AuditListPlan {
  std::string sql;
  std::vector<SqlValue> args;
};
Result<AuditListPlan> PlanAuditList(const AuditQuery& q);
// Drops the look-ahead row and sets the cursor of the following page.
void FinishAuditPage(Page<AuditEntry>& page, int limit);

// For a page read with LIMIT limit + 1: drops the look-ahead row, if there is
// one, and sets `next` to the cursor of the last row kept (`key(row)` gives the
// cursor's parts: the sort key and the id).
template <typename T, typename Key>
void FinishPage(Page<T>& page, int limit, Key key) {
  if (static_cast<int>(page.items.size()) <= limit) return;
  page.items.resize(limit);
  page.next = EncodeCursor(key(page.items.back()));
}

}  // namespace guanxi
