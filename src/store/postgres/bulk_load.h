// Dropping foreign keys and plain indexes for a bulk load and putting them back
// once the rows are in (`db copy`, large order imports): adding a key checks
// every row in one join and an index is built in one sort, where kept ones are
// checked and updated row by row. Used inside the loading transaction, so a
// failure restores them (PostgreSQL DDL is transactional).
// Internal to store/postgres.
#pragma once

#include <string>
#include <vector>

#include "store/postgres/connection.h"

namespace guanxi::postgres {

// A dropped object: the statement that made it, and its name.
struct DroppedDef {
  std::string name;
  std::string create_sql;
};

// A text[] literal of `names`, for "= ANY($1::text[])".
inline std::string TextArrayLiteral(const std::vector<std::string>& names) {
  std::string out = "{";
  for (const std::string& n : names) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    for (char ch : n) {
      if (ch == '"' || ch == '\\') out.push_back('\\');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  return out + "}";
}

// Drops the foreign keys declared on `tables` (every table of the schema when
// empty) and returns them, in name order, for AddForeignKeys.
inline guanxi::Result<std::vector<DroppedDef>> DropForeignKeys(Connection& db, const std::vector<std::string>& tables) {
  GX_ASSIGN_OR_RETURN(auto fks, db.Query(
      "SELECT conname, format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname), "
      "format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) "
      "FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace "
      "AND (cardinality($1::text[]) = 0 OR conrelid::regclass::text = ANY($1::text[])) ORDER BY conname",
      Params().Add(TextArrayLiteral(tables))));
  std::vector<DroppedDef> dropped;
  for (int i = 0; i < fks.rows(); ++i) {
    auto row = fks.row(i);
    GX_RETURN_IF_ERROR(db.Exec(row.Text(1)));
    dropped.push_back({row.Text(0), row.Text(2)});
  }
  return dropped;
}

inline Status AddForeignKeys(Connection& db, const std::vector<DroppedDef>& fks) {
  for (const DroppedDef& fk : fks) GX_RETURN_IF_ERROR(db.Exec(fk.create_sql));
  return Status::Ok();
}

// Drops the indexes of `tables` (every table when empty) that back no
// constraint, except those named in `keep`, and returns them in name order.
// pending_index, the list of index builds itself, is left alone.
inline guanxi::Result<std::vector<DroppedDef>> DropPlainIndexes(Connection& db, const std::vector<std::string>& tables,
                                                        const std::vector<std::string>& keep = {}) {
  GX_ASSIGN_OR_RETURN(auto idx, db.Query(
      "SELECT i.indexname, format('DROP INDEX %I', i.indexname), i.indexdef FROM pg_indexes i "
      "WHERE i.schemaname = current_schema() AND i.tablename <> 'pending_index' "
      "AND (cardinality($1::text[]) = 0 OR i.tablename = ANY($1::text[])) "
      "AND i.indexname <> ALL($2::text[]) "
      "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname",
      Params().Add(TextArrayLiteral(tables)).Add(TextArrayLiteral(keep))));
  std::vector<DroppedDef> dropped;
  for (int i = 0; i < idx.rows(); ++i) {
    auto row = idx.row(i);
    GX_RETURN_IF_ERROR(db.Exec(row.Text(1)));
    dropped.push_back({row.Text(0), row.Text(2)});
  }
  return dropped;
}

}  // namespace guanxi::postgres
