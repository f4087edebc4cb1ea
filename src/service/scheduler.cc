#include "service/scheduler.h"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "domain/sales.h"

namespace guanxi {
namespace {

std::string DefaultInstance() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%08x", rd());
  return std::string(host[0] ? host : "host") + ":" + std::to_string(getpid()) + ":" + suffix;
}

UnixSeconds FloorTo(UnixSeconds t, int64_t step) {
  const UnixSeconds r = t % step;
  return r < 0 ? t - r - step : t - r;
}

}  // namespace

struct Scheduler::Impl {
  enum class Shape { kDaily, kEvery, kOnDemand };
  struct Registration {
    Shape shape = Shape::kOnDemand;
    std::function<int()> hour;
    std::function<bool()> gate;  // daily: slots only while it answers true (when set)
    std::chrono::seconds interval{0};
    JobHandler handler;
    std::string inserted_key;  // the last slot key known to exist: skips the insert
  };

  Impl(Store& s, const Clock& c, SchedulerOptions o) : store(s), clock(c), options(std::move(o)) {
    if (options.instance.empty()) options.instance = DefaultInstance();
    if (options.lease.count() < 1) options.lease = std::chrono::seconds(1);
  }

  void Register(std::string kind, Registration r) {
    std::lock_guard lock(run_mu);
    if (registrations.count(kind) == 0) order.push_back(kind);
    registrations[std::move(kind)] = std::move(r);
  }

  // Inserts the row of every slot that has begun; the unique key makes this a
  // no-op on every server but the first.
  // Slots are inserted in registration order, so jobs due at the same time
  // run in that order (ids break run_after ties): e.g. lifecycle before visit_plans.
  Status EnqueueSlots(UnixSeconds now) {
    for (const std::string& kind : order) {
      Registration& r = registrations.at(kind);
      std::string key;
      UnixSeconds run_after = 0;
      if (r.shape == Shape::kDaily) {
        if (r.gate && !r.gate()) continue;
        const std::string day = BusinessDay(now);
        run_after = StartOfBusinessDay(day) + static_cast<UnixSeconds>(r.hour()) * 3600;
        if (now < run_after) continue;
        key = kind + ":" + day;
      } else if (r.shape == Shape::kEvery) {
        run_after = FloorTo(now, r.interval.count());
        key = kind + ":" + std::to_string(run_after);
      } else {
        continue;
      }
      if (key == r.inserted_key) continue;
      Job job;
      job.kind = kind;
      job.key = key;
      job.run_after = run_after;
      job.max_attempts = options.max_attempts;
      job.created_at = now;
      GX_RETURN_IF_ERROR(store.Jobs().InsertJobIfAbsent(job, AuditEntry{}, nullptr).status());
      r.inserted_key = key;
    }
    return Status::Ok();
  }

  // The day of a daily slot's key ("<kind>:YYYY-MM-DD"); today for other jobs.
  std::string SlotDay(const Job& job) const {
    const std::string prefix = job.kind + ":";
    if (job.key.size() == prefix.size() + 10 && job.key.compare(0, prefix.size(), prefix) == 0) {
      std::string day = job.key.substr(prefix.size());
      if (day[4] == '-' && day[7] == '-') return day;
    }
    return BusinessDay(clock.Now());
  }

  std::vector<std::string> Kinds() const {
    std::vector<std::string> out;
    for (const auto& [kind, r] : registrations) out.push_back(kind);
    return out;
  }

  Result<std::vector<int64_t>> RunDue() {
    std::lock_guard lock(run_mu);
    GX_RETURN_IF_ERROR(EnqueueSlots(clock.Now()));
    const std::vector<std::string> kinds = Kinds();
    std::vector<int64_t> ran;
    while (!stopping.load()) {
      const UnixSeconds now = clock.Now();
      GX_ASSIGN_OR_RETURN(std::optional<Job> job,
                          store.Jobs().ClaimJob(kinds, options.instance, now, now + options.lease.count()));
      if (!job) break;
      RunClaimed(*job);
      ran.push_back(job->id);
    }
    return ran;
  }

  // Runs one claimed job: a side thread renews the lease every lease/3 while
  // the handler runs on this thread, then the outcome is recorded.
  void RunClaimed(const Job& job) {
    const Registration& r = registrations.at(job.kind);
    JobContext ctx;
    ctx.job_id = job.id;
    ctx.kind = job.kind;
    ctx.key = job.key;
    ctx.day = SlotDay(job);
    ctx.payload = job.payload.empty() ? "{}" : job.payload;
    ctx.stopping = [this] { return stopping.load(); };

    std::mutex renew_mu;
    std::condition_variable renew_cv;
    bool handler_done = false;
    std::thread renewer([&] {
      const auto every = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(200),
                                                             std::chrono::milliseconds(options.lease) / 3);
      std::unique_lock lock(renew_mu);
      while (!renew_cv.wait_for(lock, every, [&] { return handler_done; })) {
        auto held = store.Jobs().RenewJobLease(job.id, options.instance, clock.Now() + options.lease.count());
        if (!held.ok()) {
          std::fprintf(stderr, "guanxi: job %s (#%lld): cannot renew the lease: %s\n", job.key.c_str(),
                       static_cast<long long>(job.id), held.status().message().c_str());
        } else if (!*held) {
          std::fprintf(stderr, "guanxi: job %s (#%lld): lease lost to another server\n", job.key.c_str(),
                       static_cast<long long>(job.id));
          return;
        }
      }
    });

    Result<std::string> result = Status::Internal("the handler did not answer");
    try {
      result = r.handler(ctx);
    } catch (const std::exception& e) {
      result = Status::Internal(std::string("the handler threw: ") + e.what());
    }
    {
      std::lock_guard lock(renew_mu);
      handler_done = true;
    }
    renew_cv.notify_all();
    renewer.join();

    JobOutcome o;
    const UnixSeconds now = clock.Now();
    o.at = now;
    if (result.ok()) {
      o.kind = JobOutcome::Kind::kDone;
      o.result = result->empty() ? "{}" : *result;
    } else if (stopping.load()) {
      o.kind = JobOutcome::Kind::kRelease;
      o.run_after = now;
      o.error = "interrupted: the server stopped";
    } else {
      o.error = result.status().message();
      if (job.attempts < job.max_attempts) {
        o.kind = JobOutcome::Kind::kRetry;
        o.run_after = now + options.retry_backoff.count();
      } else {
        o.kind = JobOutcome::Kind::kFailed;
      }
      std::fprintf(stderr, "guanxi: job %s (#%lld) attempt %lld of %lld failed: %s\n", job.key.c_str(),
                   static_cast<long long>(job.id), static_cast<long long>(job.attempts),
                   static_cast<long long>(job.max_attempts), o.error.c_str());
    }
    auto recorded = store.Jobs().FinishJob(job.id, options.instance, o);
    if (!recorded.ok()) {
      std::fprintf(stderr, "guanxi: job %s (#%lld): cannot record the outcome: %s\n", job.key.c_str(),
                   static_cast<long long>(job.id), recorded.status().message().c_str());
    } else if (!*recorded) {
      std::fprintf(stderr, "guanxi: job %s (#%lld): finished after another server took it over\n",
                   job.key.c_str(), static_cast<long long>(job.id));
    }
  }

  void Loop() {
    for (;;) {
      auto ran = RunDue();
      if (!ran.ok()) std::fprintf(stderr, "guanxi: scheduler poll failed: %s\n", ran.status().message().c_str());
      std::unique_lock lock(mu);
      cv.wait_for(lock, options.poll, [this] { return stopping.load() || wake; });
      if (stopping.load()) return;
      wake = false;
    }
  }

  Store& store;
  const Clock& clock;
  SchedulerOptions options;
  std::map<std::string, Registration> registrations;  // guarded by run_mu once started
  std::vector<std::string> order;                     // kinds in registration order
  std::mutex run_mu;  // one RunDue at a time per instance
  std::mutex mu;      // wake, the poll thread's wait
  std::condition_variable cv;
  bool wake = false;
  std::atomic<bool> stopping{false};
  std::thread thread;
};

Scheduler::Scheduler(Store& store, const Clock& clock, SchedulerOptions options)
    : impl_(std::make_unique<Impl>(store, clock, std::move(options))) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Daily(std::string kind, int hour, JobHandler handler) {
  Daily(std::move(kind), std::function<int()>([hour] { return hour; }), std::move(handler));
}

void Scheduler::Daily(std::string kind, std::function<int()> hour, JobHandler handler,
                      std::function<bool()> gate) {
  Impl::Registration r;
  r.shape = Impl::Shape::kDaily;
  r.hour = std::move(hour);
  r.gate = std::move(gate);
  r.handler = std::move(handler);
  impl_->Register(std::move(kind), std::move(r));
}

void Scheduler::Every(std::string kind, std::chrono::seconds interval, JobHandler handler) {
  Impl::Registration r;
  r.shape = Impl::Shape::kEvery;
  r.interval = std::max(interval, std::chrono::seconds(1));
  r.handler = std::move(handler);
  impl_->Register(std::move(kind), std::move(r));
}

void Scheduler::OnDemand(std::string kind, JobHandler handler) {
  Impl::Registration r;
  r.handler = std::move(handler);
  impl_->Register(std::move(kind), std::move(r));
}

bool Scheduler::Knows(const std::string& kind) const {
  // Registrations only change before Start (see EnqueueJob).
  return impl_->registrations.count(kind) > 0;
}

std::vector<JobKindInfo> Scheduler::Kinds() const {
  std::vector<JobKindInfo> out;
  for (const auto& [kind, r] : impl_->registrations) {
    JobKindInfo info;
    info.kind = kind;
    switch (r.shape) {
      case Impl::Shape::kDaily:
        info.schedule = "daily";
        info.hour = r.hour();
        break;
      case Impl::Shape::kEvery:
        info.schedule = "every";
        info.interval_seconds = r.interval.count();
        break;
      case Impl::Shape::kOnDemand:
        info.schedule = "on_demand";
        break;
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<Job> Scheduler::EnqueueJob(const std::string& kind, const std::string& key, const std::string& payload,
                                  UnixSeconds run_after, AuditEntry audit) {
  // Registrations only change before Start, so reading them here without
  // run_mu (held for a whole poll) is safe and keeps an enqueue from waiting
  // for a running handler.
  if (impl_->registrations.count(kind) == 0) return Status::InvalidField("kind", "unknown job kind: " + kind);
  if (key.empty()) return Status::InvalidField("key", "a job needs a key");
  Job job;
  job.kind = kind;
  job.key = key;
  job.payload = payload.empty() ? "{}" : payload;
  job.run_after = run_after;
  job.max_attempts = impl_->options.max_attempts;
  job.created_at = impl_->clock.Now();
  GX_ASSIGN_OR_RETURN(Job stored, impl_->store.Jobs().InsertJobIfAbsent(job, std::move(audit), nullptr));
  {
    std::lock_guard lock(impl_->mu);
    impl_->wake = true;
  }
  impl_->cv.notify_all();
  return stored;
}

Result<int64_t> Scheduler::Enqueue(const std::string& kind, const std::string& key, const std::string& payload,
                                   UnixSeconds run_after) {
  GX_ASSIGN_OR_RETURN(Job job, EnqueueJob(kind, key, payload, run_after, AuditEntry{}));
  return job.id;
}

void Scheduler::Start() {
  if (impl_->thread.joinable()) return;
  impl_->stopping = false;
  impl_->thread = std::thread([this] { impl_->Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<int> Scheduler::RunDue() {
  GX_ASSIGN_OR_RETURN(auto ids, impl_->RunDue());
  return static_cast<int>(ids.size());
}

Result<std::vector<int64_t>> Scheduler::RunDueIds() { return impl_->RunDue(); }

const std::string& Scheduler::instance() const { return impl_->options.instance; }

}  // namespace guanxi
