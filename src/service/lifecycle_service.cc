#include "service/lifecycle_service.h"

#include "service/sales_access.h"
#include "store/lifecycle_store.h"

namespace guanxi {

namespace {

constexpr int kHistoryLimit = 100;

AuditEntry LifecycleAudit(const Principal& p, UnixSeconds at) {
  AuditEntry a;
  a.at = at;
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "customer";
  a.action = "lifecycle";
  return a;
}

}  // namespace

Result<Customer> LifecycleService::Visible(const Principal& p, int64_t customer_id) {
  auto c = store_.GetCustomer(customer_id);
  if (!c.ok()) return c.status();
  if (!CanSeeOwner(store_, p, c->owner_user_id)) {
    return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
  }
  return c;
}

Result<analytics::DerivedLifecycle> LifecycleService::DeriveOne(int64_t customer_id) {
  const int64_t today = analytics::DayNumber(clock_.Now());
  GX_ASSIGN_OR_RETURN(auto rows, store_.Lifecycle().ReadRows(0, 1, customer_id, today));
  if (rows.empty()) return Status::NotFound("customer " + std::to_string(customer_id) + " not found");
  return analytics::DeriveLifecycle(rows.front().facts, today);
}

Result<LifecycleView> LifecycleService::Get(const Principal& p, int64_t customer_id) {
  GX_RETURN_IF_ERROR(Visible(p, customer_id).status());
  LifecycleView v;
  GX_ASSIGN_OR_RETURN(v.derived, DeriveOne(customer_id));
  GX_ASSIGN_OR_RETURN(v.state, store_.Lifecycle().GetState(customer_id));
  // Before the first run there is no ladder row: the derived rung is what holds.
  if (!v.state.ladder) v.state.ladder = v.derived.ladder;
  GX_ASSIGN_OR_RETURN(v.history, store_.Lifecycle().History(customer_id, kHistoryLimit));
  return v;
}

Result<LifecycleView> LifecycleService::Update(const Principal& p, int64_t customer_id,
                                               const LifecycleChange& change) {
  GX_ASSIGN_OR_RETURN(Customer c, Visible(p, customer_id));
  if (!CanWriteArchive(p)) {
    return Status::PermissionDenied("the " + std::string(ToString(p.role)) +
                                    " role may read customers but not change them");
  }
  std::vector<FieldError> errors;
  if (change.stage && change.clear_stage) errors.push_back({"stage", "may not be set and cleared at once"});
  if (change.ladder && change.clear_ladder) errors.push_back({"ladder", "may not be set and cleared at once"});
  if (!change.stage && !change.ladder && !change.clear_stage && !change.clear_ladder) {
    errors.push_back({"stage", "give stage, ladder or clear_override"});
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid lifecycle change", std::move(errors));
  GX_ASSIGN_OR_RETURN(auto derived, DeriveOne(customer_id));
  LifecycleOverride o;
  o.customer_id = customer_id;
  o.expected_version = change.expected_version;
  o.stage = change.stage;
  o.ladder = change.ladder;
  o.clear_stage = change.clear_stage;
  o.clear_ladder = change.clear_ladder;
  o.derived_stage = derived.stage;
  o.derived_ladder = derived.ladder;
  if (p.user_id) o.user_id = p.user_id;
  o.at = std::max(clock_.Now(), c.updated_at);
  GX_RETURN_IF_ERROR(store_.Lifecycle().Override(o, LifecycleAudit(p, o.at)).status());
  return Get(p, customer_id);
}

Status LifecycleService::RecordCustomerEdit(const Principal& p, const Customer& before, const Customer& after) {
  if (before.lifecycle_stage == after.lifecycle_stage) return Status::Ok();
  GX_ASSIGN_OR_RETURN(auto derived, DeriveOne(after.id));
  std::optional<int64_t> user;
  if (p.user_id) user = p.user_id;
  return store_.Lifecycle().RecordStageEdit(after.id, before.lifecycle_stage, after.lifecycle_stage, derived.ladder,
                                            user, after.updated_at);
}

Result<LifecycleRunSummary> LifecycleService::DeriveAll(const std::function<bool()>& stopping) {
  LifecycleRunSummary summary;
  const UnixSeconds now = clock_.Now();
  const int64_t today = analytics::DayNumber(now);
  int64_t after_id = 0;
  for (;;) {
    if (stopping && stopping()) return Status::Unavailable("the server is stopping; the lifecycle run will resume");
    GX_ASSIGN_OR_RETURN(auto rows, store_.Lifecycle().ReadRows(after_id, kPageSize, std::nullopt, today));
    if (rows.empty()) break;
    after_id = rows.back().facts.customer_id;
    summary.customers += static_cast<int64_t>(rows.size());
    std::vector<LifecycleDerivedChange> changes;
    for (const auto& row : rows) {
      const auto d = analytics::DeriveLifecycle(row.facts, today);
      LifecycleDerivedChange c;
      c.customer_id = row.facts.customer_id;
      if (!row.stage_overridden && d.stage != row.stage) {
        c.stage_from = row.stage;
        c.stage_to = d.stage;
      }
      // A missing row is written even when overridden flags cannot exist yet.
      if (!row.ladder || (!row.ladder_overridden && d.ladder != *row.ladder)) {
        c.ladder_from = row.ladder;
        c.ladder_to = d.ladder;
      }
      if (c.stage_to || c.ladder_to) changes.push_back(std::move(c));
    }
    if (!changes.empty()) {
      GX_ASSIGN_OR_RETURN(auto count, store_.Lifecycle().ApplyDerived(changes, now));
      summary.stages_changed += count.stages;
      summary.ladders_changed += count.ladders;
    }
    if (static_cast<int>(rows.size()) < kPageSize) break;
  }
  return summary;
}

Result<std::string> LifecycleService::RunDerivation(const JobContext& ctx) {
  GX_ASSIGN_OR_RETURN(auto s, DeriveAll(ctx.stopping));
  return "{\"customers\":" + std::to_string(s.customers) + ",\"stages_changed\":" +
         std::to_string(s.stages_changed) + ",\"ladders_changed\":" + std::to_string(s.ladders_changed) + "}";
}

}  // namespace guanxi
