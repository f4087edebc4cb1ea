// The sources of a customer's 360° timeline, shared by both store backends.
//
// Each source is one table (or one kind of moment in a table) read as a
// newest-first range of an index on (customer, time, id): a statement that
// selects the fixed row shape of TimelineRow, and a function that turns such a
// row into a TimelineEntry. The timeline runs the selected sources' statements
// (each limited to one page plus one row past the cursor), then merges them.
// That keeps a page cheap however many interactions a customer has.
//
// Adding a kind of record (service cases, surveys, loyalty events once their
// tables exist) is one entry in kTimelineSources (timeline_sources.cc): its
// SELECT with the TimelineRow columns, the time and id expressions its index
// orders by, and its ToEntry function. Nothing else changes: the cursor, the
// merge and both backends work from the table. Internal to src/store/.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "store/interaction_store.h"
#include "store/list_query.h"

namespace guanxi::store_rows {

// The row every source selects: at, id, user id, user name, then 8 text and 4
// integer columns whose meaning is the source's own ('' / NULL when unused).
struct TimelineRow {
  UnixSeconds at = 0;
  int64_t id = 0;
  std::optional<int64_t> user_id;
  std::string user_name;
  std::array<std::string, 8> text;
  std::array<std::optional<int64_t>, 4> num;
};
constexpr int kTimelineColumns = 16;

template <typename Row>
TimelineRow ReadTimelineRow(const Row& s) {
  TimelineRow r;
  r.at = s.Int(0);
  r.id = s.Int(1);
  r.user_id = s.OptInt(2);
  if (!s.IsNull(3)) r.user_name = s.Text(3);
  for (int i = 0; i < 8; ++i) {
    if (!s.IsNull(4 + i)) r.text[i] = s.Text(4 + i);
  }
  for (int i = 0; i < 4; ++i) r.num[i] = s.OptInt(12 + i);
  return r;
}

struct TimelineSource {
  const char* kind;    // the filter group (TimelineKinds())
  const char* key;     // unique, orders entries of one second: "task.completed"
  const char* select;  // SELECT <16 columns> FROM … WHERE …, customer id markers `?`
  int customer_markers;  // how many `?` of `select` take the customer id
  const char* at_expr;   // the time column its index orders by
  const char* id_expr;
  TimelineEntry (*to_entry)(const TimelineRow&);
};

// The filter groups, in the order the API documents them.
const std::vector<std::string>& TimelineKinds();

// One statement per selected source, each ending in "LIMIT ?".
struct TimelineStatement {
  const TimelineSource* source;
  std::string sql;
  std::vector<SqlValue> args;
};
// InvalidArgument ("kinds", "after", "limit") for a bad query.
Result<std::vector<TimelineStatement>> PlanTimeline(const TimelineQuery& q);

// Merges the rows each statement answered (rows[i] for statements[i]) into
// the page: at desc, source key asc, id desc; `next` when more remain.
Page<TimelineEntry> MergeTimeline(const std::vector<TimelineStatement>& statements,
                                  const std::vector<std::vector<TimelineRow>>& rows, int limit);

}  // namespace guanxi::store_rows
