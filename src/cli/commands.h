// The `guanxi` subcommands. Each returns the process exit code: 0 on success,
// 1 when the operation failed, 2 for a usage error. Messages go to stderr;
// machine-readable output (tokens, JSON, CSV) alone goes to stdout.
#pragma once

#include "cli/args.h"

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

}  // namespace guanxi::cli
