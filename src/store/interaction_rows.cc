#include "store/interaction_rows.h"

#include "store/cursor.h"
#include "store/rows.h"

namespace guanxi::store_rows {

std::vector<ReferenceCheck> InteractionReferenceChecks(const Interaction& i, const std::optional<Task>& follow_up) {
  std::vector<ReferenceCheck> out;
  out.push_back({"customer_id", "SELECT 1 FROM customer WHERE id = ?", {i.customer_id}});
  if (i.contact_id) {
    out.push_back({"contact_id", "SELECT 1 FROM contact WHERE id = ? AND customer_id = ?",
                   {*i.contact_id, i.customer_id}});
  }
  if (i.opportunity_id) {
    out.push_back({"opportunity_id", "SELECT 1 FROM opportunity WHERE id = ? AND customer_id = ?",
                   {*i.opportunity_id, i.customer_id}});
  }
  if (i.user_id) out.push_back({"user_id", "SELECT 1 FROM app_user WHERE id = ?", {*i.user_id}});
  if (follow_up && follow_up->assignee_user_id) {
    out.push_back({"follow_up/assignee_user_id", "SELECT 1 FROM app_user WHERE id = ?",
                   {*follow_up->assignee_user_id}});
  }
  return out;
}

Result<InteractionListSql> PlanInteractionList(const InteractionQuery& q) {
  InteractionListSql out;
  out.sql = std::string("SELECT ") + kInteractionColumns + " FROM interaction i";
  // Visibility follows the customer's owner, so only a scoped list joins it.
  if (q.scope.kind != VisibilityScope::Kind::kAll) out.sql += " JOIN customer c ON c.id = i.customer_id";
  out.sql += " WHERE 1 = 1";
  switch (q.scope.kind) {
    case VisibilityScope::Kind::kAll: break;
    case VisibilityScope::Kind::kOwner:
      out.sql += " AND c.owner_user_id = ?";
      out.args.emplace_back(q.scope.id);
      break;
    case VisibilityScope::Kind::kTeam:
      out.sql += " AND c.owner_user_id IN (SELECT id FROM app_user WHERE team_id = ?)";
      out.args.emplace_back(q.scope.id);
      break;
  }
  if (q.customer_id) {
    out.sql += " AND i.customer_id = ?";
    out.args.emplace_back(*q.customer_id);
  }
  if (q.user_id) {
    out.sql += " AND i.user_id = ?";
    out.args.emplace_back(*q.user_id);
  }
  if (!q.channel.empty()) {
    if (!IsInteractionChannel(q.channel)) return Status::InvalidField("channel", "no such channel");
    out.sql += " AND i.channel = ?";
    out.args.emplace_back(q.channel);
  }
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 2);
    auto at = parts ? ParseInt64((*parts)[0]) : std::nullopt;
    auto id = parts ? ParseInt64((*parts)[1]) : std::nullopt;
    if (!at || !id) return Status::InvalidField("after", "not a cursor this server issued");
    out.sql += " AND (i.at < ? OR (i.at = ? AND i.id < ?))";
    out.args.emplace_back(*at);
    out.args.emplace_back(*at);
    out.args.emplace_back(*id);
  }
  out.sql += " ORDER BY i.at DESC, i.id DESC LIMIT ?";
  out.args.emplace_back(static_cast<int64_t>(q.limit + 1));
  return out;
}

void FinishInteractionPage(Page<Interaction>& page, int limit) {
  FinishPage(page, limit, [](const Interaction& i) {
    return std::vector<std::string>{std::to_string(i.at), std::to_string(i.id)};
  });
}

Task FollowUpTask(Task t, const Interaction& i) {
  t.customer_id = i.customer_id;
  t.kind = "follow_up";
  t.origin = "interaction";
  t.origin_id = i.id;
  t.status = "open";
  t.dedupe_key.reset();
  t.created_at = i.created_at;
  t.updated_at = i.created_at;
  t.completed_at.reset();
  t.completed_by.reset();
  t.completion_note.clear();
  return t;
}

}  // namespace guanxi::store_rows
