// Input and options shared by the `guanxi analyze` commands: the purchases (from
// --file, a CSV parsed in memory, or from --db, the store), the as-of day, the output
// format and the --out file, plus the option parsers that turn bad values into usage
// errors (exit 2) and the CSV/store problems into data errors (exit 1).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>

#include "analytics/basket.h"
#include "analytics/transactions.h"
#include "cli/args.h"

namespace guanxi::cli::analyze {

inline constexpr int kExitData = 1;
inline constexpr int kExitUsage = 2;

int UsageError(const std::string& message);  // prints, returns 2
int DataError(const std::string& message);   // prints, returns 1

// The options of the purchase-based commands (input, --as-of, --format, --out) plus `extra`.
std::set<std::string> PurchaseOptions(std::initializer_list<std::string> extra);

struct Common {
  std::string format = "json";        // json | csv
  std::optional<std::string> out;     // per-customer rows as CSV
};
// Checks that only `allowed` options were given, --format, and --file/--db (exactly one).
// Returns 0 and fills `common`, or the exit code after printing why.
int ParseCommon(const Args& a, const std::set<std::string>& allowed, Common& common);

struct Purchases {
  analytics::Transactions tx;
  bool has_amount = true;
  int32_t as_of_day = 0;  // --as-of, or the default (last transaction day / today)
};
// Reads --file (with --customer-col/--ts-col/--amount-col) or --db. `amount_required`
// false lets a file without the amount column through (amounts 0).
// Returns 0 and fills `p`, or the exit code after printing why.
int LoadPurchases(const Args& a, bool amount_required, Purchases& p);

// ParseCommon with PurchaseOptions(extra), then LoadPurchases; 0 or the exit code.
int Prepare(const Args& a, std::initializer_list<std::string> extra, Common& common, Purchases& p,
            bool amount_required = true);

// Reads --file (order lines with --order-col/--customer-col/--item-col) or --db.
int LoadBasketLines(const Args& a, analytics::Baskets& baskets);

// Option value parsers: nullopt (and a printed usage error) when absent-and-required or
// malformed. `name` is the option without dashes.
std::optional<double> DoubleOption(const Args& a, const std::string& name, double fallback, double min,
                                   double max, bool min_exclusive = false);
std::optional<int64_t> IntOption(const Args& a, const std::string& name, int64_t fallback, int64_t min,
                                 int64_t max);
// The same, stored into `out`; false after a usage error. For chains of options:
// `if (!ReadDouble(…) || !ReadInt(…)) return kExitUsage;`.
bool ReadDouble(const Args& a, const std::string& name, double fallback, double min, double max, double& out,
                bool min_exclusive = false);
template <typename Int>
bool ReadInt(const Args& a, const std::string& name, int64_t fallback, int64_t min, int64_t max, Int& out) {
  auto v = IntOption(a, name, fallback, min, max);
  if (v) out = static_cast<Int>(*v);
  return v.has_value();
}
// A YYYY-MM-DD option; `fallback` when absent; nullopt after a usage error when malformed.
std::optional<int32_t> DayOption(const Args& a, const std::string& name, int32_t fallback);

}  // namespace guanxi::cli::analyze
