// The scheduler's persisted queue (table `job`, service/scheduler.h). Reached
// through Store::Jobs(); same database and connections as the Store. Every
// method is thread-safe and each write is one transaction, so a claim is
// decided by the database: of several servers (or processes) claiming at once,
// exactly one gets a given job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "store/store.h"

namespace guanxi {

struct Job {
  int64_t id = 0;
  std::string kind;
  std::string key;              // unique: "<kind>:<YYYY-MM-DD>", "<kind>:<slot>", "<kind>:manual:<unix>"
  std::string payload = "{}";   // JSON
  UnixSeconds run_after = 0;
  std::string status = "queued";  // queued | running | done | failed
  int64_t attempts = 0;
  int64_t max_attempts = 3;
  std::string lease_owner;      // "" when not running
  std::optional<UnixSeconds> lease_until;
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> started_at;
  std::optional<UnixSeconds> finished_at;
  std::string error;
  std::string result;           // JSON summary from the handler, "" before done

  bool operator==(const Job&) const = default;
};

struct JobQuery {
  std::string kind;    // "" for any
  std::string status;  // "" for any
  std::optional<int64_t> after_id;  // keyset: jobs with a smaller id (newest first)
  int limit = 50;
};

// How a claimed attempt ended (FinishJob).
struct JobOutcome {
  enum class Kind {
    kDone,     // status done, `result` stored
    kRetry,    // back to queued at `run_after`, `error` kept
    kFailed,   // status failed, `error` stored
    kRelease,  // back to queued at `run_after` and the attempt not counted (server stopping)
  };
  Kind kind = Kind::kDone;
  UnixSeconds at = 0;  // finished_at for done/failed
  UnixSeconds run_after = 0;
  std::string result;
  std::string error;
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Inserts `job` as queued (attempts 0, created_at = job.created_at) unless a
  // job with its key exists; answers the job that has the key either way, and
  // sets *inserted. The audit row is written only for an insert and only when
  // audit.entity is not "".
  virtual Result<Job> InsertJobIfAbsent(const Job& job, AuditEntry audit, bool* inserted) = 0;

  // Claims the oldest due job of one of `kinds`: queued with run_after <= now,
  // or running with lease_until < now (its server died). The claim sets status
  // running, lease_owner = owner, lease_until, attempts + 1, started_at = now in
  // one conditional UPDATE. Before claiming, running jobs whose lease ran out
  // after their last attempt are marked failed. nullopt when nothing is due.
  virtual Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& owner,
                                              UnixSeconds now, UnixSeconds lease_until) = 0;

  // Extends the lease while `owner` still holds the running job; false when it
  // does not (taken over, or finished).
  virtual Result<bool> RenewJobLease(int64_t id, const std::string& owner, UnixSeconds lease_until) = 0;

  // Records the end of `owner`'s attempt; false (and nothing written) when
  // `owner` no longer holds the job.
  virtual Result<bool> FinishJob(int64_t id, const std::string& owner, const JobOutcome& outcome) = 0;

  virtual Result<Page<Job>> ListJobs(const JobQuery& q) = 0;
  virtual Result<Job> GetJob(int64_t id) = 0;
};

}  // namespace guanxi
