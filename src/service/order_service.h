// Use cases of products, orders (with their import) and receivables, with the
// ownership rules of service/permissions.h and an audit entry for every change.
// Thread-safe (state lives in the Store).
//
// Orders follow their owner_user_id the way customers do (sales: own; manager:
// own and team's; admin, service, analyst: all; service and analyst change
// none). Products are read by everyone and written by admins and managers.
// Payment plans and receipts belong to an order or a won opportunity the caller
// may change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/receivables.h"
#include "service/clock.h"
#include "service/order_import.h"
#include "service/permissions.h"
#include "store/sales_store.h"
#include "store/store.h"

namespace guanxi {

// An order line as a client sends it: price and description may be left out
// (then the product's list price and name are used).
struct OrderLineInput {
  std::optional<int64_t> product_id;
  std::optional<std::string> description;
  int64_t quantity = 1;
  std::optional<int64_t> unit_price;
  int64_t discount = 0;
};

// The document a payment plan or receipt belongs to: exactly one is set.
struct ReceivableRef {
  std::optional<int64_t> opportunity_id;
  std::optional<int64_t> order_id;
};

// One document's plan with each instalment's state as of today.
struct PaymentPlanView {
  ReceivableAccount account;
  analytics::AccountState state;
};

struct ReceivablesFilter {
  std::optional<int64_t> owner_user_id;
  std::optional<int64_t> team_id;
  bool overdue_only = false;  // only accounts with overdue > 0
};

struct ReceivableRow {
  ReceivableAccount account;  // instalments and receipts as stored
  analytics::AccountState state;
};
struct AgeingRow {
  std::optional<int64_t> owner_user_id;
  analytics::Ageing ageing;
};
struct ReceivablesReport {
  std::string as_of;  // today, "YYYY-MM-DD"
  std::vector<ReceivableRow> accounts;  // most overdue first
  std::vector<AgeingRow> ageing;        // one per owner, by owner id (none last)
};

class OrderService {
 public:
  OrderService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // --- products ---
  Result<Product> CreateProduct(const Principal& p, Product draft);
  Result<Product> GetProduct(const Principal& p, int64_t id);
  // Saves `changed` when its version is current (Conflict otherwise).
  Result<Product> UpdateProduct(const Principal& p, Product changed);
  Result<Page<Product>> ListProducts(const Principal& p, ProductQuery q);

  // --- orders ---
  // Creates an order for a customer the caller can see. `draft.lines` is
  // ignored: the lines come from `lines` (product prices and names filled in).
  // The owner defaults to the customer's owner, or the caller when it has none.
  Result<Order> CreateOrder(const Principal& p, Order draft, const std::vector<OrderLineInput>& lines);
  // NotFound when missing or not visible.
  Result<Order> GetOrder(const Principal& p, int64_t id);
  // Saves `changed` (version-checked); `lines`, when given, replace the lines.
  Result<Order> UpdateOrder(const Principal& p, Order changed,
                            const std::optional<std::vector<OrderLineInput>>& lines);
  Result<Page<Order>> ListOrders(const Principal& p, OrderQuery q);
  // Admins and managers; see service/order_import.h. `size_bytes`: the file's size when known.
  Result<OrderImportOutcome> ImportOrders(const Principal& p, const ByteSource& csv, int64_t size_bytes = 0);

  // --- receivables ---
  Result<PaymentPlanView> GetPaymentPlan(const Principal& p, const ReceivableRef& doc);
  Result<PaymentPlanView> PutPaymentPlan(const Principal& p, const ReceivableRef& doc,
                                         std::vector<Instalment> plan);
  Result<Receipt> AddReceipt(const Principal& p, const ReceivableRef& doc, Receipt r);
  Status DeleteReceipt(const Principal& p, int64_t receipt_id);
  Result<ReceivablesReport> Receivables(const Principal& p, const ReceivablesFilter& f);

 private:
  // NotFound unless `p` may see records owned by `owner`.
  Status CheckVisibleOwner(const Principal& p, std::optional<int64_t> owner, const std::string& what);
  Status CheckWriter(const Principal& p, const char* what);
  Status CheckOwnerAssignable(const Principal& p, std::optional<int64_t> owner);
  // Loads the document, checks the caller may change it (or only see it).
  Status CheckDocument(const Principal& p, const ReceivableRef& doc, bool write);
  Status FillLines(Order& o, const std::vector<OrderLineInput>& lines);
  Result<PaymentPlanView> LoadPlan(const ReceivableRef& doc);
  AuditEntry Audit(const Principal& p, const char* entity, const char* action) const;
  std::string Today() const;

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
