// The SQLite SalesStore's class, split over sales_store.cc (products, orders,
// stages, settings), sales_import.cc (ImportOrders), sales_opportunity.cc
// (opportunities, funnel, snapshots, tracks) and sales_misc.cc (targets,
// receivables, playbook, buying centre). Internal to store/sqlite.
#pragma once

#include <string>

#include "store/list_query.h"
#include "store/pool.h"
#include "store/sales_store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/write_queue.h"

namespace guanxi::sqlite {

// The business day (UTC+8) of a unix-seconds column, as SQLite writes it.
inline std::string BusinessDaySql(const std::string& column) {
  return "date(" + column + " + 28800, 'unixepoch')";
}

// Adds (sign +1) or removes (sign -1) the sales_day sums of the orders matching
// `filter` (SQL over sales_order with one `?` bound to `param`) that count out of
// the funnel: no opportunity, placed or paid, total below the threshold. Callers
// remove an order's share before changing it and add it back afterwards.
Status AdjustSalesDay(Connection& db, const std::string& filter, const SqlValue& param, int sign);

// Inserts one order line: order_id, line_no, product_id, description, quantity,
// unit_price, discount.
extern const char kInsertOrderLineSql[];

class SqliteSalesStore final : public SalesStore {
 public:
  SqliteSalesStore(WriteQueue& writer, ConnectionPool<Connection>& readers)
      : writer_(writer), readers_(readers) {}

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
  Result<ConnectionPool<Connection>::Lease> Reader() {
    auto lease = readers_.Acquire();
    if (!lease) return Status::Unavailable("the store is closed");
    return std::move(*lease);
  }
  Status Write(const WriteQueue::Job& job) { return writer_.Run(job); }

  WriteQueue& writer_;
  ConnectionPool<Connection>& readers_;
};

// A scope as an SQL condition on `column` (an owner or user id column), with
// its argument appended to `args`; "" for everyone.
std::string ScopeSql(const VisibilityScope& scope, const std::string& column, std::vector<int64_t>& args);

}  // namespace guanxi::sqlite
