-- 0005: relationship work (issue 6) — the scheduler's job table, interactions,
-- tasks with kinds/priorities/origins, return-visit plans and event rules, care
-- journeys, lifecycle and ownership history, the public pool, merges.
-- Times are Unix seconds (UTC); days are Asia/Shanghai "YYYY-MM-DD" text.

-- The scheduler's persisted queue. `key` is unique: enqueueing a job that
-- exists already is a no-op, so replicas agree on one row per daily slot.
-- A running job holds a lease; a lease that runs out (the server died) lets
-- another server take the job again. Handlers are idempotent (task dedupe keys).
CREATE TABLE job (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,          -- e.g. "visit_plans:2026-12-01"
  payload TEXT NOT NULL DEFAULT '{}',  -- JSON
  run_after INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  lease_owner TEXT,                  -- the server instance holding it while running
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  error TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT ''    -- JSON summary written by the handler
);
CREATE INDEX job_due ON job(status, run_after, id);
CREATE INDEX job_kind ON job(kind, id);

-- Every contact with a customer, on any channel.
CREATE TABLE interaction (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  channel TEXT NOT NULL CHECK (channel IN ('face_to_face', 'phone', 'web', 'email', 'fax', 'wechat', 'sms', 'other')),
  direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  at INTEGER NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  duration_minutes INTEGER CHECK (duration_minutes >= 0),
  opportunity_id INTEGER REFERENCES opportunity(id) ON DELETE SET NULL,
  case_id INTEGER,                   -- a service case (its table comes with the service desk)
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX interaction_customer ON interaction(customer_id, at, id);
CREATE INDEX interaction_user ON interaction(user_id, at, id);
-- Lists of every interaction (admin, analysts) page newest first.
CREATE INDEX interaction_at ON interaction(at, id);

-- Tasks gain kinds, priorities, a due time, richer origins, a completion note
-- and a dedupe key (the scheduler creates each generated task exactly once).
-- SQLite cannot alter a CHECK constraint, so the table is rebuilt.
CREATE TABLE task_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  assignee_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'follow_up' CHECK (kind IN ('follow_up', 'return_visit', 'care', 'other')),
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  due_day TEXT NOT NULL,
  due_time TEXT,                     -- "HH:MM" Asia/Shanghai, NULL for any time of the day
  status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
  origin TEXT NOT NULL CHECK (origin IN ('manual', 'churn_alert', 'interaction', 'visit_plan',
                                         'event_rule', 'care_date', 'journey', 'pool_warning')),
  origin_id INTEGER,                 -- the interaction, plan, rule, enrollment ... that made it
  dedupe_key TEXT UNIQUE,            -- generated tasks only; NULL for manual ones
  note TEXT NOT NULL DEFAULT '',
  completion_note TEXT NOT NULL DEFAULT '',
  created_by INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  completed_at INTEGER,
  completed_by INTEGER REFERENCES app_user(id) ON DELETE SET NULL
);
INSERT INTO task_new (id, version, customer_id, assignee_user_id, title, due_day, status, origin,
                      created_by, created_at, updated_at, completed_at)
  SELECT id, version, customer_id, assignee_user_id, title, due_day, status, origin,
         created_by, created_at, COALESCE(completed_at, created_at), completed_at FROM task;
DROP TABLE task;
ALTER TABLE task_new RENAME TO task;
-- "My day": a rep's open tasks by due moment; covering the due time and the
-- customer (for the visibility check) keeps counts off the table rows.
CREATE INDEX task_assignee ON task(assignee_user_id, status, due_day, due_time, customer_id, id);
CREATE INDEX task_customer ON task(customer_id, status, id);
CREATE INDEX task_customer_time ON task(customer_id, created_at, id);
CREATE INDEX task_open_kind ON task(kind, status, customer_id) WHERE status = 'open';
-- The customer timeline shows each finished task at its completion time.
CREATE INDEX task_customer_finished ON task(customer_id, completed_at, id) WHERE completed_at IS NOT NULL;

-- Return-visit plans: the first enabled plan (lowest position) whose class
-- matches a customer keeps one open return_visit task for them.
CREATE TABLE visit_plan (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  class_kind TEXT NOT NULL CHECK (class_kind IN ('all', 'tier', 'rfm_class', 'relationship_level', 'tag')),
  class_value TEXT NOT NULL DEFAULT '',
  interval_days INTEGER NOT NULL CHECK (interval_days BETWEEN 1 AND 3650),
  position INTEGER NOT NULL,
  task_title TEXT NOT NULL,
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Event rules: a task some days after an event.
CREATE TABLE event_rule (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('case_closed', 'order_refunded', 'repurchase_due')),
  delay_days INTEGER NOT NULL CHECK (delay_days BETWEEN 0 AND 365),
  task_title TEXT NOT NULL,
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- The event_rules job reads the orders refunded in a recent window every ten
-- minutes: a small partial index instead of a scan of every order.
CREATE INDEX sales_order_refunded ON sales_order(updated_at, id) WHERE status = 'refunded';

-- Care journeys: timed touches after a trigger.
CREATE TABLE journey (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('first_purchase', 'customer_created', 'manual')),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE journey_step (
  journey_id INTEGER NOT NULL REFERENCES journey(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  day_offset INTEGER NOT NULL CHECK (day_offset BETWEEN 0 AND 3650),
  channel TEXT NOT NULL,
  title TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (journey_id, position)
);
-- A customer is in a journey at most once (the unique pair).
CREATE TABLE journey_enrollment (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  journey_id INTEGER NOT NULL REFERENCES journey(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  start_day TEXT NOT NULL,           -- the trigger's day: step days count from it
  status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'left')),
  next_position INTEGER NOT NULL DEFAULT 0,
  left_reason TEXT NOT NULL DEFAULT '',  -- "opt_out" | "churned" | "merged" | free text
  enrolled_at INTEGER NOT NULL,
  ended_at INTEGER,
  UNIQUE (journey_id, customer_id)
);
CREATE INDEX journey_enrollment_active ON journey_enrollment(status, journey_id, id);
CREATE INDEX journey_enrollment_customer ON journey_enrollment(customer_id, id);
-- The nightly journey pass walks active enrollments in id order, in batches.
CREATE INDEX journey_enrollment_status_id ON journey_enrollment(status, id);

-- Derived lifecycle stage (on customer.lifecycle_stage) and formation-ladder rung,
-- whether a person overrode them, and every change.
CREATE TABLE customer_lifecycle (
  customer_id INTEGER PRIMARY KEY REFERENCES customer(id) ON DELETE CASCADE,
  ladder TEXT NOT NULL CHECK (ladder IN ('suspect', 'prospect', 'first_time_buyer', 'repeat_buyer',
                                         'client', 'member', 'advocate', 'partner')),
  stage_overridden INTEGER NOT NULL DEFAULT 0 CHECK (stage_overridden IN (0, 1)),
  ladder_overridden INTEGER NOT NULL DEFAULT 0 CHECK (ladder_overridden IN (0, 1)),
  derived_at INTEGER
);
CREATE TABLE lifecycle_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  field TEXT NOT NULL CHECK (field IN ('stage', 'ladder')),
  from_value TEXT NOT NULL DEFAULT '',
  to_value TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('derived', 'override', 'override_cleared')),
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL
);
CREATE INDEX lifecycle_history_customer ON lifecycle_history(customer_id, at, id);

-- Every change of a customer's owner (NULL = the public pool).
CREATE TABLE owner_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  from_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  to_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  reason TEXT NOT NULL CHECK (reason IN ('transfer', 'claim', 'release', 'pool_return', 'assign', 'merge', 'edit')),
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,  -- who did it; NULL for the scheduler
  note TEXT NOT NULL DEFAULT '',
  tasks_moved INTEGER NOT NULL DEFAULT 0,
  opportunities_moved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX owner_history_customer ON owner_history(customer_id, at, id);
CREATE INDEX owner_history_to ON owner_history(to_user_id, at);

-- Public-pool return rules per class.
CREATE TABLE pool_rule (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  class_kind TEXT NOT NULL CHECK (class_kind IN ('all', 'tier', 'rfm_class', 'relationship_level', 'tag')),
  class_value TEXT NOT NULL DEFAULT '',
  no_follow_up_days INTEGER CHECK (no_follow_up_days BETWEEN 1 AND 3650),
  no_deal_days INTEGER CHECK (no_deal_days BETWEEN 1 AND 3650),
  warn_days INTEGER NOT NULL DEFAULT 3 CHECK (warn_days BETWEEN 0 AND 365),
  position INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Merges of duplicate customers: what moved, so it can be undone in the window.
CREATE TABLE customer_merge (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  survivor_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  merged_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  score REAL,
  moved TEXT NOT NULL,               -- JSON: {"interaction":[ids], "task":[ids], ...}
  survivor_before TEXT NOT NULL,     -- JSON of the survivor before the merge
  undo_until INTEGER NOT NULL,
  undone_at INTEGER,
  undone_by INTEGER REFERENCES app_user(id) ON DELETE SET NULL
);
CREATE INDEX customer_merge_survivor ON customer_merge(survivor_id, id);
CREATE INDEX customer_merge_merged ON customer_merge(merged_id, id);
-- Pairs a person marked "not duplicates" (a < b).
CREATE TABLE duplicate_dismissal (
  customer_a INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  customer_b INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  PRIMARY KEY (customer_a, customer_b)
) WITHOUT ROWID;

-- Settings of the relationship features (care lead days, claim limits per role,
-- merge undo window ...), one JSON value per key.
CREATE TABLE relationship_setting (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
