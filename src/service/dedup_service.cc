#include "service/dedup_service.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "store/ownership_store.h"

namespace guanxi {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int kMaxUndoDays = 365;

DuplicateColumns ToColumns(DedupColumns&& c) {
  DuplicateColumns out;
  out.id = std::move(c.id);
  out.name = std::move(c.name);
  out.organization = std::move(c.organization);
  out.phone = std::move(c.phone);
  out.email = std::move(c.email);
  out.contact_phone = std::move(c.contact_phone);
  out.contact_email = std::move(c.contact_email);
  return out;
}

}  // namespace

AuditEntry DedupService::Audit(const Principal& p, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "customer";
  a.action = action;
  return a;
}

Result<Customer> DedupService::Visible(const Principal& p, int64_t id, const char* field) {
  auto c = store_.GetCustomer(id);
  if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
    return Status(StatusCode::kNotFound, "customer " + std::to_string(id) + " not found", {{field, "not found"}});
  }
  GX_RETURN_IF_ERROR(c.status());
  std::optional<int64_t> owner_team;
  if (c->owner_user_id && p.role == Role::kManager) {
    auto owner = store_.GetUser(*c->owner_user_id);
    if (owner.ok()) owner_team = owner->team_id;
  }
  if (!CanSeeCustomer(p, c->owner_user_id, owner_team)) {
    return Status(StatusCode::kNotFound, "customer " + std::to_string(id) + " not found", {{field, "not found"}});
  }
  return c;
}

Result<int> DedupService::UndoDays() {
  GX_ASSIGN_OR_RETURN(auto stored, store_.Ownership().GetSetting("merge.undo_days"));
  if (!stored) return kDefaultUndoDays;
  int days = 0;
  auto [end, ec] = std::from_chars(stored->data(), stored->data() + stored->size(), days);
  if (ec != std::errc() || end != stored->data() + stored->size() || days < 0 || days > kMaxUndoDays) {
    return kDefaultUndoDays;
  }
  return days;
}

Result<std::vector<DuplicateCandidate>> DedupService::Detect(const Principal& p, const DuplicateOptions& opt,
                                                             size_t limit) {
  GX_ASSIGN_OR_RETURN(DedupColumns cols, store_.Dedup().ReadColumns(CustomerScope(p)));
  GX_ASSIGN_OR_RETURN(auto dismissed_list, store_.Dedup().ListDismissals());
  const std::set<std::pair<int64_t, int64_t>> dismissed(dismissed_list.begin(), dismissed_list.end());
  const std::vector<DuplicatePair> pairs = FindDuplicates(ToColumns(std::move(cols)), opt);
  std::vector<DuplicateCandidate> out;
  for (const auto& pair : pairs) {
    if (out.size() >= limit) break;
    if (dismissed.count({pair.a, pair.b})) continue;
    auto a = store_.GetCustomer(pair.a);
    auto b = store_.GetCustomer(pair.b);
    // Deleted or merged since the scan: not a candidate any more.
    if (!a.ok() || !b.ok() || a->archived || b->archived) continue;
    out.push_back(DuplicateCandidate{pair, std::move(*a), std::move(*b)});
  }
  return out;
}

Result<std::vector<DuplicateCandidate>> DedupService::Candidates(const Principal& p, double min_score, int limit) {
  if (!(min_score >= 0 && min_score <= 1)) return Status::InvalidField("min_score", "must be between 0 and 1");
  if (limit < 1 || limit > kMaxLimit) {
    return Status::InvalidField("limit", "must be between 1 and " + std::to_string(kMaxLimit));
  }
  DuplicateOptions opt;
  opt.min_score = std::max(min_score, kGuaranteedScore);
  return Detect(p, opt, static_cast<size_t>(limit));
}

Result<std::vector<DuplicateCandidate>> DedupService::CandidatesOf(const Principal& p, int64_t customer_id,
                                                                   double min_score) {
  if (!(min_score >= 0 && min_score <= 1)) return Status::InvalidField("min_score", "must be between 0 and 1");
  GX_RETURN_IF_ERROR(Visible(p, customer_id, "id").status());
  DuplicateOptions opt;
  opt.min_score = std::max(min_score, kGuaranteedScore);
  opt.only_id = customer_id;
  return Detect(p, opt, static_cast<size_t>(kMaxLimit));
}

Status DedupService::Dismiss(const Principal& p, int64_t a, int64_t b) {
  if (!CanWriteArchive(p)) return Status::PermissionDenied("this role may not dismiss duplicates");
  if (a == b) return Status::InvalidField("b", "a customer is not a duplicate of itself");
  GX_RETURN_IF_ERROR(Visible(p, a, "a").status());
  GX_RETURN_IF_ERROR(Visible(p, b, "b").status());
  AuditEntry audit = Audit(p, "dismiss_duplicate");
  audit.after = "{\"a\":" + std::to_string(std::min(a, b)) + ",\"b\":" + std::to_string(std::max(a, b)) + "}";
  return store_.Dedup().Dismiss(a, b, clock_.Now(), p.user_id ? std::optional<int64_t>(p.user_id) : std::nullopt,
                                audit);
}

Result<MergeView> DedupService::Merge(const Principal& p, int64_t survivor_id, int64_t merged_id) {
  if (!CanWriteArchive(p)) return Status::PermissionDenied("this role may not merge customers");
  if (survivor_id == merged_id) return Status::InvalidField("merged_id", "a customer cannot be merged into itself");
  GX_ASSIGN_OR_RETURN(Customer survivor, Visible(p, survivor_id, "id"));
  GX_ASSIGN_OR_RETURN(Customer merged, Visible(p, merged_id, "merged_id"));
  // The pair's score as detection would give it, kept with the merge.
  DuplicateColumns two;
  for (const Customer* c : {&survivor, &merged}) {
    two.id.push_back(c->id);
    two.name.push_back(c->name);
    two.organization.push_back(c->kind == CustomerKind::kOrganization);
    two.phone.push_back(c->phone);
    two.email.push_back(c->email);
  }
  const double score = DuplicateScorer(two, 1).Score(0, 1).score;
  GX_ASSIGN_OR_RETURN(int undo_days, UndoDays());
  MergeRequest r;
  r.survivor_id = survivor_id;
  r.merged_id = merged_id;
  r.at = clock_.Now();
  if (p.user_id) r.user_id = p.user_id;
  r.score = score;
  r.undo_until = r.at + undo_days * kSecondsPerDay;
  GX_ASSIGN_OR_RETURN(CustomerMerge m, store_.Dedup().Merge(r, Audit(p, "merge")));
  return View(std::move(m));
}

Result<MergeView> DedupService::Undo(const Principal& p, int64_t merge_id) {
  if (!CanWriteArchive(p)) return Status::PermissionDenied("this role may not undo merges");
  GX_ASSIGN_OR_RETURN(CustomerMerge m, store_.Dedup().GetMerge(merge_id));
  GX_RETURN_IF_ERROR(Visible(p, m.survivor_id, "id").status());
  GX_RETURN_IF_ERROR(Visible(p, m.merged_id, "id").status());
  GX_ASSIGN_OR_RETURN(CustomerMerge undone,
                      store_.Dedup().Undo(merge_id, clock_.Now(),
                                          p.user_id ? std::optional<int64_t>(p.user_id) : std::nullopt,
                                          Audit(p, "merge_undo")));
  return View(std::move(undone));
}

Result<MergeView> DedupService::GetMerge(const Principal& p, int64_t merge_id) {
  GX_ASSIGN_OR_RETURN(CustomerMerge m, store_.Dedup().GetMerge(merge_id));
  if (!Visible(p, m.survivor_id, "id").ok()) return Status::NotFound("merge " + std::to_string(merge_id) + " not found");
  return View(std::move(m));
}

Result<std::vector<MergeView>> DedupService::ListMerges(const Principal& p, std::optional<int64_t> customer_id,
                                                        int limit) {
  if (limit < 1 || limit > kMaxLimit) {
    return Status::InvalidField("limit", "must be between 1 and " + std::to_string(kMaxLimit));
  }
  if (customer_id) GX_RETURN_IF_ERROR(Visible(p, *customer_id, "customer_id").status());
  MergeQuery q;
  q.scope = CustomerScope(p);
  q.customer_id = customer_id;
  q.limit = limit;
  GX_ASSIGN_OR_RETURN(auto merges, store_.Dedup().ListMerges(q));
  std::vector<MergeView> out;
  for (auto& m : merges) {
    GX_ASSIGN_OR_RETURN(MergeView v, View(std::move(m)));
    out.push_back(std::move(v));
  }
  return out;
}

Result<MergeView> DedupService::View(CustomerMerge m) {
  GX_ASSIGN_OR_RETURN(auto names, store_.CustomerNames({m.survivor_id, m.merged_id}));
  MergeView v;
  v.survivor_name = names[m.survivor_id];
  v.merged_name = names[m.merged_id];
  v.undoable = !m.undone_at && clock_.Now() <= m.undo_until;
  v.merge = std::move(m);
  return v;
}

}  // namespace guanxi
