#include "store/timeline_sources.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "domain/customer_json.h"
#include "store/cursor.h"
#include "store/rows.h"

namespace guanxi::store_rows {

namespace {

constexpr size_t kTitleChars = 80;

// The first line of `text`, at most kTitleChars code points.
std::string Excerpt(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // A byte that is not a UTF-8 continuation byte starts a code point.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == kTitleChars) {
      return std::string(text.substr(0, i)) + "…";
    }
  }
  return std::string(text);
}

// Writes one JSON object: JsonObject([&](auto& o) { o.Text("k", v); o.Int("n", x); }).
class DataObject {
 public:
  explicit DataObject(JsonWriter& w) : w_(w) {}
  DataObject& Text(const char* key, std::string_view v) {
    w_.Key(key);
    WriteString(w_, v);
    return *this;
  }
  DataObject& Int(const char* key, const std::optional<int64_t>& v) {
    w_.Key(key);
    if (v) w_.Int64(*v); else w_.Null();
    return *this;
  }
  // A text column that stands for a nullable value ('' = null).
  DataObject& OptText(const char* key, std::string_view v) {
    w_.Key(key);
    if (v.empty()) w_.Null(); else WriteString(w_, v);
    return *this;
  }

 private:
  JsonWriter& w_;
};

std::string Data(const std::function<void(DataObject&)>& fill) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  DataObject o(w);
  fill(o);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

TimelineEntry Base(const TimelineRow& r, const char* kind, std::string event) {
  TimelineEntry e;
  e.kind = kind;
  e.event = std::move(event);
  e.id = r.id;
  e.at = r.at;
  e.user_id = r.user_id;
  e.user_name = r.user_name;
  return e;
}

// text: subject, summary, outcome, channel, direction; num: duration, contact, opportunity, case.
TimelineEntry InteractionEntry(const TimelineRow& r) {
  TimelineEntry e = Base(r, "interaction", "logged");
  e.title = r.text[0].empty() ? Excerpt(r.text[1]) : r.text[0];
  e.detail = r.text[2];
  e.data = Data([&](DataObject& o) {
    o.Text("channel", r.text[3]).Text("direction", r.text[4]).Text("subject", r.text[0])
        .Text("summary", r.text[1]).Text("outcome", r.text[2]).Int("duration_minutes", r.num[0])
        .Int("contact_id", r.num[1]).Int("opportunity_id", r.num[2]).Int("case_id", r.num[3]);
  });
  return e;
}

// text: title, kind, priority, due_day, due_time, status, origin, note; num: assignee, origin_id.
TimelineEntry TaskCreatedEntry(const TimelineRow& r) {
  TimelineEntry e = Base(r, "task", "created");
  e.title = r.text[0];
  e.detail = r.text[7];
  e.data = Data([&](DataObject& o) {
    o.Text("task_kind", r.text[1]).Text("priority", r.text[2]).Text("due_day", r.text[3])
        .OptText("due_time", r.text[4]).Text("status", r.text[5]).Text("origin", r.text[6])
        .Int("origin_id", r.num[1]).Int("assignee_user_id", r.num[0]);
  });
  return e;
}

// text: title, kind, status, completion_note, origin; num: assignee, origin_id.
TimelineEntry TaskFinishedEntry(const TimelineRow& r) {
  TimelineEntry e = Base(r, "task", r.text[2] == "done" ? "completed" : "cancelled");
  e.title = r.text[0];
  e.detail = r.text[3];
  e.data = Data([&](DataObject& o) {
    o.Text("task_kind", r.text[1]).Text("status", r.text[2]).Text("origin", r.text[4])
        .Int("origin_id", r.num[1]).Int("assignee_user_id", r.num[0]);
  });
  return e;
}

// text: status, channel, external_id, note; num: total (fen), opportunity.
TimelineEntry OrderEntry(const TimelineRow& r) {
  TimelineEntry e = Base(r, "order", "ordered");
  e.title = r.text[2].empty() ? "#" + std::to_string(r.id) : r.text[2];
  e.detail = r.text[3];
  e.data = Data([&](DataObject& o) {
    o.Text("status", r.text[0]).Text("channel", r.text[1]).OptText("external_id", r.text[2])
        .Int("total", r.num[0]).Int("opportunity_id", r.num[1]);
  });
  return e;
}

// text: title, event kind, from_stage, to_stage, to_stage name zh/en, expected_close; num: opportunity, amount.
TimelineEntry OpportunityEntry(const TimelineRow& r) {
  TimelineEntry e = Base(r, "opportunity", r.text[1] == "create" ? "created" : "stage");
  e.title = r.text[0];
  e.data = Data([&](DataObject& o) {
    o.Int("opportunity_id", r.num[0]).OptText("from_stage", r.text[2]).Text("to_stage", r.text[3])
        .Text("to_stage_name_zh", r.text[4]).Text("to_stage_name_en", r.text[5]).Int("amount", r.num[1])
        .Text("expected_close", r.text[6]);
  });
  return e;
}

// text: field, from, to, source.
TimelineEntry LifecycleEntry(const TimelineRow& r) {
  TimelineEntry e = Base(r, "lifecycle", r.text[0]);
  e.title = r.text[2];
  e.detail = r.text[1];
  e.data = Data([&](DataObject& o) {
    o.Text("field", r.text[0]).OptText("from", r.text[1]).Text("to", r.text[2]).Text("source", r.text[3]);
  });
  return e;
}

// text: reason, note, from name, to name; num: from, to, tasks moved, opportunities moved.
TimelineEntry OwnerEntry(const TimelineRow& r) {
  TimelineEntry e = Base(r, "owner", r.text[0]);
  e.title = r.text[3];
  e.detail = r.text[1];
  e.data = Data([&](DataObject& o) {
    o.Text("reason", r.text[0]).Text("note", r.text[1]).Int("from_user_id", r.num[0])
        .OptText("from_user_name", r.text[2]).Int("to_user_id", r.num[1]).OptText("to_user_name", r.text[3])
        .Int("tasks_moved", r.num[2]).Int("opportunities_moved", r.num[3]);
  });
  return e;
}

// text: the other customer's name; num: the other customer, undone_at, undo_until.
TimelineEntry MergeEntry(const TimelineRow& r, const char* role) {
  TimelineEntry e = Base(r, "merge", role);
  e.title = r.text[0];
  e.data = Data([&](DataObject& o) {
    o.Text("role", role).Int("other_customer_id", r.num[0]).Text("other_customer_name", r.text[0])
        .Int("undone_at", r.num[1]).Int("undo_until", r.num[2]);
  });
  return e;
}
TimelineEntry MergedEntry(const TimelineRow& r) { return MergeEntry(r, "merged"); }
TimelineEntry SurvivorEntry(const TimelineRow& r) { return MergeEntry(r, "survivor"); }

// text: journey name, start_day, status, left_reason; num: journey.
TimelineEntry JourneyEntry(const TimelineRow& r, std::string event) {
  TimelineEntry e = Base(r, "journey", std::move(event));
  e.title = r.text[0];
  e.detail = r.text[3];
  e.data = Data([&](DataObject& o) {
    o.Int("journey_id", r.num[0]).Text("journey_name", r.text[0]).Text("start_day", r.text[1])
        .Text("status", r.text[2]).Text("left_reason", r.text[3]);
  });
  return e;
}
TimelineEntry EnrolledEntry(const TimelineRow& r) { return JourneyEntry(r, "enrolled"); }
TimelineEntry EndedEntry(const TimelineRow& r) { return JourneyEntry(r, r.text[2]); }

// Sorted by key: the merge's tie order within one second.
constexpr TimelineSource kTimelineSources[] = {
    {"interaction", "interaction",
     "SELECT i.at, i.id, i.user_id, u.display_name, i.subject, i.summary, i.outcome, i.channel, i.direction, "
     "'', '', '', i.duration_minutes, i.contact_id, i.opportunity_id, i.case_id "
     "FROM interaction i LEFT JOIN app_user u ON u.id = i.user_id WHERE i.customer_id = ?",
     1, "i.at", "i.id", InteractionEntry},
    {"journey", "journey.ended",
     "SELECT e.ended_at, e.id, NULL, NULL, j.name, e.start_day, e.status, e.left_reason, '', '', '', '', "
     "e.journey_id, NULL, NULL, NULL FROM journey_enrollment e JOIN journey j ON j.id = e.journey_id "
     "WHERE e.customer_id = ? AND e.ended_at IS NOT NULL AND e.status IN ('left', 'completed')",
     1, "e.ended_at", "e.id", EndedEntry},
    {"journey", "journey.enrolled",
     "SELECT e.enrolled_at, e.id, NULL, NULL, j.name, e.start_day, e.status, e.left_reason, '', '', '', '', "
     "e.journey_id, NULL, NULL, NULL FROM journey_enrollment e JOIN journey j ON j.id = e.journey_id "
     "WHERE e.customer_id = ?",
     1, "e.enrolled_at", "e.id", EnrolledEntry},
    {"lifecycle", "lifecycle",
     "SELECT h.at, h.id, h.user_id, u.display_name, h.field, h.from_value, h.to_value, h.source, "
     "'', '', '', '', NULL, NULL, NULL, NULL "
     "FROM lifecycle_history h LEFT JOIN app_user u ON u.id = h.user_id WHERE h.customer_id = ?",
     1, "h.at", "h.id", LifecycleEntry},
    {"merge", "merge.merged",
     "SELECT m.at, m.id, m.user_id, u.display_name, c.name, '', '', '', '', '', '', '', "
     "m.survivor_id, m.undone_at, m.undo_until, NULL FROM customer_merge m "
     "LEFT JOIN customer c ON c.id = m.survivor_id LEFT JOIN app_user u ON u.id = m.user_id "
     "WHERE m.merged_id = ?",
     1, "m.at", "m.id", MergedEntry},
    {"merge", "merge.survivor",
     "SELECT m.at, m.id, m.user_id, u.display_name, c.name, '', '', '', '', '', '', '', "
     "m.merged_id, m.undone_at, m.undo_until, NULL FROM customer_merge m "
     "LEFT JOIN customer c ON c.id = m.merged_id LEFT JOIN app_user u ON u.id = m.user_id "
     "WHERE m.survivor_id = ?",
     1, "m.at", "m.id", SurvivorEntry},
    {"opportunity", "opportunity",
     "SELECT e.at, e.id, e.user_id, u.display_name, o.title, e.kind, e.from_stage, e.to_stage, "
     "COALESCE(s.name_zh, e.to_stage), COALESCE(s.name_en, e.to_stage), e.expected_close, '', "
     "e.opportunity_id, e.amount, NULL, NULL FROM opportunity_event e "
     "JOIN opportunity o ON o.id = e.opportunity_id LEFT JOIN stage s ON s.key = e.to_stage "
     "LEFT JOIN app_user u ON u.id = e.user_id WHERE o.customer_id = ? AND e.kind IN ('create', 'stage')",
     1, "e.at", "e.id", OpportunityEntry},
    {"order", "order",
     "SELECT o.ordered_at, o.id, o.owner_user_id, u.display_name, o.status, o.channel, "
     "COALESCE(o.external_id, ''), o.note, '', '', '', '', o.total, o.opportunity_id, NULL, NULL "
     "FROM sales_order o LEFT JOIN app_user u ON u.id = o.owner_user_id WHERE o.customer_id = ?",
     1, "o.ordered_at", "o.id", OrderEntry},
    {"owner", "owner",
     "SELECT h.at, h.id, h.user_id, u.display_name, h.reason, h.note, fu.display_name, tu.display_name, "
     "'', '', '', '', h.from_user_id, h.to_user_id, h.tasks_moved, h.opportunities_moved "
     "FROM owner_history h LEFT JOIN app_user u ON u.id = h.user_id "
     "LEFT JOIN app_user fu ON fu.id = h.from_user_id LEFT JOIN app_user tu ON tu.id = h.to_user_id "
     "WHERE h.customer_id = ?",
     1, "h.at", "h.id", OwnerEntry},
    {"task", "task.completed",
     "SELECT t.completed_at, t.id, t.completed_by, u.display_name, t.title, t.kind, t.status, "
     "t.completion_note, t.origin, '', '', '', t.assignee_user_id, t.origin_id, NULL, NULL "
     "FROM task t LEFT JOIN app_user u ON u.id = t.completed_by "
     "WHERE t.customer_id = ? AND t.completed_at IS NOT NULL AND t.status IN ('done', 'cancelled')",
     1, "t.completed_at", "t.id", TaskFinishedEntry},
    {"task", "task.created",
     "SELECT t.created_at, t.id, t.created_by, u.display_name, t.title, t.kind, t.priority, t.due_day, "
     "t.due_time, t.status, t.origin, t.note, t.assignee_user_id, t.origin_id, NULL, NULL "
     "FROM task t LEFT JOIN app_user u ON u.id = t.created_by WHERE t.customer_id = ?",
     1, "t.created_at", "t.id", TaskCreatedEntry},
};

const TimelineSource* SourceByKey(std::string_view key) {
  for (const auto& s : kTimelineSources) {
    if (key == s.key) return &s;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& TimelineKinds() {
  static const std::vector<std::string> kinds = {"interaction", "task", "order", "opportunity",
                                                 "lifecycle", "owner", "merge", "journey"};
  return kinds;
}

Result<std::vector<TimelineStatement>> PlanTimeline(const TimelineQuery& q) {
  for (const auto& k : q.kinds) {
    if (std::find(TimelineKinds().begin(), TimelineKinds().end(), k) == TimelineKinds().end()) {
      return Status::InvalidField("kinds", "unknown kind " + k);
    }
  }
  if (q.limit < 1 || q.limit > 200) return Status::InvalidField("limit", "must be between 1 and 200");
  struct Cursor {
    int64_t at;
    std::string key;
    int64_t id;
  };
  std::optional<Cursor> cursor;
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 3);
    auto at = parts ? ParseInt64((*parts)[0]) : std::nullopt;
    auto id = parts ? ParseInt64((*parts)[2]) : std::nullopt;
    if (!at || !id || !SourceByKey((*parts)[1])) {
      return Status::InvalidField("after", "not a cursor this server issued");
    }
    cursor = Cursor{*at, (*parts)[1], *id};
  }
  std::vector<TimelineStatement> out;
  for (const auto& source : kTimelineSources) {
    if (!q.kinds.empty() && std::find(q.kinds.begin(), q.kinds.end(), source.kind) == q.kinds.end()) continue;
    TimelineStatement st{&source, source.select, {}};
    for (int i = 0; i < source.customer_markers; ++i) st.args.emplace_back(q.customer_id);
    const std::string at = source.at_expr;
    if (cursor) {
      // Entries of the cursor's second sort by source key, then id desc: a
      // source after the cursor's still has that second ahead, one before it
      // has none of it left.
      const int order = std::string_view(source.key).compare(cursor->key);
      if (order > 0) {
        st.sql += " AND " + at + " <= ?";
        st.args.emplace_back(cursor->at);
      } else if (order == 0) {
        st.sql += " AND (" + at + " < ? OR (" + at + " = ? AND " + source.id_expr + " < ?))";
        st.args.emplace_back(cursor->at);
        st.args.emplace_back(cursor->at);
        st.args.emplace_back(cursor->id);
      } else {
        st.sql += " AND " + at + " < ?";
        st.args.emplace_back(cursor->at);
      }
    }
    st.sql += " ORDER BY " + at + " DESC, " + source.id_expr + " DESC LIMIT ?";
    st.args.emplace_back(static_cast<int64_t>(q.limit + 1));
    out.push_back(std::move(st));
  }
  return out;
}

Page<TimelineEntry> MergeTimeline(const std::vector<TimelineStatement>& statements,
                                  const std::vector<std::vector<TimelineRow>>& rows, int limit) {
  struct Ref {
    const TimelineRow* row;
    const TimelineSource* source;
  };
  std::vector<Ref> all;
  for (size_t i = 0; i < statements.size() && i < rows.size(); ++i) {
    for (const auto& r : rows[i]) all.push_back({&r, statements[i].source});
  }
  auto before = [](const Ref& a, const Ref& b) {
    if (a.row->at != b.row->at) return a.row->at > b.row->at;
    const int order = std::string_view(a.source->key).compare(b.source->key);
    if (order != 0) return order < 0;
    return a.row->id > b.row->id;
  };
  const size_t keep = std::min(all.size(), static_cast<size_t>(limit) + 1);
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), before);
  Page<TimelineEntry> page;
  for (size_t i = 0; i < keep && i < static_cast<size_t>(limit); ++i) {
    page.items.push_back(all[i].source->to_entry(*all[i].row));
  }
  if (keep > static_cast<size_t>(limit)) {
    const Ref& last = all[static_cast<size_t>(limit) - 1];
    page.next = EncodeCursor({std::to_string(last.row->at), last.source->key, std::to_string(last.row->id)});
  }
  return page;
}

}  // namespace guanxi::store_rows
