-- 0003: the sales side (METHODOLOGY.md §5): products, orders and lines,
-- stages, opportunities and their history, targets, weekly forecast snapshots,
-- receivables, playbook, buying centre. Money is integer fen; days are
-- 'YYYY-MM-DD' in Asia/Shanghai; win rates are basis points (0..10000).
CREATE TABLE product (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  list_price INTEGER NOT NULL CHECK (list_price >= 0),
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE stage (
  key TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  win_rate_bp INTEGER NOT NULL CHECK (win_rate_bp BETWEEN 0 AND 10000),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost'))
) WITHOUT ROWID;
INSERT INTO stage(key, name_zh, name_en, win_rate_bp, position, kind) VALUES
  ('customer_analysis', '客户分析', 'Customer analysis', 500, 0, 'open'),
  ('build_trust', '建立信任', 'Build trust', 1000, 1, 'open'),
  ('uncover_needs', '挖掘需求', 'Uncover needs', 2500, 2, 'open'),
  ('present_value', '呈现价值', 'Present value', 5000, 3, 'open'),
  ('win_commitment', '赢取承诺', 'Win commitment', 7500, 4, 'open'),
  ('collect_payment', '回收账款', 'Collect payment', 9000, 5, 'open'),
  ('won', '赢单', 'Won', 10000, 6, 'won'),
  ('lost', '输单', 'Lost', 0, 7, 'lost');

CREATE TABLE sales_setting (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sales_setting(key, value) VALUES ('out_of_funnel_threshold', '0');

CREATE TABLE opportunity (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  owner_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  expected_close TEXT NOT NULL,
  stage TEXT NOT NULL REFERENCES stage(key),
  status TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),  -- the stage's kind, kept for indexes
  closed_on TEXT NOT NULL DEFAULT '',
  money INTEGER NOT NULL DEFAULT 0,
  authority INTEGER NOT NULL DEFAULT 0,
  need INTEGER NOT NULL DEFAULT 0,
  competitor TEXT NOT NULL DEFAULT '',
  loss_reason TEXT NOT NULL DEFAULT '',
  next_step TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  stage_entered_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- Forecast: open by expected close, closed by close day, per owner.
CREATE INDEX opportunity_open ON opportunity(status, expected_close, owner_user_id, stage, amount);
CREATE INDEX opportunity_closed ON opportunity(status, closed_on, owner_user_id, amount);
CREATE INDEX opportunity_owner ON opportunity(owner_user_id, updated_at, id);
-- The same per owner first, so a rep's or a team's forecast reads only its own rows.
CREATE INDEX opportunity_owner_open ON opportunity(owner_user_id, status, expected_close, stage, amount);
CREATE INDEX opportunity_owner_closed ON opportunity(owner_user_id, status, closed_on, amount);
CREATE INDEX opportunity_customer ON opportunity(customer_id, updated_at, id);
CREATE INDEX opportunity_updated ON opportunity(updated_at, id);

-- The state of an opportunity after each change; the forecast of any past
-- moment is rebuilt from it.
CREATE TABLE opportunity_event (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  opportunity_id INTEGER NOT NULL REFERENCES opportunity(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  user_login TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('create', 'stage', 'update')),
  from_stage TEXT NOT NULL DEFAULT '',
  to_stage TEXT NOT NULL,
  amount INTEGER NOT NULL,
  expected_close TEXT NOT NULL,
  owner_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL
);
CREATE INDEX opportunity_event_opportunity ON opportunity_event(opportunity_id, at, id);
CREATE INDEX opportunity_event_at ON opportunity_event(at, user_id);

CREATE TABLE sales_order (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  external_id TEXT,  -- the order id of an import; NULL when unset
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  owner_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  opportunity_id INTEGER REFERENCES opportunity(id) ON DELETE SET NULL,
  ordered_at INTEGER NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('placed', 'paid', 'refunded', 'cancelled')),
  total INTEGER NOT NULL CHECK (total >= 0),
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX sales_order_external_id ON sales_order(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX sales_order_customer ON sales_order(customer_id, ordered_at);
CREATE INDEX sales_order_owner ON sales_order(owner_user_id, ordered_at, id);
CREATE INDEX sales_order_time ON sales_order(ordered_at, id);
CREATE INDEX sales_order_opportunity ON sales_order(opportunity_id) WHERE opportunity_id IS NOT NULL;

CREATE TABLE order_line (
  order_id INTEGER NOT NULL REFERENCES sales_order(id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  product_id INTEGER REFERENCES product(id) ON DELETE SET NULL,
  description TEXT NOT NULL DEFAULT '',
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
  PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX order_line_product ON order_line(product_id) WHERE product_id IS NOT NULL;

-- Out-of-funnel sales per owner and business day, kept by the store with every
-- order write and re-derived when the threshold changes (the forecast reads
-- this instead of millions of orders). owner_user_id 0 = no owner.
CREATE TABLE sales_day (
  owner_user_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  out_of_funnel INTEGER NOT NULL,
  out_of_funnel_count INTEGER NOT NULL,
  PRIMARY KEY (owner_user_id, day)
) WITHOUT ROWID;
CREATE INDEX sales_day_day ON sales_day(day, owner_user_id);

CREATE TABLE sales_target (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  quarter TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('user', 'team', 'company')),
  subject_id INTEGER NOT NULL,  -- user or team id; 0 for the company
  amount INTEGER NOT NULL CHECK (amount > 0),
  updated_at INTEGER NOT NULL,
  UNIQUE (quarter, scope, subject_id)
);

-- One owner's funnel for a quarter as of a week's start (Monday 00:00 +08:00).
CREATE TABLE forecast_snapshot (
  quarter TEXT NOT NULL,
  week_start TEXT NOT NULL,
  owner_user_id INTEGER NOT NULL,  -- 0 = no owner
  taken_at INTEGER NOT NULL,
  closed INTEGER NOT NULL,
  closed_count INTEGER NOT NULL,
  lost INTEGER NOT NULL,
  lost_count INTEGER NOT NULL,
  out_of_funnel INTEGER NOT NULL,
  out_of_funnel_count INTEGER NOT NULL,
  open_by_stage TEXT NOT NULL,  -- JSON {"stage_key":[amount,count],...}
  PRIMARY KEY (quarter, week_start, owner_user_id)
) WITHOUT ROWID;

CREATE TABLE instalment (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  opportunity_id INTEGER REFERENCES opportunity(id) ON DELETE CASCADE,
  order_id INTEGER REFERENCES sales_order(id) ON DELETE CASCADE,
  due_on TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  note TEXT NOT NULL DEFAULT '',
  CHECK ((opportunity_id IS NULL) <> (order_id IS NULL))
);
CREATE INDEX instalment_opportunity ON instalment(opportunity_id, due_on) WHERE opportunity_id IS NOT NULL;
CREATE INDEX instalment_order ON instalment(order_id, due_on) WHERE order_id IS NOT NULL;

CREATE TABLE receipt (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  opportunity_id INTEGER REFERENCES opportunity(id) ON DELETE CASCADE,
  order_id INTEGER REFERENCES sales_order(id) ON DELETE CASCADE,
  received_on TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  method TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  CHECK ((opportunity_id IS NULL) <> (order_id IS NULL))
);
CREATE INDEX receipt_opportunity ON receipt(opportunity_id, received_on) WHERE opportunity_id IS NOT NULL;
CREATE INDEX receipt_order ON receipt(order_id, received_on) WHERE order_id IS NOT NULL;

CREATE TABLE playbook_entry (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  stage TEXT NOT NULL DEFAULT '',
  situation TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('objection', 'ffab', 'tip')),
  locale TEXT NOT NULL CHECK (locale IN ('zh', 'en')),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
-- Marks one-time seeds ('playbook_v1') so deleted defaults stay deleted.
CREATE TABLE seed_marker (
  name TEXT PRIMARY KEY,
  applied_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE buying_centre_member (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  opportunity_id INTEGER NOT NULL REFERENCES opportunity(id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  attitude TEXT NOT NULL,
  influence INTEGER NOT NULL CHECK (influence BETWEEN 1 AND 5),
  reports_to INTEGER REFERENCES buying_centre_member(id) ON DELETE SET NULL,
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (opportunity_id, contact_id)
);
