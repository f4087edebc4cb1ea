-- 0004: customer-value analytics — the wallet estimate on customers, per-customer
-- results of the last run, runs with their reports, settings, follow-up tasks.
ALTER TABLE customer ADD COLUMN purchase_potential INTEGER CHECK (purchase_potential >= 0);  -- fen, NULL when unset

-- One row per customer, replaced as a whole by each run. NULL where a model
-- does not cover the customer.
CREATE TABLE customer_metric (
  customer_id INTEGER PRIMARY KEY REFERENCES customer(id) ON DELETE CASCADE,
  run_id INTEGER NOT NULL,
  computed_at INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  recency_days INTEGER,
  frequency INTEGER NOT NULL,
  monetary INTEGER NOT NULL,
  r_score INTEGER,
  f_score INTEGER,
  m_score INTEGER,
  rfm_cell TEXT,
  rfm_class TEXT,
  tier TEXT,
  cluster INTEGER,
  p_alive REAL,
  expected_purchases REAL,
  expected_spend INTEGER,
  clv INTEGER,
  churn_risk INTEGER CHECK (churn_risk IN (0, 1)),
  value_at_risk INTEGER,
  attack_defend TEXT,
  wallet_share REAL,
  revenue_365 INTEGER,         -- fen: the attack/defend revenue
  usual_interval_days REAL,    -- the churn rule's usual gap between purchase days
  recommendations TEXT         -- JSON array of up to 3 basket-rule products, best first
);
-- The customer list's filters and metric sorts (keyset: value, then id).
CREATE INDEX customer_metric_class ON customer_metric(rfm_class, customer_id);
CREATE INDEX customer_metric_tier ON customer_metric(tier, customer_id);
CREATE INDEX customer_metric_clv ON customer_metric(clv, customer_id);
CREATE INDEX customer_metric_p_alive ON customer_metric(p_alive, customer_id);
CREATE INDEX customer_metric_risk ON customer_metric(value_at_risk, customer_id);
CREATE INDEX customer_metric_churn ON customer_metric(churn_risk, value_at_risk, customer_id);

CREATE TABLE analytics_run (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'schedule')),
  schedule_key TEXT UNIQUE,  -- the nightly run's day: replicas insert it once
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  as_of TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  report TEXT NOT NULL DEFAULT ''
);
CREATE INDEX analytics_run_finished ON analytics_run(finished_at, id) WHERE finished_at IS NOT NULL;

CREATE TABLE analytics_setting (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL  -- JSON
) WITHOUT ROWID;

CREATE TABLE task (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  assignee_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  due_day TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'done')),
  origin TEXT NOT NULL CHECK (origin IN ('churn_alert', 'manual')),
  created_by INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  completed_at INTEGER
);
CREATE INDEX task_assignee ON task(assignee_user_id, status, due_day, id);
CREATE INDEX task_customer ON task(customer_id, status, id);
