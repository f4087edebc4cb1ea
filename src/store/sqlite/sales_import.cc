// The SQLite SalesStore's order import: one chunk of rows per call, in one job
// of the writer. Per row: the customer and product codes resolve through their
// unique indexes (memoised for the chunk), the order goes in with
// ON CONFLICT DO NOTHING on its external id (no change = already present), and
// its lines follow. The chunk's out-of-funnel sums are added to sales_day by one
// aggregated statement over the ids the chunk inserted.
#include <unordered_map>

#include "store/sqlite/sales_internal.h"

namespace guanxi::sqlite {

namespace {

constexpr int64_t kImportCacheKib = 256 * 1024;

struct CustomerRef {
  int64_t id = 0;
  std::optional<int64_t> owner_user_id;
};

class ImportResolver {
 public:
  explicit ImportResolver(Connection& db) : db_(db) {}

  // nullopt when no customer has this external id.
  Result<std::optional<CustomerRef>> Customer(const std::string& external_id) {
    auto it = customers_.find(external_id);
    if (it != customers_.end()) return it->second;
    GX_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT id, owner_user_id FROM customer WHERE external_id = ?"));
    st.Bind(external_id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    std::optional<CustomerRef> ref;
    if (row) ref = CustomerRef{st.Int(0), st.OptInt(1)};
    customers_.emplace(external_id, ref);
    return ref;
  }

  Result<std::optional<int64_t>> Product(const std::string& code) {
    auto it = products_.find(code);
    if (it != products_.end()) return it->second;
    GX_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT id FROM product WHERE code = ?"));
    st.Bind(code);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    std::optional<int64_t> id;
    if (row) id = st.Int(0);
    products_.emplace(code, id);
    return id;
  }

 private:
  Connection& db_;
  std::unordered_map<std::string, std::optional<CustomerRef>> customers_;
  std::unordered_map<std::string, std::optional<int64_t>> products_;
};

// Fills the row's customer, owner and product ids; a rejection when one is unknown.
Result<std::optional<ImportRejection>> Resolve(ImportResolver& r, OrderImportRow& row) {
  GX_ASSIGN_OR_RETURN(auto customer, r.Customer(row.customer_external_id));
  if (!customer) {
    return std::optional<ImportRejection>(ImportRejection{
        row.line_no, "customer_external_id", "no customer with external id " + row.customer_external_id});
  }
  row.order.customer_id = customer->id;
  // Store-level default: an imported order is credited to the customer's owner.
  if (!row.order.owner_user_id) row.order.owner_user_id = customer->owner_user_id;
  for (size_t i = 0; i < row.order.lines.size() && i < row.line_product_codes.size(); ++i) {
    const std::string& code = row.line_product_codes[i];
    if (code.empty()) continue;
    GX_ASSIGN_OR_RETURN(auto product, r.Product(code));
    if (!product) {
      return std::optional<ImportRejection>(
          ImportRejection{row.line_no, "product_code", "no product with code " + code});
    }
    row.order.lines[i].product_id = product;
  }
  return std::optional<ImportRejection>();
}

// Inserts the order unless its external id is stored; false when it was.
Result<bool> InsertImported(Connection& db, Order& o) {
  {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO sales_order(version, external_id, customer_id, owner_user_id, opportunity_id, "
        "ordered_at, channel, status, total, note, created_at, updated_at) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(external_id) WHERE external_id IS NOT NULL DO NOTHING"));
    st.BindTextOrNull(o.external_id).Bind(o.customer_id).Bind(o.owner_user_id).Bind(o.opportunity_id)
        .Bind(o.ordered_at).Bind(ToString(o.channel)).Bind(ToString(o.status)).Bind(o.total)
        .Bind(o.note).Bind(o.created_at).Bind(o.updated_at);
    GX_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return false;
  }
  o.id = db.LastInsertRowId();
  o.version = 1;
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kInsertOrderLineSql));
    st.Bind(o.id).Bind(static_cast<int64_t>(i)).Bind(l.product_id).Bind(l.description)
        .Bind(l.quantity).Bind(l.unit_price).Bind(l.discount);
    GX_RETURN_IF_ERROR(st.Run());
  }
  return true;
}

}  // namespace

Result<OrderImportOutcome> SqliteSalesStore::ImportOrders(std::vector<OrderImportRow>& rows) {
  OrderImportOutcome out;
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    out = OrderImportOutcome{};
    // A chunk dirties a page per row in each random-order index; a writer cache
    // that holds them all keeps SQLite from spilling mid-transaction.
    int64_t cache_before = 0;  // < 0: KiB, > 0: pages (of 4 KiB by default)
    {
      GX_ASSIGN_OR_RETURN(auto cache, db.Prepare("PRAGMA cache_size"));
      GX_ASSIGN_OR_RETURN(bool has_cache, cache.Step());
      if (has_cache) cache_before = cache.Int(0);
    }
    const bool grow = cache_before < 0 ? -cache_before < kImportCacheKib : cache_before * 4 < kImportCacheKib;
    if (grow) GX_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = -" + std::to_string(kImportCacheKib)));
    Status s = ImportChunk(db, rows, out);
    if (grow) (void)db.Exec("PRAGMA cache_size = " + std::to_string(cache_before));
    return s;
  }));
  return out;
}

Status SqliteSalesStore::ImportChunk(Connection& db, std::vector<OrderImportRow>& rows,
                                     OrderImportOutcome& out) {
  int64_t max_before = 0;
  {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT coalesce(max(id), 0) FROM sales_order"));
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) max_before = st.Int(0);
  }
  ImportResolver resolver(db);
  for (auto& row : rows) {
    GX_ASSIGN_OR_RETURN(auto rejection, Resolve(resolver, row));
    if (rejection) {
      out.rejected.push_back(std::move(*rejection));
      continue;
    }
    GX_ASSIGN_OR_RETURN(bool inserted, InsertImported(db, row.order));
    if (inserted) ++out.inserted; else ++out.already_present;
  }
  if (out.inserted == 0) return Status::Ok();
  // Ids only grow (AUTOINCREMENT) and this job is the only writer.
  return AdjustSalesDay(db, "id > ?", max_before, +1);
}

}  // namespace guanxi::sqlite
