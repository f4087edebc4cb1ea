// SalesStore: the sales tables behind Store::Sales() — products, orders,
// opportunities and their history, stages, targets, forecast snapshots,
// receivables, playbook and buying centre. Same rules as Store: thread-safe,
// parameterised SQL, every mutating method writes its AuditEntry in the same
// transaction, version checks answer Conflict, and nothing is half-written.
//
// Both backends implement it (store/sqlite/sales_store.cc,
// store/postgres/sales_store.cc) with the same behaviour; tests/unit/
// sales_store_test.cc runs against both.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/sales.h"
#include "domain/status.h"
#include "store/store.h"

namespace guanxi {

struct ProductQuery {
  std::string search;  // case-insensitive substring of code or name, "" for all
  bool active_only = false;
  std::string after;  // cursor; products are listed by code
  int limit = 100;
};

struct OrderQuery {
  VisibilityScope scope;  // by the order's owner_user_id
  std::optional<int64_t> customer_id;
  std::optional<int64_t> owner_user_id;
  std::optional<int64_t> opportunity_id;
  std::optional<OrderStatus> status;
  std::optional<UnixSeconds> from;  // ordered_at >= from
  std::optional<UnixSeconds> to;    // ordered_at < to
  std::string after;                // cursor; newest ordered_at first, then id descending
  int limit = 50;
};

// One order of an import file, with the customer named by external id.
struct OrderImportRow {
  int64_t line_no = 0;  // the file's line number, for reports
  std::string customer_external_id;
  Order order;  // external_id set; customer_id and owner resolved by the store
  // Product codes of order.lines, parallel to it ("" when the line names none).
  std::vector<std::string> line_product_codes;
};
struct ImportRejection {
  int64_t line_no = 0;
  std::string field;
  std::string message;
};
struct OrderImportOutcome {
  int64_t inserted = 0;
  int64_t already_present = 0;  // order id already stored (a re-run): skipped, not doubled
  std::vector<ImportRejection> rejected;
};

enum class OpportunityStatus { kOpen, kWon, kLost };
struct OpportunityQuery {
  VisibilityScope scope;  // by the opportunity's owner_user_id
  std::optional<int64_t> customer_id;
  std::optional<int64_t> owner_user_id;
  std::string stage;  // a stage key, "" for any
  std::optional<OpportunityStatus> status;
  std::string close_from;  // expected_close (open) or closed_on (won/lost) >= this day
  std::string close_to;    // ... <= this day
  std::string search;      // case-insensitive substring of the title
  std::string after;       // cursor; most recently updated first, then id descending
  int limit = 50;
};

// The funnel of one owner for one period (a quarter), as the forecast needs it.
struct OwnerFunnel {
  std::optional<int64_t> owner_user_id;
  int64_t closed = 0;  // Σ amount of opportunities won with closed_on in the period
  int64_t closed_count = 0;
  int64_t lost = 0;  // Σ amount lost with closed_on in the period
  int64_t lost_count = 0;
  // Open opportunities expected to close in the period, by stage key.
  struct StageSum {
    int64_t amount = 0;
    int64_t count = 0;
  };
  std::map<std::string, StageSum> open;
  // Orders in the period that belong to no opportunity, count as a sale and are
  // below the out-of-funnel threshold (none while the threshold is 0).
  int64_t out_of_funnel = 0;
  int64_t out_of_funnel_count = 0;
};

// A stored weekly snapshot of one owner's funnel for a quarter, taken as of
// week_start 00:00 Asia/Shanghai.
struct ForecastSnapshot {
  std::string quarter;     // "2026Q4"
  std::string week_start;  // a Monday, "YYYY-MM-DD"
  UnixSeconds taken_at = 0;
  OwnerFunnel funnel;
};

// The history of one opportunity, for learned win rates, conversion and days in stage.
struct OpportunityTrack {
  int64_t opportunity_id = 0;
  std::optional<int64_t> owner_user_id;
  int64_t amount = 0;
  std::string stage;      // current stage key
  std::string closed_on;  // "" while open
  std::vector<OpportunityEvent> events;  // oldest first
};

struct SalesSettings {
  int64_t out_of_funnel_threshold = 0;  // fen; 0 = no order is out of the funnel
};

// A document (won opportunity or order) carrying a payment plan.
struct ReceivableAccount {
  std::optional<int64_t> opportunity_id;
  std::optional<int64_t> order_id;
  int64_t customer_id = 0;
  std::string title;  // opportunity title, or the order's external id / number
  std::optional<int64_t> owner_user_id;
  std::vector<Instalment> instalments;  // by due_on
  std::vector<Receipt> receipts;        // by received_on
};

class SalesStore {
 public:
  virtual ~SalesStore() = default;

  // --- products --------------------------------------------------------------
  // AlreadyExists (field "code") when the code is taken.
  virtual Result<Product> CreateProduct(Product p, AuditEntry audit) = 0;
  virtual Result<Product> GetProduct(int64_t id) = 0;
  virtual Result<Product> UpdateProduct(Product p, AuditEntry audit) = 0;
  virtual Result<Page<Product>> ListProducts(const ProductQuery& q) = 0;

  // --- orders ----------------------------------------------------------------
  // Writes the order and its lines. AlreadyExists (field "external_id") when the
  // order id is taken; InvalidArgument (field "customer_id" / "lines[i].product_id"
  // / "opportunity_id") when a referenced row does not exist.
  virtual Result<Order> CreateOrder(Order o, AuditEntry audit) = 0;
  virtual Result<Order> GetOrder(int64_t id) = 0;
  // Replaces the order (lines included) when the stored version equals o.version.
  virtual Result<Order> UpdateOrder(Order o, AuditEntry audit) = 0;
  virtual Result<Page<Order>> ListOrders(const OrderQuery& q) = 0;  // lines not filled
  // Imports a whole file in one transaction: pulls chunks from `next` (nullopt at
  // the end) and returns the outcome once everything has committed; on any error
  // nothing is stored. Rows whose order id is already stored are skipped and
  // counted; rows naming an unknown customer or product code are rejected with
  // their line number; the rest are inserted. `expected_rows` (0 = unknown) lets
  // the store choose a bulk strategy for large files.
  virtual Result<OrderImportOutcome> ImportOrders(
      const std::function<Result<std::optional<std::vector<OrderImportRow>>>()>& next,
      int64_t expected_rows) = 0;
  virtual Result<int64_t> CountOrders() = 0;

  // --- stages and settings ----------------------------------------------------
  // The configured stages by position (DefaultStages() on a new database).
  virtual Result<std::vector<Stage>> GetStages() = 0;
  // Replaces the configuration (already normalised). FailedPrecondition (field
  // "stages") when a removed key still has opportunities.
  virtual Status ReplaceStages(const std::vector<Stage>& stages, AuditEntry audit) = 0;
  virtual Result<SalesSettings> GetSalesSettings() = 0;
  // Stores the settings; a changed threshold re-derives the out-of-funnel sums.
  virtual Status UpdateSalesSettings(const SalesSettings& s, AuditEntry audit) = 0;

  // --- opportunities ------------------------------------------------------------
  // Writes the row, `event` (kind "create") and the audit row. InvalidArgument
  // (field) for an unknown customer, contact or stage.
  virtual Result<Opportunity> CreateOpportunity(Opportunity o, OpportunityEvent event, AuditEntry audit) = 0;
  virtual Result<Opportunity> GetOpportunity(int64_t id) = 0;
  // Version-checked replace; `event` (stage or update) is appended when given.
  virtual Result<Opportunity> UpdateOpportunity(Opportunity o, std::optional<OpportunityEvent> event,
                                                AuditEntry audit) = 0;
  // Removes the opportunity with its history, plan, receipts and buying centre.
  virtual Status DeleteOpportunity(int64_t id, AuditEntry audit) = 0;
  virtual Result<Page<Opportunity>> ListOpportunities(const OpportunityQuery& q) = 0;
  virtual Result<std::vector<OpportunityEvent>> OpportunityHistory(int64_t id) = 0;
  // Bulk insert for demo data and benchmarks (rows and their events; no audit).
  virtual Status InsertOpportunitiesBulk(std::vector<Opportunity>& opps,
                                         std::vector<std::vector<OpportunityEvent>>& events) = 0;

  // --- funnel ------------------------------------------------------------------
  // The live funnel of every owner within `scope` for the days [first, last].
  virtual Result<std::vector<OwnerFunnel>> FunnelByOwner(const VisibilityScope& scope,
                                                         const std::string& first_day,
                                                         const std::string& last_day) = 0;
  // The same figures as they stood at `as_of`, rebuilt from opportunity history
  // and order times (for snapshots of weeks nobody looked at).
  virtual Result<std::vector<OwnerFunnel>> FunnelAsOf(const VisibilityScope& scope,
                                                      const std::string& first_day,
                                                      const std::string& last_day,
                                                      UnixSeconds as_of) = 0;
  // Stores snapshots; a (quarter, week_start, owner) already stored is kept as is.
  virtual Status SaveSnapshots(const std::vector<ForecastSnapshot>& snapshots) = 0;
  // Stored snapshots of a quarter within scope, by week_start then owner;
  // `week_start` "" for every week, else that week only.
  virtual Result<std::vector<ForecastSnapshot>> Snapshots(const VisibilityScope& scope,
                                                          const std::string& quarter,
                                                          const std::string& week_start) = 0;
  // Histories of opportunities within scope that were created on or before
  // `last_day` and were open at some point of [first_day, last_day] (closed ones
  // with closed_on in the window included).
  virtual Result<std::vector<OpportunityTrack>> Tracks(const VisibilityScope& scope,
                                                       const std::string& first_day,
                                                       const std::string& last_day) = 0;
  // Opportunity events recorded per user in [from, to) (activity leaderboard).
  virtual Result<std::map<int64_t, int64_t>> ActivityByUser(const VisibilityScope& scope,
                                                            UnixSeconds from, UnixSeconds to) = 0;

  // --- targets -------------------------------------------------------------------
  // Creates or replaces the target of (quarter, scope, subject).
  virtual Result<SalesTarget> PutTarget(SalesTarget t, AuditEntry audit) = 0;
  virtual Status DeleteTarget(int64_t id, AuditEntry audit) = 0;
  virtual Result<std::vector<SalesTarget>> ListTargets(const std::string& quarter) = 0;

  // --- receivables -----------------------------------------------------------------
  // Replaces the instalments of one document (all rows name the same document).
  virtual Status ReplacePaymentPlan(std::optional<int64_t> opportunity_id, std::optional<int64_t> order_id,
                                    std::vector<Instalment> plan, AuditEntry audit) = 0;
  virtual Result<Receipt> AddReceipt(Receipt r, AuditEntry audit) = 0;
  virtual Status DeleteReceipt(int64_t id, AuditEntry audit) = 0;
  // Documents within scope (by owner) with a payment plan or a receipt;
  // `opportunity_id` / `order_id` narrow to one document.
  virtual Result<std::vector<ReceivableAccount>> Receivables(const VisibilityScope& scope,
                                                             std::optional<int64_t> opportunity_id,
                                                             std::optional<int64_t> order_id) = 0;

  // --- playbook ----------------------------------------------------------------------
  virtual Result<std::vector<PlaybookEntry>> ListPlaybook() = 0;
  virtual Result<PlaybookEntry> CreatePlaybookEntry(PlaybookEntry e, AuditEntry audit) = 0;
  virtual Result<PlaybookEntry> UpdatePlaybookEntry(PlaybookEntry e, AuditEntry audit) = 0;
  virtual Status DeletePlaybookEntry(int64_t id, AuditEntry audit) = 0;
  // Inserts `entries` once per database (a marker row records it), so deleted
  // default entries do not come back and replicas starting together seed once.
  virtual Status SeedPlaybook(const std::vector<PlaybookEntry>& entries) = 0;

  // --- buying centre -----------------------------------------------------------------
  virtual Result<std::vector<BuyingCentreMember>> ListBuyingCentre(int64_t opportunity_id) = 0;
  // Creates (id 0) or replaces a member. InvalidArgument (field) when the contact
  // is not the opportunity customer's, or reports_to is not a member of it or
  // would make a cycle.
  virtual Result<BuyingCentreMember> PutBuyingCentreMember(BuyingCentreMember m, AuditEntry audit) = 0;
  virtual Status DeleteBuyingCentreMember(int64_t opportunity_id, int64_t id, AuditEntry audit) = 0;
};

}  // namespace guanxi
