#include "analytics/btyd_groups.h"

#include <algorithm>
#include <compare>

namespace guanxi::analytics {

BtydGroups GroupBtydCustomers(const BtydData& data) {
  struct Triple {
    double x, t_x, T;
    auto operator<=>(const Triple&) const = default;
  };
  const size_t n = data.size();
  std::vector<Triple> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = Triple{data.x[i], data.t_x[i], data.T[i]};
  std::sort(rows.begin(), rows.end());
  BtydGroups g;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && rows[j] == rows[i]) ++j;
    if (g.distinct_x.empty() || g.distinct_x.back() != rows[i].x) g.distinct_x.push_back(rows[i].x);
    g.x_index.push_back(static_cast<uint32_t>(g.distinct_x.size() - 1));
    g.t_x.push_back(rows[i].t_x);
    g.T.push_back(rows[i].T);
    g.count.push_back(static_cast<double>(j - i));
    i = j;
  }
  return g;
}

}  // namespace guanxi::analytics
