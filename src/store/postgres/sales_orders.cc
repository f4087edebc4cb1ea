// The PostgreSQL SalesStore: orders, their lines, the import and the sales_day
// sums of out-of-funnel orders kept in the same transaction as each order write.
#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "store/cursor.h"
#include "store/list_query.h"
#include "store/postgres/bulk_load.h"
#include "store/postgres/sales_impl.h"

namespace guanxi {
namespace pg_sales {
namespace {

Result<Order> SelectOrder(Connection& db, int64_t id, bool for_update) {
  GX_ASSIGN_OR_RETURN(auto r, db.Query(std::string("SELECT ") + kOrderColumns + " FROM sales_order WHERE id = $1" +
                                           (for_update ? " FOR UPDATE" : ""),
                                       Params().Add(id)));
  if (r.rows() == 0) return Status::NotFound("order " + std::to_string(id) + " not found");
  Order o = ReadOrder(r.row(0));
  GX_ASSIGN_OR_RETURN(auto lines, db.Query("SELECT product_id, description, quantity, unit_price, discount "
                                           "FROM order_line WHERE order_id = $1 ORDER BY line_no",
                                           Params().Add(id)));
  for (int i = 0; i < lines.rows(); ++i) {
    auto l = lines.row(i);
    o.lines.push_back({l.OptInt(0), l.Text(1), l.Int(2), l.Int(3), l.Int(4)});
  }
  return o;
}

// Checks the rows an order names, in field order; fills the owner from the
// customer when the order has none.
Status CheckOrderReferences(Connection& db, Order& o, bool default_owner) {
  GX_ASSIGN_OR_RETURN(auto c, db.Query("SELECT owner_user_id FROM customer WHERE id = $1", Params().Add(o.customer_id)));
  if (c.rows() == 0) return Status::InvalidField("customer_id", "no such customer");
  if (default_owner && !o.owner_user_id) o.owner_user_id = c.row(0).OptInt(0);
  if (o.owner_user_id) {
    GX_ASSIGN_OR_RETURN(auto u, db.Query("SELECT 1 FROM app_user WHERE id = $1", Params().Add(*o.owner_user_id)));
    if (u.rows() == 0) return Status::InvalidField("owner_user_id", "no such user");
  }
  if (o.opportunity_id) {
    GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT 1 FROM opportunity WHERE id = $1", Params().Add(*o.opportunity_id)));
    if (r.rows() == 0) return Status::InvalidField("opportunity_id", "no such opportunity");
  }
  for (size_t i = 0; i < o.lines.size(); ++i) {
    if (!o.lines[i].product_id) continue;
    GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT 1 FROM product WHERE id = $1", Params().Add(*o.lines[i].product_id)));
    if (r.rows() == 0) return Status::InvalidField("lines[" + std::to_string(i) + "].product_id", "no such product");
  }
  return Status::Ok();
}

Status WriteLines(Connection& db, const Order& o) {
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    GX_RETURN_IF_ERROR(db.Query("INSERT INTO order_line(order_id, line_no, product_id, description, quantity, "
                                "unit_price, discount) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                Params().Add(o.id).Add(static_cast<int64_t>(i)).Add(l.product_id).Add(l.description)
                                    .Add(l.quantity).Add(l.unit_price).Add(l.discount))
                           .status());
  }
  return Status::Ok();
}

Status ExplainOrder(Status s) {
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("order id is already used by another order",
                                 {{"external_id", "already used by another order"}});
  }
  return s;
}

void AppendField(std::string& buf, const std::optional<std::string>& v, bool last = false) {
  postgres::AppendCopyField(buf, v);
  buf.push_back(last ? '\n' : '\t');
}
std::optional<std::string> OptText(std::optional<int64_t> v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

}  // namespace

Status ApplySalesDay(Connection& db, const Order& o, int64_t threshold, int sign) {
  if (!CountsOutOfFunnel(o, threshold)) return Status::Ok();
  const int64_t owner = o.owner_user_id.value_or(0);
  const std::string day = BusinessDay(o.ordered_at);
  GX_RETURN_IF_ERROR(db.Query("INSERT INTO sales_day(owner_user_id, day, out_of_funnel, out_of_funnel_count) "
                              "VALUES ($1, $2, $3, $4) ON CONFLICT (owner_user_id, day) DO UPDATE SET "
                              "out_of_funnel = sales_day.out_of_funnel + EXCLUDED.out_of_funnel, "
                              "out_of_funnel_count = sales_day.out_of_funnel_count + EXCLUDED.out_of_funnel_count",
                              Params().Add(owner).Add(day).Add(sign * o.total).Add(int64_t{sign}))
                         .status());
  if (sign > 0) return Status::Ok();
  return db.Query("DELETE FROM sales_day WHERE owner_user_id = $1 AND day = $2 AND out_of_funnel_count <= 0",
                  Params().Add(owner).Add(day))
      .status();
}

}  // namespace pg_sales

Status RemoveCustomerSalesDay(postgres::Connection& db, int64_t customer_id) {
  using namespace pg_sales;
  GX_ASSIGN_OR_RETURN(int64_t threshold, LockedThreshold(db, false));
  GX_RETURN_IF_ERROR(db.Query(
      "INSERT INTO sales_day(owner_user_id, day, out_of_funnel, out_of_funnel_count) "
      "SELECT COALESCE(owner_user_id, 0), " + BusinessDaySql("ordered_at") + ", -sum(total), -count(*) "
      "FROM sales_order WHERE customer_id = $1 AND opportunity_id IS NULL AND status IN ('placed', 'paid') "
      "AND total < $2 GROUP BY 1, 2 ON CONFLICT (owner_user_id, day) DO UPDATE SET "
      "out_of_funnel = sales_day.out_of_funnel + EXCLUDED.out_of_funnel, "
      "out_of_funnel_count = sales_day.out_of_funnel_count + EXCLUDED.out_of_funnel_count",
      Params().Add(customer_id).Add(threshold)).status());
  return db.Exec("DELETE FROM sales_day WHERE out_of_funnel_count <= 0");
}

namespace pg_sales {

Result<Order> PgSalesStore::CreateOrder(Order o, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(int64_t threshold, LockedThreshold(db, false));
    GX_RETURN_IF_ERROR(CheckOrderReferences(db, o, true));
    auto r = db.Query("INSERT INTO sales_order(version, external_id, customer_id, owner_user_id, opportunity_id, "
                      "ordered_at, channel, status, total, note, created_at, updated_at) "
                      "VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                      Params().AddTextOrNull(o.external_id).Add(o.customer_id).Add(o.owner_user_id)
                          .Add(o.opportunity_id).Add(o.ordered_at).Add(std::string(ToString(o.channel)))
                          .Add(std::string(ToString(o.status))).Add(o.total).Add(o.note).Add(o.created_at)
                          .Add(o.updated_at));
    if (!r.ok()) return ExplainOrder(r.status());
    o.id = r->row(0).Int(0);
    o.version = 1;
    GX_RETURN_IF_ERROR(WriteLines(db, o));
    GX_RETURN_IF_ERROR(ApplySalesDay(db, o, threshold, +1));
    audit.entity_id = o.id;
    audit.after = OrderToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Result<Order> PgSalesStore::GetOrder(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return SelectOrder(*db, id, false);
}

Result<Order> PgSalesStore::UpdateOrder(Order o, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(int64_t threshold, LockedThreshold(db, false));
    GX_ASSIGN_OR_RETURN(Order old, SelectOrder(db, o.id, true));
    if (old.version != o.version) {
      return Status::Conflict("order " + std::to_string(o.id) + " is at version " + std::to_string(old.version) +
                              ", not " + std::to_string(o.version));
    }
    GX_RETURN_IF_ERROR(CheckOrderReferences(db, o, false));
    auto r = db.Query("UPDATE sales_order SET version = version + 1, external_id = $1, customer_id = $2, "
                      "owner_user_id = $3, opportunity_id = $4, ordered_at = $5, channel = $6, status = $7, "
                      "total = $8, note = $9, updated_at = $10 WHERE id = $11",
                      Params().AddTextOrNull(o.external_id).Add(o.customer_id).Add(o.owner_user_id)
                          .Add(o.opportunity_id).Add(o.ordered_at).Add(std::string(ToString(o.channel)))
                          .Add(std::string(ToString(o.status))).Add(o.total).Add(o.note).Add(o.updated_at)
                          .Add(o.id));
    if (!r.ok()) return ExplainOrder(r.status());
    o.version = old.version + 1;
    o.created_at = old.created_at;
    if (o.lines != old.lines) {
      GX_RETURN_IF_ERROR(db.Query("DELETE FROM order_line WHERE order_id = $1", Params().Add(o.id)).status());
      GX_RETURN_IF_ERROR(WriteLines(db, o));
    }
    GX_RETURN_IF_ERROR(ApplySalesDay(db, old, threshold, -1));
    GX_RETURN_IF_ERROR(ApplySalesDay(db, o, threshold, +1));
    audit.entity_id = o.id;
    audit.before = OrderToJson(old);
    audit.after = OrderToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Result<Page<Order>> PgSalesStore::ListOrders(const OrderQuery& q) {
  Sql s;
  s += std::string("SELECT ") + kOrderColumns + " FROM sales_order WHERE true";
  AddScope(s, q.scope, "owner_user_id");
  if (q.customer_id) { s += " AND customer_id = ?"; s.params.Add(*q.customer_id); }
  if (q.owner_user_id) { s += " AND owner_user_id = ?"; s.params.Add(*q.owner_user_id); }
  if (q.opportunity_id) { s += " AND opportunity_id = ?"; s.params.Add(*q.opportunity_id); }
  if (q.status) { s += " AND status = ?"; s.params.Add(std::string(ToString(*q.status))); }
  if (q.from) { s += " AND ordered_at >= ?"; s.params.Add(*q.from); }
  if (q.to) { s += " AND ordered_at < ?"; s.params.Add(*q.to); }
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 2);
    auto at = parts ? ParseInt64((*parts)[0]) : std::nullopt;
    auto id = parts ? ParseInt64((*parts)[1]) : std::nullopt;
    if (!at || !id) return Status::InvalidField("cursor", "not a cursor of this list");
    s += " AND (ordered_at, id) < (?, ?)";
    s.params.Add(*at).Add(*id);
  }
  s += " ORDER BY ordered_at DESC, id DESC LIMIT ?";
  s.params.Add(int64_t{q.limit + 1});
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query(s.Numbered(), s.params));
  Page<Order> page;
  for (int i = 0; i < r.rows(); ++i) page.items.push_back(ReadOrder(r.row(i)));
  FinishPage(page, q.limit, OrderCursor);
  return page;
}

Result<int64_t> PgSalesStore::CountOrders() {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT count(*) FROM sales_order"));
  return r.row(0).Int(0);
}

namespace {

// The chunk goes by COPY to two staging tables of the session, the orders with
// ids drawn from sales_order's sequence as they arrive; one statement then
// inserts the orders whose customer is known (skipping stored order ids), their
// lines, and the chunk's out-of-funnel sums per owner and day.
Status ImportChunk(Connection& db, std::vector<OrderImportRow>& rows, int64_t threshold, OrderImportOutcome& out) {
  GX_RETURN_IF_ERROR(db.Exec("TRUNCATE order_import_stage, order_import_line_stage"));
  size_t next = 0;
  GX_RETURN_IF_ERROR(db.CopyIn(
      "COPY order_import_stage(seq, customer_external_id, external_id, owner_user_id, opportunity_id, "
      "ordered_at, channel, status, total, note, created_at, updated_at) FROM STDIN",
      [&](std::string& buf) {
        for (; next < rows.size() && buf.size() < (1 << 20); ++next) {
          const OrderImportRow& row = rows[next];
          const Order& o = row.order;
          AppendField(buf, std::to_string(next));
          AppendField(buf, row.customer_external_id);
          AppendField(buf, o.external_id.empty() ? std::nullopt : std::optional<std::string>(o.external_id));
          AppendField(buf, OptText(o.owner_user_id));
          AppendField(buf, OptText(o.opportunity_id));
          AppendField(buf, std::to_string(o.ordered_at));
          AppendField(buf, std::string(ToString(o.channel)));
          AppendField(buf, std::string(ToString(o.status)));
          AppendField(buf, std::to_string(o.total));
          AppendField(buf, o.note);
          AppendField(buf, std::to_string(o.created_at));
          AppendField(buf, std::to_string(o.updated_at), true);
        }
        return next < rows.size();
      }));
  bool any_lines = false;
  for (size_t i = 0; i < rows.size() && !any_lines; ++i) any_lines = !rows[i].order.lines.empty();
  if (any_lines) {
    next = 0;
    GX_RETURN_IF_ERROR(db.CopyIn("COPY order_import_line_stage FROM STDIN", [&](std::string& buf) {
      for (; next < rows.size() && buf.size() < (1 << 20); ++next) {
        const OrderImportRow& row = rows[next];
        for (size_t l = 0; l < row.order.lines.size(); ++l) {
          const OrderLine& line = row.order.lines[l];
          AppendField(buf, std::to_string(next));
          AppendField(buf, std::to_string(l));
          AppendField(buf, l < row.line_product_codes.size() ? row.line_product_codes[l] : std::string());
          AppendField(buf, OptText(line.product_id));
          AppendField(buf, line.description);
          AppendField(buf, std::to_string(line.quantity));
          AppendField(buf, std::to_string(line.unit_price));
          AppendField(buf, std::to_string(line.discount), true);
        }
      }
      return next < rows.size();
    }));
  }
  // Rows naming an unknown customer or product code: reported (the customer
  // first, one rejection per row), then left out.
  GX_ASSIGN_OR_RETURN(auto bad, db.Query(
      "SELECT s.seq, 1, 'customer_external_id', 'no customer with external id ' || s.customer_external_id "
      "FROM order_import_stage s "
      "WHERE NOT EXISTS (SELECT 1 FROM customer c WHERE c.external_id = s.customer_external_id) "
      "UNION ALL "
      "(SELECT DISTINCT ON (l.seq) l.seq, 2, 'product_code', 'no product with code ' || l.product_code "
      " FROM order_import_line_stage l WHERE l.product_code <> '' AND "
      " NOT EXISTS (SELECT 1 FROM product p WHERE p.code = l.product_code) ORDER BY l.seq, l.line_no) "
      "ORDER BY 1, 2"));
  int64_t rejected = 0;
  if (bad.rows() > 0) {
    std::string seqs = "{";
    int64_t last = -1;
    for (int i = 0; i < bad.rows(); ++i) {
      auto b = bad.row(i);
      const int64_t seq = b.Int(0);
      if (seq == last) continue;
      last = seq;
      ++rejected;
      out.rejected.push_back({rows[seq].line_no, b.Text(2), b.Text(3)});
      seqs += (seqs.size() > 1 ? "," : "") + std::to_string(seq);
    }
    seqs += "}";
    GX_RETURN_IF_ERROR(db.Query("DELETE FROM order_import_stage WHERE seq = ANY($1::int[])", Params().Add(seqs))
                           .status());
  }
  GX_ASSIGN_OR_RETURN(auto ins, db.Query(
      "WITH ins AS ("
      " INSERT INTO sales_order(id, version, external_id, customer_id, owner_user_id, opportunity_id, "
      "  ordered_at, channel, status, total, note, created_at, updated_at) "
      " SELECT s.id, 1, s.external_id, c.id, COALESCE(s.owner_user_id, c.owner_user_id), s.opportunity_id, "
      "  s.ordered_at, s.channel, s.status, s.total, s.note, s.created_at, s.updated_at "
      " FROM order_import_stage s JOIN customer c ON c.external_id = s.customer_external_id ORDER BY s.seq "
      " ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING "
      " RETURNING id, owner_user_id, opportunity_id, ordered_at, status, total), "
      "lines AS (INSERT INTO order_line(order_id, line_no, product_id, description, quantity, unit_price, "
      "  discount) SELECT ins.id, l.line_no, COALESCE(p.id, l.product_id), l.description, l.quantity, "
      "  l.unit_price, l.discount FROM ins JOIN order_import_stage s ON s.id = ins.id "
      "  JOIN order_import_line_stage l ON l.seq = s.seq "
      "  LEFT JOIN product p ON p.code = l.product_code AND l.product_code <> ''), "
      "days AS (INSERT INTO sales_day(owner_user_id, day, out_of_funnel, out_of_funnel_count) "
      "  SELECT COALESCE(owner_user_id, 0), " + BusinessDaySql("ordered_at") + ", sum(total), count(*) "
      "  FROM ins WHERE opportunity_id IS NULL AND status IN ('placed', 'paid') AND total < $1 "
      "  GROUP BY 1, 2 ON CONFLICT (owner_user_id, day) DO UPDATE SET "
      "  out_of_funnel = sales_day.out_of_funnel + EXCLUDED.out_of_funnel, "
      "  out_of_funnel_count = sales_day.out_of_funnel_count + EXCLUDED.out_of_funnel_count) "
      "SELECT count(*) FROM ins",
      Params().Add(threshold)));
  const int64_t inserted = ins.row(0).Int(0);
  out.inserted += inserted;
  out.already_present += static_cast<int64_t>(rows.size()) - rejected - inserted;
  return Status::Ok();
}

// Out-of-funnel sums of a bulk import per (owner or 0, business day).
using DaySums = std::map<std::pair<int64_t, std::string>, std::pair<int64_t, int64_t>>;

// What a bulk import has learnt so far: its locks keep these rows unchanged.
struct BulkState {
  struct CustomerRef {
    int64_t id;
    std::optional<int64_t> owner;
  };
  std::string sequence;  // sales_order's id sequence
  bool orders_stored = true;  // false: sales_order was empty, no id to look up
  std::unordered_map<std::string, CustomerRef> customers;  // by external id; a miss is not cached
  DaySums days;
};

// A chunk of a bulk import, under the import's locks: customers, product codes
// and stored order ids are looked up by index for the chunk's values (customers
// once per import), and the accepted orders (ids from sales_order's sequence)
// and their lines go by COPY straight into the tables, several times faster
// than INSERT … SELECT.
Status ImportChunkDirect(Connection& db, BulkState& state, std::vector<OrderImportRow>& rows, int64_t threshold,
                         OrderImportOutcome& out) {
  std::unordered_set<std::string> new_customers;
  std::vector<std::string> codes, order_ids;
  for (const OrderImportRow& row : rows) {
    if (!state.customers.count(row.customer_external_id)) new_customers.insert(row.customer_external_id);
    if (!row.order.external_id.empty()) order_ids.push_back(row.order.external_id);
    for (const std::string& code : row.line_product_codes) {
      if (!code.empty()) codes.push_back(code);
    }
  }
  if (!new_customers.empty()) {
    GX_ASSIGN_OR_RETURN(auto c, db.Query("SELECT c.external_id, c.id, c.owner_user_id FROM unnest($1::text[]) u(x) "
                                         "JOIN customer c ON c.external_id = u.x",
                                         Params().Add(postgres::TextArrayLiteral(
                                             std::vector<std::string>(new_customers.begin(), new_customers.end())))));
    for (int i = 0; i < c.rows(); ++i) state.customers[c.row(i).Text(0)] = {c.row(i).Int(1), c.row(i).OptInt(2)};
  }
  std::unordered_map<std::string, int64_t> product_ids;
  if (!codes.empty()) {
    GX_ASSIGN_OR_RETURN(auto p, db.Query("SELECT code, id FROM product WHERE code = ANY($1::text[])",
                                         Params().Add(postgres::TextArrayLiteral(codes))));
    for (int i = 0; i < p.rows(); ++i) product_ids[p.row(i).Text(0)] = p.row(i).Int(1);
  }
  std::unordered_set<std::string> stored;
  if (state.orders_stored && !order_ids.empty()) {
    GX_ASSIGN_OR_RETURN(auto e, db.Query("SELECT o.external_id FROM unnest($1::text[]) u(x) "
                                         "JOIN sales_order o ON o.external_id = u.x",
                                         Params().Add(postgres::TextArrayLiteral(order_ids))));
    for (int i = 0; i < e.rows(); ++i) stored.insert(e.row(i).Text(0));
  }
  auto& customer_ids = state.customers;
  auto& days = state.days;
  const std::string& sequence = state.sequence;

  // The same checks, in the same order, as ImportChunk.
  std::vector<size_t> accepted;
  for (size_t i = 0; i < rows.size(); ++i) {
    OrderImportRow& row = rows[i];
    auto customer = customer_ids.find(row.customer_external_id);
    if (customer == customer_ids.end()) {
      out.rejected.push_back({row.line_no, "customer_external_id",
                              "no customer with external id " + row.customer_external_id});
      continue;
    }
    bool known_products = true;
    for (size_t l = 0; l < row.order.lines.size() && l < row.line_product_codes.size(); ++l) {
      const std::string& code = row.line_product_codes[l];
      if (code.empty()) continue;
      auto product = product_ids.find(code);
      if (product == product_ids.end()) {
        out.rejected.push_back({row.line_no, "product_code", "no product with code " + code});
        known_products = false;
        break;
      }
      row.order.lines[l].product_id = product->second;
    }
    if (!known_products) continue;
    if (!row.order.external_id.empty() && stored.count(row.order.external_id)) {
      ++out.already_present;
      continue;
    }
    row.order.customer_id = customer->second.id;
    if (!row.order.owner_user_id) row.order.owner_user_id = customer->second.owner;
    accepted.push_back(i);
  }
  if (accepted.empty()) return Status::Ok();
  GX_ASSIGN_OR_RETURN(auto ids, db.Query("SELECT nextval($1::regclass) FROM generate_series(1, $2)",
                                         Params().Add(sequence).Add(static_cast<int64_t>(accepted.size()))));
  bool any_lines = false;
  for (size_t k = 0; k < accepted.size(); ++k) {
    Order& o = rows[accepted[k]].order;
    o.id = ids.row(static_cast<int>(k)).Int(0);
    any_lines = any_lines || !o.lines.empty();
    if (CountsOutOfFunnel(o, threshold)) {
      auto& sum = days[{o.owner_user_id.value_or(0), BusinessDay(o.ordered_at)}];
      sum.first += o.total;
      ++sum.second;
    }
  }
  size_t next = 0;
  GX_RETURN_IF_ERROR(db.CopyIn(
      "COPY sales_order(id, version, external_id, customer_id, owner_user_id, opportunity_id, ordered_at, "
      "channel, status, total, note, created_at, updated_at) FROM STDIN",
      [&](std::string& buf) {
        for (; next < accepted.size() && buf.size() < (1 << 20); ++next) {
          const Order& o = rows[accepted[next]].order;
          AppendField(buf, std::to_string(o.id));
          AppendField(buf, std::string("1"));
          AppendField(buf, o.external_id.empty() ? std::nullopt : std::optional<std::string>(o.external_id));
          AppendField(buf, std::to_string(o.customer_id));
          AppendField(buf, OptText(o.owner_user_id));
          AppendField(buf, OptText(o.opportunity_id));
          AppendField(buf, std::to_string(o.ordered_at));
          AppendField(buf, std::string(ToString(o.channel)));
          AppendField(buf, std::string(ToString(o.status)));
          AppendField(buf, std::to_string(o.total));
          AppendField(buf, o.note);
          AppendField(buf, std::to_string(o.created_at));
          AppendField(buf, std::to_string(o.updated_at), true);
        }
        return next < accepted.size();
      }));
  out.inserted += static_cast<int64_t>(accepted.size());
  if (!any_lines) return Status::Ok();
  next = 0;
  return db.CopyIn("COPY order_line(order_id, line_no, product_id, description, quantity, unit_price, discount) "
                   "FROM STDIN",
                   [&](std::string& buf) {
                     for (; next < accepted.size() && buf.size() < (1 << 20); ++next) {
                       const Order& o = rows[accepted[next]].order;
                       for (size_t l = 0; l < o.lines.size(); ++l) {
                         const OrderLine& line = o.lines[l];
                         AppendField(buf, std::to_string(o.id));
                         AppendField(buf, std::to_string(l));
                         AppendField(buf, OptText(line.product_id));
                         AppendField(buf, line.description);
                         AppendField(buf, std::to_string(line.quantity));
                         AppendField(buf, std::to_string(line.unit_price));
                         AppendField(buf, std::to_string(line.discount), true);
                       }
                     }
                     return next < accepted.size();
                   });
}

// Adds a bulk import's out-of-funnel sums to sales_day in one statement.
Status AddDaySums(Connection& db, const DaySums& days) {
  if (days.empty()) return Status::Ok();
  std::vector<std::string> owners, keys, sums, counts;
  for (const auto& [key, sum] : days) {
    owners.push_back(std::to_string(key.first));
    keys.push_back(key.second);
    sums.push_back(std::to_string(sum.first));
    counts.push_back(std::to_string(sum.second));
  }
  return db.Query("INSERT INTO sales_day(owner_user_id, day, out_of_funnel, out_of_funnel_count) "
                  "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) "
                  "ON CONFLICT (owner_user_id, day) DO UPDATE SET "
                  "out_of_funnel = sales_day.out_of_funnel + EXCLUDED.out_of_funnel, "
                  "out_of_funnel_count = sales_day.out_of_funnel_count + EXCLUDED.out_of_funnel_count",
                  Params().Add(postgres::TextArrayLiteral(owners)).Add(postgres::TextArrayLiteral(keys))
                      .Add(postgres::TextArrayLiteral(sums)).Add(postgres::TextArrayLiteral(counts)))
      .status();
}

Status CreateStagingTables(Connection& db) {
  GX_ASSIGN_OR_RETURN(auto seq, db.Query("SELECT pg_get_serial_sequence('sales_order', 'id')"));
  std::string seq_literal = "'";
  for (char ch : seq.row(0).Text(0)) {
    if (ch == '\'') seq_literal.push_back('\'');
    seq_literal.push_back(ch);
  }
  seq_literal += "'";
  return db.Exec(
      "CREATE TEMP TABLE IF NOT EXISTS order_import_stage (id BIGINT NOT NULL DEFAULT nextval(" + seq_literal +
      "::regclass), seq INTEGER NOT NULL, customer_external_id TEXT NOT NULL, external_id TEXT, "
      "owner_user_id BIGINT, opportunity_id BIGINT, ordered_at BIGINT NOT NULL, channel TEXT NOT NULL, "
      "status TEXT NOT NULL, total BIGINT NOT NULL, note TEXT NOT NULL, created_at BIGINT NOT NULL, "
      "updated_at BIGINT NOT NULL) ON COMMIT DELETE ROWS;"
      "CREATE TEMP TABLE IF NOT EXISTS order_import_line_stage (seq INTEGER NOT NULL, line_no INTEGER NOT "
      "NULL, product_code TEXT NOT NULL, product_id BIGINT, description TEXT NOT NULL, quantity BIGINT NOT "
      "NULL, unit_price BIGINT NOT NULL, discount BIGINT NOT NULL) ON COMMIT DELETE ROWS");
}

// Whether an import of `expected_rows` takes the bulk path: large, and large
// against what is stored (rebuilding the indexes of 100 million orders for a
// million more would cost more than it saves).
Result<bool> UseBulkPath(Connection& db, int64_t expected_rows) {
  if (expected_rows < bulk_import_min_rows.load()) return false;
  GX_ASSIGN_OR_RETURN(auto r, db.Query("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class "
                                       "WHERE oid = 'sales_order'::regclass"));
  return expected_rows * 4 >= r.row(0).Int(0);
}

}  // namespace

// One transaction for the whole file. A large import (UseBulkPath) drops
// sales_order's and order_line's foreign keys and secondary indexes first and
// puts them back before COMMIT: an FK's row-by-row trigger and five index
// updates per order made the import 50 times slower than a plain COPY, while
// re-adding a key is one join and an index one sort. The unique index on the
// order id stays: it finds the orders already stored. The price: DROP INDEX
// takes an ACCESS EXCLUSIVE lock on sales_order and order_line, so every reader
// and writer of orders waits until the import commits, and dropping and adding
// the keys blocks writes to customer, app_user, opportunity and product for as
// long (docs/operations.md, "Bulk order imports"). Rows are checked against
// those tables under the same locks, so the re-added keys hold.
Result<OrderImportOutcome> PgSalesStore::ImportOrders(
    const std::function<Result<std::optional<std::vector<OrderImportRow>>>()>& next, int64_t expected_rows) {
  // No retry on conflict as in Tx: the chunks already pulled are gone.
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_RETURN_IF_ERROR(db->Exec("BEGIN"));
  OrderImportOutcome out;
  Status s = [&]() -> Status {
    GX_RETURN_IF_ERROR(CreateStagingTables(*db));
    GX_ASSIGN_OR_RETURN(int64_t threshold, LockedThreshold(*db, false));
    GX_ASSIGN_OR_RETURN(bool bulk, UseBulkPath(*db, expected_rows));
    std::vector<postgres::DroppedDef> foreign_keys, indexes;
    BulkState state;
    if (bulk) {
      // Every lock the DDL below needs, taken at once so none is upgraded later.
      GX_RETURN_IF_ERROR(db->Exec("LOCK TABLE sales_order, order_line IN ACCESS EXCLUSIVE MODE; "
                                  "LOCK TABLE customer, app_user, opportunity, product IN SHARE ROW EXCLUSIVE MODE"));
      GX_ASSIGN_OR_RETURN(foreign_keys, postgres::DropForeignKeys(*db, {"sales_order", "order_line"}));
      GX_ASSIGN_OR_RETURN(indexes,
                          postgres::DropPlainIndexes(*db, {"sales_order", "order_line"}, {"sales_order_external_id"}));
      GX_ASSIGN_OR_RETURN(auto seq, db->Query("SELECT pg_get_serial_sequence('sales_order', 'id'), "
                                              "EXISTS (SELECT 1 FROM sales_order)"));
      state.sequence = seq.row(0).Text(0);
      state.orders_stored = seq.row(0).Text(1) == "t";
    }
    for (;;) {
      GX_ASSIGN_OR_RETURN(auto chunk, next());
      if (!chunk) break;
      if (chunk->empty()) continue;
      if (bulk) {
        GX_RETURN_IF_ERROR(ImportChunkDirect(*db, state, *chunk, threshold, out));
      } else {
        GX_RETURN_IF_ERROR(ImportChunk(*db, *chunk, threshold, out));
      }
    }
    if (!bulk) return Status::Ok();
    GX_RETURN_IF_ERROR(AddDaySums(*db, state.days));
    GX_RETURN_IF_ERROR(db->Exec("SET LOCAL maintenance_work_mem = '512MB'"));
    for (const postgres::DroppedDef& index : indexes) GX_RETURN_IF_ERROR(db->Exec(index.create_sql));
    return postgres::AddForeignKeys(*db, foreign_keys);
  }();
  if (!s.ok()) {
    (void)db->Exec("ROLLBACK");
    return s;
  }
  s = db->Exec("COMMIT");
  if (!s.ok() && !db->healthy()) return Status::Unavailable("the database connection was lost while committing");
  GX_RETURN_IF_ERROR(s);
  std::stable_sort(out.rejected.begin(), out.rejected.end(),
                   [](const ImportRejection& a, const ImportRejection& b) { return a.line_no < b.line_no; });
  return out;
}

}  // namespace pg_sales
}  // namespace guanxi
