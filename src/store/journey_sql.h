// The JourneyStore is written once over this small SQL seam; each backend
// supplies a connection adapter (sqlite/journey_store.cc, postgres/journey_store.cc).
// Statements use `?` markers (the PostgreSQL adapter numbers them) and the few
// dialect differences (day arithmetic) are chosen by JourneyBackend::postgres().
// Values travel as text, which keeps the seam tiny; the journey tables hold
// integers and short text only. Internal to src/store/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "store/journey_store.h"

namespace guanxi::journey_sql {

// A bound value: NULL, an integer or text. (A plain struct rather than an
// optional variant, which GCC 12 misreads as maybe-uninitialized at -O3.)
struct Arg {
  enum class Kind { kNull, kInt, kText } kind = Kind::kNull;
  int64_t i = 0;
  std::string s;
  Arg() = default;
  Arg(int64_t v) : kind(Kind::kInt), i(v) {}              // NOLINT(google-explicit-constructor)
  Arg(int v) : kind(Kind::kInt), i(v) {}                  // NOLINT(google-explicit-constructor)
  Arg(std::string v) : kind(Kind::kText), s(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  Arg(const char* v) : kind(Kind::kText), s(v) {}         // NOLINT(google-explicit-constructor)
};
using Args = std::vector<Arg>;

inline Arg OptInt(const std::optional<int64_t>& v) { return v ? Arg(*v) : Arg(); }
inline Arg OptText(const std::optional<std::string>& v) { return v ? Arg(*v) : Arg(); }

struct Row {
  std::vector<std::optional<std::string>> values;
  bool IsNull(int i) const { return !values[static_cast<size_t>(i)].has_value(); }
  std::string Text(int i) const { return values[static_cast<size_t>(i)].value_or(""); }
  int64_t Int(int i) const;
  std::optional<int64_t> OptInt(int i) const {
    if (IsNull(i)) return std::nullopt;
    return Int(i);
  }
};

// One connection, inside a read or a write transaction.
class Sql {
 public:
  virtual ~Sql() = default;
  virtual Result<std::vector<Row>> Query(const std::string& sql, const Args& args) = 0;
  // Answers the number of rows changed.
  virtual Result<int64_t> Exec(const std::string& sql, const Args& args) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual bool postgres() const = 0;
  // Runs `fn` on a reader connection.
  virtual Status Read(const std::function<Status(Sql&)>& fn) = 0;
  // Runs `fn` in one write transaction (all or nothing).
  virtual Status Write(const std::function<Status(Sql&)>& fn) = 0;
};

std::unique_ptr<JourneyStore> NewJourneyStore(std::unique_ptr<Backend> backend);

}  // namespace guanxi::journey_sql
