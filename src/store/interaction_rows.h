// Interaction rows as both store backends read and write them: the column
// list, the row reader, the insert/update statements with their binding order,
// the reference checks of a write and the list statement (with `?` markers;
// PostgreSQL numbers them). Internal to src/store/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/interaction_store.h"
#include "store/list_query.h"

namespace guanxi::store_rows {

constexpr char kInteractionColumns[] =
    "i.id, i.version, i.customer_id, i.contact_id, i.user_id, i.channel, i.direction, i.at, i.subject, "
    "i.summary, i.outcome, i.duration_minutes, i.opportunity_id, i.case_id, i.created_at, i.updated_at";

template <typename Row>
Interaction ReadInteraction(const Row& s) {
  Interaction i;
  i.id = s.Int(0);
  i.version = s.Int(1);
  i.customer_id = s.Int(2);
  i.contact_id = s.OptInt(3);
  i.user_id = s.OptInt(4);
  i.channel = s.Text(5);
  i.direction = s.Text(6);
  i.at = s.Int(7);
  i.subject = s.Text(8);
  i.summary = s.Text(9);
  i.outcome = s.Text(10);
  i.duration_minutes = s.OptInt(11);
  i.opportunity_id = s.OptInt(12);
  i.case_id = s.OptInt(13);
  i.created_at = s.Int(14);
  i.updated_at = s.Int(15);
  return i;
}

// A new interaction, version 1: 14 markers in BindInteractionValues order
// followed by created_at and updated_at; backends append their id answer.
constexpr char kInteractionInsertSql[] =
    "INSERT INTO interaction(version, contact_id, user_id, channel, direction, at, subject, summary, "
    "outcome, duration_minutes, opportunity_id, case_id, customer_id, created_at, updated_at) "
    "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// The editable fields in BindInteractionValues order, then updated_at, id and
// the expected version.
constexpr char kInteractionUpdateSql[] =
    "UPDATE interaction SET version = version + 1, contact_id = ?, user_id = ?, channel = ?, "
    "direction = ?, at = ?, subject = ?, summary = ?, outcome = ?, duration_minutes = ?, "
    "opportunity_id = ?, case_id = ?, updated_at = ? WHERE id = ? AND version = ?";

// Binds the editable fields (contact … case_id, 11 markers) through
// `bind(optional<int64_t>)` and `bind_text(string)`.
template <typename BindInt, typename BindText>
void BindInteractionValues(const Interaction& i, BindInt bind, BindText bind_text) {
  bind(i.contact_id);
  bind(i.user_id);
  bind_text(i.channel);
  bind_text(i.direction);
  bind(std::optional<int64_t>(i.at));
  bind_text(i.subject);
  bind_text(i.summary);
  bind_text(i.outcome);
  bind(i.duration_minutes);
  bind(i.opportunity_id);
  bind(i.case_id);
}

// One existence check of a write: the statement answers a row when the
// reference is sound; otherwise the write fails InvalidArgument on `field`.
struct ReferenceCheck {
  std::string field;
  std::string sql;  // "SELECT 1 FROM … WHERE …" with `?` markers
  std::vector<int64_t> args;
};
// The checks of an interaction (customer, contact and opportunity of that
// customer, user) and of its follow-up's assignee.
std::vector<ReferenceCheck> InteractionReferenceChecks(const Interaction& i, const std::optional<Task>& follow_up);

struct InteractionListSql {
  std::string sql;  // ends with "LIMIT ?" (limit + 1)
  std::vector<SqlValue> args;
};
Result<InteractionListSql> PlanInteractionList(const InteractionQuery& q);
// Drops the look-ahead row and sets the cursor of the following page.
void FinishInteractionPage(Page<Interaction>& page, int limit);

// The follow-up task as it is inserted with the interaction `interaction_id`.
Task FollowUpTask(Task t, const Interaction& i);

}  // namespace guanxi::store_rows
