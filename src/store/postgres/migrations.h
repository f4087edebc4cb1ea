// Schema migrations for PostgreSQL: the numbered files of
// src/store/migrations/postgres/, compiled in, applied in order under an
// advisory lock. Internal to store/postgres.
#pragma once

#include "domain/status.h"
#include "store/postgres/connection.h"

namespace guanxi::postgres {

int MigrationCount();
// Applies pending migrations; returns the schema version reached.
guanxi::Result<int> Migrate(Connection& conn);

}  // namespace guanxi::postgres
