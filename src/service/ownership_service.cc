#include "service/ownership_service.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "analytics/customer_class.h"
#include "domain/customer_json.h"
#include "domain/sales.h"

namespace guanxi {
namespace {

constexpr int64_t kDay = 86400;
// Owned customers read per statement by the nightly pass; returns and
// warnings are written per batch, one transaction each.
constexpr int kPassBatch = 5000;

const ClaimLimits& DefaultLimits() {
  static const ClaimLimits limits{{"sales", 100}, {"manager", 300}, {"admin", std::nullopt}};
  return limits;
}

bool WorksCustomers(const Principal& p) { return CanWriteArchive(p); }

Status NeedsWorker(const Principal& p) {
  if (WorksCustomers(p)) return Status::Ok();
  return Status::PermissionDenied("the " + std::string(ToString(p.role)) + " role may not change owners");
}

}  // namespace

AuditEntry OwnershipService::Audit(const Principal& p, const char* entity, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = entity;
  a.action = action;
  return a;
}

OwnerChange OwnershipService::Change(const Principal& p, const std::string& note, const char* action) const {
  OwnerChange c;
  c.at = clock_.Now();
  if (p.user_id) c.by_user_id = p.user_id;
  c.by_login = p.login;
  c.note = note;
  c.audit = Audit(p, "customer", action);
  return c;
}

Result<std::vector<int64_t>> OwnershipService::CheckIds(std::vector<int64_t> ids) {
  if (ids.empty()) return Status::InvalidField("customer_ids", "name at least one customer");
  if (ids.size() > kMaxBatch) {
    return Status::InvalidField("customer_ids", "at most " + std::to_string(kMaxBatch) + " customers at once");
  }
  for (int64_t id : ids) {
    if (id <= 0) return Status::InvalidField("customer_ids", "ids are positive integers");
  }
  // Sorted: concurrent batches lock customers in one order (no deadlocks).
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Status OwnershipService::CheckAllVisible(const Principal& p, const std::vector<int64_t>& ids, bool pool_allowed) {
  const bool by_team = CustomerScope(p).kind == VisibilityScope::Kind::kTeam;
  std::map<int64_t, std::optional<int64_t>> team_of;  // user → team, read once per owner
  for (int64_t id : ids) {
    auto c = store_.GetCustomer(id);
    if (!c.ok()) {
      if (c.status().code() == StatusCode::kNotFound) return Status::NotFound("customer " + std::to_string(id) + " not found");
      return c.status();
    }
    if (!c->owner_user_id && pool_allowed) continue;
    std::optional<int64_t> owner_team;
    if (c->owner_user_id && by_team) {
      auto it = team_of.find(*c->owner_user_id);
      if (it == team_of.end()) {
        auto u = store_.GetUser(*c->owner_user_id);
        it = team_of.emplace(*c->owner_user_id, u.ok() ? u->team_id : std::nullopt).first;
      }
      owner_team = it->second;
    }
    if (!CanSeeCustomer(p, c->owner_user_id, owner_team)) {
      return Status::NotFound("customer " + std::to_string(id) + " not found");
    }
  }
  return Status::Ok();
}

Status OwnershipService::CheckTarget(const Principal& p, int64_t user_id, const std::string& field) {
  auto u = store_.GetUser(user_id);
  if (!u.ok()) {
    if (u.status().code() == StatusCode::kNotFound) return Status::InvalidField(field, "no such user");
    return u.status();
  }
  if (u->disabled) return Status::InvalidField(field, "the user is disabled");
  if (u->role != Role::kAdmin && u->role != Role::kManager && u->role != Role::kSales) {
    return Status::InvalidField(field, "a " + std::string(ToString(u->role)) + " user cannot own customers");
  }
  if (p.role == Role::kAdmin) return Status::Ok();
  if (p.role == Role::kManager) {
    if (user_id == p.user_id || (p.team_id && u->team_id == p.team_id)) return Status::Ok();
    return Status::PermissionDenied("a manager may give customers only to their team's members");
  }
  return Status::PermissionDenied("only managers and admins may give customers to others");
}

Result<TransferOutcome> OwnershipService::Transfer(const Principal& p, std::vector<int64_t> customer_ids,
                                                   int64_t to_user_id, const std::string& note) {
  GX_RETURN_IF_ERROR(NeedsWorker(p));
  GX_ASSIGN_OR_RETURN(auto ids, CheckIds(std::move(customer_ids)));
  if (note.size() > 1000) return Status::InvalidField("note", "at most 1000 bytes");
  if (p.role == Role::kSales) {
    return Status::PermissionDenied("a sales user cannot transfer customers; release them to the pool instead");
  }
  GX_RETURN_IF_ERROR(CheckAllVisible(p, ids, false));
  GX_RETURN_IF_ERROR(CheckTarget(p, to_user_id, "to_user_id"));
  return store_.Ownership().Transfer(ids, to_user_id, Change(p, note, "transfer"));
}

Result<TransferOutcome> OwnershipService::TransferAllOf(const Principal& p, int64_t from_user_id, int64_t to_user_id,
                                                        const std::string& note) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin may transfer all customers of a user");
  GX_RETURN_IF_ERROR(CheckTarget(p, to_user_id, "to_user_id"));
  TransferOutcome total;
  for (;;) {
    // The customers still owned by `from` (archived too), a batch at a time;
    // each batch leaves the set, so the first page is always the next one.
    CustomerQuery q;
    q.owner_user_id = from_user_id;
    q.archived = CustomerQuery::Archived::kAll;
    q.sort = CustomerSort::kCreatedAsc;
    q.limit = 200;
    GX_ASSIGN_OR_RETURN(auto page, store_.ListCustomers(q));
    if (page.items.empty()) return total;
    std::vector<int64_t> ids;
    for (const Customer& c : page.items) ids.push_back(c.id);
    std::sort(ids.begin(), ids.end());
    GX_ASSIGN_OR_RETURN(auto out, store_.Ownership().Transfer(ids, to_user_id, Change(p, note, "transfer")));
    total.transferred += out.transferred;
    total.tasks_moved += out.tasks_moved;
    total.opportunities_moved += out.opportunities_moved;
    if (out.transferred == 0) return total;  // nothing moved: from == to
  }
}

Result<std::vector<OwnerHistoryEntry>> OwnershipService::History(const Principal& p, int64_t customer_id) {
  GX_RETURN_IF_ERROR(CheckAllVisible(p, {customer_id}, WorksCustomers(p)));
  return store_.Ownership().OwnerHistory(customer_id);
}

Result<Page<Customer>> OwnershipService::ListPool(const Principal& p, CustomerQuery q) {
  (void)p;  // the pool is public: everyone signed in sees it
  if (q.limit < 1 || q.limit > 200) return Status::InvalidField("limit", "must be between 1 and 200");
  q.scope = {VisibilityScope::Kind::kAll, 0};
  q.owner_user_id.reset();
  q.no_owner = true;
  return store_.ListCustomers(q);
}

Result<ClaimLimits> OwnershipService::Limits() {
  GX_ASSIGN_OR_RETURN(auto raw, store_.Ownership().GetSetting(kClaimLimitsKey));
  ClaimLimits limits = DefaultLimits();
  if (!raw) return limits;
  GX_ASSIGN_OR_RETURN(ClaimLimits stored, ClaimLimitsFromJson(*raw));
  for (auto& [role, limit] : stored) limits[role] = limit;
  return limits;
}

Result<PoolHolding> OwnershipService::Holding(const Principal& p) {
  PoolHolding h;
  GX_ASSIGN_OR_RETURN(ClaimLimits limits, Limits());
  if (auto it = limits.find(std::string(ToString(p.role))); it != limits.end()) h.limit = it->second;
  if (p.user_id) {
    GX_ASSIGN_OR_RETURN(h.held, store_.Ownership().CountOwned(p.user_id));
  }
  return h;
}

Result<TransferOutcome> OwnershipService::Claim(const Principal& p, std::vector<int64_t> customer_ids) {
  GX_RETURN_IF_ERROR(NeedsWorker(p));
  if (!p.user_id) return Status::PermissionDenied("claims are made by a user");
  GX_ASSIGN_OR_RETURN(auto ids, CheckIds(std::move(customer_ids)));
  GX_ASSIGN_OR_RETURN(PoolHolding h, Holding(p));
  auto out = store_.Ownership().TakeFromPool(ids, p.user_id, "claim", h.limit, Change(p, "", "claim"));
  if (!out.ok() && out.status().code() == StatusCode::kResourceExhausted) {
    std::string msg = "claiming " + std::to_string(ids.size()) + " would exceed your limit: " + out.status().message();
    return Status(StatusCode::kFailedPrecondition, msg, {{"customer_ids", msg}});
  }
  return out;
}

Result<TransferOutcome> OwnershipService::Release(const Principal& p, std::vector<int64_t> customer_ids,
                                                  const std::string& note) {
  GX_RETURN_IF_ERROR(NeedsWorker(p));
  GX_ASSIGN_OR_RETURN(auto ids, CheckIds(std::move(customer_ids)));
  if (note.size() > 1000) return Status::InvalidField("note", "at most 1000 bytes");
  GX_RETURN_IF_ERROR(CheckAllVisible(p, ids, false));
  return store_.Ownership().Release(ids, Change(p, note, "release"));
}

Result<TransferOutcome> OwnershipService::Assign(const Principal& p, std::vector<int64_t> customer_ids,
                                                 int64_t user_id) {
  if (p.role != Role::kAdmin && p.role != Role::kManager) {
    return Status::PermissionDenied("only managers and admins assign pool customers");
  }
  GX_ASSIGN_OR_RETURN(auto ids, CheckIds(std::move(customer_ids)));
  GX_RETURN_IF_ERROR(CheckTarget(p, user_id, "user_id"));
  auto out = store_.Ownership().TakeFromPool(ids, user_id, "assign", std::nullopt, Change(p, "", "assign"));
  if (!out.ok() && out.status().fields().size() == 1 && out.status().fields()[0].field == "to_user_id") {
    return Status::InvalidField("user_id", out.status().fields()[0].message);
  }
  return out;
}

Status OwnershipService::ValidateRule(const PoolRule& r) {
  std::vector<FieldError> errors;
  if (r.name.empty() || r.name.size() > 200) errors.push_back({"name", "1 to 200 bytes"});
  auto kind = analytics::ParseClassKind(r.class_kind);
  if (!kind) {
    errors.push_back({"class_kind", "one of all, tier, rfm_class, relationship_level, tag"});
  } else if (Status s = analytics::ValidateClassRule({*kind, r.class_value}); !s.ok()) {
    for (const auto& f : s.fields()) errors.push_back(f);
    if (s.fields().empty()) errors.push_back({"class_value", s.message()});
  }
  if (!r.no_follow_up_days && !r.no_deal_days) {
    errors.push_back({"no_follow_up_days", "set days without follow-up, days without a deal, or both"});
  }
  if (r.no_follow_up_days && (*r.no_follow_up_days < 1 || *r.no_follow_up_days > 3650)) {
    errors.push_back({"no_follow_up_days", "between 1 and 3650"});
  }
  if (r.no_deal_days && (*r.no_deal_days < 1 || *r.no_deal_days > 3650)) {
    errors.push_back({"no_deal_days", "between 1 and 3650"});
  }
  if (r.warn_days < 0 || r.warn_days > 365) errors.push_back({"warn_days", "between 0 and 365"});
  if (r.position < 0 || r.position > 1000000) errors.push_back({"position", "between 0 and 1000000"});
  if (!errors.empty()) return Status::InvalidArgument("the pool rule is not valid", errors);
  return Status::Ok();
}

Result<std::vector<PoolRule>> OwnershipService::ListRules(const Principal& p) {
  if (p.role != Role::kAdmin && p.role != Role::kManager) {
    return Status::PermissionDenied("only managers and admins see pool rules");
  }
  return store_.Ownership().ListPoolRules();
}

Result<PoolRule> OwnershipService::CreateRule(const Principal& p, PoolRule r) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin changes pool rules");
  GX_RETURN_IF_ERROR(ValidateRule(r));
  r.created_at = r.updated_at = clock_.Now();
  return store_.Ownership().CreatePoolRule(std::move(r), Audit(p, "pool_rule", "create"));
}

Result<PoolRule> OwnershipService::UpdateRule(const Principal& p, PoolRule r) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin changes pool rules");
  GX_RETURN_IF_ERROR(ValidateRule(r));
  r.updated_at = clock_.Now();
  return store_.Ownership().UpdatePoolRule(std::move(r), Audit(p, "pool_rule", "update"));
}

Status OwnershipService::DeleteRule(const Principal& p, int64_t id, int64_t expected_version) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin changes pool rules");
  return store_.Ownership().DeletePoolRule(id, expected_version, Audit(p, "pool_rule", "delete"));
}

Result<ClaimLimits> OwnershipService::GetClaimLimits(const Principal& p) {
  (void)p;  // everyone may know the limits (the pool page shows them)
  return Limits();
}

Result<ClaimLimits> OwnershipService::PutClaimLimits(const Principal& p, const ClaimLimits& limits) {
  if (!IsAdmin(p)) return Status::PermissionDenied("only an admin changes claim limits");
  for (const auto& [role, limit] : limits) {
    if (role != "sales" && role != "manager" && role != "admin") {
      return Status::InvalidField("claim_limits/" + role, "roles that claim are sales, manager and admin");
    }
    if (limit && (*limit < 0 || *limit > 10000000)) {
      return Status::InvalidField("claim_limits/" + role, "between 0 and 10000000, or null for no limit");
    }
  }
  ClaimLimits merged = DefaultLimits();
  for (const auto& [role, limit] : limits) merged[role] = limit;
  AuditEntry a = Audit(p, "relationship_setting", "update");
  GX_RETURN_IF_ERROR(store_.Ownership().PutSetting(kClaimLimitsKey, ClaimLimitsToJson(merged), a));
  return merged;
}

std::string OwnershipService::ClaimLimitsToJson(const ClaimLimits& limits) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  for (const auto& [role, limit] : limits) {
    WriteString(w, role);
    if (limit) w.Int64(*limit); else w.Null();
  }
  w.EndObject();
  return buf.GetString();
}

Result<ClaimLimits> OwnershipService::ClaimLimitsFromJson(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return Status::InvalidField("claim_limits", "must be an object");
  ClaimLimits out;
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    std::string role(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsNull()) out[role] = std::nullopt;
    else if (it->value.IsInt64()) out[role] = it->value.GetInt64();
    else return Status::InvalidField("claim_limits/" + role, "must be an integer or null");
  }
  return out;
}

Result<std::string> OwnershipService::RunPoolReturns(const JobContext& ctx) {
  GX_ASSIGN_OR_RETURN(PoolPassSummary s, RunPoolPass(ctx.stopping));
  if (s.stopped) return Status(StatusCode::kUnavailable, "the server is stopping; the pass resumes later");
  return "{\"examined\":" + std::to_string(s.examined) + ",\"warned\":" + std::to_string(s.warned) +
         ",\"returned\":" + std::to_string(s.returned) + "}";
}

Result<PoolPassSummary> OwnershipService::RunPoolPass(const std::function<bool()>& stopping) {
  PoolPassSummary summary;
  GX_ASSIGN_OR_RETURN(auto all_rules, store_.Ownership().ListPoolRules());
  struct Compiled {
    PoolRule rule;
    analytics::ClassRule cls;
  };
  std::vector<Compiled> rules;
  for (auto& r : all_rules) {
    auto kind = analytics::ParseClassKind(r.class_kind);
    if (!r.enabled || !kind) continue;
    rules.push_back({r, {*kind, r.class_value}});
  }
  if (rules.empty()) return summary;
  const UnixSeconds now = clock_.Now();
  int64_t after = 0;
  for (;;) {
    if (stopping && stopping()) {
      summary.stopped = true;
      return summary;
    }
    GX_ASSIGN_OR_RETURN(auto batch, store_.Ownership().OwnedCustomers(after, kPassBatch));
    if (batch.empty()) break;
    after = batch.back().customer_id;
    std::vector<PoolReturn> returns;
    std::vector<PoolWarning> warnings;
    for (const OwnedCustomerFacts& f : batch) {
      ++summary.examined;
      analytics::ClassFacts facts{f.tier, f.rfm_class, f.relationship_level, f.tags};
      const Compiled* match = nullptr;
      for (const auto& c : rules) {
        if (analytics::Matches(c.cls, facts)) {
          match = &c;
          break;
        }
      }
      if (!match) continue;
      const PoolRule& r = match->rule;
      // The instant the customer is due back in the pool: the earlier of the
      // follow-up and the deal deadline (each counted from the later of the
      // owner's start and the last such event).
      std::optional<UnixSeconds> due;
      if (r.no_follow_up_days) due = std::max(f.since, f.last_follow_up) + *r.no_follow_up_days * kDay;
      if (r.no_deal_days) {
        UnixSeconds d = std::max(f.since, f.last_deal) + *r.no_deal_days * kDay;
        due = due ? std::min(*due, d) : d;
      }
      if (!due) continue;
      if (now >= *due) {
        returns.push_back({f.customer_id, f.owner_user_id, "pool rule " + std::to_string(r.id) + " 「" + r.name + "」"});
      } else if (r.warn_days > 0 && now >= *due - r.warn_days * kDay) {
        const std::string return_day = BusinessDay(*due);
        PoolWarning w;
        w.customer_id = f.customer_id;
        w.owner_user_id = f.owner_user_id;
        w.rule_id = r.id;
        w.title = "请跟进：客户将于 " + return_day + " 退回公海";
        w.due_day = BusinessDay(now);
        w.dedupe_key = "pool_warning:" + std::to_string(f.customer_id) + ":" + std::to_string(f.owner_user_id) + ":" +
                       return_day;
        warnings.push_back(std::move(w));
      }
    }
    GX_ASSIGN_OR_RETURN(int64_t returned, store_.Ownership().ReturnToPool(returns, now));
    GX_ASSIGN_OR_RETURN(int64_t warned, store_.Ownership().CreatePoolWarnings(warnings, now));
    summary.returned += returned;
    summary.warned += warned;
  }
  return summary;
}

}  // namespace guanxi
