// Numbered schema migrations for SQLite, compiled in from
// src/store/migrations/sqlite/NNNN_name.sql. Applied in order at start-up inside
// one BEGIN IMMEDIATE transaction each, so two processes starting together
// cannot both apply the same one. Released migrations are never edited.
#pragma once

#include "domain/status.h"
#include "store/sqlite/connection.h"

namespace guanxi::sqlite {

int MigrationCount();
// Applies every migration newer than the database's version; returns the version.
Result<int> Migrate(Connection& conn);

}  // namespace guanxi::sqlite
