#include "service/pipeline_service.h"

#include <algorithm>

#include "service/sales_access.h"

namespace guanxi {
namespace {

const Stage* FindStage(const std::vector<Stage>& stages, const std::string& key) {
  for (const auto& s : stages) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

Status NotFoundOpportunity(int64_t id) {
  return Status::NotFound("opportunity " + std::to_string(id) + " not found");
}

bool MayWritePlaybook(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kManager;
}

}  // namespace

AuditEntry PipelineService::Audit(const Principal& p, const char* entity,
                                  const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = entity;
  a.action = action;
  return a;
}

// --- stages and settings -------------------------------------------------------

Result<std::vector<Stage>> PipelineService::Stages() { return store_.Sales().GetStages(); }

Result<std::vector<Stage>> PipelineService::ReplaceStages(const Principal& p,
                                                          const std::vector<StageInput>& input) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may configure stages");
  GX_ASSIGN_OR_RETURN(auto current, store_.Sales().GetStages());
  std::vector<Stage> stages;
  bool has_won = false, has_lost = false;
  for (const auto& in : input) {
    Stage s;
    s.key = in.key;
    s.name_zh = in.name_zh;
    s.name_en = in.name_en;
    s.win_rate_bp = in.win_rate_bp;
    if (in.key == kWonStage) {
      s.kind = StageKind::kWon;
      s.win_rate_bp = kWinRateScale;
      has_won = true;
    } else if (in.key == kLostStage) {
      s.kind = StageKind::kLost;
      s.win_rate_bp = 0;
      has_lost = true;
    }
    stages.push_back(std::move(s));
  }
  // Closed stages keep their current names when the body leaves them out, and
  // always come after the open ones.
  std::stable_partition(stages.begin(), stages.end(),
                        [](const Stage& s) { return s.kind == StageKind::kOpen; });
  for (const auto& c : current) {
    if ((c.kind == StageKind::kWon && !has_won) || (c.kind == StageKind::kLost && !has_lost)) {
      stages.push_back(c);
    }
  }
  GX_RETURN_IF_ERROR(NormalizeStages(stages));
  GX_RETURN_IF_ERROR(store_.Sales().ReplaceStages(stages, Audit(p, "stages", "update")));
  return store_.Sales().GetStages();
}

Result<SalesSettings> PipelineService::Settings() { return store_.Sales().GetSalesSettings(); }

Result<SalesSettings> PipelineService::UpdateSettings(const Principal& p, SalesSettings s) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may change sales settings");
  if (s.out_of_funnel_threshold < 0 || s.out_of_funnel_threshold > kMaxMoneyFen) {
    return Status::InvalidField("out_of_funnel_threshold", "must be between 0 and 1e12 fen");
  }
  GX_RETURN_IF_ERROR(store_.Sales().UpdateSalesSettings(s, Audit(p, "sales_settings", "update")));
  return store_.Sales().GetSalesSettings();
}

// --- opportunities ---------------------------------------------------------------

Status PipelineService::CheckWritable(const Principal& p, const Opportunity& o) {
  if (!CanSeeOwner(store_, p, o.owner_user_id)) return NotFoundOpportunity(o.id);
  if (!CanWriteArchive(p)) {
    return Status::PermissionDenied("the " + std::string(ToString(p.role)) +
                                    " role may read opportunities but not change them");
  }
  return Status::Ok();
}

Status PipelineService::CheckOwnerAssignable(const Principal& p, std::optional<int64_t> owner) {
  if (!owner) {
    if (p.role == Role::kSales)
      return Status::PermissionDenied("a sales user's opportunities must have an owner");
    return Status::Ok();
  }
  auto user = store_.GetUser(*owner);
  if (!user.ok()) return Status::InvalidField("owner_user_id", "no such user");
  if (user->disabled) return Status::InvalidField("owner_user_id", "the user is disabled");
  switch (p.role) {
    case Role::kAdmin:
      return Status::Ok();
    case Role::kSales:
      if (*owner != p.user_id)
        return Status::PermissionDenied("a sales user may only own opportunities themself");
      return Status::Ok();
    case Role::kManager:
      if (*owner == p.user_id || (p.team_id && user->team_id == p.team_id)) return Status::Ok();
      return Status::PermissionDenied("a manager may assign opportunities only within their team");
    case Role::kService:
    case Role::kAnalyst:
      return Status::PermissionDenied("this role may not change opportunities");
  }
  return Status::PermissionDenied("not allowed");
}

Status PipelineService::ApplyStageRules(const std::vector<Stage>& stages,
                                        const Opportunity* current, Opportunity& o) {
  const Stage* stage = FindStage(stages, o.stage);
  if (!stage) return Status::InvalidField("stage", "unknown stage '" + o.stage + "'");
  const bool moved = !current || current->stage != o.stage;
  if (stage->kind == StageKind::kOpen) {
    o.closed_on.clear();
    if (moved) o.loss_reason.clear();
    return Status::Ok();
  }
  if (stage->kind == StageKind::kLost && o.loss_reason.empty()) {
    return Status::InvalidField("loss_reason", "is required to mark an opportunity lost");
  }
  const std::string today = BusinessDay(clock_.Now());
  const bool closed_on_given = current ? o.closed_on != current->closed_on : !o.closed_on.empty();
  if (!closed_on_given && (moved || o.closed_on.empty())) o.closed_on = today;
  if (!IsValidDate(o.closed_on))
    return Status::InvalidField("closed_on", "must be a day YYYY-MM-DD");
  if (o.closed_on > today) return Status::InvalidField("closed_on", "must not be in the future");
  return Status::Ok();
}

Result<Opportunity> PipelineService::Create(const Principal& p, Opportunity draft) {
  if (!CanWriteArchive(p)) {
    return Status::PermissionDenied("the " + std::string(ToString(p.role)) +
                                    " role may not create opportunities");
  }
  auto customer = store_.GetCustomer(draft.customer_id);
  if (!customer.ok() || !CanSeeOwner(store_, p, customer->owner_user_id)) {
    return Status::InvalidField("customer_id", "no such customer");
  }
  if (!draft.owner_user_id) {
    draft.owner_user_id =
        p.role == Role::kSales ? std::optional<int64_t>(p.user_id) : customer->owner_user_id;
  }
  if (draft.expected_close.empty()) return Status::InvalidField("expected_close", "is required");
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  if (draft.stage.empty()) {
    for (const auto& s : stages) {
      if (s.kind == StageKind::kOpen) {
        draft.stage = s.key;
        break;
      }
    }
  }
  GX_RETURN_IF_ERROR(NormalizeOpportunity(draft));
  GX_RETURN_IF_ERROR(ApplyStageRules(stages, nullptr, draft));
  GX_RETURN_IF_ERROR(CheckOwnerAssignable(p, draft.owner_user_id));
  draft.id = 0;
  draft.created_at = draft.updated_at = draft.stage_entered_at = clock_.Now();
  OpportunityEvent e;
  e.at = draft.created_at;
  if (p.user_id) e.user_id = p.user_id;
  e.user_login = p.login;
  e.kind = "create";
  e.to_stage = draft.stage;
  e.amount = draft.amount;
  e.expected_close = draft.expected_close;
  e.owner_user_id = draft.owner_user_id;
  return store_.Sales().CreateOpportunity(std::move(draft), std::move(e),
                                          Audit(p, "opportunity", "create"));
}

Result<Opportunity> PipelineService::Get(const Principal& p, int64_t id) {
  auto o = store_.Sales().GetOpportunity(id);
  if (!o.ok())
    return o.status().code() == StatusCode::kNotFound ? NotFoundOpportunity(id) : o.status();
  if (!CanSeeOwner(store_, p, o->owner_user_id)) return NotFoundOpportunity(id);
  return o;
}

Result<Opportunity> PipelineService::Update(const Principal& p, Opportunity changed) {
  GX_ASSIGN_OR_RETURN(Opportunity current, Get(p, changed.id));
  GX_RETURN_IF_ERROR(CheckWritable(p, current));
  if (changed.customer_id != current.customer_id) {
    return Status::InvalidField("customer_id", "an opportunity cannot move to another customer");
  }
  GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
  GX_RETURN_IF_ERROR(NormalizeOpportunity(changed));
  GX_RETURN_IF_ERROR(ApplyStageRules(stages, &current, changed));
  if (changed.owner_user_id != current.owner_user_id) {
    GX_RETURN_IF_ERROR(CheckOwnerAssignable(p, changed.owner_user_id));
  }
  const UnixSeconds now = std::max(clock_.Now(), current.updated_at);
  changed.updated_at = now;
  changed.created_at = current.created_at;
  std::optional<OpportunityEvent> event;
  const bool moved = changed.stage != current.stage;
  if (moved || changed.amount != current.amount ||
      changed.expected_close != current.expected_close ||
      changed.owner_user_id != current.owner_user_id) {
    OpportunityEvent e;
    e.opportunity_id = changed.id;
    e.at = now;
    if (p.user_id) e.user_id = p.user_id;
    e.user_login = p.login;
    e.kind = moved ? "stage" : "update";
    if (moved) e.from_stage = current.stage;
    e.to_stage = changed.stage;
    e.amount = changed.amount;
    e.expected_close = changed.expected_close;
    e.owner_user_id = changed.owner_user_id;
    event = std::move(e);
  }
  changed.stage_entered_at = moved ? now : current.stage_entered_at;
  return store_.Sales().UpdateOpportunity(std::move(changed), std::move(event),
                                          Audit(p, "opportunity", "update"));
}

Status PipelineService::Delete(const Principal& p, int64_t id) {
  GX_RETURN_IF_ERROR(Get(p, id).status());
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may delete opportunities");
  return store_.Sales().DeleteOpportunity(id, Audit(p, "opportunity", "delete"));
}

Result<Page<Opportunity>> PipelineService::List(const Principal& p, OpportunityQuery q,
                                                std::optional<int64_t> team) {
  q.scope = CustomerScope(p);
  if (team) {
    GX_ASSIGN_OR_RETURN(MetricScope scope, metrics_.ResolveScope(p, "", team));
    q.scope = scope.Visibility();
  }
  if (q.limit < 1 || q.limit > 200)
    return Status::InvalidField("limit", "must be between 1 and 200");
  return store_.Sales().ListOpportunities(q);
}

Result<std::vector<OpportunityEvent>> PipelineService::History(const Principal& p, int64_t id) {
  GX_RETURN_IF_ERROR(Get(p, id).status());
  return store_.Sales().OpportunityHistory(id);
}

Result<std::vector<PlaybookEntry>> PipelineService::PlaybookFor(const Principal& p, int64_t id,
                                                                const std::string& locale) {
  GX_ASSIGN_OR_RETURN(Opportunity o, Get(p, id));
  GX_ASSIGN_OR_RETURN(auto all, store_.Sales().ListPlaybook());
  std::vector<PlaybookEntry> out;
  for (auto& e : all) {
    if ((e.stage == o.stage || e.stage.empty()) && e.locale == locale) out.push_back(std::move(e));
  }
  return out;
}

// --- buying centre ------------------------------------------------------------------

Result<std::vector<BuyingCentreEntry>> PipelineService::BuyingCentre(const Principal& p,
                                                                     int64_t opportunity_id) {
  GX_RETURN_IF_ERROR(Get(p, opportunity_id).status());
  GX_ASSIGN_OR_RETURN(auto members, store_.Sales().ListBuyingCentre(opportunity_id));
  std::vector<BuyingCentreEntry> out;
  for (auto& m : members) {
    BuyingCentreEntry e;
    if (auto c = store_.GetContact(m.contact_id); c.ok()) {
      e.contact_name = c->name;
      e.contact_title = c->title;
    }
    e.member = std::move(m);
    out.push_back(std::move(e));
  }
  return out;
}

Result<BuyingCentreEntry> PipelineService::PutMember(const Principal& p, BuyingCentreMember m) {
  GX_ASSIGN_OR_RETURN(Opportunity o, Get(p, m.opportunity_id));
  GX_RETURN_IF_ERROR(CheckWritable(p, o));
  GX_RETURN_IF_ERROR(NormalizeBuyingCentreMember(m));
  if (m.id != 0) {
    GX_ASSIGN_OR_RETURN(auto members, store_.Sales().ListBuyingCentre(o.id));
    bool found =
        std::any_of(members.begin(), members.end(), [&](const auto& x) { return x.id == m.id; });
    if (!found)
      return Status::NotFound("buying-centre member " + std::to_string(m.id) + " not found");
  }
  GX_ASSIGN_OR_RETURN(auto saved, store_.Sales().PutBuyingCentreMember(
                                      std::move(m), Audit(p, "buying_centre", "put")));
  BuyingCentreEntry e;
  if (auto c = store_.GetContact(saved.contact_id); c.ok()) {
    e.contact_name = c->name;
    e.contact_title = c->title;
  }
  e.member = std::move(saved);
  return e;
}

Status PipelineService::DeleteMember(const Principal& p, int64_t opportunity_id,
                                     int64_t member_id) {
  GX_ASSIGN_OR_RETURN(Opportunity o, Get(p, opportunity_id));
  GX_RETURN_IF_ERROR(CheckWritable(p, o));
  return store_.Sales().DeleteBuyingCentreMember(opportunity_id, member_id,
                                                 Audit(p, "buying_centre", "delete"));
}

// --- targets -----------------------------------------------------------------------

Result<TargetEntry> PipelineService::Describe(const SalesTarget& t) {
  TargetEntry e{t, ""};
  switch (t.scope) {
    case TargetScope::kCompany:
      e.subject_name = "公司";
      break;
    case TargetScope::kTeam:
      if (auto team = store_.GetTeam(t.subject_id.value_or(0)); team.ok())
        e.subject_name = team->name;
      break;
    case TargetScope::kUser:
      if (auto user = store_.GetUser(t.subject_id.value_or(0)); user.ok()) {
        e.subject_name = user->display_name.empty() ? user->login : user->display_name;
      }
      break;
  }
  return e;
}

Result<std::vector<TargetEntry>> PipelineService::Targets(const std::string& quarter) {
  if (!ParseQuarter(quarter))
    return Status::InvalidField("quarter", "must be a quarter like 2026Q4");
  GX_ASSIGN_OR_RETURN(auto targets, store_.Sales().ListTargets(quarter));
  std::vector<TargetEntry> out;
  for (const auto& t : targets) {
    GX_ASSIGN_OR_RETURN(auto e, Describe(t));
    out.push_back(std::move(e));
  }
  return out;
}

Status PipelineService::CheckTargetWritable(const Principal& p, const SalesTarget& t) {
  if (IsAdmin(p)) return Status::Ok();
  if (p.role != Role::kManager || !p.team_id) {
    return Status::PermissionDenied("only an admin, or a manager for their team, may set targets");
  }
  if (t.scope == TargetScope::kTeam && t.subject_id == p.team_id) return Status::Ok();
  if (t.scope == TargetScope::kUser && t.subject_id) {
    auto user = store_.GetUser(*t.subject_id);
    if (user.ok() && user->team_id == p.team_id) return Status::Ok();
  }
  return Status::PermissionDenied("a manager may set targets only for their team and its members");
}

Result<TargetEntry> PipelineService::PutTarget(const Principal& p, SalesTarget t) {
  auto q = ParseQuarter(t.quarter);
  if (!q) return Status::InvalidField("quarter", "must be a quarter like 2026Q4");
  t.quarter = q->Name();
  if (t.amount <= 0 || t.amount > kMaxMoneyFen)
    return Status::InvalidField("amount", "must be between 1 and 1e12 fen");
  switch (t.scope) {
    case TargetScope::kCompany:
      if (t.subject_id) return Status::InvalidField("subject_id", "must be null for the company");
      break;
    case TargetScope::kTeam:
      if (!t.subject_id || !store_.GetTeam(*t.subject_id).ok())
        return Status::InvalidField("subject_id", "no such team");
      break;
    case TargetScope::kUser:
      if (!t.subject_id || !store_.GetUser(*t.subject_id).ok())
        return Status::InvalidField("subject_id", "no such user");
      break;
  }
  GX_RETURN_IF_ERROR(CheckTargetWritable(p, t));
  t.updated_at = clock_.Now();
  GX_ASSIGN_OR_RETURN(auto saved,
                      store_.Sales().PutTarget(std::move(t), Audit(p, "target", "put")));
  return Describe(saved);
}

Status PipelineService::DeleteTarget(const Principal& p, int64_t id) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may delete targets");
  return store_.Sales().DeleteTarget(id, Audit(p, "target", "delete"));
}

// --- playbook ------------------------------------------------------------------------

Result<std::vector<PlaybookEntry>> PipelineService::Playbook(const std::string& stage,
                                                             const std::string& situation,
                                                             const std::string& locale) {
  GX_ASSIGN_OR_RETURN(auto all, store_.Sales().ListPlaybook());
  std::vector<PlaybookEntry> out;
  for (auto& e : all) {
    if (!stage.empty() && e.stage != stage) continue;
    if (!situation.empty() && e.situation != situation) continue;
    if (!locale.empty() && e.locale != locale) continue;
    out.push_back(std::move(e));
  }
  return out;
}

Result<PlaybookEntry> PipelineService::GetPlaybookEntry(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto all, store_.Sales().ListPlaybook());
  for (auto& e : all) {
    if (e.id == id) return std::move(e);
  }
  return Status::NotFound("playbook entry " + std::to_string(id) + " not found");
}

Result<PlaybookEntry> PipelineService::CreatePlaybookEntry(const Principal& p, PlaybookEntry e) {
  if (!MayWritePlaybook(p))
    return Status::PermissionDenied("only an admin or a manager may edit the playbook");
  GX_RETURN_IF_ERROR(NormalizePlaybookEntry(e));
  if (!e.stage.empty()) {
    GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
    if (!FindStage(stages, e.stage))
      return Status::InvalidField("stage", "unknown stage '" + e.stage + "'");
  }
  e.id = 0;
  e.updated_at = clock_.Now();
  return store_.Sales().CreatePlaybookEntry(std::move(e), Audit(p, "playbook", "create"));
}

Result<PlaybookEntry> PipelineService::UpdatePlaybookEntry(const Principal& p, PlaybookEntry e) {
  if (!MayWritePlaybook(p))
    return Status::PermissionDenied("only an admin or a manager may edit the playbook");
  GX_RETURN_IF_ERROR(GetPlaybookEntry(e.id).status());
  GX_RETURN_IF_ERROR(NormalizePlaybookEntry(e));
  if (!e.stage.empty()) {
    GX_ASSIGN_OR_RETURN(auto stages, store_.Sales().GetStages());
    if (!FindStage(stages, e.stage))
      return Status::InvalidField("stage", "unknown stage '" + e.stage + "'");
  }
  e.updated_at = clock_.Now();
  return store_.Sales().UpdatePlaybookEntry(std::move(e), Audit(p, "playbook", "update"));
}

Status PipelineService::DeletePlaybookEntry(const Principal& p, int64_t id) {
  if (!MayWritePlaybook(p))
    return Status::PermissionDenied("only an admin or a manager may edit the playbook");
  GX_RETURN_IF_ERROR(GetPlaybookEntry(id).status());
  return store_.Sales().DeletePlaybookEntry(id, Audit(p, "playbook", "delete"));
}

}  // namespace guanxi
