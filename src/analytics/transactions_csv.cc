#include "analytics/transactions_csv.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <cstring>
#include <deque>
#include <optional>
#include <thread>
#include <utility>

#include "analytics/calendar.h"

namespace guanxi::analytics {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
// Below this size a second thread costs more than it saves.
constexpr size_t kParallelMinBytes = 4u << 20;
// Offending text quoted in an error is cut to this many bytes.
constexpr size_t kQuotedTextMax = 40;

uint64_t HashKey(std::string_view s) {
  constexpr uint64_t kMul = 0xbf58476d1ce4e5b9ULL;
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
  }
  h ^= h >> 29;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 32;
  return h;
}

// Text keys → dense indices in order of first appearance. Open addressing with the key's
// length, a hash tag and its first and last 8 bytes inline in the slot: keys of up to 16
// bytes (most customer ids, phone numbers) are compared without leaving the table, so a
// lookup in a table of a million customers costs one cache miss, not three.
class KeyIndex {
 public:
  KeyIndex() { Allocate(kInitialSlots); }

  uint32_t FindOrInsert(std::string_view key) { return FindOrInsert(key, HashKey(key)); }

  // Starts loading the slot a key with hash h probes first, so a batch of lookups waits
  // for memory once instead of once per key.
  void Prefetch(uint64_t h) const {
    const Slot* slot = &slots_[h & mask_];
    __builtin_prefetch(slot);
    __builtin_prefetch(reinterpret_cast<const char*>(slot) + sizeof(Slot) - 1);
  }

  uint32_t FindOrInsert(std::string_view key, uint64_t h) {
    Slot probe = SlotOf(key, h);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.index1 == 0) {
        probe.index1 = static_cast<uint32_t>(keys_.size()) + 1;
        slot = probe;
        keys_.push_back(Copy(key));
        if (keys_.size() * 2 > mask_ + 1) Grow();
        return probe.index1 - 1;
      }
      if (slot.meta == probe.meta && slot.head == probe.head && slot.tail == probe.tail &&
          (key.size() <= kInlineBytes || keys_[slot.index1 - 1] == key)) {
        return slot.index1 - 1;
      }
    }
  }
  const std::vector<std::string_view>& keys() const { return keys_; }
  // Frees the lookup table; keys() stays valid.
  void ReleaseTable() {
    slots_.reset();
    mask_ = 0;
  }

 private:
  static constexpr size_t kInitialSlots = 1024;
  static constexpr size_t kInlineBytes = 16;
  struct Slot {
    uint64_t head = 0, tail = 0;  // bytes 0..8 and 8..16 (a longer key: its last 8)
    uint32_t meta = 0;            // length (low 16 bits, saturated) and hash tag
    uint32_t index1 = 0;          // index + 1; 0 = empty
  };
  static Slot SlotOf(std::string_view key, uint64_t h) {
    Slot s;
    const size_t n = key.size();
    std::memcpy(&s.head, key.data(), std::min<size_t>(n, 8));
    if (n > kInlineBytes) std::memcpy(&s.tail, key.data() + n - 8, 8);
    else if (n > 8) std::memcpy(&s.tail, key.data() + 8, n - 8);
    s.meta = static_cast<uint32_t>(std::min<size_t>(n, 0xffff)) | static_cast<uint32_t>(h >> 48) << 16;
    return s;
  }
  struct Free {
    void operator()(Slot* p) const { std::free(p); }
  };
  // A million customers need a 48 MiB table, probed at random: on 4 KiB pages nearly every
  // probe is also a TLB miss, so large tables ask for transparent huge pages.
  void Allocate(size_t count) {
    constexpr size_t kHugePage = 2u << 20;
    constexpr size_t kCacheLine = 64;
    const bool huge = count * sizeof(Slot) >= kHugePage;
    const size_t align = huge ? kHugePage : kCacheLine;
    const size_t bytes = (count * sizeof(Slot) + align - 1) / align * align;
    void* p = std::aligned_alloc(align, bytes);
    if (!p) throw std::bad_alloc();
    if (huge) madvise(p, bytes, MADV_HUGEPAGE);
    std::memset(p, 0, count * sizeof(Slot));
    slots_.reset(static_cast<Slot*>(p));
    mask_ = count - 1;
  }
  void Grow() {
    std::unique_ptr<Slot[], Free> old = std::move(slots_);
    const size_t old_count = mask_ + 1;
    Allocate(old_count * 2);
    for (size_t k = 0; k < old_count; ++k) {
      const Slot& slot = old[k];
      if (slot.index1 == 0) continue;
      size_t i = HashKey(keys_[slot.index1 - 1]) & mask_;
      while (slots_[i].index1 != 0) i = (i + 1) & mask_;
      slots_[i] = slot;
    }
  }

  std::unique_ptr<Slot[], Free> slots_;
  size_t mask_ = 0;
  std::vector<std::string_view> keys_;  // views into blocks_

  // Keys are copied out of the buffer so the parser may release the pages it has read.
  std::string_view Copy(std::string_view key) {
    constexpr size_t kBlockBytes = 1 << 20;
    if (block_left_ < key.size()) {
      const size_t size = std::max(kBlockBytes, key.size());
      blocks_.push_back(std::make_unique<char[]>(size));
      block_next_ = blocks_.back().get();
      block_left_ = size;
    }
    char* at = block_next_;
    if (!key.empty()) std::memcpy(at, key.data(), key.size());
    block_next_ += key.size();
    block_left_ -= key.size();
    return {at, key.size()};
  }
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* block_next_ = nullptr;
  size_t block_left_ = 0;
};

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// n ASCII digits at p → value; false if any is not a digit.
inline bool Digits(const char* p, int n, int32_t* out) {
  int32_t v = 0;
  for (int i = 0; i < n; ++i) {
    if (!IsDigit(p[i])) return false;
    v = v * 10 + (p[i] - '0');
  }
  *out = v;
  return true;
}

std::string Unescape(std::string_view quoted_body) {
  std::string out;
  out.reserve(quoted_body.size());
  for (size_t i = 0; i < quoted_body.size(); ++i) {
    out.push_back(quoted_body[i]);
    if (quoted_body[i] == '"') ++i;  // "" → "
  }
  return out;
}

std::string Quoted(std::string_view text) {
  std::string s(text.substr(0, kQuotedTextMax));
  if (text.size() > kQuotedTextMax) s += "…";
  return "\"" + s + "\"";
}

// One field of a record as found in the buffer.
struct Field {
  std::string_view text;  // without the surrounding quotes
  bool escaped = false;   // quoted and holds "" escapes: Unescape before use
};

enum class RecordEnd { kOk, kBadQuote };

// Reads the record starting at p (not a blank line), calling on_field(column, Field) for
// every field, and leaves p after its line end. A quoted field must be followed by a
// comma or the line end; otherwise the rest of the line is skipped and kBadQuote returned.
template <typename OnField>
inline RecordEnd ReadRecord(const char* d, size_t n, size_t& p, OnField&& on_field) {
  int column = 0;
  for (;;) {
    Field f;
    if (p < n && d[p] == '"') {
      size_t q = p + 1;
      for (;;) {
        const void* hit = q < n ? std::memchr(d + q, '"', n - q) : nullptr;
        if (!hit) {  // unterminated quote: the field runs to the end of the buffer
          p = n;
          return RecordEnd::kBadQuote;
        }
        q = static_cast<const char*>(hit) - d;
        if (q + 1 < n && d[q + 1] == '"') {
          f.escaped = true;
          q += 2;
          continue;
        }
        break;
      }
      f.text = std::string_view(d + p + 1, q - p - 1);
      p = q + 1;
    } else {
      size_t q = p;
      while (q < n && d[q] != ',' && d[q] != '\n') ++q;
      size_t end = q;
      if (end > p && d[end - 1] == '\r' && (q == n || d[q] == '\n')) --end;
      f.text = std::string_view(d + p, end - p);
      p = end;
    }
    on_field(column++, f);
    if (p >= n) return RecordEnd::kOk;
    char c = d[p];
    if (c == ',') {
      ++p;
      continue;
    }
    if (c == '\n') {
      ++p;
      return RecordEnd::kOk;
    }
    if (c == '\r' && (p + 1 == n || d[p + 1] == '\n')) {
      p += p + 1 == n ? 1 : 2;
      return RecordEnd::kOk;
    }
    // Text after a closing quote: skip to the line end.
    const void* nl = std::memchr(d + p, '\n', n - p);
    p = nl ? static_cast<const char*>(nl) - d + 1 : n;
    return RecordEnd::kBadQuote;
  }
}

// Skips blank lines (LF or CRLF) at p; true when a record starts at p.
inline bool SkipBlankLines(const char* d, size_t n, size_t& p) {
  for (;;) {
    if (p >= n) return false;
    if (d[p] == '\n') {
      ++p;
    } else if (d[p] == '\r' && p + 1 < n && d[p + 1] == '\n') {
      p += 2;
    } else if (d[p] == '\r' && p + 1 == n) {
      ++p;
    } else {
      return true;
    }
  }
}

// Errors as byte offsets of their record; turned into line numbers once at the end so
// the hot loop never counts lines (and the second half need not know its first line).
struct OffsetError {
  size_t offset;
  std::string message;
};
struct ErrorSink {
  size_t max = 0;
  size_t count = 0;
  std::vector<OffsetError> kept;
  void Add(size_t offset, std::string message) {
    ++count;
    if (kept.size() < max) kept.push_back({offset, std::move(message)});
  }
};

std::vector<CsvError> WithLineNumbers(std::string_view data, std::vector<OffsetError> errors) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const OffsetError& a, const OffsetError& b) { return a.offset < b.offset; });
  std::vector<CsvError> out;
  out.reserve(errors.size());
  int64_t line = 1;
  size_t at = 0;
  for (auto& e : errors) {
    while (at < e.offset) {
      const void* nl = std::memchr(data.data() + at, '\n', e.offset - at);
      if (!nl) break;
      ++line;
      at = static_cast<const char*>(nl) - data.data() + 1;
    }
    at = std::max(at, e.offset);
    out.push_back({line, std::move(e.message)});
  }
  return out;
}

// The header record: its field names, BOM stripped; body_start is after its line.
struct Header {
  std::vector<std::string> names;
  size_t body_start = 0;
  bool bad = false;
};
Header ReadHeader(std::string_view data) {
  Header h;
  size_t p = 0;
  if (data.size() >= 3 && std::memcmp(data.data(), "\xEF\xBB\xBF", 3) == 0) p = 3;
  if (!SkipBlankLines(data.data(), data.size(), p)) return h;
  RecordEnd end = ReadRecord(data.data(), data.size(), p, [&](int, const Field& f) {
    h.names.push_back(f.escaped ? Unescape(f.text) : std::string(f.text));
  });
  h.bad = end != RecordEnd::kOk;
  h.body_start = p;
  return h;
}

int ColumnIndex(const Header& h, const std::string& name) {
  for (size_t i = 0; i < h.names.size(); ++i) {
    if (h.names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// --- transactions --------------------------------------------------------------------

struct TxColumns {
  int customer = -1, ts = -1, amount = -1;
  int needed = 0;  // a record must have at least this many fields
};

// The rows of one range of the buffer, with customer indices local to the range.
struct TxPart {
  std::vector<uint32_t> customer;
  std::vector<int32_t> day;
  std::vector<int64_t> amount_fen;
  KeyIndex keys;
  std::deque<std::string> unescaped;  // owns keys that needed unescaping (stable addresses)
  ErrorSink errors;
  size_t end = 0;  // where parsing stopped (a record boundary)
};

// Customer keys waiting for their dictionary lookup: rows are parsed a batch ahead, their
// slots prefetched, then resolved in row order (so indices keep first-appearance order).
constexpr size_t kLookupBatch = 32;
struct PendingKey {
  std::string_view key;
  uint64_t hash;
  bool same_as_previous;  // files often list a customer's purchases together
};

// Parses records starting at p while a record starts before `stop`.
void ParseTxRange(std::string_view data, size_t p, size_t stop, const TxColumns& cols,
                  const TransactionsCsvOptions& options, TxPart& part) {
  const char* d = data.data();
  const size_t n = data.size();
  PendingKey pending[kLookupBatch];
  size_t pending_count = 0;
  uint32_t previous_index = 0;
  std::string_view previous_key;
  bool have_previous = false;
  auto resolve = [&] {
    size_t row = part.customer.size() - pending_count;
    for (size_t i = 0; i < pending_count; ++i) {
      if (!pending[i].same_as_previous) previous_index = part.keys.FindOrInsert(pending[i].key, pending[i].hash);
      part.customer[row + i] = previous_index;
    }
    pending_count = 0;
  };
  // Pages of a file mapping behind the parser are handed back in steps of this size.
  constexpr size_t kReleaseStep = 16u << 20;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t released = p / page * page;  // the first page may hold the header or the other half
  if (released < p) released += page;
  auto release = [&](size_t upto) {
    size_t end = upto / page * page;
    if (end <= released) return;
    madvise(const_cast<char*>(d) + released, end - released, MADV_DONTNEED);
    released = end;
  };
  while (p < stop && SkipBlankLines(d, n, p) && p < stop) {
    if (options.release_parsed_pages && p >= released + kReleaseStep) release(p);
    const size_t record = p;
    Field customer, ts, amount;
    int fields = 0;
    RecordEnd end = ReadRecord(d, n, p, [&](int column, const Field& f) {
      if (column == cols.customer) customer = f;
      else if (column == cols.ts) ts = f;
      else if (column == cols.amount) amount = f;
      fields = column + 1;
    });
    if (end == RecordEnd::kBadQuote) {
      part.errors.Add(record, "malformed quoted field");
      continue;
    }
    if (fields < cols.needed) {
      part.errors.Add(record, "expected at least " + std::to_string(cols.needed) + " columns, found " +
                                  std::to_string(fields));
      continue;
    }
    std::string_view ts_text = ts.escaped ? std::string_view() : ts.text;
    int32_t day = 0;
    if (!ParseCsvDay(ts_text, options.utc_offset_seconds, &day)) {
      part.errors.Add(record, options.ts_column + ": invalid date or time " + Quoted(ts.text));
      continue;
    }
    int64_t fen = 0;
    if (cols.amount >= 0 && (amount.escaped || !ParseYuanToFen(amount.text, &fen))) {
      part.errors.Add(record, options.amount_column + ": invalid amount " + Quoted(amount.text) +
                                  " (yuan ≥ 0 with up to 2 decimals)");
      continue;
    }
    std::string_view key = customer.text;
    if (customer.escaped) key = part.unescaped.emplace_back(Unescape(customer.text));
    if (key.empty()) {
      part.errors.Add(record, options.customer_column + ": empty customer id");
      continue;
    }
    const bool same = have_previous && key == previous_key;
    uint64_t hash = 0;
    if (!same) {
      hash = HashKey(key);
      part.keys.Prefetch(hash);
    }
    previous_key = key;
    have_previous = true;
    pending[pending_count++] = {key, hash, same};
    part.customer.push_back(0);
    if (pending_count == kLookupBatch) resolve();
    part.day.push_back(day);
    part.amount_fen.push_back(fen);
  }
  resolve();
  // The last partial step stays mapped: the other half may share its boundary page.
  part.end = p;
}

}  // namespace

namespace {

// Day number of the first of each month of 1900…2199 (and one past), so the parser turns
// a valid date into a day with one lookup; other years take the general formula.
constexpr int32_t kTableFirstYear = 1900;
constexpr int32_t kTableYears = 300;
struct MonthStarts {
  int32_t start[kTableYears * 12 + 1];
  MonthStarts() {
    for (int32_t i = 0; i <= kTableYears * 12; ++i) {
      start[i] = DayFromCivil({kTableFirstYear + i / 12, 1 + i % 12, 1});
    }
  }
};

// Day number of y-m-d, or false when the date does not exist.
inline bool CivilDay(int32_t y, int32_t m, int32_t d, int32_t* day) {
  static const MonthStarts table;
  if (m < 1 || m > 12 || d < 1) return false;
  if (y >= kTableFirstYear && y < kTableFirstYear + kTableYears) {
    const int32_t i = (y - kTableFirstYear) * 12 + (m - 1);
    if (d > table.start[i + 1] - table.start[i]) return false;
    *day = table.start[i] + d - 1;
    return true;
  }
  if (d > DaysInMonth(y, m)) return false;
  *day = DayFromCivil({y, m, d});
  return true;
}

}  // namespace

bool ParseCsvDay(std::string_view s, int64_t utc_offset_seconds, int32_t* day) {
  const char* p = s.data();
  const size_t n = s.size();
  int32_t y = 0, m = 0, d = 0;
  if (n == 8) {
    if (!Digits(p, 4, &y) || !Digits(p + 4, 2, &m) || !Digits(p + 6, 2, &d)) return false;
  } else if (n >= 10 && p[4] == '-' && p[7] == '-') {
    if (!Digits(p, 4, &y) || !Digits(p + 5, 2, &m) || !Digits(p + 8, 2, &d)) return false;
  } else {
    return false;
  }
  int32_t date_day = 0;
  if (!CivilDay(y, m, d, &date_day)) return false;
  if (n == 8 || n == 10) {
    *day = date_day;
    return true;
  }
  // Datetime: [T ]HH:MM[:SS[.fraction]] then nothing (local), Z or ±HH[:]MM.
  if (p[10] != 'T' && p[10] != ' ') return false;
  size_t i = 11;
  int32_t hh = 0, mi = 0, ss = 0;
  if (i + 5 > n || !Digits(p + i, 2, &hh) || p[i + 2] != ':' || !Digits(p + i + 3, 2, &mi)) return false;
  i += 5;
  if (i < n && p[i] == ':') {
    if (i + 3 > n || !Digits(p + i + 1, 2, &ss)) return false;
    i += 3;
    if (i < n && (p[i] == '.' || p[i] == ',')) {
      size_t start = ++i;
      while (i < n && IsDigit(p[i])) ++i;
      if (i == start) return false;
    }
  }
  if (hh > 23 || mi > 59 || ss > 60) return false;
  if (i == n) {  // no offset: the time is already local
    *day = date_day;
    return true;
  }
  int64_t offset = 0;
  if (p[i] == 'Z' || p[i] == 'z') {
    if (i + 1 != n) return false;
  } else if (p[i] == '+' || p[i] == '-') {
    int32_t oh = 0, om = 0;
    size_t rest = n - i - 1;
    const char* o = p + i + 1;
    bool ok = (rest == 5 && o[2] == ':' && Digits(o, 2, &oh) && Digits(o + 3, 2, &om)) ||
              (rest == 4 && Digits(o, 2, &oh) && Digits(o + 2, 2, &om)) ||
              (rest == 2 && Digits(o, 2, &oh));
    if (!ok || oh > 23 || om > 59) return false;
    offset = (p[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else {
    return false;
  }
  const int64_t local = static_cast<int64_t>(date_day) * kSecondsPerDay + hh * 3600 + mi * 60 + ss;
  const int64_t shifted = local - offset + utc_offset_seconds;
  // Floor division: instants before 1970 have negative seconds.
  int64_t q = shifted / kSecondsPerDay;
  if (shifted % kSecondsPerDay < 0) --q;
  *day = static_cast<int32_t>(q);
  return true;
}

bool ParseYuanToFen(std::string_view s, int64_t* fen) {
  // 15 integer digits keep yuan × 100 far inside int64.
  constexpr size_t kMaxIntegerDigits = 15;
  size_t i = 0;
  int64_t yuan = 0;
  while (i < s.size() && IsDigit(s[i])) {
    if (i == kMaxIntegerDigits) return false;
    yuan = yuan * 10 + (s[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  int64_t cents = 0;
  if (i < s.size()) {
    if (s[i] != '.') return false;
    size_t decimals = s.size() - i - 1;
    if (decimals < 1 || decimals > 2) return false;
    for (size_t k = i + 1; k < s.size(); ++k) {
      if (!IsDigit(s[k])) return false;
      cents = cents * 10 + (s[k] - '0');
    }
    if (decimals == 1) cents *= 10;
  }
  *fen = yuan * 100 + cents;
  return true;
}

TransactionsCsv ParseTransactionsCsv(std::string_view data, const TransactionsCsvOptions& options) {
  TransactionsCsv out;
  Header header = ReadHeader(data);
  TxColumns cols;
  cols.customer = ColumnIndex(header, options.customer_column);
  cols.ts = ColumnIndex(header, options.ts_column);
  cols.amount = ColumnIndex(header, options.amount_column);
  out.has_amount = cols.amount >= 0;
  std::string missing;
  auto need = [&](int index, const std::string& name) {
    if (index < 0) missing += (missing.empty() ? "\"" : ", \"") + name + "\"";
  };
  need(cols.customer, options.customer_column);
  need(cols.ts, options.ts_column);
  if (options.amount_required) need(cols.amount, options.amount_column);
  if (header.names.empty() || header.bad || !missing.empty()) {
    std::string message = header.names.empty() ? "the file is empty (a header line is required)"
                          : header.bad         ? "malformed header line"
                                               : "missing column " + missing + " in the header";
    out.errors.push_back({1, message});
    out.error_count = 1;
    return out;
  }
  cols.needed = std::max({cols.customer, cols.ts, cols.amount}) + 1;

  TxPart first;
  first.errors.max = options.max_errors;
  const size_t n = data.size();
  const size_t body = n - header.body_start;
  std::optional<TxPart> second;
  size_t split = n;
  if (options.parallel && body >= kParallelMinBytes) {
    const void* nl = std::memchr(data.data() + header.body_start + body / 2, '\n',
                                 n - header.body_start - body / 2);
    if (nl) split = static_cast<const char*>(nl) - data.data() + 1;
  }
  const size_t row_guess = body / 24;  // a typical row is ~25 bytes; vectors grow past it
  if (split < n) {
    // The split is only a guess at a record boundary (a quoted field may hold the line
    // break). The first half tells: it stops exactly at `split` only if it is one.
    second.emplace();
    second->errors.max = options.max_errors;
    std::thread worker([&] {
      second->customer.reserve(row_guess / 2);
      second->day.reserve(row_guess / 2);
      second->amount_fen.reserve(row_guess / 2);
      ParseTxRange(data, split, n, cols, options, *second);
    });
    first.customer.reserve(row_guess);
    first.day.reserve(row_guess);
    first.amount_fen.reserve(row_guess);
    ParseTxRange(data, header.body_start, split, cols, options, first);
    worker.join();
    if (first.end != split) {
      second.reset();
      ParseTxRange(data, first.end, n, cols, options, first);
    }
  } else {
    first.customer.reserve(row_guess);
    first.day.reserve(row_guess);
    first.amount_fen.reserve(row_guess);
    ParseTxRange(data, header.body_start, n, cols, options, first);
  }

  std::vector<OffsetError> errors = std::move(first.errors.kept);
  out.error_count = first.errors.count;
  if (second) {
    // Merge the second half's dictionary into the first's: its customers keep their
    // order of first appearance after the first half's.
    std::vector<uint32_t> remap(second->keys.keys().size());
    for (size_t i = 0; i < remap.size(); ++i) remap[i] = first.keys.FindOrInsert(second->keys.keys()[i]);
    // The first dictionary copied what it needed: free the second's before the columns grow.
    second->keys = KeyIndex();
    first.keys.ReleaseTable();
    first.customer.reserve(first.customer.size() + second->customer.size());
    for (uint32_t c : second->customer) first.customer.push_back(remap[c]);
    std::vector<uint32_t>().swap(second->customer);
    first.day.insert(first.day.end(), second->day.begin(), second->day.end());
    std::vector<int32_t>().swap(second->day);
    first.amount_fen.insert(first.amount_fen.end(), second->amount_fen.begin(), second->amount_fen.end());
    std::vector<int64_t>().swap(second->amount_fen);
    for (auto& e : second->errors.kept) errors.push_back(std::move(e));
    out.error_count += second->errors.count;
    if (errors.size() > options.max_errors) errors.resize(options.max_errors);
  }
  if (out.error_count > 0) {
    out.errors = WithLineNumbers(data, std::move(errors));
    return out;
  }
  out.tx.customer = std::move(first.customer);
  out.tx.day = std::move(first.day);
  out.tx.amount_fen = std::move(first.amount_fen);
  first.keys.ReleaseTable();
  const auto& keys = first.keys.keys();
  out.tx.customer_keys.reserve(keys.size());
  for (std::string_view k : keys) out.tx.customer_keys.emplace_back(k);
  return out;
}

// --- baskets -------------------------------------------------------------------------

BasketsCsv ParseBasketsCsv(std::string_view data, const BasketsCsvOptions& options) {
  BasketsCsv out;
  Header header = ReadHeader(data);
  const int order_col = ColumnIndex(header, options.order_column);
  const int customer_col = ColumnIndex(header, options.customer_column);
  const int item_col = ColumnIndex(header, options.item_column);
  std::string missing;
  for (auto [index, name] : {std::pair{order_col, &options.order_column},
                             std::pair{customer_col, &options.customer_column},
                             std::pair{item_col, &options.item_column}}) {
    if (index < 0) missing += (missing.empty() ? "\"" : ", \"") + *name + "\"";
  }
  if (header.names.empty() || header.bad || !missing.empty()) {
    std::string message = header.names.empty() ? "the file is empty (a header line is required)"
                          : header.bad         ? "malformed header line"
                                               : "missing column " + missing + " in the header";
    out.errors.push_back({1, message});
    out.error_count = 1;
    return out;
  }
  const int needed = std::max({order_col, customer_col, item_col}) + 1;
  KeyIndex orders, customers, items;
  std::deque<std::string> unescaped;
  std::vector<uint32_t> order_customer;        // per order; customer index
  std::vector<std::pair<uint32_t, uint32_t>> lines;  // (order, item)
  ErrorSink errors;
  errors.max = options.max_errors;
  const char* d = data.data();
  const size_t n = data.size();
  size_t p = header.body_start;
  auto key_of = [&](const Field& f) -> std::string_view {
    return f.escaped ? std::string_view(unescaped.emplace_back(Unescape(f.text))) : f.text;
  };
  while (SkipBlankLines(d, n, p)) {
    const size_t record = p;
    Field order, customer, item;
    int fields = 0;
    RecordEnd end = ReadRecord(d, n, p, [&](int column, const Field& f) {
      if (column == order_col) order = f;
      if (column == customer_col) customer = f;
      if (column == item_col) item = f;
      fields = column + 1;
    });
    if (end == RecordEnd::kBadQuote) {
      errors.Add(record, "malformed quoted field");
      continue;
    }
    if (fields < needed) {
      errors.Add(record, "expected at least " + std::to_string(needed) + " columns, found " +
                             std::to_string(fields));
      continue;
    }
    std::string_view order_key = key_of(order), customer_key = key_of(customer), item_key = key_of(item);
    if (order_key.empty() || customer_key.empty() || item_key.empty()) {
      errors.Add(record, "empty " + (order_key.empty()      ? options.order_column
                                     : customer_key.empty() ? options.customer_column
                                                            : options.item_column));
      continue;
    }
    uint32_t o = orders.FindOrInsert(order_key);
    uint32_t c = customers.FindOrInsert(customer_key);
    if (o == order_customer.size()) {
      order_customer.push_back(c);
    } else if (order_customer[o] != c) {
      errors.Add(record, options.order_column + " " + Quoted(order_key) + " names two customers");
      continue;
    }
    lines.emplace_back(o, items.FindOrInsert(item_key));
  }
  out.error_count = errors.count;
  if (errors.count > 0) {
    out.errors = WithLineNumbers(data, std::move(errors.kept));
    return out;
  }
  // Counting sort by order, then distinct items per order.
  const size_t order_count = order_customer.size();
  std::vector<uint32_t> start(order_count + 1, 0);
  for (const auto& [o, i] : lines) ++start[o + 1];
  for (size_t o = 0; o < order_count; ++o) start[o + 1] += start[o];
  std::vector<uint32_t> flat(lines.size());
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (const auto& [o, i] : lines) flat[fill[o]++] = i;
  Baskets& b = out.baskets;
  b.offsets.reserve(order_count + 1);
  b.offsets.push_back(0);
  for (size_t o = 0; o < order_count; ++o) {
    auto first = flat.begin() + start[o], last = flat.begin() + start[o + 1];
    std::sort(first, last);
    last = std::unique(first, last);
    b.items.insert(b.items.end(), first, last);
    b.offsets.push_back(static_cast<uint32_t>(b.items.size()));
  }
  b.basket_customer = std::move(order_customer);
  for (std::string_view k : items.keys()) b.item_keys.emplace_back(k);
  for (std::string_view k : customers.keys()) b.customer_keys.emplace_back(k);
  return out;
}

}  // namespace guanxi::analytics
