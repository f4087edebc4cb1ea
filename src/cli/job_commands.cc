// `guanxi jobs list|run`: the scheduler's job table (service/scheduler.h).
// `run` registers the server's job kinds in this process, queues --kind now
// when given, then does one poll: it runs every due job this process can claim
// (the same claim as a server's, so it never runs a job a server is running).
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "http/job_json.h"
#include "service/analytics_service.h"
#include "service/clock.h"
#include "service/pipeline_service.h"
#include "service/relationship_services.h"
#include "service/scheduler.h"
#include "service/server_jobs.h"
#include "service/task_service.h"
#include "store/job_store.h"

namespace guanxi::cli {
namespace {

int CommandUsage(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s (see `guanxi --help`)\n", msg.c_str());
  return 2;
}

int CommandFail(const std::string& msg) {
  std::fprintf(stderr, "guanxi: %s\n", msg.c_str());
  return 1;
}

std::unique_ptr<Store> Open(const Args& a, int* exit_code) {
  std::string error;
  auto store = OpenCommandStore(a, &error);
  if (!store) *exit_code = error.rfind("--db", 0) == 0 ? CommandUsage(error) : CommandFail(error);
  return store;
}

std::string Time(const std::optional<UnixSeconds>& t) { return t ? std::to_string(*t) : "-"; }

void PrintText(const std::vector<Job>& jobs) {
  std::printf("%-8s %-18s %-8s %-8s %-12s %-12s %-12s %s\n", "id", "kind", "status", "attempts", "run_after",
              "started_at", "finished_at", "error/result");
  for (const Job& j : jobs) {
    std::printf("%-8" PRId64 " %-18s %-8s %" PRId64 "/%-6" PRId64 " %-12" PRId64 " %-12s %-12s %s\n", j.id,
                j.kind.c_str(), j.status.c_str(), j.attempts, j.max_attempts, j.run_after, Time(j.started_at).c_str(),
                Time(j.finished_at).c_str(), (j.error.empty() ? j.result : j.error).c_str());
  }
}

void PrintJson(const std::vector<Job>& jobs) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const Job& j : jobs) http::WriteJob(w, j);
  w.EndArray();
  w.EndObject();
  std::printf("%s\n", buf.GetString());
}

}  // namespace

int JobsList(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "kind", "status", "limit", "format", "sync", "pool"}); !s.ok()) {
    return CommandUsage(s.message());
  }
  std::string format = a.GetOr("format", "text");
  if (format != "text" && format != "json") return CommandUsage("--format must be text or json");
  JobQuery q;
  q.kind = a.GetOr("kind", "");
  q.status = a.GetOr("status", "");
  if (!q.status.empty() && q.status != "queued" && q.status != "running" && q.status != "done" &&
      q.status != "failed") {
    return CommandUsage("--status must be queued, running, done or failed");
  }
  const std::string limit = a.GetOr("limit", "50");
  if (limit.empty() || limit.size() > 4 || limit.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(limit) < 1 || std::stoi(limit) > 1000) {
    return CommandUsage("--limit must be 1..1000");
  }
  q.limit = std::stoi(limit);
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  auto page = store->Jobs().ListJobs(q);
  store->Close();
  if (!page.ok()) return CommandFail(page.status().message());
  if (format == "json") PrintJson(page->items); else PrintText(page->items);
  return 0;
}

int JobsRun(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "kind", "format", "sync", "pool"}); !s.ok()) return CommandUsage(s.message());
  std::string format = a.GetOr("format", "text");
  if (format != "text" && format != "json") return CommandUsage("--format must be text or json");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SystemClock clock;
  AnalyticsService analytics(*store, clock);
  PipelineService pipeline(*store, clock);
  TaskService tasks(*store, clock);
  RelationshipServices relationship(*store, clock, tasks);
  SchedulerOptions options;
  options.instance = "cli:" + std::to_string(getpid());
  int exit_code = 0;
  {
    Scheduler scheduler(*store, clock, options);
    ServerJobOptions job_options;
    job_options.analytics_warmup = std::chrono::seconds(0);  // an explicit run: no warm-up
    RegisterServerJobs(scheduler, analytics, pipeline, relationship, job_options);
    relationship.scheduler = &scheduler;
    const UnixSeconds now = clock.Now();
    if (auto kind = a.Get("kind"); kind && !kind->empty()) {
      if (!scheduler.Knows(*kind)) {
        store->Close();
        return CommandUsage("--kind: no job kind named " + *kind);
      }
      auto queued = scheduler.Enqueue(*kind, *kind + ":manual:" + std::to_string(now), "{}", now);
      if (!queued.ok()) exit_code = CommandFail(queued.status().message());
    }
    if (exit_code == 0) {
      auto ran = scheduler.RunDueIds();
      if (!ran.ok()) {
        exit_code = CommandFail(ran.status().message());
      } else {
        std::vector<Job> done;
        for (int64_t id : *ran) {
          auto job = store->Jobs().GetJob(id);
          if (job.ok()) done.push_back(*job);
        }
        if (format == "json") PrintJson(done); else PrintText(done);
        std::fprintf(stderr, "guanxi: %zu job(s) ran\n", ran->size());
      }
    }
  }
  store->Close();
  return exit_code;
}

}  // namespace guanxi::cli
