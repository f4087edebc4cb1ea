#include "analytics/calendar.h"

namespace guanxi::analytics {
namespace {

// The computation shifts the year to start on 1 March, so the leap day is the last day
// of the shifted year, and counts in 400-year eras of 146097 days.
constexpr int64_t kDaysPerEra = 146097;
constexpr int64_t kEpochShift = 719468;  // days from 0000-03-01 to 1970-01-01

}  // namespace

bool IsLeapYear(int32_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int32_t DaysInMonth(int32_t year, int32_t month) {
  static constexpr int32_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

int32_t DayFromCivil(const CivilDate& date) {
  const int64_t y = static_cast<int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t shifted_month = date.month > 2 ? date.month - 3 : date.month + 9;
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + date.day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<int32_t>(era * kDaysPerEra + day_of_era - kEpochShift);
}

CivilDate CivilFromDay(int32_t day) {
  const int64_t z = static_cast<int64_t>(day) + kEpochShift;
  const int64_t era = (z >= 0 ? z : z - (kDaysPerEra - 1)) / kDaysPerEra;
  const int64_t day_of_era = z - era * kDaysPerEra;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  CivilDate out;
  out.day = static_cast<int32_t>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  out.month = static_cast<int32_t>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  out.year = static_cast<int32_t>(year_of_era + era * 400 + (out.month <= 2 ? 1 : 0));
  return out;
}

}  // namespace guanxi::analytics
