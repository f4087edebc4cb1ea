// Customers of a BTYD fit grouped by identical (x, t_x, T), shared by the BG/NBD and
// Pareto/NBD likelihoods. Internal to the analytics layer.
#pragma once

#include <cstdint>
#include <vector>

#include "analytics/transactions.h"

namespace guanxi::analytics {

// The customers as unique (x, t_x, T) with multiplicities, sorted by (x, t_x, T) so that
// the terms depending on x alone are computed once per distinct x. Day or week data
// repeat triples heavily (all non-repeat buyers of a day share one), which makes a fit
// on millions of customers cost a fraction of the rows.
struct BtydGroups {
  std::vector<double> distinct_x;
  std::vector<uint32_t> x_index;  // per group, into distinct_x
  std::vector<double> t_x, T, count;
};

BtydGroups GroupBtydCustomers(const BtydData& data);

}  // namespace guanxi::analytics
