// `guanxi pipeline forecast|snapshot` and `guanxi targets set|list`: the funnel
// figures and targets of service/funnel_metrics.h and service/pipeline_service.h,
// acting as the system administrator. JSON output is the API's document.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "http/pipeline_json.h"
#include "service/clock.h"
#include "service/order_import.h"
#include "service/pipeline_service.h"

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

// Opens --db or reports why not; the exit code goes to *exit_code on failure.
std::unique_ptr<Store> Open(const Args& a, int* exit_code) {
  std::string error;
  auto store = OpenCommandStore(a, &error);
  if (!store) *exit_code = error.rfind("--db", 0) == 0 ? CommandUsage(error) : CommandFail(error);
  return store;
}

// A team named by id or by name.
Result<int64_t> TeamId(Store& store, const std::string& t) {
  if (!t.empty() && t.find_first_not_of("0123456789") == std::string::npos) {
    auto team = store.GetTeam(std::stoll(t));
    if (team.ok()) return team->id;
  }
  auto team = store.GetTeamByName(t);
  if (!team.ok()) return Status::NotFound("no team " + t);
  return team->id;
}

// Fen as yuan with two decimals: 123456 → "1234.56".
std::string Yuan(int64_t fen) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%" PRId64 ".%02" PRId64, fen < 0 ? "-" : "",
                (fen < 0 ? -fen : fen) / 100, (fen < 0 ? -fen : fen) % 100);
  return buf;
}

std::string Percent(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *v * 100);
  return buf;
}

std::string ForecastText(const ForecastView& v) {
  std::string out;
  auto line = [&](const char* label, const std::string& value) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-18s %s\n", label, value.c_str());
    out += buf;
  };
  line("quarter", v.quarter);
  line("closed", Yuan(v.now.closed));
  line("open weighted", Yuan(v.now.open_weighted));
  line("out of funnel", Yuan(v.now.out_of_funnel));
  line("forecast", Yuan(v.now.forecast));
  line("target", v.target ? Yuan(*v.target) : "-");
  line("coverage", Percent(v.coverage));
  line("progress", Percent(v.progress));
  line("week start", v.week_start);
  line("last week forecast", Yuan(v.last_week_forecast));
  line("last week sales", Yuan(v.last_week_cumulative_sales));
  for (const auto& s : v.by_stage) {
    line(("  " + s.stage.key).c_str(),
         std::to_string(s.count) + " × " + Yuan(s.amount) + " → " + Yuan(s.weighted));
  }
  return out;
}

}  // namespace

int PipelineForecast(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "quarter", "owner", "team", "format", "sync", "pool"});
      !s.ok()) {
    return CommandUsage(s.message());
  }
  std::string format = a.GetOr("format", "json");
  if (format != "json" && format != "text") return CommandUsage("--format must be json or text");
  if (a.Get("owner") && a.Get("team")) return CommandUsage("give --owner or --team, not both");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SystemClock clock;
  PipelineService pipeline(*store, clock);
  std::optional<int64_t> team;
  if (auto t = a.Get("team")) {
    auto id = TeamId(*store, *t);
    if (!id.ok()) {
      store->Close();
      return CommandFail(id.status().message());
    }
    team = *id;
  }
  auto scope = pipeline.metrics().ResolveScope(Principal::System(), a.GetOr("owner", ""), team);
  auto view = scope.ok() ? pipeline.metrics().Forecast(*scope, a.GetOr("quarter", ""))
                         : Result<ForecastView>(scope.status());
  store->Close();
  if (!view.ok()) {
    if (view.status().code() == StatusCode::kInvalidArgument)
      return CommandUsage(view.status().message());
    return CommandFail(view.status().message());
  }
  std::string out = format == "json" ? http::ForecastJson(*view) + "\n" : ForecastText(*view);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int PipelineSnapshot(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "quarter", "sync", "pool"}); !s.ok())
    return CommandUsage(s.message());
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SystemClock clock;
  PipelineService pipeline(*store, clock);
  auto week = pipeline.metrics().TakeSnapshot(a.GetOr("quarter", ""));
  store->Close();
  if (!week.ok()) {
    if (week.status().code() == StatusCode::kInvalidArgument)
      return CommandUsage(week.status().message());
    return CommandFail(week.status().message());
  }
  std::printf("snapshot of the week starting %s stored\n", week->c_str());
  return 0;
}

int TargetsSet(const Args& a) {
  if (Status s =
          CheckAllowed(a, {"db", "quarter", "owner", "team", "company", "amount", "sync", "pool"});
      !s.ok()) {
    return CommandUsage(s.message());
  }
  int subjects = (a.Get("owner") ? 1 : 0) + (a.Get("team") ? 1 : 0) + (a.Flag("company") ? 1 : 0);
  if (subjects != 1) return CommandUsage("give exactly one of --owner LOGIN, --team T, --company");
  auto quarter = a.Get("quarter");
  if (!quarter || !ParseQuarter(*quarter))
    return CommandUsage("--quarter must be a quarter like 2026Q4");
  auto amount = ParseYuan(a.GetOr("amount", ""));
  if (!amount || *amount <= 0)
    return CommandUsage("--amount must be a positive amount in yuan (up to 2 decimals)");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SalesTarget t;
  t.quarter = *quarter;
  t.amount = *amount;
  if (auto login = a.Get("owner")) {
    t.scope = TargetScope::kUser;
    auto user = store->GetUserByLogin(*login);
    if (!user.ok()) {
      store->Close();
      return CommandFail("no user with login " + *login);
    }
    t.subject_id = user->id;
  } else if (auto team = a.Get("team")) {
    t.scope = TargetScope::kTeam;
    auto id = TeamId(*store, *team);
    if (!id.ok()) {
      store->Close();
      return CommandFail(id.status().message());
    }
    t.subject_id = *id;
  } else {
    t.scope = TargetScope::kCompany;
  }
  SystemClock clock;
  PipelineService pipeline(*store, clock);
  auto saved = pipeline.PutTarget(Principal::System(), t);
  store->Close();
  if (!saved.ok()) return CommandFail(saved.status().ToString());
  std::printf("target %s %s %s: %s yuan\n", saved->target.quarter.c_str(),
              std::string(ToString(saved->target.scope)).c_str(), saved->subject_name.c_str(),
              Yuan(saved->target.amount).c_str());
  return 0;
}

int TargetsList(const Args& a) {
  if (Status s = CheckAllowed(a, {"db", "quarter", "format", "sync", "pool"}); !s.ok())
    return CommandUsage(s.message());
  auto quarter = a.Get("quarter");
  if (!quarter || !ParseQuarter(*quarter))
    return CommandUsage("--quarter must be a quarter like 2026Q4");
  std::string format = a.GetOr("format", "text");
  if (format != "json" && format != "text") return CommandUsage("--format must be json or text");
  int code = 0;
  auto store = Open(a, &code);
  if (!store) return code;
  SystemClock clock;
  PipelineService pipeline(*store, clock);
  auto targets = pipeline.Targets(*quarter);
  store->Close();
  if (!targets.ok()) return CommandFail(targets.status().ToString());
  std::string out;
  if (format == "json") {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const auto& t : *targets) http::WriteTarget(w, t);
    w.EndArray();
    out = std::string(buf.GetString(), buf.GetSize()) + "\n";
  } else {
    for (const auto& t : *targets) {
      out += std::to_string(t.target.id) + "\t" + std::string(ToString(t.target.scope)) + "\t" +
             t.subject_name + "\t" + Yuan(t.target.amount) + "\n";
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace guanxi::cli
