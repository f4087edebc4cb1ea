#include "store/sqlite/migrations.h"

#include <string>
#include <vector>

#include "store/store.h"

namespace guanxi::sqlite {
namespace {

struct Migration {
  const char* file;
  const char* sql;
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
#include "sqlite_migrations.inc"
  };
  return kMigrations;
}

}  // namespace

int MigrationCount() { return static_cast<int>(Migrations().size()); }

Result<int> Migrate(Connection& conn) {
  GX_RETURN_IF_ERROR(conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migration ("
      " version INTEGER PRIMARY KEY, file TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
  int current = 0;
  for (int v = 1; v <= MigrationCount(); ++v) {
    GX_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    GX_ASSIGN_OR_RETURN(auto check, conn.Prepare("SELECT 1 FROM schema_migration WHERE version = ?"));
    check.Bind(static_cast<int64_t>(v));
    auto applied = check.Step();
    if (!applied.ok()) {
      (void)conn.Exec("ROLLBACK");
      return applied.status();
    }
    if (!*applied) {
      const Migration& m = Migrations()[v - 1];
      Status s = conn.Exec(m.sql);
      if (s.ok()) {
        auto ins = conn.Prepare(
            "INSERT INTO schema_migration(version, file, applied_at) VALUES (?, ?, unixepoch())");
        if (!ins.ok()) {
          s = ins.status();
        } else {
          ins->Bind(static_cast<int64_t>(v)).Bind(m.file);
          s = ins->Run();
        }
      }
      if (!s.ok()) {
        (void)conn.Exec("ROLLBACK");
        if (s.code() == StatusCode::kUnavailable) return s;  // locked: the caller retries
        return Status::Internal(std::string("migration ") + m.file + " failed: " + s.message());
      }
    }
    GX_RETURN_IF_ERROR(conn.Exec("COMMIT"));
    current = v;
  }
  return current;
}

}  // namespace guanxi::sqlite

namespace guanxi {
int LatestSchemaVersion() { return sqlite::MigrationCount(); }
}  // namespace guanxi
