// SKELETON — replaced by the real implementation.
#include "store/postgres/sales_store.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // skeleton only

namespace guanxi {
namespace {

class PostgresSalesStore final : public SalesStore {
 public:
  PostgresSalesStore(postgres::Pool& pool) : pool_(pool) {}

  Result<Product> CreateProduct(Product p, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Product> GetProduct(int64_t id) override { return Status::Internal("sales store: not built yet"); }
  Result<Product> UpdateProduct(Product p, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Page<Product>> ListProducts(const ProductQuery& q) override { return Status::Internal("sales store: not built yet"); }
  Result<Order> CreateOrder(Order o, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Order> GetOrder(int64_t id) override { return Status::Internal("sales store: not built yet"); }
  Result<Order> UpdateOrder(Order o, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Page<Order>> ListOrders(const OrderQuery& q) override { return Status::Internal("sales store: not built yet"); }
  Result<OrderImportOutcome> ImportOrders(std::vector<OrderImportRow>& rows) override { return Status::Internal("sales store: not built yet"); }
  Result<int64_t> CountOrders() override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<Stage>> GetStages() override { return Status::Internal("sales store: not built yet"); }
  Status ReplaceStages(const std::vector<Stage>& stages, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<SalesSettings> GetSalesSettings() override { return Status::Internal("sales store: not built yet"); }
  Status UpdateSalesSettings(const SalesSettings& s, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Opportunity> CreateOpportunity(Opportunity o, OpportunityEvent event, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Opportunity> GetOpportunity(int64_t id) override { return Status::Internal("sales store: not built yet"); }
  Result<Opportunity> UpdateOpportunity(Opportunity o, std::optional<OpportunityEvent> event, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Status DeleteOpportunity(int64_t id, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Page<Opportunity>> ListOpportunities(const OpportunityQuery& q) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<OpportunityEvent>> OpportunityHistory(int64_t id) override { return Status::Internal("sales store: not built yet"); }
  Status InsertOpportunitiesBulk(std::vector<Opportunity>& opps, std::vector<std::vector<OpportunityEvent>>& events) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<OwnerFunnel>> FunnelByOwner(const VisibilityScope& scope, const std::string& first_day, const std::string& last_day) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<OwnerFunnel>> FunnelAsOf(const VisibilityScope& scope, const std::string& first_day, const std::string& last_day, UnixSeconds as_of) override { return Status::Internal("sales store: not built yet"); }
  Status SaveSnapshots(const std::vector<ForecastSnapshot>& snapshots) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<ForecastSnapshot>> Snapshots(const VisibilityScope& scope, const std::string& quarter) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<OpportunityTrack>> Tracks(const VisibilityScope& scope, const std::string& first_day, const std::string& last_day) override { return Status::Internal("sales store: not built yet"); }
  Result<std::map<int64_t, int64_t>> ActivityByUser(const VisibilityScope& scope, UnixSeconds from, UnixSeconds to) override { return Status::Internal("sales store: not built yet"); }
  Result<SalesTarget> PutTarget(SalesTarget t, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Status DeleteTarget(int64_t id, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<SalesTarget>> ListTargets(const std::string& quarter) override { return Status::Internal("sales store: not built yet"); }
  Status ReplacePaymentPlan(std::optional<int64_t> opportunity_id, std::optional<int64_t> order_id, std::vector<Instalment> plan, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<Receipt> AddReceipt(Receipt r, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Status DeleteReceipt(int64_t id, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<ReceivableAccount>> Receivables(const VisibilityScope& scope, std::optional<int64_t> opportunity_id, std::optional<int64_t> order_id) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<PlaybookEntry>> ListPlaybook() override { return Status::Internal("sales store: not built yet"); }
  Result<PlaybookEntry> CreatePlaybookEntry(PlaybookEntry e, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Result<PlaybookEntry> UpdatePlaybookEntry(PlaybookEntry e, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Status DeletePlaybookEntry(int64_t id, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Status SeedPlaybook(const std::vector<PlaybookEntry>& entries) override { return Status::Internal("sales store: not built yet"); }
  Result<std::vector<BuyingCentreMember>> ListBuyingCentre(int64_t opportunity_id) override { return Status::Internal("sales store: not built yet"); }
  Result<BuyingCentreMember> PutBuyingCentreMember(BuyingCentreMember m, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }
  Status DeleteBuyingCentreMember(int64_t opportunity_id, int64_t id, AuditEntry audit) override { return Status::Internal("sales store: not built yet"); }

 private:
  postgres::Pool& pool_;
};

}  // namespace

std::unique_ptr<SalesStore> NewPostgresSalesStore(postgres::Pool& pool) {
  return std::make_unique<PostgresSalesStore>(pool);
}

}  // namespace guanxi
