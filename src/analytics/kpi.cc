#include "analytics/kpi.h"

#include <cstdio>
#include <limits>

#include "analytics/by_customer.h"
#include "analytics/calendar.h"

namespace guanxi::analytics {
namespace {

constexpr int64_t kMonthsPerYear = 12;
constexpr int64_t kQuartersPerYear = 4;
constexpr int32_t kMonthsPerQuarter = 3;

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t PerYear(PeriodKind kind) {
  return kind == PeriodKind::kMonth ? kMonthsPerYear : kQuartersPerYear;
}

// Periods are numbered consecutively across years so that "the previous period" is −1.
int64_t PeriodIndex(PeriodKind kind, int32_t day) {
  const CivilDate d = CivilFromDay(day);
  const int64_t within =
      kind == PeriodKind::kMonth ? d.month - 1 : (d.month - 1) / kMonthsPerQuarter;
  return int64_t{d.year} * PerYear(kind) + within;
}

// The first day of the period after `index`.
int32_t NextPeriodStart(PeriodKind kind, int64_t index) {
  const int64_t next = index + 1;
  const int64_t year = FloorDiv(next, PerYear(kind));
  const int64_t within = next - year * PerYear(kind);
  const int64_t month = kind == PeriodKind::kMonth ? within + 1 : within * kMonthsPerQuarter + 1;
  return DayFromCivil(CivilDate{static_cast<int32_t>(year), static_cast<int32_t>(month), 1});
}

std::string LabelOfIndex(PeriodKind kind, int64_t index) {
  const int64_t year = FloorDiv(index, PerYear(kind));
  // Days are int32, so years and periods fit an int.
  const int64_t within = index - year * PerYear(kind) + 1;
  char buf[32];
  if (kind == PeriodKind::kMonth) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(year), static_cast<int>(within));
  } else {
    std::snprintf(buf, sizeof buf, "%04dQ%d", static_cast<int>(year), static_cast<int>(within));
  }
  return buf;
}

int64_t DivRoundHalfUp(int64_t a, int64_t b) { return FloorDiv(2 * a + b, 2 * b); }

}  // namespace

std::optional<PeriodKind> ParsePeriodKind(std::string_view s) {
  if (s == "month") return PeriodKind::kMonth;
  if (s == "quarter") return PeriodKind::kQuarter;
  return std::nullopt;
}

std::string PeriodLabel(PeriodKind kind, int32_t day) {
  return LabelOfIndex(kind, PeriodIndex(kind, day));
}

KpiResult ComputeKpis(const Transactions& tx, PeriodKind kind, int32_t from_day, int32_t to_day,
                      const std::vector<std::string>& group_keys,
                      const std::vector<int>& group_of) {
  KpiResult out;
  out.kind = kind;
  out.group_keys = group_keys;

  // The window's periods run from its first transaction to its last.
  int32_t first_day = std::numeric_limits<int32_t>::max();
  int32_t last_day = std::numeric_limits<int32_t>::min();
  for (size_t i = 0; i < tx.size(); ++i) {
    const int32_t d = tx.day[i];
    if (d < from_day || d > to_day) continue;
    first_day = std::min(first_day, d);
    last_day = std::max(last_day, d);
  }
  if (first_day > last_day) return out;
  const int64_t p0 = PeriodIndex(kind, first_day);
  const auto periods = static_cast<size_t>(PeriodIndex(kind, last_day) - p0 + 1);

  // Earlier rows are kept so that "new" means new ever, not new to the window.
  const RowsByCustomer by = GroupByCustomer(tx, std::numeric_limits<int32_t>::min(), to_day);
  const size_t groups = group_keys.size();
  std::vector<size_t> retained(periods, 0), repeaters(periods, 0);
  std::vector<std::vector<size_t>> cohort_active(periods);
  for (size_t c = 0; c < periods; ++c) cohort_active[c].assign(periods - c, 0);
  out.rows.resize(periods);
  for (KpiRow& row : out.rows) row.revenue_by_group_fen.assign(groups, 0);
  size_t base_before_window = 0;

  for (size_t c = 0; c < by.customer_count(); ++c) {
    const size_t b = by.offsets[c];
    const size_t e = by.offsets[c + 1];
    if (b == e) continue;
    const int64_t first_period = PeriodIndex(kind, by.rows[b].day);
    const bool in_cohort = first_period >= p0;
    if (in_cohort) {
      ++out.rows[static_cast<size_t>(first_period - p0)].new_customers;
    } else {
      ++base_before_window;
    }
    const int group = c < group_of.size() ? group_of[c] : -1;
    const bool has_group = group >= 0 && static_cast<size_t>(group) < groups;
    int64_t previous_active = std::numeric_limits<int64_t>::min();
    size_t i = b;
    while (i < e && by.rows[i].day < from_day) ++i;
    // One period at a time: its rows, its distinct days.
    while (i < e) {
      const int64_t period = PeriodIndex(kind, by.rows[i].day);
      const int32_t period_end = NextPeriodStart(kind, period);
      const auto p = static_cast<size_t>(period - p0);
      KpiRow& row = out.rows[p];
      size_t distinct_days = 0;
      int32_t day = std::numeric_limits<int32_t>::min();
      for (; i < e && by.rows[i].day < period_end; ++i) {
        if (by.rows[i].day != day) {
          day = by.rows[i].day;
          ++distinct_days;
        }
        ++row.orders;
        row.revenue_fen += by.rows[i].amount_fen;
        if (has_group)
          row.revenue_by_group_fen[static_cast<size_t>(group)] += by.rows[i].amount_fen;
      }
      ++row.active;
      if (distinct_days >= 2) ++repeaters[p];
      if (previous_active == period - 1) ++retained[p];
      if (in_cohort) {
        const auto cohort = static_cast<size_t>(first_period - p0);
        ++cohort_active[cohort][p - cohort];
      }
      previous_active = period;
    }
  }

  size_t base = base_before_window;
  for (size_t p = 0; p < periods; ++p) {
    KpiRow& row = out.rows[p];
    row.period = LabelOfIndex(kind, p0 + static_cast<int64_t>(p));
    row.base_start = base;
    base += row.new_customers;
    row.aov_fen =
        row.orders == 0 ? 0 : DivRoundHalfUp(row.revenue_fen, static_cast<int64_t>(row.orders));
    if (row.base_start > 0) {
      row.acquisition_rate =
          static_cast<double>(row.new_customers) / static_cast<double>(row.base_start);
    }
    if (p > 0 && out.rows[p - 1].active > 0) {
      row.retention_rate =
          static_cast<double>(retained[p]) / static_cast<double>(out.rows[p - 1].active);
      row.churn_rate = 1.0 - *row.retention_rate;
    }
    row.repeat_purchase_rate =
        row.active == 0 ? 0.0 : static_cast<double>(repeaters[p]) / static_cast<double>(row.active);
  }

  // Cohorts without a member have no shares to show and are left out.
  for (size_t c = 0; c < periods; ++c) {
    const size_t size = out.rows[c].new_customers;
    if (size == 0) continue;
    out.cohorts.cohorts.push_back(out.rows[c].period);
    out.cohorts.cohort_sizes.push_back(size);
    std::vector<double> shares(cohort_active[c].size());
    for (size_t k = 0; k < shares.size(); ++k) {
      shares[k] = static_cast<double>(cohort_active[c][k]) / static_cast<double>(size);
    }
    out.cohorts.retention.push_back(std::move(shares));
  }
  return out;
}

}  // namespace guanxi::analytics
