// Customer KPIs per month or quarter (客户获得率, 客户保留率, 流失率, 复购率, 客单价) and the
// cohort retention matrix. Periods are calendar months/quarters of the day numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/transactions.h"

namespace guanxi::analytics {

enum class PeriodKind { kMonth, kQuarter };
std::optional<PeriodKind> ParsePeriodKind(std::string_view s);  // "month" | "quarter"
// Label of the period containing `day`: "2026-11" or "2026Q4".
std::string PeriodLabel(PeriodKind kind, int32_t day);

// Definitions (period p; active(p) = customers with a purchase in p):
//  new            first purchase ever in p
//  base_start     customers whose first purchase is before p
//  acquisition    new / base_start            (null when base_start = 0)
//  retention      |active(p−1) ∩ active(p)| / |active(p−1)|   (null for the first period)
//  churn          1 − retention
//  repeat         share of active(p) with purchases on ≥ 2 different days in p
//  aov            revenue / orders (fen, rounded half up; 0 without orders)
struct KpiRow {
  std::string period;
  size_t active = 0, new_customers = 0, base_start = 0, orders = 0;
  int64_t revenue_fen = 0;
  int64_t aov_fen = 0;
  std::optional<double> acquisition_rate, retention_rate, churn_rate;
  double repeat_purchase_rate = 0;
  // Revenue split by a customer grouping (e.g. value tier or RFM class); one entry per
  // group key given to ComputeKpis, in that order.
  std::vector<int64_t> revenue_by_group_fen;
};

// Cohort = period of the first purchase; cell[c][k] = share of cohort c active in the
// period k periods after its first (k = 0 is 1.0).
struct CohortMatrix {
  std::vector<std::string> cohorts;
  std::vector<size_t> cohort_sizes;
  std::vector<std::vector<double>> retention;  // ragged: cohort c has periods up to the last
};

struct KpiResult {
  PeriodKind kind = PeriodKind::kMonth;
  std::vector<std::string> group_keys;
  std::vector<KpiRow> rows;   // every period from the first transaction to the last, in order
  CohortMatrix cohorts;
};
// `group_of[i]` is customer i's group index into `group_keys` (or −1 for none); both may
// be empty. Only transactions with from_day ≤ day ≤ to_day are counted in the rows and
// cohorts; whether a customer is new (and their cohort) is decided by their first purchase
// ever (on or before to_day), so a customer who bought before from_day is in base_start,
// not new. Cohorts without a member are left out.
KpiResult ComputeKpis(const Transactions& tx, PeriodKind kind, int32_t from_day, int32_t to_day,
                      const std::vector<std::string>& group_keys = {},
                      const std::vector<int>& group_of = {});

}  // namespace guanxi::analytics
