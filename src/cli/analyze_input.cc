#include "cli/analyze_input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>

#include "analytics/transactions_csv.h"
#include "cli/commands.h"
#include "service/analytics_service.h"

namespace guanxi::cli::analyze {
namespace {

// A read-only mapping of a whole file; the parser reads it in place, so the file is
// never copied into the heap.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ && size_ > 0) munmap(const_cast<char*>(data_), size_);
    if (fd_ >= 0) close(fd_);
  }
  // Empty string on success, else why not.
  std::string Open(const std::string& path) {
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return std::strerror(errno);
    struct stat st {};
    if (fstat(fd_, &st) != 0) return std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    size_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) return "";
    void* m = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (m == MAP_FAILED) return std::strerror(errno);
    data_ = static_cast<const char*>(m);
    madvise(m, size_, MADV_SEQUENTIAL);
    return "";
  }
  std::string_view view() const { return {data_ ? data_ : "", size_}; }

 private:
  int fd_ = -1;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

int ReportCsvErrors(const std::string& path, const std::vector<analytics::CsvError>& errors, size_t count) {
  for (const auto& e : errors) {
    std::fprintf(stderr, "guanxi: %s line %lld: %s\n", path.c_str(), static_cast<long long>(e.line),
                 e.message.c_str());
  }
  if (count > errors.size()) std::fprintf(stderr, "guanxi: … and %zu more errors\n", count - errors.size());
  return DataError(std::to_string(count) + (count == 1 ? " error" : " errors") + " in " + path +
                   "; nothing was written");
}

// Today in Asia/Shanghai.
int32_t Today() { return analytics::DayOfUnixSeconds(static_cast<int64_t>(std::time(nullptr))); }

std::unique_ptr<Store> OpenStoreOrReport(const Args& a, int* code) {
  std::string error;
  auto store = OpenCommandStore(a, &error);
  if (!store) *code = error.rfind("--db", 0) == 0 ? UsageError(error) : DataError(error);
  return store;
}

}  // namespace

int UsageError(const std::string& message) {
  std::fprintf(stderr, "guanxi: %s (see `guanxi analyze --help`)\n", message.c_str());
  return kExitUsage;
}

int DataError(const std::string& message) {
  std::fprintf(stderr, "guanxi: %s\n", message.c_str());
  return kExitData;
}

std::set<std::string> PurchaseOptions(std::initializer_list<std::string> extra) {
  std::set<std::string> allowed = {"file", "db", "customer-col", "ts-col", "amount-col",
                                   "as-of", "format", "out", "sync", "pool"};
  allowed.insert(extra.begin(), extra.end());
  return allowed;
}

int ParseCommon(const Args& a, const std::set<std::string>& allowed, Common& common) {
  if (Status s = CheckAllowed(a, allowed); !s.ok()) return UsageError(s.message());
  common.format = a.GetOr("format", "json");
  if (common.format != "json" && common.format != "csv") return UsageError("--format must be json or csv");
  const bool file = a.Get("file").has_value(), db = a.Get("db").has_value();
  if (file == db) return UsageError("give exactly one of --file F.csv and --db PATH|URL");
  if (file && a.Get("file")->empty()) return UsageError("--file needs a file name");
  if (db && (a.Get("customer-col") || a.Get("ts-col") || a.Get("amount-col") || a.Get("order-col") ||
             a.Get("item-col"))) {
    return UsageError("column options apply to --file only");
  }
  if (auto out = a.Get("out")) {
    if (out->empty()) return UsageError("--out needs a file name");
    common.out = *out;
  }
  return 0;
}

int LoadPurchases(const Args& a, bool amount_required, Purchases& p) {
  if (auto path = a.Get("file")) {
    MappedFile file;
    if (std::string error = file.Open(*path); !error.empty()) {
      return DataError("cannot read " + *path + ": " + error);
    }
    analytics::TransactionsCsvOptions o;
    o.customer_column = a.GetOr("customer-col", o.customer_column);
    o.ts_column = a.GetOr("ts-col", o.ts_column);
    o.amount_column = a.GetOr("amount-col", o.amount_column);
    o.amount_required = amount_required;
    o.release_parsed_pages = true;  // file.view() is the mapping of the file
    analytics::TransactionsCsv csv = analytics::ParseTransactionsCsv(file.view(), o);
    if (csv.error_count > 0) return ReportCsvErrors(*path, csv.errors, csv.error_count);
    p.tx = std::move(csv.tx);
    p.has_amount = csv.has_amount;
    int32_t last = 0;
    for (int32_t d : p.tx.day) last = std::max(last, d);
    if (p.tx.size() == 0) return DataError(*path + " holds no transactions");
    auto as_of = DayOption(a, "as-of", last);
    if (!as_of) return kExitUsage;
    p.as_of_day = *as_of;
    return 0;
  }
  auto as_of = DayOption(a, "as-of", Today());
  if (!as_of) return kExitUsage;
  p.as_of_day = *as_of;
  int code = 0;
  auto store = OpenStoreOrReport(a, &code);
  if (!store) return code;
  auto tx = LoadTransactions(*store);
  store->Close();
  if (!tx.ok()) return DataError("reading the store failed: " + tx.status().message());
  p.tx = std::move(tx).value();
  p.has_amount = true;
  return 0;
}

int Prepare(const Args& a, std::initializer_list<std::string> extra, Common& common, Purchases& p,
            bool amount_required) {
  if (int code = ParseCommon(a, PurchaseOptions(extra), common)) return code;
  return LoadPurchases(a, amount_required, p);
}

int LoadBasketLines(const Args& a, analytics::Baskets& baskets) {
  if (auto path = a.Get("file")) {
    MappedFile file;
    if (std::string error = file.Open(*path); !error.empty()) {
      return DataError("cannot read " + *path + ": " + error);
    }
    analytics::BasketsCsvOptions o;
    o.order_column = a.GetOr("order-col", o.order_column);
    o.customer_column = a.GetOr("customer-col", o.customer_column);
    o.item_column = a.GetOr("item-col", o.item_column);
    analytics::BasketsCsv csv = analytics::ParseBasketsCsv(file.view(), o);
    if (csv.error_count > 0) return ReportCsvErrors(*path, csv.errors, csv.error_count);
    baskets = std::move(csv.baskets);
    if (baskets.size() == 0) return DataError(*path + " holds no order lines");
    return 0;
  }
  int code = 0;
  auto store = OpenStoreOrReport(a, &code);
  if (!store) return code;
  auto loaded = LoadBaskets(*store);
  store->Close();
  if (!loaded.ok()) return DataError("reading the store failed: " + loaded.status().message());
  baskets = std::move(loaded).value();
  return 0;
}

std::optional<double> DoubleOption(const Args& a, const std::string& name, double fallback, double min,
                                   double max, bool min_exclusive) {
  auto text = a.Get(name);
  if (!text) return fallback;
  double v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  bool ok = ec == std::errc() && end == text->data() + text->size() && std::isfinite(v) && v <= max &&
            (min_exclusive ? v > min : v >= min);
  if (!ok) {
    char range[96];
    std::snprintf(range, sizeof range, "a number %s %g and ≤ %g", min_exclusive ? ">" : "≥", min, max);
    UsageError("--" + name + " must be " + range);
    return std::nullopt;
  }
  return v;
}

bool ReadDouble(const Args& a, const std::string& name, double fallback, double min, double max, double& out,
                bool min_exclusive) {
  auto v = DoubleOption(a, name, fallback, min, max, min_exclusive);
  if (v) out = *v;
  return v.has_value();
}

std::optional<int64_t> IntOption(const Args& a, const std::string& name, int64_t fallback, int64_t min,
                                 int64_t max) {
  auto text = a.Get(name);
  if (!text) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) {
    UsageError("--" + name + " must be an integer " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<int32_t> DayOption(const Args& a, const std::string& name, int32_t fallback) {
  auto text = a.Get(name);
  if (!text) return fallback;
  auto day = analytics::DayFromIso(*text);
  if (!day) {
    UsageError("--" + name + " must be a date YYYY-MM-DD");
    return std::nullopt;
  }
  return day;
}

}  // namespace guanxi::cli::analyze
