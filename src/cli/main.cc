// guanxi — the Guanxi CRM server and its administration commands.
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>

#include "cli/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: guanxi <command> [options]\n"
    "\n"
    "  serve --db PATH|URL [--host H] [--port P] [--web-root DIR] [--threads N]\n"
    "        [--sync full|normal] [--pool N] [--scheduler-poll-seconds N] [--job-lease-seconds N]\n"
    "  db migrate --db PATH\n"
    "  db copy --from PATH|URL --to PATH|URL [--format text|json]\n"
    "  db check --db PATH\n"
    "  backup --db PATH --out FILE\n"
    "  user add --db PATH --login L --role admin|manager|sales|service|analyst [--team T]\n"
    "           [--display-name NAME] --password-stdin\n"
    "  token create --db PATH --login L [--name NAME]\n"
    "  demo --db PATH [--customers N] [--orders N] [--opportunities N] [--reps N]\n"
    "       [--orders-csv FILE] [--seed S] [--password-stdin]\n"
    "  customers list --db PATH [--q TEXT] [--limit N] [--format json|csv]\n"
    "  customers show --db PATH --id ID\n"
    "  customers export --db PATH [--format json|csv] [--out FILE]\n"
    "  orders import --db PATH --file F.csv|- [--format text|json]\n"
    "  pipeline forecast --db PATH [--quarter Q] [--owner LOGIN | --team T] [--format json|text]\n"
    "  pipeline snapshot --db PATH [--quarter Q]\n"
    "  targets set --db PATH --quarter Q (--owner LOGIN | --team T | --company) --amount YUAN\n"
    "  targets list --db PATH --quarter Q [--format text|json]\n"
    "  analyze summary|rfm|tiers|kmeans|clv|churn|kpi (--file F.csv | --db PATH|URL)\n"
    "          [--customer-col C] [--ts-col C] [--amount-col C] [--as-of DATE]\n"
    "          [--format json|csv] [--out FILE] [command options]\n"
    "    tiers   [--strategic-share 0.05] [--important-share 0.2] [--margin 1]\n"
    "    kmeans  [--k 4] [--features recency,frequency,monetary,average,tenure] [--seed 1]\n"
    "            [--choose-k]\n"
    "    clv     [--model bgnbd|pareto-nbd] [--spend gamma-gamma|none] [--calibration-end DATE]\n"
    "            [--holdout-end DATE] [--time-unit day|week] [--horizon N]\n"
    "            [--discount-rate R] [--margin M]\n"
    "    churn   clv options + [--p-alive-threshold 0.3] [--gap-multiple 2] [--limit 100]\n"
    "    kpi     [--period month|quarter] [--from DATE] [--to DATE]\n"
    "  analyze basket (--file LINES.csv | --db PATH|URL) [--order-col C] [--customer-col C]\n"
    "          [--item-col C] [--min-support 0.01] [--min-confidence 0.2] [--max-size 4]\n"
    "          [--top 3] [--format json|csv] [--out FILE]\n"
    "  jobs list --db PATH|URL [--kind K] [--status S] [--limit N] [--format json|text]\n"
    "  jobs run --db PATH|URL [--kind K] [--format json|text]\n"
    "  customers transfer --db PATH|URL --from LOGIN --to LOGIN [--note TEXT]\n"
    "  pool list --db PATH|URL [--limit N]\n"
    "  pool assign --db PATH|URL --to LOGIN --ids ID,ID,...\n"
    "  customers duplicates --db PATH|URL [--min-score 0.8] [--limit N] [--format json|csv]\n"
    "  customers merge --db PATH|URL --into ID --from ID\n"
    "  interactions log --db PATH|URL --customer ID --channel phone --summary TEXT [--direction inbound|outbound]\n"
    "      [--subject T] [--outcome T] [--at UNIX|\"YYYY-MM-DD HH:MM\"] [--user LOGIN]\n"
    "      [--follow-up-title T --follow-up-due YYYY-MM-DD]\n"
    "  interactions list --db PATH|URL --customer ID [--channel C] [--user LOGIN] [--limit N] [--format table|json]\n"
    "  tasks my-day --db PATH|URL --user LOGIN [--format table|json]\n"
    "  tasks list --db PATH|URL [--assignee LOGIN] [--status open|done|cancelled] [--customer ID] [--limit N]\n"
    "      [--format table|json]\n"
    "  version\n"
    "\n"
    "--db takes an SQLite file or a PostgreSQL URL (postgresql://user@host:port/db).\n"
    "See docs/cli.md for every option.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace guanxi::cli;
  auto parsed = ParseArgs(argc, argv, {"password-stdin", "help", "company", "choose-k"});
  if (!parsed.ok()) {
    std::fprintf(stderr, "guanxi: %s\n%s", parsed.status().message().c_str(), kUsage);
    return 2;
  }
  const Args& a = *parsed;
  if (a.command.empty() || a.Flag("help") || a.command[0] == "help") {
    std::fputs(kUsage, a.command.empty() && !a.Flag("help") ? stderr : stdout);
    return a.command.empty() && !a.Flag("help") ? 2 : 0;
  }
  static const std::map<std::string, std::function<int(const Args&)>> kCommands = {
      {"serve", Serve},
      {"db migrate", DbMigrate},
      {"db check", DbCheck},
      {"db copy", DbCopy},
      {"backup", Backup},
      {"user add", UserAdd},
      {"token create", TokenCreate},
      {"demo", Demo},
      {"customers list", CustomersList},
      {"customers show", CustomersShow},
      {"customers export", CustomersExport},
      {"orders import", OrdersImport},
      {"pipeline forecast", PipelineForecast},
      {"pipeline snapshot", PipelineSnapshot},
      {"targets set", TargetsSet},
      {"targets list", TargetsList},
      {"analyze summary", AnalyzeSummary},
      {"analyze rfm", AnalyzeRfm},
      {"analyze tiers", AnalyzeTiers},
      {"analyze kmeans", AnalyzeKmeans},
      {"analyze clv", AnalyzeClv},
      {"analyze churn", AnalyzeChurn},
      {"analyze basket", AnalyzeBasket},
      {"analyze kpi", AnalyzeKpi},
      {"jobs list", JobsList},
      {"jobs run", JobsRun},
      {"customers transfer", CustomersTransfer},
      {"pool list", PoolList},
      {"pool assign", PoolAssign},
      {"customers duplicates", CustomersDuplicates},
      {"customers merge", CustomersMerge},
      {"interactions log", InteractionsLog},
      {"interactions list", InteractionsList},
      {"tasks my-day", TasksMyDay},
      {"tasks list", TasksList},
  };
  std::string name;
  for (const auto& w : a.command) name += (name.empty() ? "" : " ") + w;
  if (name == "version") {
    std::printf("guanxi %s\n", GUANXI_VERSION);
    return 0;
  }
  auto it = kCommands.find(name);
  if (it == kCommands.end()) {
    std::fprintf(stderr, "guanxi: unknown command '%s'\n%s", name.c_str(), kUsage);
    return 2;
  }
  return it->second(a);
}
