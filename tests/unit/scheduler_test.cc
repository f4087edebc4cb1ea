// The scheduler on both backends with a fake clock: daily and periodic slots run
// once even with two schedulers (two servers) on one database, a job whose
// server died (lease ran out) is taken over, failures retry after the back-off
// up to max_attempts, Enqueue is idempotent by key, and Stop is honoured by a
// running handler (the job goes back to the queue without using an attempt).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/sales.h"
#include "service/scheduler.h"
#include "store/job_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

constexpr char kDay[] = "2026-12-01";

class SchedulerTest : public testing::BackendStoreTest {
 protected:
  void SetUp() override {
    testing::BackendStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clock_ = std::make_unique<testing::FakeClock>(testing::At(kDay, 2) + 59 * 60);  // 02:59 local
  }

  SchedulerOptions Options(const std::string& instance) {
    SchedulerOptions o;
    o.instance = instance;
    o.lease = std::chrono::seconds(120);
    o.retry_backoff = std::chrono::seconds(300);
    o.max_attempts = 3;
    return o;
  }

  Job GetJob(int64_t id) {
    auto j = store_->Jobs().GetJob(id);
    EXPECT_TRUE(j.ok()) << j.status().ToString();
    return j.ok() ? *j : Job{};
  }

  std::vector<Job> Jobs(const std::string& kind) {
    JobQuery q;
    q.kind = kind;
    auto page = store_->Jobs().ListJobs(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<Job>{};
  }

  static int Ran(Scheduler& s) {
    auto n = s.RunDue();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<testing::FakeClock> clock_;
};

TEST_P(SchedulerTest, DailyJobRunsOncePerDayWithTwoSchedulers) {
  std::unique_ptr<Store> other = db_->Open();
  ASSERT_TRUE(other);
  std::vector<std::string> days;  // the day each run was for, by either server
  auto handler = [&days](const JobContext& ctx) -> Result<std::string> {
    days.push_back(ctx.day);
    return std::string("{\"n\":") + std::to_string(days.size()) + "}";
  };
  Scheduler a(*store_, *clock_, Options("a"));
  Scheduler b(*other, *clock_, Options("b"));
  a.Daily("probe", 3, handler);
  b.Daily("probe", 3, handler);

  // 02:59: not due yet; no row either.
  EXPECT_EQ(Ran(a), 0);
  EXPECT_EQ(Ran(b), 0);
  EXPECT_TRUE(Jobs("probe").empty());

  // 03:00: the first poll runs it, the other finds it done.
  clock_->Advance(60);
  EXPECT_EQ(Ran(b), 1);
  EXPECT_EQ(Ran(a), 0);
  EXPECT_EQ(Ran(b), 0);
  auto jobs = Jobs("probe");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].key, std::string("probe:") + kDay);
  EXPECT_EQ(jobs[0].status, "done");
  EXPECT_EQ(jobs[0].attempts, 1);
  EXPECT_EQ(jobs[0].run_after, testing::At(kDay, 3));
  EXPECT_EQ(jobs[0].result, "{\"n\":1}");
  EXPECT_EQ(jobs[0].lease_owner, "");

  // Later the same day: nothing; the next day: once more.
  clock_->Advance(12 * 3600);
  EXPECT_EQ(Ran(a) + Ran(b), 0);
  clock_->Advance(12 * 3600);
  EXPECT_EQ(Ran(a) + Ran(b), 1);
  EXPECT_EQ(days, (std::vector<std::string>{kDay, AddDays(kDay, 1)}));
  EXPECT_EQ(Jobs("probe").size(), 2u);
  other->Close();
}

TEST_P(SchedulerTest, AGatedDailySlotWaitsForItsGate) {
  clock_->Advance(60);  // 03:00
  bool open = false;
  int runs = 0;
  Scheduler a(*store_, *clock_, Options("a"));
  a.Daily(
      "gated", [] { return 3; },
      [&runs](const JobContext&) -> Result<std::string> {
        ++runs;
        return std::string("{}");
      },
      [&open] { return open; });
  EXPECT_EQ(Ran(a), 0);
  EXPECT_TRUE(Jobs("gated").empty());
  open = true;
  EXPECT_EQ(Ran(a), 1);
  EXPECT_EQ(runs, 1);
  auto kinds = a.Kinds();
  ASSERT_EQ(kinds.size(), 1u);
  EXPECT_EQ(kinds[0].schedule, "daily");
  EXPECT_EQ(kinds[0].hour, 3);
}

TEST_P(SchedulerTest, EveryJobRunsOncePerSlot) {
  int runs = 0;
  Scheduler a(*store_, *clock_, Options("a"));
  a.Every("tick", std::chrono::minutes(10), [&runs](const JobContext&) -> Result<std::string> {
    ++runs;
    return std::string("{}");
  });
  const UnixSeconds slot = clock_->Now() - clock_->Now() % 600;
  EXPECT_EQ(Ran(a), 1);
  EXPECT_EQ(Ran(a), 0);
  auto jobs = Jobs("tick");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].key, "tick:" + std::to_string(slot));
  clock_->Advance(600);
  EXPECT_EQ(Ran(a), 1);
  EXPECT_EQ(runs, 2);
}

TEST_P(SchedulerTest, ExpiredLeaseIsTakenOver) {
  int runs = 0;
  Scheduler b(*store_, *clock_, Options("b"));
  b.OnDemand("probe", [&runs](const JobContext&) -> Result<std::string> {
    ++runs;
    return std::string("{}");
  });
  const UnixSeconds now = clock_->Now();
  auto id = b.Enqueue("probe", "probe:one", "{}", now);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // A server that claims the job and dies without finishing it.
  auto dead = store_->Jobs().ClaimJob({"probe"}, "dead-server", now, now + 120);
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  ASSERT_TRUE(dead->has_value());
  EXPECT_EQ((*dead)->id, *id);
  EXPECT_EQ((*dead)->status, "running");
  EXPECT_EQ((*dead)->attempts, 1);

  // While the lease holds, nobody else takes it.
  clock_->Advance(120);
  EXPECT_EQ(Ran(b), 0);
  EXPECT_EQ(GetJob(*id).lease_owner, "dead-server");
  // Once it has run out, the job is taken over and runs.
  clock_->Advance(1);
  EXPECT_EQ(Ran(b), 1);
  EXPECT_EQ(runs, 1);
  Job j = GetJob(*id);
  EXPECT_EQ(j.status, "done");
  EXPECT_EQ(j.attempts, 2);
  // The dead server's late answer is not recorded.
  JobOutcome late;
  late.kind = JobOutcome::Kind::kFailed;
  late.at = clock_->Now();
  late.error = "late";
  auto recorded = store_->Jobs().FinishJob(*id, "dead-server", late);
  ASSERT_TRUE(recorded.ok());
  EXPECT_FALSE(*recorded);
  EXPECT_EQ(GetJob(*id).status, "done");
}

TEST_P(SchedulerTest, ExpiredLeaseAfterTheLastAttemptFails) {
  SchedulerOptions o = Options("b");
  o.max_attempts = 1;
  int runs = 0;
  Scheduler b(*store_, *clock_, o);
  b.OnDemand("probe", [&runs](const JobContext&) -> Result<std::string> {
    ++runs;
    return std::string("{}");
  });
  const UnixSeconds now = clock_->Now();
  auto id = b.Enqueue("probe", "probe:one", "{}", now);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store_->Jobs().ClaimJob({"probe"}, "dead-server", now, now + 120).ok());
  clock_->Advance(121);
  EXPECT_EQ(Ran(b), 0);
  EXPECT_EQ(runs, 0);
  Job j = GetJob(*id);
  EXPECT_EQ(j.status, "failed");
  EXPECT_EQ(j.finished_at, std::optional<UnixSeconds>(clock_->Now()));
  EXPECT_FALSE(j.error.empty());
}

TEST_P(SchedulerTest, FailuresRetryAfterBackoffThenFail) {
  int runs = 0;
  Scheduler a(*store_, *clock_, Options("a"));
  a.OnDemand("broken", [&runs](const JobContext&) -> Result<std::string> {
    ++runs;
    return Status::Internal("attempt " + std::to_string(runs) + " broke");
  });
  const UnixSeconds start = clock_->Now();
  auto id = a.Enqueue("broken", "broken:one", "{}", start);
  ASSERT_TRUE(id.ok());

  EXPECT_EQ(Ran(a), 1);
  Job j = GetJob(*id);
  EXPECT_EQ(j.status, "queued");
  EXPECT_EQ(j.attempts, 1);
  EXPECT_EQ(j.run_after, start + 300);
  EXPECT_EQ(j.error, "attempt 1 broke");
  // Not before the back-off.
  clock_->Advance(299);
  EXPECT_EQ(Ran(a), 0);
  clock_->Advance(1);
  EXPECT_EQ(Ran(a), 1);
  EXPECT_EQ(GetJob(*id).attempts, 2);
  EXPECT_EQ(GetJob(*id).status, "queued");
  clock_->Advance(300);
  EXPECT_EQ(Ran(a), 1);
  j = GetJob(*id);
  EXPECT_EQ(j.status, "failed");
  EXPECT_EQ(j.attempts, 3);
  EXPECT_EQ(j.error, "attempt 3 broke");
  EXPECT_EQ(j.finished_at, std::optional<UnixSeconds>(clock_->Now()));
  clock_->Advance(3600);
  EXPECT_EQ(Ran(a), 0);
  EXPECT_EQ(runs, 3);
}

TEST_P(SchedulerTest, RetrySucceedsOnTheSecondAttempt) {
  int runs = 0;
  Scheduler a(*store_, *clock_, Options("a"));
  a.OnDemand("flaky", [&runs](const JobContext&) -> Result<std::string> {
    if (++runs == 1) return Status::Unavailable("database busy");
    return std::string("{\"ok\":true}");
  });
  auto id = a.Enqueue("flaky", "flaky:one", "{\"x\":1}", clock_->Now());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(Ran(a), 1);
  clock_->Advance(300);
  EXPECT_EQ(Ran(a), 1);
  Job j = GetJob(*id);
  EXPECT_EQ(j.status, "done");
  EXPECT_EQ(j.attempts, 2);
  EXPECT_EQ(j.result, "{\"ok\":true}");
  EXPECT_EQ(j.error, "");
  EXPECT_EQ(j.payload, "{\"x\":1}");
}

TEST_P(SchedulerTest, EnqueueIsIdempotentByKey) {
  Scheduler a(*store_, *clock_, Options("a"));
  a.OnDemand("probe", [](const JobContext&) -> Result<std::string> { return std::string("{}"); });
  auto first = a.Enqueue("probe", "probe:k", "{}", clock_->Now());
  auto second = a.Enqueue("probe", "probe:k", "{}", clock_->Now() + 50);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(Jobs("probe").size(), 1u);
  EXPECT_EQ(GetJob(*first).run_after, clock_->Now());

  auto unknown = a.Enqueue("nope", "nope:k", "{}", clock_->Now());
  ASSERT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  ASSERT_FALSE(unknown.status().fields().empty());
  EXPECT_EQ(unknown.status().fields()[0].field, "kind");
  EXPECT_TRUE(Jobs("nope").empty());

  // A job due later is not run early.
  auto later = a.Enqueue("probe", "probe:later", "{}", clock_->Now() + 600);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(Ran(a), 1);  // probe:k only
  EXPECT_EQ(GetJob(*later).status, "queued");
}

TEST_P(SchedulerTest, ListIsNewestFirstWithKeysetPages) {
  Scheduler a(*store_, *clock_, Options("a"));
  a.OnDemand("probe", [](const JobContext&) -> Result<std::string> { return std::string("{}"); });
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = a.Enqueue("probe", "probe:" + std::to_string(i), "{}", clock_->Now() + 3600);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  JobQuery q;
  q.limit = 2;
  q.status = "queued";
  std::vector<int64_t> seen;
  for (int page = 0; page < 5; ++page) {
    auto p = store_->Jobs().ListJobs(q);
    ASSERT_TRUE(p.ok());
    for (const Job& j : p->items) seen.push_back(j.id);
    if (!p->next) break;
    q.after_id = std::stoll(*p->next);
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{ids[4], ids[3], ids[2], ids[1], ids[0]}));
  q = JobQuery{};
  q.status = "done";
  EXPECT_TRUE(store_->Jobs().ListJobs(q)->items.empty());
}

// A clock the handler moves while the lease renewer reads it from its thread.
class AtomicClock final : public Clock {
 public:
  explicit AtomicClock(UnixSeconds t) : now_(t) {}
  UnixSeconds Now() const override { return now_.load(); }
  void Advance(int64_t s) { now_ += s; }

 private:
  std::atomic<UnixSeconds> now_;
};

TEST_P(SchedulerTest, TheLeaseIsRenewedWhileTheHandlerRuns) {
  AtomicClock clock(clock_->Now());
  SchedulerOptions o = Options("a");
  o.lease = std::chrono::seconds(3);  // renewed about every second
  Scheduler a(*store_, clock, o);
  std::optional<UnixSeconds> renewed_to;
  a.OnDemand("long", [&](const JobContext& ctx) -> Result<std::string> {
    // Time passes beyond the first lease; the renewer must push it on.
    clock.Advance(100);
    const UnixSeconds want = clock.Now() + 3;
    for (int i = 0; i < 500; ++i) {
      auto j = store_->Jobs().GetJob(ctx.job_id);
      if (j.ok() && j->lease_until == want) {
        renewed_to = j->lease_until;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::string("{}");
  });
  auto id = a.Enqueue("long", "long:one", "{}", clock.Now());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(Ran(a), 1);
  ASSERT_TRUE(renewed_to.has_value()) << "the lease was not renewed while the handler ran";
  Job j = GetJob(*id);
  EXPECT_EQ(j.status, "done");
  EXPECT_EQ(j.lease_until, std::nullopt);
}

TEST_P(SchedulerTest, StopIsHonouredByARunningHandler) {
  std::atomic<bool> started{false};
  std::atomic<bool> saw_stop{false};
  SchedulerOptions o = Options("a");
  o.poll = std::chrono::seconds(3600);
  Scheduler a(*store_, *clock_, o);
  a.OnDemand("long", [&](const JobContext& ctx) -> Result<std::string> {
    started = true;
    // Bounded: a broken stop flag fails the test instead of hanging it.
    for (int i = 0; i < 3000 && !ctx.stopping(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    saw_stop = ctx.stopping();
    return Status::Unavailable("stopping");
  });
  auto id = a.Enqueue("long", "long:one", "{}", clock_->Now());
  ASSERT_TRUE(id.ok());
  a.Start();
  for (int i = 0; i < 3000 && !started; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(started.load());
  a.Stop();
  EXPECT_TRUE(saw_stop.load());
  Job j = GetJob(*id);
  EXPECT_EQ(j.status, "queued");
  EXPECT_EQ(j.attempts, 0) << "an interrupted attempt is not counted";
  EXPECT_EQ(j.lease_owner, "");
  // A stopped scheduler runs nothing more.
  EXPECT_EQ(Ran(a), 0);
  // Another server picks it up.
  Scheduler b(*store_, *clock_, Options("b"));
  b.OnDemand("long", [](const JobContext&) -> Result<std::string> { return std::string("{}"); });
  EXPECT_EQ(Ran(b), 1);
  EXPECT_EQ(GetJob(*id).status, "done");
  EXPECT_EQ(GetJob(*id).attempts, 1);
}

TEST_P(SchedulerTest, OneClaimerWinsAmongConcurrentServers) {
  // Four stores (connections of four servers) claim the same ten jobs at once.
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 4; ++i) {
    stores.push_back(db_->Open());
    ASSERT_TRUE(stores.back());
  }
  Scheduler seed(*store_, *clock_, Options("seed"));
  seed.OnDemand("probe", [](const JobContext&) -> Result<std::string> { return std::string("{}"); });
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(seed.Enqueue("probe", "probe:" + std::to_string(i), "{}", clock_->Now()).ok());
  std::vector<std::vector<int64_t>> claimed(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        auto c = stores[i]->Jobs().ClaimJob({"probe"}, "s" + std::to_string(i), clock_->Now(), clock_->Now() + 60);
        if (!c.ok() || !c->has_value()) return;
        claimed[i].push_back((*c)->id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::map<int64_t, int> times;
  for (const auto& ids : claimed) for (int64_t id : ids) ++times[id];
  EXPECT_EQ(times.size(), 10u);
  for (const auto& [id, n] : times) EXPECT_EQ(n, 1) << "job " << id;
  for (auto& s : stores) s->Close();
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace guanxi
