// Use cases of the sales funnel: stages and settings, opportunities and their
// history, targets, playbook and buying centre, with the ownership rules of
// service/permissions.h applied to an opportunity's owner_user_id (sales: own;
// manager: own and team; admin: all; service and analyst: read all, change none).
// The funnel metrics (forecast, progress, board, ...) live in FunnelMetrics
// (service/funnel_metrics.h), reached through metrics().
// Thread-safe (state lives in the Store; FunnelMetrics guards its own cache).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/sales.h"
#include "domain/status.h"
#include "service/clock.h"
#include "service/funnel_metrics.h"
#include "service/permissions.h"
#include "store/sales_store.h"
#include "store/store.h"

namespace guanxi {

// A buying-centre member with the contact's name and title, as listed.
struct BuyingCentreEntry {
  BuyingCentreMember member;
  std::string contact_name;
  std::string contact_title;
};

// A target with the name of what it is for (user display name, team name, "公司").
struct TargetEntry {
  SalesTarget target;
  std::string subject_name;
};

// Stage configuration as an admin sends it: open stages in funnel order, won and
// lost optional (their rates are fixed).
struct StageInput {
  std::string key;
  std::string name_zh;
  std::string name_en;
  int win_rate_bp = 0;
};

class PipelineService {
 public:
  PipelineService(Store& store, const Clock& clock)
      : store_(store), clock_(clock), metrics_(store, clock) {}

  FunnelMetrics& metrics() { return metrics_; }

  // --- stages and settings (read: everyone; write: admin) ---
  Result<std::vector<Stage>> Stages();
  Result<std::vector<Stage>> ReplaceStages(const Principal& p,
                                           const std::vector<StageInput>& input);
  Result<SalesSettings> Settings();
  Result<SalesSettings> UpdateSettings(const Principal& p, SalesSettings s);

  // --- opportunities ---
  // Needs the customer visible to `p`; the owner defaults to the caller (sales)
  // or the customer's owner; the stage to the first open stage.
  Result<Opportunity> Create(const Principal& p, Opportunity draft);
  // NotFound when missing or not visible.
  Result<Opportunity> Get(const Principal& p, int64_t id);
  // Saves `changed` (the caller's edit of the current record, version from
  // If-Match). A stage change records a "stage" event; a change of amount,
  // expected_close or owner alone an "update" event. Moving to lost needs
  // loss_reason; moving to won/lost sets closed_on (today unless changed by the
  // caller; never in the future); moving back to an open stage clears closed_on
  // and loss_reason.
  Result<Opportunity> Update(const Principal& p, Opportunity changed);
  Status Delete(const Principal& p, int64_t id);  // admin only
  // The query's scope is what `p` may see, or `team` when given (which must be
  // within it: PermissionDenied otherwise).
  Result<Page<Opportunity>> List(const Principal& p, OpportunityQuery q,
                                 std::optional<int64_t> team = std::nullopt);
  Result<std::vector<OpportunityEvent>> History(const Principal& p, int64_t id);
  // Entries for the opportunity's stage and the general ones ("" stage) in `locale`.
  Result<std::vector<PlaybookEntry>> PlaybookFor(const Principal& p, int64_t id,
                                                 const std::string& locale);

  // --- buying centre (read: who sees the opportunity; write: who may change it) ---
  Result<std::vector<BuyingCentreEntry>> BuyingCentre(const Principal& p, int64_t opportunity_id);
  Result<BuyingCentreEntry> PutMember(const Principal& p, BuyingCentreMember m);
  Status DeleteMember(const Principal& p, int64_t opportunity_id, int64_t member_id);

  // --- targets (read: everyone; write: admin, or a manager for their team and its members) ---
  Result<std::vector<TargetEntry>> Targets(const std::string& quarter);
  Result<TargetEntry> PutTarget(const Principal& p, SalesTarget t);
  Status DeleteTarget(const Principal& p, int64_t id);  // admin only

  // --- playbook (read: everyone; write: admin, manager) ---
  // Filters by stage, situation and locale when not "".
  Result<std::vector<PlaybookEntry>> Playbook(const std::string& stage,
                                              const std::string& situation,
                                              const std::string& locale);
  Result<PlaybookEntry> CreatePlaybookEntry(const Principal& p, PlaybookEntry e);
  // Replaces the entry when e.version is current.
  Result<PlaybookEntry> UpdatePlaybookEntry(const Principal& p, PlaybookEntry e);
  Status DeletePlaybookEntry(const Principal& p, int64_t id);
  Result<PlaybookEntry> GetPlaybookEntry(int64_t id);

 private:
  Status CheckWritable(const Principal& p, const Opportunity& o);
  Status CheckOwnerAssignable(const Principal& p, std::optional<int64_t> owner);
  // Stage checks and closed_on / loss_reason rules shared by Create and Update.
  Status ApplyStageRules(const std::vector<Stage>& stages, const Opportunity* current,
                         Opportunity& o);
  Status CheckTargetWritable(const Principal& p, const SalesTarget& t);
  Result<TargetEntry> Describe(const SalesTarget& t);
  AuditEntry Audit(const Principal& p, const char* entity, const char* action) const;

  Store& store_;
  const Clock& clock_;
  FunnelMetrics metrics_;
};

}  // namespace guanxi
