-- 0002: state every replica shares (see service/rate_limiter.h), and index
-- builds a bulk load left to finish.
CREATE TABLE rate_limit_event (
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX rate_limit_event_key ON rate_limit_event(key, at);
CREATE INDEX rate_limit_event_at ON rate_limit_event(at);

-- `db copy` commits the rows, then builds the large GIN indexes side by side on
-- several connections (PostgreSQL 15 builds one GIN index on one core). An index
-- is listed here until it is built; whoever opens the database next builds what
-- an interrupted copy left.
CREATE TABLE pending_index (
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL
);
