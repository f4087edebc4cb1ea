#include "store/postgres/migrations.h"

#include <vector>

namespace guanxi::postgres {
namespace {

struct Migration {
  const char* file;
  const char* sql;
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
#include "postgres_migrations.inc"
  };
  return kMigrations;
}

// Any 64-bit constant works; all Guanxi processes on a database use this one.
constexpr char kMigrationLock[] = "SELECT pg_advisory_lock(7170223911)";
constexpr char kMigrationUnlock[] = "SELECT pg_advisory_unlock(7170223911)";

}  // namespace

int MigrationCount() { return static_cast<int>(Migrations().size()); }

guanxi::Result<int> Migrate(Connection& conn) {
  // A session-level lock: a second replica starting at the same moment waits
  // here, then finds every migration applied.
  GX_RETURN_IF_ERROR(conn.Exec(kMigrationLock));
  auto run = [&]() -> guanxi::Result<int> {
    GX_RETURN_IF_ERROR(conn.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version INTEGER PRIMARY KEY, file TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    int current = 0;
    for (int v = 1; v <= MigrationCount(); ++v) {
      GX_ASSIGN_OR_RETURN(auto applied, conn.Query("SELECT 1 FROM schema_migration WHERE version = $1",
                                                   Params().Add(int64_t{v})));
      if (applied.rows() == 0) {
        const Migration& m = Migrations()[v - 1];
        GX_RETURN_IF_ERROR(conn.Exec("BEGIN"));
        Status s = conn.Exec(m.sql);
        if (s.ok()) {
          s = conn.Query("INSERT INTO schema_migration(version, file, applied_at) "
                         "VALUES ($1, $2, extract(epoch FROM now())::bigint)",
                         Params().Add(int64_t{v}).Add(m.file))
                  .status();
        }
        if (s.ok()) s = conn.Exec("COMMIT");
        if (!s.ok()) {
          (void)conn.Exec("ROLLBACK");
          return Status::Internal(std::string("migration ") + m.file + " failed: " + s.message());
        }
      }
      current = v;
    }
    return current;
  };
  auto result = run();
  (void)conn.Exec(kMigrationUnlock);
  return result;
}

}  // namespace guanxi::postgres
