-- 0002: failed-login events, kept in the database like every other piece of
-- state (see service/rate_limiter.h); the PostgreSQL twin shares them between replicas.
CREATE TABLE rate_limit_event (
  key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX rate_limit_event_key ON rate_limit_event(key, at);
CREATE INDEX rate_limit_event_at ON rate_limit_event(at);
