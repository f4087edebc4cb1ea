-- 0001: users, teams, sessions, tokens, the customer archive, search indexes, audit log.
CREATE TABLE team (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused: audit rows and links stay unambiguous
  name TEXT NOT NULL UNIQUE,
  manager_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE app_user (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused: audit rows and links stay unambiguous
  version INTEGER NOT NULL,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'sales', 'service', 'analyst')),
  team_id INTEGER REFERENCES team(id) ON DELETE SET NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX app_user_team ON app_user(team_id);

CREATE TABLE session (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_expires ON session(expires_at);

CREATE TABLE api_token (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused: audit rows and links stay unambiguous
  user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX api_token_user ON api_token(user_id);

CREATE TABLE customer (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused: audit rows and links stay unambiguous
  version INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('organization', 'individual')),
  name TEXT NOT NULL,
  name_sort BLOB NOT NULL,            -- collation key: pinyin order for Chinese names
  industry TEXT NOT NULL DEFAULT '',
  size TEXT,
  province TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  owner_user_id INTEGER REFERENCES app_user(id) ON DELETE SET NULL,
  relationship TEXT NOT NULL,
  relationship_level TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',        -- JSON array of strings
  care_dates TEXT NOT NULL DEFAULT '[]',  -- JSON array of {kind,label,date}
  phone TEXT NOT NULL DEFAULT '',         -- E.164
  email TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  external_id TEXT,                       -- NULL when unset
  archived INTEGER NOT NULL DEFAULT 0,
  search_text TEXT NOT NULL,              -- folded name/phone/email/notes
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX customer_external_id ON customer(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX customer_updated ON customer(archived, updated_at, id);
CREATE INDEX customer_created ON customer(archived, created_at, id);
CREATE INDEX customer_name ON customer(archived, name_sort, id);
CREATE INDEX customer_owner ON customer(owner_user_id, archived, updated_at, id);
CREATE INDEX customer_phone ON customer(phone) WHERE phone <> '';
CREATE INDEX customer_email ON customer(email) WHERE email <> '';

CREATE TABLE customer_tag (
  tag TEXT NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  PRIMARY KEY (tag, customer_id)
) WITHOUT ROWID;
CREATE INDEX customer_tag_customer ON customer_tag(customer_id);

-- Queries of three or more characters: substring search through trigrams.
-- The store writes it as the last statement of each change (no triggers): FTS5
-- flushes its pending terms at every statement savepoint, and triggers would
-- open one for each customer row written.
CREATE VIRTUAL TABLE customer_fts USING fts5(
  search_text, content='customer', content_rowid='id', tokenize='trigram');
-- Queries of one or two characters (Chinese given names, short company names):
-- every unigram and bigram with a non-ASCII character, kept by the store, which
-- derives a row's grams from its search_text when it changes or is deleted (so
-- the table needs no second index on customer_id, which would double its size).
CREATE TABLE customer_gram (
  gram TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  PRIMARY KEY (gram, customer_id)
) WITHOUT ROWID;

CREATE TABLE contact (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused: audit rows and links stay unambiguous
  version INTEGER NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  wechat TEXT NOT NULL DEFAULT '',
  personality TEXT,
  birthday TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX contact_customer ON contact(customer_id, id);
CREATE INDEX contact_phone ON contact(phone) WHERE phone <> '';

-- Append-only: no UPDATE or DELETE is ever issued against it.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused: audit rows and links stay unambiguous
  at INTEGER NOT NULL,
  user_id INTEGER,
  user_login TEXT NOT NULL DEFAULT '',
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  before_json TEXT NOT NULL DEFAULT '',
  after_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
