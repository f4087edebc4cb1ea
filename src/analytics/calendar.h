// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).
//
// Internal to the analytics layer: transactions.cc formats and parses days with it and
// kpi.cc derives months and quarters. Pure integer arithmetic (civil-from-days), valid
// for every int32 day, so no locale or time-zone library is involved.
#pragma once

#include <cstdint>

namespace guanxi::analytics {

struct CivilDate {
  int32_t year = 1970;
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..31
};

bool IsLeapYear(int32_t year);
int32_t DaysInMonth(int32_t year, int32_t month);
// Day number of a valid date (the caller checks validity).
int32_t DayFromCivil(const CivilDate& date);
CivilDate CivilFromDay(int32_t day);

}  // namespace guanxi::analytics
