#include "service/order_import.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "domain/sales.h"

namespace guanxi {
namespace {

constexpr size_t kReadBlock = 1 << 20;
constexpr size_t kMaxRecordBytes = 64u << 20;
constexpr size_t kMaxOrderIdBytes = 200;
constexpr int64_t kMaxQuantity = 1'000'000'000;
constexpr int kBusinessUtcOffset = 8 * 3600;
// A four-column row ("DEMO-00000001,ORD-00000001,2026-11-23T10:00:00+08:00,99.00")
// is about 60 bytes; the estimate only picks the store's strategy.
constexpr int64_t kBytesPerRowEstimate = 64;

// ----------------------------------------------------------------- CSV records
// Reads RFC 4180 records from a ByteSource in one pass. Fields are views into
// the reader's buffer (or its scratch strings for fields with doubled quotes),
// valid until the next call to Next().
class CsvReader {
 public:
  explicit CsvReader(const ByteSource& source) : source_(source), buf_(kReadBlock) {}

  // true with a record in fields(), false at the end of the input.
  Result<bool> Next() {
    for (;;) {
      auto r = TryParse();
      if (r == Parse::kNeedMore) {
        GX_RETURN_IF_ERROR(Fill());
        continue;
      }
      if (r == Parse::kEnd) return false;
      if (r == Parse::kUnterminated) {
        return Status::InvalidField("file", "line " + std::to_string(next_line_) +
                                                ": a quoted field is never closed");
      }
      // Skip empty lines.
      if (fields_.size() == 1 && fields_[0].empty()) continue;
      return true;
    }
  }
  const std::vector<std::string_view>& fields() const { return fields_; }
  int64_t line() const { return record_line_; }

 private:
  enum class Parse { kRecord, kEnd, kNeedMore, kUnterminated };

  Parse TryParse() {
    const char* b = buf_.data();
    size_t p = pos_;
    fields_.clear();
    size_t scratch_used = 0;
    int64_t newlines = 0;
    if (p == end_) return eof_ ? Parse::kEnd : Parse::kNeedMore;
    if (!bom_checked_) {
      if (end_ - p < 3 && !eof_) return Parse::kNeedMore;
      if (end_ - p >= 3 && std::memcmp(b + p, "\xEF\xBB\xBF", 3) == 0) p += 3;
      bom_checked_ = true;
      pos_ = p;
    }
    for (;;) {
      if (p < end_ && b[p] == '"') {
        size_t q = p + 1;
        bool escaped = false;
        size_t close;
        for (;;) {
          const void* hit = q < end_ ? std::memchr(b + q, '"', end_ - q) : nullptr;
          if (!hit) return eof_ ? Parse::kUnterminated : Parse::kNeedMore;
          size_t k = static_cast<const char*>(hit) - b;
          if (k + 1 == end_ && !eof_) return Parse::kNeedMore;
          if (k + 1 < end_ && b[k + 1] == '"') {
            escaped = true;
            q = k + 2;
            continue;
          }
          close = k;
          break;
        }
        std::string_view raw(b + p + 1, close - p - 1);
        newlines += std::count(raw.begin(), raw.end(), '\n');
        if (escaped) {
          if (scratch_used == scratch_.size()) scratch_.emplace_back();
          std::string& s = scratch_[scratch_used++];
          s.clear();
          for (size_t i = 0; i < raw.size(); ++i) {
            s.push_back(raw[i]);
            if (raw[i] == '"') ++i;  // the second of a doubled quote
          }
          fields_.emplace_back(s);
        } else {
          fields_.push_back(raw);
        }
        p = close + 1;
        // Anything between the closing quote and the delimiter is kept with the
        // field's text, as spreadsheets do ("a"b → ab is not worth a rejection).
        size_t k = p;
        while (k < end_ && b[k] != ',' && b[k] != '\n' && b[k] != '\r') ++k;
        if (k == end_ && !eof_) return Parse::kNeedMore;
        p = k;
      } else {
        size_t k = p;
        while (k < end_ && b[k] != ',' && b[k] != '\n' && b[k] != '\r') ++k;
        if (k == end_ && !eof_) return Parse::kNeedMore;
        fields_.emplace_back(b + p, k - p);
        p = k;
      }
      if (p == end_) break;  // eof: the last record has no line break
      if (b[p] == ',') {
        ++p;
        continue;
      }
      if (b[p] == '\r') {
        if (p + 1 == end_ && !eof_) return Parse::kNeedMore;
        p += (p + 1 < end_ && b[p + 1] == '\n') ? 2 : 1;
      } else {
        ++p;  // '\n'
      }
      break;
    }
    record_line_ = next_line_;
    next_line_ += 1 + newlines;
    pos_ = p;
    return Parse::kRecord;
  }

  Status Fill() {
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == buf_.size()) {
      if (buf_.size() >= kMaxRecordBytes) {
        return Status::InvalidField("file", "line " + std::to_string(next_line_) +
                                                ": a record is longer than 64 MiB");
      }
      buf_.resize(buf_.size() * 2);
    }
    size_t n = source_(buf_.data() + end_, buf_.size() - end_);
    if (n == 0) eof_ = true;
    end_ += n;
    return Status::Ok();
  }

  const ByteSource& source_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool bom_checked_ = false;
  int64_t next_line_ = 1;
  int64_t record_line_ = 0;
  std::vector<std::string_view> fields_;
  std::deque<std::string> scratch_;  // a deque: growing it moves no string that fields_ views
};

// ------------------------------------------------------------ seen order ids
// Open-addressing set of 64-bit hashes (0 marks an empty slot).
class HashSet {
 public:
  HashSet() : slots_(1 << 16, 0) {}
  // Inserts; false when already present.
  bool Insert(uint64_t h) {
    if (h == 0) h = 1;
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    return Place(slots_, h);
  }

 private:
  bool Place(std::vector<uint64_t>& slots, uint64_t h) {
    size_t mask = slots.size() - 1;
    for (size_t i = Mix(h) & mask;; i = (i + 1) & mask) {
      if (slots[i] == h) return false;
      if (slots[i] == 0) {
        slots[i] = h;
        if (&slots == &slots_) ++size_;
        return true;
      }
    }
  }
  void Grow() {
    std::vector<uint64_t> bigger(slots_.size() * 2, 0);
    for (uint64_t h : slots_) {
      if (h) Place(bigger, h);
    }
    slots_.swap(bigger);
  }
  static uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

uint64_t HashId(std::string_view s) {  // FNV-1a, 64-bit
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// ------------------------------------------------------------------- values
std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool ValidDate(int y, int m, int d) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::optional<int64_t> ParseQuantity(std::string_view s) {
  s = Trim(s);
  if (s.empty() || s.size() > 10) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > kMaxQuantity) return std::nullopt;
  return v;
}

// ------------------------------------------------------------------ columns
enum Column { kCustomer, kOrderId, kOrderedAt, kAmount, kProductCode, kQuantity, kUnitPrice,
              kChannel, kStatus, kColumnCount };
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "customer_external_id", "order_id", "ordered_at", "amount", "product_code",
    "quantity",             "unit_price", "channel",  "status"};

// The import's state between rows: the order being gathered and the chunk.
class Importer {
 public:
  explicit Importer(const OrderImportOptions& options) : options_(options) {}

  Status Header(const std::vector<std::string_view>& fields) {
    columns_.fill(-1);
    for (size_t i = 0; i < fields.size(); ++i) {
      std::string_view name = Trim(fields[i]);
      auto it = std::find(kColumnNames.begin(), kColumnNames.end(), name);
      if (it == kColumnNames.end()) {
        return Status::InvalidField("header", "unknown column \"" + std::string(name) + "\" (expected " +
                                                  "customer_external_id, order_id, ordered_at, amount, "
                                                  "product_code, quantity, unit_price, channel, status)");
      }
      int c = static_cast<int>(it - kColumnNames.begin());
      if (columns_[c] >= 0) {
        return Status::InvalidField("header", "column \"" + std::string(name) + "\" appears twice");
      }
      columns_[c] = static_cast<int>(i);
    }
    for (int c : {kCustomer, kOrderId, kOrderedAt, kAmount}) {
      if (columns_[c] < 0) {
        return Status::InvalidField("header", "column \"" + std::string(kColumnNames[c]) + "\" is missing");
      }
    }
    width_ = fields.size();
    return Status::Ok();
  }

  Status Row(int64_t line, const std::vector<std::string_view>& fields) {
    if (fields.size() != width_) {
      Reject(line, "row", "has " + std::to_string(fields.size()) + " fields; the header has " +
                              std::to_string(width_));
      return Status::Ok();
    }
    auto get = [&](Column c) { return columns_[c] < 0 ? std::string_view() : fields[columns_[c]]; };
    std::string_view order_id = Trim(get(kOrderId));
    if (order_id.empty()) {
      Reject(line, "order_id", "is required");
      return Status::Ok();
    }
    if (order_id.size() > kMaxOrderIdBytes) {
      Reject(line, "order_id", "is longer than 200 bytes");
      return Status::Ok();
    }
    if (pending_ && order_id == pending_id_) return Continuation(line, get);
    Flush();
    if (used_ >= options_.chunk_orders) TakeChunk();
    if (!seen_.Insert(HashId(order_id))) {
      Reject(line, "order_id", "order " + std::string(order_id) +
                                   " appears again in this file after other orders: its rows must be "
                                   "consecutive; the first occurrence is kept");
      return Status::Ok();
    }
    Start(line, order_id, get);
    return Status::Ok();
  }

  // At the end of the input: the last orders.
  void Finish() {
    Flush();
    TakeChunk();
  }

  // The chunk completed by the last Row() or Finish(), if any.
  std::optional<std::vector<OrderImportRow>> TakeReady() {
    std::optional<std::vector<OrderImportRow>> r = std::move(ready_);
    ready_.reset();
    return r;
  }

  // The store's outcome with this file's own rejections, sorted by line.
  OrderImportOutcome Merge(OrderImportOutcome store) {
    for (auto& rej : outcome_.rejected) store.rejected.push_back(std::move(rej));
    std::stable_sort(store.rejected.begin(), store.rejected.end(),
                     [](const ImportRejection& a, const ImportRejection& b) { return a.line_no < b.line_no; });
    return store;
  }

 private:
  template <typename Get>
  void Start(int64_t line, std::string_view order_id, Get& get) {
    pending_ = true;
    poisoned_ = false;
    pending_id_.assign(order_id);
    first_line_ = line;
    customer_raw_.assign(Trim(get(kCustomer)));
    ordered_at_raw_.assign(Trim(get(kOrderedAt)));
    amount_raw_.assign(Trim(get(kAmount)));
    channel_raw_.assign(Trim(get(kChannel)));
    status_raw_.assign(Trim(get(kStatus)));
    line_prices_given_.clear();

    OrderImportRow& row = NextSlot();
    row.line_no = line;
    row.customer_external_id = customer_raw_;
    row.line_product_codes.clear();
    Order& o = row.order;
    o = Order();
    o.external_id = pending_id_;
    o.created_at = o.updated_at = options_.now;
    if (customer_raw_.empty()) return Poison(line, "customer_external_id", "is required");
    auto at = ParseOrderedAt(ordered_at_raw_);
    if (!at) return Poison(line, "ordered_at", "must be YYYY-MM-DD, YYYYMMDD or an ISO 8601 date-time");
    o.ordered_at = *at;
    if (!amount_raw_.empty()) {
      auto amount = ParseYuan(amount_raw_);
      if (!amount) {
        return Poison(line, "amount", "must be yuan with at most two decimals, from 0 to 10000000000");
      }
      o.total = *amount;
    }
    if (!channel_raw_.empty()) {
      auto ch = ParseOrderChannel(channel_raw_);
      if (!ch) return Poison(line, "channel", "unknown channel \"" + channel_raw_ + "\"");
      o.channel = *ch;
    }
    if (!status_raw_.empty()) {
      auto st = ParseOrderStatus(status_raw_);
      if (!st) return Poison(line, "status", "unknown status \"" + status_raw_ + "\"");
      o.status = *st;
    }
    AddLine(line, get);
  }

  template <typename Get>
  Status Continuation(int64_t line, Get& get) {
    if (poisoned_) {
      Reject(line, "order_id", "order " + pending_id_ + " is rejected (see line " +
                                   std::to_string(first_line_) + ")");
      return Status::Ok();
    }
    auto same = [&](Column c, const std::string& first, bool empty_ok) {
      std::string_view v = Trim(get(c));
      return v == first || (empty_ok && v.empty());
    };
    Column differs = kColumnCount;
    if (!same(kCustomer, customer_raw_, false)) differs = kCustomer;
    else if (!same(kOrderedAt, ordered_at_raw_, true)) differs = kOrderedAt;
    else if (!same(kAmount, amount_raw_, true)) differs = kAmount;
    else if (!same(kChannel, channel_raw_, true)) differs = kChannel;
    else if (!same(kStatus, status_raw_, true)) differs = kStatus;
    if (differs != kColumnCount) {
      std::string name(kColumnNames[differs]);
      Reject(line, name, "differs from line " + std::to_string(first_line_) + " of the same order " +
                             pending_id_ + ": an order id may appear only once in a file");
      Reject(first_line_, "order_id", "order " + pending_id_ + " is rejected: its rows disagree (line " +
                                          std::to_string(line) + ")");
      DropPending();
      return Status::Ok();
    }
    AddLine(line, get);
    return Status::Ok();
  }

  // The product line a row carries, if any.
  template <typename Get>
  void AddLine(int64_t line, Get& get) {
    if (poisoned_) return;
    std::string_view code = Trim(get(kProductCode));
    std::string_view qty = Trim(get(kQuantity));
    std::string_view price = Trim(get(kUnitPrice));
    if (code.empty() && qty.empty() && price.empty()) {
      // A further row that carries no line only repeats the order: the first stands.
      if (line != first_line_) {
        Reject(line, "order_id", "order " + pending_id_ + " appears again (first at line " +
                                     std::to_string(first_line_) + "); the first occurrence is kept");
      }
      return;
    }
    OrderLine l;
    if (!qty.empty()) {
      auto q = ParseQuantity(qty);
      if (!q) return Poison(line, "quantity", "must be a whole number greater than 0");
      l.quantity = *q;
    }
    bool price_given = !price.empty();
    if (price_given) {
      auto up = ParseYuan(price);
      if (!up) return Poison(line, "unit_price", "must be yuan with at most two decimals");
      l.unit_price = *up;
    }
    l.description.assign(code);
    OrderImportRow& row = chunk_[used_ - 1];
    row.order.lines.push_back(std::move(l));
    row.line_product_codes.emplace_back(code);
    line_prices_given_.push_back(price_given);
  }

  // Finishes the gathered order: prices of lines without one, validation.
  void Flush() {
    if (!pending_) return;
    pending_ = false;
    if (poisoned_) return;
    OrderImportRow& row = chunk_[used_ - 1];
    Order& o = row.order;
    size_t unpriced = std::count(line_prices_given_.begin(), line_prices_given_.end(), false);
    if (unpriced > 0) {
      if (o.lines.size() > 1 || amount_raw_.empty()) {
        Reject(first_line_, "unit_price", "is required for each line unless the order has one line and an amount");
        --used_;
        return;
      }
      // One line carrying the order's amount: price it so that it adds up exactly.
      OrderLine& l = o.lines[0];
      l.unit_price = (o.total + l.quantity - 1) / l.quantity;
      l.discount = l.unit_price * l.quantity - o.total;
    }
    // The store resolves the customer from its external id; validate the rest
    // with a stand-in id so that errors still carry this file's line number.
    o.customer_id = 1;
    Status s = NormalizeOrder(o);
    o.customer_id = 0;
    if (!s.ok()) {
      std::string field = s.fields().empty() ? std::string("row") : s.fields()[0].field;
      std::string message = s.fields().empty() ? s.message() : s.fields()[0].message;
      if (field == "total") field = "amount";
      if (field == "external_id") field = "order_id";
      if (size_t dot = field.rfind('.'); field.rfind("lines", 0) == 0 && dot != std::string::npos) {
        field = field.substr(dot + 1);
      }
      Reject(first_line_, field, message);
      --used_;
    }
  }

  // Moves the finished orders out as the ready chunk.
  void TakeChunk() {
    if (used_ == 0) return;
    chunk_.resize(used_);
    ready_ = std::move(chunk_);
    chunk_.clear();
    used_ = 0;
  }

  OrderImportRow& NextSlot() {
    if (used_ == chunk_.size()) chunk_.emplace_back();
    return chunk_[used_++];
  }

  void Poison(int64_t line, std::string field, std::string message) {
    Reject(line, std::move(field), std::move(message));
    if (line != first_line_) {
      Reject(first_line_, "order_id", "order " + pending_id_ + " is rejected (see line " +
                                          std::to_string(line) + ")");
    }
    DropPending();
  }

  // Drops the order being gathered; its further rows are reported as rejected.
  void DropPending() {
    if (!poisoned_) --used_;
    poisoned_ = true;
  }

  void Reject(int64_t line, std::string field, std::string message) {
    outcome_.rejected.push_back({line, std::move(field), std::move(message)});
  }

  const OrderImportOptions& options_;
  std::array<int, kColumnCount> columns_{};
  size_t width_ = 0;
  HashSet seen_;
  std::vector<OrderImportRow> chunk_;
  size_t used_ = 0;
  std::optional<std::vector<OrderImportRow>> ready_;
  OrderImportOutcome outcome_;
  // The order being gathered from consecutive rows.
  bool pending_ = false;
  bool poisoned_ = false;
  std::string pending_id_;
  int64_t first_line_ = 0;
  std::string customer_raw_, ordered_at_raw_, amount_raw_, channel_raw_, status_raw_;
  std::vector<bool> line_prices_given_;
};

}  // namespace

std::optional<int64_t> ParseYuan(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 11) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) return std::nullopt;
  int64_t fen = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    fen = fen * 10 + (c - '0');
  }
  fen *= 100;
  int scale = 10;
  for (char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
    fen += (c - '0') * scale;
    scale /= 10;
  }
  if (fen > kMaxMoneyFen) return std::nullopt;
  return fen;
}

std::optional<UnixSeconds> ParseOrderedAt(std::string_view s) {
  s = Trim(s);
  int y = 0, mo = 0, d = 0;
  size_t p = 0;
  if (s.size() == 8 && Digits(s, 0, 4, y) && Digits(s, 4, 2, mo) && Digits(s, 6, 2, d)) {
    p = 8;
  } else if (s.size() >= 10 && Digits(s, 0, 4, y) && s[4] == '-' && Digits(s, 5, 2, mo) && s[7] == '-' &&
             Digits(s, 8, 2, d)) {
    p = 10;
  } else {
    return std::nullopt;
  }
  if (!ValidDate(y, mo, d)) return std::nullopt;
  int64_t day_start = DaysFromCivil(y, mo, d) * 86400;
  if (p == s.size()) return day_start - kBusinessUtcOffset;
  if (p != 10 || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return std::nullopt;
  int h = 0, mi = 0, sec = 0;
  ++p;
  if (!Digits(s, p, 2, h) || p + 2 >= s.size() || s[p + 2] != ':' || !Digits(s, p + 3, 2, mi)) {
    return std::nullopt;
  }
  p += 5;
  if (p < s.size() && s[p] == ':') {
    if (!Digits(s, p + 1, 2, sec)) return std::nullopt;
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      size_t start = p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      if (p == start) return std::nullopt;
    }
  }
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int offset = kBusinessUtcOffset;
  if (p < s.size()) {
    if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
      offset = 0;
    } else if (s[p] == '+' || s[p] == '-') {
      int oh = 0, om = 0;
      std::string_view z = s.substr(p + 1);
      bool ok = (z.size() == 2 && Digits(z, 0, 2, oh)) ||
                (z.size() == 4 && Digits(z, 0, 2, oh) && Digits(z, 2, 2, om)) ||
                (z.size() == 5 && Digits(z, 0, 2, oh) && z[2] == ':' && Digits(z, 3, 2, om));
      if (!ok || oh > 18 || om > 59) return std::nullopt;
      offset = (oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  return day_start + h * 3600 + mi * 60 + std::min(sec, 59) - offset;
}

Result<OrderImportOutcome> ImportOrdersCsv(SalesStore& sales, const ByteSource& source,
                                           const OrderImportOptions& options) {
  CsvReader reader(source);
  Importer importer(options);
  GX_ASSIGN_OR_RETURN(bool has_header, reader.Next());
  if (!has_header) return Status::InvalidField("file", "the file is empty (a header row is required)");
  GX_RETURN_IF_ERROR(importer.Header(reader.fields()));
  bool at_end = false;
  auto next = [&]() -> Result<std::optional<std::vector<OrderImportRow>>> {
    while (!at_end) {
      GX_ASSIGN_OR_RETURN(bool more, reader.Next());
      if (more) {
        GX_RETURN_IF_ERROR(importer.Row(reader.line(), reader.fields()));
      } else {
        at_end = true;
        importer.Finish();
      }
      if (auto chunk = importer.TakeReady()) return chunk;
    }
    return std::optional<std::vector<OrderImportRow>>();
  };
  GX_ASSIGN_OR_RETURN(OrderImportOutcome stored, sales.ImportOrders(next, options.size_bytes / kBytesPerRowEstimate));
  return importer.Merge(std::move(stored));
}

}  // namespace guanxi
