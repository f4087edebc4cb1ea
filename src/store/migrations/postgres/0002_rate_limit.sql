-- 0002: failed-login events shared by every replica (see service/rate_limiter.h).
CREATE TABLE rate_limit_event (
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX rate_limit_event_key ON rate_limit_event(key, at);
CREATE INDEX rate_limit_event_at ON rate_limit_event(at);
