// The PostgreSQL SalesStore: orders, their lines, the import and the sales_day
// sums of out-of-funnel orders kept in the same transaction as each order write.
#include <algorithm>

#include "store/cursor.h"
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
  for (int i = 0; i < r.rows() && i < q.limit; ++i) page.items.push_back(ReadOrder(r.row(i)));
  if (r.rows() > q.limit) {
    const Order& last = page.items.back();
    page.next = EncodeCursor({std::to_string(last.ordered_at), std::to_string(last.id)});
  }
  return page;
}

Result<int64_t> PgSalesStore::CountOrders() {
  GX_ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  GX_ASSIGN_OR_RETURN(auto r, db->Query("SELECT count(*) FROM sales_order"));
  return r.row(0).Int(0);
}

// The chunk goes by COPY to two staging tables of the session, the orders with
// ids drawn from sales_order's sequence as they arrive; one statement then
// inserts the orders whose customer is known (skipping stored order ids), their
// lines, and the chunk's out-of-funnel sums per owner and day.
Result<OrderImportOutcome> PgSalesStore::ImportOrders(std::vector<OrderImportRow>& rows) {
  OrderImportOutcome out;
  GX_RETURN_IF_ERROR(Tx([&](Connection& db) -> Status {
    out = OrderImportOutcome{};
    GX_ASSIGN_OR_RETURN(auto seq, db.Query("SELECT pg_get_serial_sequence('sales_order', 'id')"));
    std::string seq_literal = "'";
    for (char ch : seq.row(0).Text(0)) {
      if (ch == '\'') seq_literal.push_back('\'');
      seq_literal.push_back(ch);
    }
    seq_literal += "'";
    GX_RETURN_IF_ERROR(db.Exec(
        "CREATE TEMP TABLE IF NOT EXISTS order_import_stage (id BIGINT NOT NULL DEFAULT nextval(" + seq_literal +
        "::regclass), seq INTEGER NOT NULL, customer_external_id TEXT NOT NULL, external_id TEXT, "
        "owner_user_id BIGINT, opportunity_id BIGINT, ordered_at BIGINT NOT NULL, channel TEXT NOT NULL, "
        "status TEXT NOT NULL, total BIGINT NOT NULL, note TEXT NOT NULL, created_at BIGINT NOT NULL, "
        "updated_at BIGINT NOT NULL) ON COMMIT DELETE ROWS;"
        "CREATE TEMP TABLE IF NOT EXISTS order_import_line_stage (seq INTEGER NOT NULL, line_no INTEGER NOT "
        "NULL, product_code TEXT NOT NULL, product_id BIGINT, description TEXT NOT NULL, quantity BIGINT NOT "
        "NULL, unit_price BIGINT NOT NULL, discount BIGINT NOT NULL) ON COMMIT DELETE ROWS"));
    GX_ASSIGN_OR_RETURN(int64_t threshold, LockedThreshold(db, false));
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
    if (bad.rows() > 0) {
      std::string seqs = "{";
      int64_t last = -1;
      for (int i = 0; i < bad.rows(); ++i) {
        auto b = bad.row(i);
        const int64_t seq = b.Int(0);
        if (seq == last) continue;
        last = seq;
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
    out.inserted = ins.row(0).Int(0);
    out.already_present = static_cast<int64_t>(rows.size() - out.rejected.size()) - out.inserted;
    std::sort(out.rejected.begin(), out.rejected.end(),
              [](const ImportRejection& a, const ImportRejection& b) { return a.line_no < b.line_no; });
    return Status::Ok();
  }));
  return out;
}

}  // namespace pg_sales
}  // namespace guanxi
