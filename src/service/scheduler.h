// The scheduler: background work driven by the persisted `job` table, so that
// after a restart, or with several replicas on one database, each job runs once
// and none is lost.
//
// How it works: every poll, each server inserts the rows of the slots that are
// due (a daily job's key is "<kind>:<YYYY-MM-DD>" in Asia/Shanghai, a periodic
// job's "<kind>:<slot start unix seconds>"; the unique key makes the insert a
// no-op on every server but the first), then claims queued jobs whose run_after
// has passed — and running jobs whose lease ran out, i.e. whose server died —
// one at a time with a conditional UPDATE, renews the lease while the handler
// runs, and records done (with the handler's result) or the error. A failed job
// is retried after a back-off until max_attempts. Handlers must be idempotent:
// a job taken over after a crash runs again from the start (generated tasks
// carry dedupe keys, so a rerun creates only what is missing).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/status.h"
#include "service/clock.h"
#include "store/job_store.h"
#include "store/store.h"

namespace guanxi {

// What a handler gets: the job, and a way to see that the server is stopping
// (long handlers check it between batches and return Cancelled; the job is then
// taken up again later, by this or another server).
struct JobContext {
  int64_t job_id = 0;
  std::string kind;
  std::string key;
  std::string day;      // the Asia/Shanghai day the job is for ("YYYY-MM-DD")
  std::string payload;  // JSON text ("{}" when none)
  std::function<bool()> stopping;
};

// A registered kind and when it runs (GET /api/v1/job-kinds).
struct JobKindInfo {
  std::string kind;
  std::string schedule;  // "daily" | "every" | "on_demand"
  int hour = 0;          // daily: the local hour as of now
  int64_t interval_seconds = 0;  // every
};

// A handler answers a JSON summary of what it did (e.g. {"created":12}) stored
// in job.result, or an error.
using JobHandler = std::function<Result<std::string>(const JobContext&)>;

struct SchedulerOptions {
  std::string instance;                              // lease owner; default: host:pid:random
  std::chrono::seconds poll{30};                     // how often due jobs are looked for
  std::chrono::seconds lease{120};                   // renewed every lease/3 while running
  std::chrono::seconds retry_backoff{300};           // a failed attempt waits this long
  int max_attempts = 3;
};

class Scheduler {
 public:
  Scheduler(Store& store, const Clock& clock, SchedulerOptions options = {});
  ~Scheduler();  // stops
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Registration (before Start). `kind` is unique across all three.
  // Once per Asia/Shanghai day, at or after `hour`:00 local time.
  void Daily(std::string kind, int hour, JobHandler handler);
  // The same with the hour read at every poll (a setting that can change while
  // the server runs, e.g. the analytics schedule_hour); `hour` answers 0..23.
  // When `gate` is set, this server inserts the day's slot only while it
  // answers true (the analytics run waits out the server's warm-up).
  void Daily(std::string kind, std::function<int()> hour, JobHandler handler,
             std::function<bool()> gate = nullptr);
  // Once per `interval` (slots aligned to the Unix epoch).
  void Every(std::string kind, std::chrono::seconds interval, JobHandler handler);
  // One-off jobs enqueued with Enqueue.
  void OnDemand(std::string kind, JobHandler handler);

  // Queues a one-off job of a registered kind. `key` makes it idempotent: an
  // existing key answers the existing job's id. InvalidArgument for an unknown kind.
  Result<int64_t> Enqueue(const std::string& kind, const std::string& key, const std::string& payload,
                          UnixSeconds run_after);
  // Enqueue answering the job that has the key, with `audit` written when the
  // job is new (audit.entity "" for none): POST /api/v1/jobs.
  Result<Job> EnqueueJob(const std::string& kind, const std::string& key, const std::string& payload,
                         UnixSeconds run_after, AuditEntry audit);
  // Whether `kind` is registered.
  bool Knows(const std::string& kind) const;
  // The registered kinds, by name.
  std::vector<JobKindInfo> Kinds() const;

  // Starts the polling thread (first poll at once).
  void Start();
  // Stops polling; a running handler sees stopping() and the thread is joined.
  void Stop();

  // One poll on the calling thread: enqueue due slots, then run every due job
  // this server can claim. Answers how many jobs ran. For tests and the CLI.
  Result<int> RunDue();
  // RunDue answering the ids of the jobs that ran, in order (`guanxi jobs run`).
  Result<std::vector<int64_t>> RunDueIds();

  const std::string& instance() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace guanxi
