// The portable form of each table (see TableRows in store.h): which columns both
// backends share and the key rows are ordered by. Internal to src/store/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"

namespace guanxi {

struct PortableTable {
  struct OrderKey {
    std::string column;
    bool text = false;  // compared as bytes on both backends
  };
  std::string name;
  std::vector<std::string> columns;
  std::vector<OrderKey> order_by;  // rows are exported in this order
  // The migrations seed rows into this table (stage, sales_setting): an import
  // deletes them before loading the first chunk of the table.
  bool seeded = false;
  // Floating-point columns. Backends print doubles differently (SQLite rounds
  // to 15 digits), so exports write them as PortableReal: the shortest text
  // that reads back as the same double, identical on both backends.
  std::vector<std::string> real_columns = {};
};

// Which columns of `t` are real_columns, by position.
std::vector<bool> RealColumnMask(const PortableTable& t);
// The shortest round-trip decimal form of `v`.
std::string PortableReal(double v);
// `text` (a backend's rendering of a double) in PortableReal form.
std::optional<std::string> CanonicalReal(const std::optional<std::string>& text);

// The ORDER BY list of a table, as SQLite writes it (text compares as bytes).
std::string OrderByColumns(const PortableTable& t);

// In load order (a table comes after those it refers to, except team's manager,
// which refers to app_user, and buying_centre_member's reports_to, which refers
// to its own table: loads defer foreign-key checks to commit).
const std::vector<PortableTable>& PortableTableDefs();
const PortableTable* FindPortableTable(const std::string& name);
std::string JoinColumns(const std::vector<std::string>& columns);

// A row of TableRows read like a result row (Int/Text/OptInt/IsNull), so the
// shared row readers (store/rows.h) can turn it into a domain value.
class TextRow {
 public:
  explicit TextRow(const std::vector<std::optional<std::string>>& v) : v_(v) {}
  int64_t Int(int col) const;
  std::string Text(int col) const { return v_[col].value_or(""); }
  bool IsNull(int col) const { return !v_[col].has_value(); }
  std::optional<int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }

 private:
  const std::vector<std::optional<std::string>>& v_;
};

// Checks that `rows` names a portable table with exactly its columns.
Status CheckPortableChunk(const std::string& table, const std::vector<std::string>& columns);

}  // namespace guanxi
