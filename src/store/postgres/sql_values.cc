#include "store/postgres/sql_values.h"

#include <variant>

#include "store/portable.h"

namespace guanxi::postgres {

void AddAll(Params& p, const std::vector<SqlValue>& values) {
  for (const auto& v : values) {
    if (std::holds_alternative<int64_t>(v)) p.Add(std::get<int64_t>(v));
    else if (std::holds_alternative<std::string>(v)) p.Add(std::get<std::string>(v));
    else if (std::holds_alternative<double>(v)) p.Add(PortableReal(std::get<double>(v)));
    else p.AddBytes(std::get<SqlBlob>(v).bytes);
  }
}

}  // namespace guanxi::postgres
