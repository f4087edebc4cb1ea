// Store: the one interface through which services read and write data.
//
// Implementations: store/sqlite (embedded default) and store/postgres.
// Nothing above src/store/ sees SQL or a database type. Every method is
// thread-safe. Writes are durable when the method returns OK (group commit may
// batch several callers' writes into one transaction, but each caller's write is
// atomic on its own and is acknowledged only after its transaction commits).
//
// Each mutating method takes the AuditEntry to record with the change; the entry
// is written in the same transaction, so a change and its audit row land together
// or not at all.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/customer.h"
#include "domain/status.h"
#include "domain/user.h"

namespace guanxi {

class SalesStore;  // store/sales_store.h
class AnalyticsStore;  // store/analytics_store.h
class InteractionStore;  // store/interaction_store.h
class TaskStore;  // store/task_store.h
class PlanStore;  // store/plan_store.h
class JobStore;  // store/job_store.h
class OwnershipStore;  // store/ownership_store.h
class LifecycleStore;  // store/lifecycle_store.h
class JourneyStore;  // store/journey_store.h
class DedupStore;  // store/dedup_store.h

// Who may see which customers, as decided by service/permissions.
struct VisibilityScope {
  enum class Kind { kAll, kOwner, kTeam };
  Kind kind = Kind::kAll;
  int64_t id = 0;  // the owner's user id (kOwner) or the team id (kTeam)
};

// The audit row written with a change. before/after are JSON documents or "".
struct AuditEntry {
  int64_t id = 0;
  UnixSeconds at = 0;
  std::optional<int64_t> user_id;
  std::string user_login;
  std::string entity;  // "customer", "contact", "user", "team", "token", "session"
  int64_t entity_id = 0;
  std::string action;  // "create", "update", "archive", "restore", "delete", ...
  std::string before;
  std::string after;
};

// The metric sorts (kClvDesc, kPAliveAsc, kValueAtRiskDesc) order by the
// customer's customer_metric value, then id the same way; customers without
// the value (no metric row, or NULL) come last, by id.
enum class CustomerSort {
  kUpdatedDesc, kUpdatedAsc, kNameAsc, kNameDesc, kCreatedDesc, kCreatedAsc,
  kClvDesc, kPAliveAsc, kValueAtRiskDesc
};

struct CustomerQuery {
  VisibilityScope scope;
  std::string search;  // folded search text (FoldForSearch), "" for none
  std::optional<int64_t> owner_user_id;
  // Only customers without an owner (the public pool); the scope is not applied
  // to them by the store, the caller decides who may list the pool.
  bool no_owner = false;
  std::string tag;
  std::string source;
  std::string province;
  std::optional<Relationship> relationship;
  std::optional<LifecycleStage> stage;
  // Filters on the customer's analytics results (customer_metric); a customer
  // without a metric row matches none of them. "" / nullopt for any.
  std::string rfm_class;
  std::string tier;
  std::optional<double> p_alive_lt;  // p_alive < this
  std::optional<bool> churn_risk;
  std::optional<int64_t> cluster;
  std::string attack_defend;
  enum class Archived { kActive, kArchived, kAll } archived = Archived::kActive;
  CustomerSort sort = CustomerSort::kUpdatedDesc;
  std::string after;  // opaque cursor from a previous page, "" for the first page
  int limit = 50;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next;  // cursor of the following page, nullopt at the end
};

struct Session {
  std::string id_hash;  // SHA-256 of the cookie value, hex
  int64_t user_id = 0;
  std::string csrf_token;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;
};

struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string token_hash;  // SHA-256 of the token, hex
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> last_used_at;
};

struct AuditQuery {
  std::string entity;
  std::optional<int64_t> entity_id;
  std::string after;
  int limit = 50;
};

// Rows of one table in the portable form `guanxi db copy` and PostgreSQL
// backups move between backends: the columns both schemas share, every value as
// text (nullopt for NULL), in key order. Columns a backend derives (search text,
// sort keys, grams, tag rows) are left out; the destination derives them.
struct TableRows {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// The portable tables, in an order in which they can be loaded.
const std::vector<std::string>& PortableTables();

class Store {
 public:
  virtual ~Store() = default;

  // --- customers -------------------------------------------------------------
  // Inserts `c` (already normalised) and fills id, version (1), created/updated.
  // AlreadyExists when external_id is taken.
  virtual Result<Customer> CreateCustomer(Customer c, AuditEntry audit) = 0;
  virtual Result<Customer> GetCustomer(int64_t id) = 0;
  // Replaces the record when its stored version equals c.version; Conflict otherwise.
  virtual Result<Customer> UpdateCustomer(Customer c, AuditEntry audit) = 0;
  virtual Status DeleteCustomer(int64_t id, AuditEntry audit) = 0;
  virtual Result<Page<Customer>> ListCustomers(const CustomerQuery& q) = 0;
  virtual Result<int64_t> CountCustomers() = 0;
  // The names of those of `ids` that exist, in one read (for list answers that
  // show the customer of each row).
  virtual Result<std::map<int64_t, std::string>> CustomerNames(const std::vector<int64_t>& ids) = 0;
  // Bulk insert for demo data and imports: one transaction per call, no audit.
  virtual Status InsertCustomersBulk(std::vector<Customer>& customers) = 0;

  // --- contacts --------------------------------------------------------------
  virtual Result<Contact> CreateContact(Contact c, AuditEntry audit) = 0;
  virtual Result<Contact> GetContact(int64_t id) = 0;
  virtual Result<Contact> UpdateContact(Contact c, AuditEntry audit) = 0;
  virtual Status DeleteContact(int64_t id, AuditEntry audit) = 0;
  virtual Result<std::vector<Contact>> ListContacts(int64_t customer_id) = 0;
  // Bulk insert for demo data and imports: one transaction per call, no audit.
  virtual Status InsertContactsBulk(std::vector<Contact>& contacts) = 0;

  // --- users and teams -------------------------------------------------------
  virtual Result<User> CreateUser(User u, AuditEntry audit) = 0;
  virtual Result<User> GetUser(int64_t id) = 0;
  virtual Result<User> GetUserByLogin(const std::string& login) = 0;
  virtual Result<User> UpdateUser(User u, AuditEntry audit) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Result<Team> CreateTeam(Team t, AuditEntry audit) = 0;
  virtual Result<Team> GetTeam(int64_t id) = 0;
  virtual Result<Team> GetTeamByName(const std::string& name) = 0;
  virtual Result<Team> UpdateTeam(Team t, AuditEntry audit) = 0;
  virtual Result<std::vector<Team>> ListTeams() = 0;

  // --- sessions and tokens ---------------------------------------------------
  virtual Status CreateSession(const Session& s) = 0;
  virtual Result<Session> GetSession(const std::string& id_hash, UnixSeconds now) = 0;
  virtual Status DeleteSession(const std::string& id_hash) = 0;
  virtual Result<ApiToken> CreateApiToken(ApiToken t, AuditEntry audit) = 0;
  // The user a token (by hash) belongs to, in one read; records the token's use
  // (last_used_at, at most once a minute).
  virtual Result<User> UseApiToken(const std::string& token_hash, UnixSeconds now) = 0;
  virtual Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id) = 0;
  virtual Status DeleteApiToken(int64_t user_id, int64_t token_id, AuditEntry audit) = 0;

  // --- audit -----------------------------------------------------------------
  virtual Result<Page<AuditEntry>> ListAudit(const AuditQuery& q) = 0;
  virtual Status AppendAudit(AuditEntry audit) = 0;

  // --- shared state ----------------------------------------------------------
  // Failed-login events, shared by every server process on the database.
  virtual Status RecordRateEvent(const std::string& key, UnixSeconds at) = 0;
  // The times of `key`'s events after `since`, oldest first.
  virtual Result<std::vector<UnixSeconds>> RateEvents(const std::string& key, UnixSeconds since) = 0;
  // Forgets `key`'s events, and every event at or before `before` (any key).
  virtual Status ClearRateEvents(const std::string& key, UnixSeconds before) = 0;

  // Calls `fn(entity, id)` after each committed change to a user ("user"), team
  // ("team") or token ("token") made by any server on this database, this one
  // included, so caches stay correct across replicas. `fn` runs on a store
  // thread and must be quick. Register before serving; registrations are kept.
  // Entity "*" means changes may have been missed: forget everything cached.
  virtual void OnChange(std::function<void(const std::string& entity, int64_t id)> fn) = 0;

  // --- sales ------------------------------------------------------------------
  // Products, orders, opportunities and the funnel (store/sales_store.h), on the
  // same database and connections. Valid as long as the Store.
  virtual SalesStore& Sales() = 0;

  // --- analytics ----------------------------------------------------------------
  // Model inputs, per-customer metrics, runs, settings and tasks
  // (store/analytics_store.h), on the same database. Valid as long as the Store.
  virtual AnalyticsStore& Analytics() = 0;

  // --- interactions -----------------------------------------------------------
  // Interactions (with their follow-up task) and the customer timeline
  // (store/interaction_store.h). Valid as long as the Store.
  virtual InteractionStore& Interactions() = 0;

  // --- tasks ------------------------------------------------------------------
  // Tasks and the generated tasks' exactly-once insert (store/task_store.h).
  // Valid as long as the Store.
  virtual TaskStore& Tasks() = 0;

  // --- return-visit plans and event rules ----------------------------------------
  // Plans, rules and the passes' bulk reads and batched task writes
  // (store/plan_store.h). Valid as long as the Store.
  virtual PlanStore& Plans() = 0;

  // --- jobs -------------------------------------------------------------------
  // The scheduler's persisted queue (store/job_store.h). Valid as long as the Store.
  virtual JobStore& Jobs() = 0;

  // --- care journeys ------------------------------------------------------------
  // Journeys, enrollments, relationship settings and the care-date/journey
  // passes' bulk reads and writes (store/journey_store.h). Valid as long as the Store.
  virtual JourneyStore& Journeys() = 0;

  // --- ownership --------------------------------------------------------------
  // Transfers, the public pool, pool rules and owner history
  // (store/ownership_store.h). Valid as long as the Store.
  virtual OwnershipStore& Ownership() = 0;

  // --- lifecycle --------------------------------------------------------------
  // Lifecycle stage and ladder rung: bulk facts, derived writes, overrides and
  // history (store/lifecycle_store.h). Valid as long as the Store.
  virtual LifecycleStore& Lifecycle() = 0;

  // --- duplicates -------------------------------------------------------------
  // Detection columns, dismissed pairs, merges and their undo
  // (store/dedup_store.h). Valid as long as the Store.
  virtual DedupStore& Dedup() = 0;

  // --- copy between backends -------------------------------------------------
  // Streams every portable table (PortableTables() order) from one consistent
  // snapshot, in chunks of at most `chunk_rows` rows.
  virtual Status ExportTables(int chunk_rows, const std::function<Status(const TableRows&)>& sink) = 0;
  // Loads chunks pulled from `next` (nullopt at the end) into this database,
  // which must hold no customers, users or audit rows, in one transaction:
  // all of it lands or none. Ids are kept; id sequences continue after them.
  virtual Status ImportTables(const std::function<Result<std::optional<TableRows>>()>& next) = 0;

  // --- maintenance -----------------------------------------------------------
  // Runs the database's own consistency check; "ok" when sound.
  virtual Result<std::string> IntegrityCheck() = 0;
  // Writes a consistent copy of the database to `path` while it stays online.
  virtual Status Backup(const std::string& path) = 0;
  // Waits for queued writes, checkpoints and closes. Further calls fail Unavailable.
  virtual void Close() = 0;
};

struct SqliteOptions {
  std::string path;
  // "full" survives power loss; "normal" survives process crashes and is much
  // faster but may lose the last commits on power loss (see docs/operations.md).
  std::string synchronous = "full";
  int reader_connections = 4;
  int busy_timeout_ms = 5000;
  // Most writes a writer transaction gathers before it commits.
  int max_group_commit = 256;
  // Page cache of the writer connection. Bulk loads want far more than a server
  // (index inserts land on random pages); each reader gets 16 MiB.
  int writer_cache_mib = 32;
};

// Opens (creating if needed) an SQLite database and runs pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

struct PostgresOptions {
  std::string url;  // postgresql://user@host:port/dbname?… (libpq connection URI)
  // Connections this process keeps open; requests beyond it wait for one.
  int pool_size = 16;
  // Keep a connection LISTENing for other replicas' changes (OnChange).
  bool listen_for_changes = true;
};

// Connects to a PostgreSQL database and runs pending migrations under an
// advisory lock (replicas starting together apply each migration once).
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

// One table of a copy: rows read from the source and, read back from the
// destination after the copy, their count and a SHA-256 over the portable rows.
struct TableCopyReport {
  std::string table;
  int64_t source_rows = 0;
  int64_t destination_rows = 0;
  std::string source_checksum;
  std::string destination_checksum;
  bool matches() const {
    return source_rows == destination_rows && source_checksum == destination_checksum;
  }
};

// Copies every portable table from `from` into `to` (which must be empty) in
// one destination transaction, then reads `to` back and compares each table's
// row count and checksum with what was sent. Fails (DataLoss-like Internal)
// when any table differs; `report` (optional) gets one entry per table.
Status CopyStore(Store& from, Store& to, std::vector<TableCopyReport>* report);

// True when `db` names a PostgreSQL database (postgresql:// or postgres:// URI)
// rather than an SQLite file.
bool IsPostgresUrl(const std::string& db);

// The schema version the code expects, and the number applied to `path` (for `db migrate`).
int LatestSchemaVersion();

}  // namespace guanxi
