// The PostgreSQL SalesStore, split over sales_*.cc by area (products and
// settings, orders, opportunities, funnel, receivables and playbook). Each write
// is one READ COMMITTED transaction that locks the rows it changes and checks
// versions, like the customer writes of postgres_store.cc.
// Internal to store/postgres.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/postgres/connection.h"
#include "store/rows.h"
#include "store/sales_rows.h"
#include "store/sales_store.h"

namespace guanxi::pg_sales {

using postgres::Connection;
using postgres::Params;
using namespace store_rows;

// Builds a statement with `?` markers and its parameters side by side.
struct Sql {
  std::string text;
  Params params;
  Sql& operator+=(const std::string& s) { text += s; return *this; }
  // "$n" of PostgreSQL from the `?` markers.
  std::string Numbered() const;
};
// Appends " AND <column> …" limiting rows to the scope (owner or team).
void AddScope(Sql& q, const VisibilityScope& scope, const std::string& column);

// SQL lower-casing ASCII letters only (as SQLite's lower()), and the same in C++.
std::string AsciiLowerSql(const std::string& expr);
std::string AsciiLower(std::string s);

// SQL for the Asia/Shanghai business day ("YYYY-MM-DD") of a UTC-seconds expression.
std::string BusinessDaySql(const std::string& seconds);

Status InsertAudit(Connection& db, const AuditEntry& a);
// The FailedPrecondition / InvalidArgument answers with a field.
Status FieldPrecondition(const std::string& field, const std::string& message);

// The out-of-funnel threshold, read under a share lock so a threshold change
// waits for order writes in progress (and the other way round).
Result<int64_t> LockedThreshold(Connection& db, bool for_update);
// Adds `sign` × the order's out-of-funnel contribution to sales_day.
Status ApplySalesDay(Connection& db, const Order& o, int64_t threshold, int sign);

// ImportOrders takes its bulk path (sales_orders.cc) from this many expected
// rows, if they are also at least a quarter of the stored orders; tests lower it.
inline std::atomic<int64_t> bulk_import_min_rows{100000};

class PgSalesStore final : public SalesStore {
 public:
  explicit PgSalesStore(postgres::Pool& pool) : pool_(pool) {}

  Result<Product> CreateProduct(Product p, AuditEntry audit) override;
  Result<Product> GetProduct(int64_t id) override;
  Result<Product> UpdateProduct(Product p, AuditEntry audit) override;
  Result<Page<Product>> ListProducts(const ProductQuery& q) override;

  Result<Order> CreateOrder(Order o, AuditEntry audit) override;
  Result<Order> GetOrder(int64_t id) override;
  Result<Order> UpdateOrder(Order o, AuditEntry audit) override;
  Result<Page<Order>> ListOrders(const OrderQuery& q) override;
  Result<OrderImportOutcome> ImportOrders(
      const std::function<Result<std::optional<std::vector<OrderImportRow>>>()>& next,
      int64_t expected_rows) override;
  Result<int64_t> CountOrders() override;

  Result<std::vector<Stage>> GetStages() override;
  Status ReplaceStages(const std::vector<Stage>& stages, AuditEntry audit) override;
  Result<SalesSettings> GetSalesSettings() override;
  Status UpdateSalesSettings(const SalesSettings& s, AuditEntry audit) override;

  Result<Opportunity> CreateOpportunity(Opportunity o, OpportunityEvent event, AuditEntry audit) override;
  Result<Opportunity> GetOpportunity(int64_t id) override;
  Result<Opportunity> UpdateOpportunity(Opportunity o, std::optional<OpportunityEvent> event,
                                        AuditEntry audit) override;
  Status DeleteOpportunity(int64_t id, AuditEntry audit) override;
  Result<Page<Opportunity>> ListOpportunities(const OpportunityQuery& q) override;
  Result<std::vector<OpportunityEvent>> OpportunityHistory(int64_t id) override;
  Status InsertOpportunitiesBulk(std::vector<Opportunity>& opps,
                                 std::vector<std::vector<OpportunityEvent>>& events) override;

  Result<std::vector<OwnerFunnel>> FunnelByOwner(const VisibilityScope& scope, const std::string& first_day,
                                                 const std::string& last_day) override;
  Result<std::vector<OwnerFunnel>> FunnelAsOf(const VisibilityScope& scope, const std::string& first_day,
                                              const std::string& last_day, UnixSeconds as_of) override;
  Status SaveSnapshots(const std::vector<ForecastSnapshot>& snapshots) override;
  Result<std::vector<ForecastSnapshot>> Snapshots(const VisibilityScope& scope,
                                                  const std::string& quarter, const std::string& week_start) override;
  Result<std::vector<OpportunityTrack>> Tracks(const VisibilityScope& scope, const std::string& first_day,
                                               const std::string& last_day) override;
  Result<std::map<int64_t, int64_t>> ActivityByUser(const VisibilityScope& scope, UnixSeconds from,
                                                    UnixSeconds to) override;

  Result<SalesTarget> PutTarget(SalesTarget t, AuditEntry audit) override;
  Status DeleteTarget(int64_t id, AuditEntry audit) override;
  Result<std::vector<SalesTarget>> ListTargets(const std::string& quarter) override;

  Status ReplacePaymentPlan(std::optional<int64_t> opportunity_id, std::optional<int64_t> order_id,
                            std::vector<Instalment> plan, AuditEntry audit) override;
  Result<Receipt> AddReceipt(Receipt r, AuditEntry audit) override;
  Status DeleteReceipt(int64_t id, AuditEntry audit) override;
  Result<std::vector<ReceivableAccount>> Receivables(const VisibilityScope& scope,
                                                     std::optional<int64_t> opportunity_id,
                                                     std::optional<int64_t> order_id) override;

  Result<std::vector<PlaybookEntry>> ListPlaybook() override;
  Result<PlaybookEntry> CreatePlaybookEntry(PlaybookEntry e, AuditEntry audit) override;
  Result<PlaybookEntry> UpdatePlaybookEntry(PlaybookEntry e, AuditEntry audit) override;
  Status DeletePlaybookEntry(int64_t id, AuditEntry audit) override;
  Status SeedPlaybook(const std::vector<PlaybookEntry>& entries) override;

  Result<std::vector<BuyingCentreMember>> ListBuyingCentre(int64_t opportunity_id) override;
  Result<BuyingCentreMember> PutBuyingCentreMember(BuyingCentreMember m, AuditEntry audit) override;
  Status DeleteBuyingCentreMember(int64_t opportunity_id, int64_t id, AuditEntry audit) override;

 private:
  // Runs `fn` in a transaction; deadlocks and serialization failures are retried.
  Status Tx(const std::function<Status(Connection&)>& fn);

  postgres::Pool& pool_;
};

}  // namespace guanxi::pg_sales
