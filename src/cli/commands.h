// The `guanxi` subcommands. Each returns the process exit code: 0 on success,
// 1 when the operation failed, 2 for a usage error. Messages go to stderr;
// machine-readable output (tokens, JSON, CSV) alone goes to stdout.
#pragma once

#include <memory>
#include <string>

#include "cli/args.h"
#include "store/store.h"

namespace guanxi::cli {

int Serve(const Args& a);
int DbMigrate(const Args& a);
int DbCheck(const Args& a);
int DbCopy(const Args& a);
int Backup(const Args& a);
int UserAdd(const Args& a);
int TokenCreate(const Args& a);
int Demo(const Args& a);
int CustomersList(const Args& a);
int CustomersShow(const Args& a);
int CustomersExport(const Args& a);
int OrdersImport(const Args& a);  // order_commands.cc
int PipelineForecast(const Args& a);  // pipeline_commands.cc
int PipelineSnapshot(const Args& a);
int TargetsSet(const Args& a);
int TargetsList(const Args& a);
int AnalyzeSummary(const Args& a);  // analyze_commands.cc
int AnalyzeRfm(const Args& a);
int AnalyzeTiers(const Args& a);
int AnalyzeKpi(const Args& a);
int AnalyzeKmeans(const Args& a);  // analyze_model_commands.cc
int AnalyzeClv(const Args& a);
int AnalyzeChurn(const Args& a);
int AnalyzeBasket(const Args& a);  // analyze_basket_command.cc
int JobsList(const Args& a);  // job_commands.cc
int JobsRun(const Args& a);
int CustomersTransfer(const Args& a);  // ownership_commands.cc
int PoolList(const Args& a);
int PoolAssign(const Args& a);
int CustomersDuplicates(const Args& a);  // dedup_commands.cc
int CustomersMerge(const Args& a);
int InteractionsLog(const Args& a);  // interaction_commands.cc
int InteractionsList(const Args& a);
int TasksMyDay(const Args& a);  // task_commands.cc
int TasksList(const Args& a);

// Opens the store named by --db (and --sync, --pool) for a command defined
// outside commands.cc. On failure returns null and sets *error; an error that
// starts with "--db" is a usage error (exit 2). `writer_cache_mib`: see SqliteOptions.
std::unique_ptr<Store> OpenCommandStore(const Args& a, std::string* error, int writer_cache_mib = 32);

}  // namespace guanxi::cli
