// The SQLite SalesStore: products, orders, stages and settings, and the
// sales_day upkeep every order write shares. Writes run as jobs of the Store's
// single writer (row, derived sums and audit in one job); reads use its pool.
#include "store/sqlite/sales_store.h"

#include <algorithm>

#include "domain/customer_json.h"
#include "store/cursor.h"
#include "store/rows.h"
#include "store/sales_rows.h"
#include "store/sqlite/sales_internal.h"
#include "store/sqlite/store_internal.h"

namespace guanxi {
namespace sqlite {

using namespace store_rows;

namespace {

constexpr char kThresholdSql[] =
    "(SELECT CAST(value AS INTEGER) FROM sales_setting WHERE key = 'out_of_funnel_threshold')";

Result<Product> SelectProduct(Connection& db, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kProductColumns +
                                          " FROM product WHERE id = ?"));
  st.Bind(id);
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("product " + std::to_string(id) + " not found");
  return ReadProduct(st);
}

Status ProductCodeTaken() {
  return Status::AlreadyExists("code is already used by another product",
                               {{"code", "already used by another product"}});
}

Result<Order> SelectOrder(Connection& db, int64_t id) {
  Order o;
  {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kOrderColumns +
                                            " FROM sales_order WHERE id = ?"));
    st.Bind(id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("order " + std::to_string(id) + " not found");
    o = ReadOrder(st);
  }
  GX_ASSIGN_OR_RETURN(auto lines, db.Prepare(std::string("SELECT ") + kOrderLineColumns +
                                             " FROM order_line WHERE order_id = ? ORDER BY line_no"));
  lines.Bind(id);
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, lines.Step());
    if (!row) break;
    o.lines.push_back(ReadOrderLine(lines));
  }
  return o;
}

Result<bool> Exists(Connection& db, const std::string& sql, int64_t id) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(id);
  return st.Step();
}

// Checks the rows an order refers to; fills owner_user_id from the customer
// when unset (on create).
Status CheckOrderReferences(Connection& db, Order& o, bool default_owner) {
  {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT owner_user_id FROM customer WHERE id = ?"));
    st.Bind(o.customer_id);
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::InvalidField("customer_id", "no such customer");
    if (default_owner && !o.owner_user_id) o.owner_user_id = st.OptInt(0);
  }
  if (o.opportunity_id) {
    GX_ASSIGN_OR_RETURN(bool found, Exists(db, "SELECT 1 FROM opportunity WHERE id = ?", *o.opportunity_id));
    if (!found) return Status::InvalidField("opportunity_id", "no such opportunity");
  }
  if (o.owner_user_id) {
    GX_ASSIGN_OR_RETURN(bool found, Exists(db, "SELECT 1 FROM app_user WHERE id = ?", *o.owner_user_id));
    if (!found) return Status::InvalidField("owner_user_id", "no such user");
  }
  for (size_t i = 0; i < o.lines.size(); ++i) {
    if (!o.lines[i].product_id) continue;
    GX_ASSIGN_OR_RETURN(bool found, Exists(db, "SELECT 1 FROM product WHERE id = ?", *o.lines[i].product_id));
    if (!found) return Status::InvalidField("lines[" + std::to_string(i) + "].product_id", "no such product");
  }
  return Status::Ok();
}

}  // namespace

const char kInsertOrderLineSql[] =
    "INSERT INTO order_line(order_id, line_no, product_id, description, quantity, unit_price, "
    "discount) VALUES (?, ?, ?, ?, ?, ?, ?)";

namespace {

Status InsertOrderLines(Connection& db, const Order& o) {
  for (size_t i = 0; i < o.lines.size(); ++i) {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(kInsertOrderLineSql));
    const OrderLine& l = o.lines[i];
    st.Bind(o.id).Bind(static_cast<int64_t>(i)).Bind(l.product_id).Bind(l.description)
        .Bind(l.quantity).Bind(l.unit_price).Bind(l.discount);
    GX_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Status OrderIdTaken() {
  return Status::AlreadyExists("external_id is already used by another order",
                               {{"external_id", "already used by another order"}});
}

Result<int64_t> SelectThreshold(Connection& db) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kThresholdSql));
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  return row && !st.IsNull(0) ? st.Int(0) : 0;
}

Result<std::vector<Stage>> SelectStages(Connection& db) {
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kStageColumns +
                                          " FROM stage ORDER BY position, key"));
  std::vector<Stage> out;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadStage(st));
  }
  return out;
}

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

Status AdjustSalesDay(Connection& db, const std::string& filter, const SqlValue& param, int sign) {
  // "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint.
  GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO sales_day(owner_user_id, day, out_of_funnel, out_of_funnel_count) "
      "SELECT * FROM (SELECT coalesce(owner_user_id, 0) AS o, " + BusinessDaySql("ordered_at") +
      " AS d, ? * sum(total), ? * count(*) FROM sales_order WHERE (" + filter +
      ") AND opportunity_id IS NULL AND status IN ('placed', 'paid') AND total < " + kThresholdSql +
      " GROUP BY o, d) WHERE true "
      "ON CONFLICT(owner_user_id, day) DO UPDATE SET "
      "out_of_funnel = out_of_funnel + excluded.out_of_funnel, "
      "out_of_funnel_count = out_of_funnel_count + excluded.out_of_funnel_count"));
  st.Bind(static_cast<int64_t>(sign)).Bind(static_cast<int64_t>(sign));
  BindAll(st, {param});
  GX_RETURN_IF_ERROR(st.Run());
  if (sign > 0) return Status::Ok();
  return db.Exec("DELETE FROM sales_day WHERE out_of_funnel_count = 0");
}

std::string ScopeSql(const VisibilityScope& scope, const std::string& column, std::vector<int64_t>& args) {
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll: return "";
    case VisibilityScope::Kind::kOwner:
      args.push_back(scope.id);
      return " AND " + column + " = ?";
    case VisibilityScope::Kind::kTeam:
      args.push_back(scope.id);
      return " AND " + column + " IN (SELECT id FROM app_user WHERE team_id = ?)";
  }
  return "";
}

// --- products -----------------------------------------------------------------

Result<Product> SqliteSalesStore::CreateProduct(Product p, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO product(version, code, name, category, list_price, active, created_at, "
        "updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(p.code).Bind(p.name).Bind(p.category).Bind(p.list_price)
        .Bind(int64_t{p.active ? 1 : 0}).Bind(p.created_at).Bind(p.updated_at);
    Status s = st.Run();
    if (s.code() == StatusCode::kAlreadyExists) return ProductCodeTaken();
    GX_RETURN_IF_ERROR(s);
    p.id = db.LastInsertRowId();
    p.version = 1;
    audit.entity_id = p.id;
    audit.after = ProductToJson(p);
    return InsertAudit(db, audit);
  }));
  return p;
}

Result<Product> SqliteSalesStore::GetProduct(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  return SelectProduct(*db, id);
}

Result<Product> SqliteSalesStore::UpdateProduct(Product p, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(Product old, SelectProduct(db, p.id));
    if (old.version != p.version) {
      return Status::Conflict("product " + std::to_string(p.id) + " is at version " +
                              std::to_string(old.version) + ", not " + std::to_string(p.version));
    }
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE product SET version = version + 1, code = ?, name = ?, category = ?, list_price = ?, "
        "active = ?, updated_at = ? WHERE id = ? AND version = ?"));
    st.Bind(p.code).Bind(p.name).Bind(p.category).Bind(p.list_price)
        .Bind(int64_t{p.active ? 1 : 0}).Bind(p.updated_at).Bind(p.id).Bind(p.version);
    Status s = st.Run();
    if (s.code() == StatusCode::kAlreadyExists) return ProductCodeTaken();
    GX_RETURN_IF_ERROR(s);
    p.version = old.version + 1;
    p.created_at = old.created_at;
    audit.entity_id = p.id;
    audit.before = ProductToJson(old);
    audit.after = ProductToJson(p);
    return InsertAudit(db, audit);
  }));
  return p;
}

Result<Page<Product>> SqliteSalesStore::ListProducts(const ProductQuery& q) {
  std::string sql = std::string("SELECT ") + kProductColumns + " FROM product WHERE 1 = 1";
  std::vector<std::string> args;
  if (!q.search.empty()) {
    sql += " AND (instr(lower(code), ?) > 0 OR instr(lower(name), ?) > 0)";
    args.push_back(AsciiLower(q.search));
    args.push_back(AsciiLower(q.search));
  }
  if (q.active_only) sql += " AND active = 1";
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 1);
    if (!parts) return Status::InvalidField("cursor", "not a cursor of this list");
    sql += " AND code > ?";
    args.push_back((*parts)[0]);
  }
  sql += " ORDER BY code LIMIT ?";
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(sql));
  for (const auto& a : args) st.Bind(a);
  st.Bind(static_cast<int64_t>(q.limit + 1));
  Page<Product> page;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.items.push_back(ReadProduct(st));
  }
  FinishPage(page, q.limit, ProductCursor);
  return page;
}

// --- orders ---------------------------------------------------------------------

Result<Order> SqliteSalesStore::CreateOrder(Order o, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_RETURN_IF_ERROR(CheckOrderReferences(db, o, true));
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO sales_order(version, external_id, customer_id, owner_user_id, opportunity_id, "
        "ordered_at, channel, status, total, note, created_at, updated_at) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.BindTextOrNull(o.external_id).Bind(o.customer_id).Bind(o.owner_user_id).Bind(o.opportunity_id)
        .Bind(o.ordered_at).Bind(ToString(o.channel)).Bind(ToString(o.status)).Bind(o.total)
        .Bind(o.note).Bind(o.created_at).Bind(o.updated_at);
    Status s = st.Run();
    if (s.code() == StatusCode::kAlreadyExists) return OrderIdTaken();
    GX_RETURN_IF_ERROR(s);
    o.id = db.LastInsertRowId();
    o.version = 1;
    GX_RETURN_IF_ERROR(InsertOrderLines(db, o));
    GX_RETURN_IF_ERROR(AdjustSalesDay(db, "id = ?", o.id, +1));
    audit.entity_id = o.id;
    audit.after = OrderToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Result<Order> SqliteSalesStore::GetOrder(int64_t id) {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  return SelectOrder(*db, id);
}

Result<Order> SqliteSalesStore::UpdateOrder(Order o, AuditEntry audit) {
  GX_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(Order old, SelectOrder(db, o.id));
    if (old.version != o.version) {
      return Status::Conflict("order " + std::to_string(o.id) + " is at version " +
                              std::to_string(old.version) + ", not " + std::to_string(o.version));
    }
    GX_RETURN_IF_ERROR(CheckOrderReferences(db, o, false));
    GX_RETURN_IF_ERROR(AdjustSalesDay(db, "id = ?", o.id, -1));
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "UPDATE sales_order SET version = version + 1, external_id = ?, customer_id = ?, "
        "owner_user_id = ?, opportunity_id = ?, ordered_at = ?, channel = ?, status = ?, total = ?, "
        "note = ?, updated_at = ? WHERE id = ? AND version = ?"));
    st.BindTextOrNull(o.external_id).Bind(o.customer_id).Bind(o.owner_user_id).Bind(o.opportunity_id)
        .Bind(o.ordered_at).Bind(ToString(o.channel)).Bind(ToString(o.status)).Bind(o.total)
        .Bind(o.note).Bind(o.updated_at).Bind(o.id).Bind(o.version);
    Status s = st.Run();
    if (s.code() == StatusCode::kAlreadyExists) return OrderIdTaken();
    GX_RETURN_IF_ERROR(s);
    if (db.Changes() != 1) return Status::Conflict("order changed concurrently");
    GX_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM order_line WHERE order_id = ?"));
    del.Bind(o.id);
    GX_RETURN_IF_ERROR(del.Run());
    GX_RETURN_IF_ERROR(InsertOrderLines(db, o));
    GX_RETURN_IF_ERROR(AdjustSalesDay(db, "id = ?", o.id, +1));
    o.version = old.version + 1;
    o.created_at = old.created_at;
    audit.entity_id = o.id;
    audit.before = OrderToJson(old);
    audit.after = OrderToJson(o);
    return InsertAudit(db, audit);
  }));
  return o;
}

Result<Page<Order>> SqliteSalesStore::ListOrders(const OrderQuery& q) {
  std::vector<int64_t> args;
  std::string sql = std::string("SELECT ") + kOrderColumns + " FROM sales_order WHERE 1 = 1" +
                    ScopeSql(q.scope, "owner_user_id", args);
  auto add = [&](const char* cond, int64_t v) {
    sql += cond;
    args.push_back(v);
  };
  if (q.customer_id) add(" AND customer_id = ?", *q.customer_id);
  if (q.owner_user_id) add(" AND owner_user_id = ?", *q.owner_user_id);
  if (q.opportunity_id) add(" AND opportunity_id = ?", *q.opportunity_id);
  if (q.from) add(" AND ordered_at >= ?", *q.from);
  if (q.to) add(" AND ordered_at < ?", *q.to);
  std::string status;
  if (q.status) {
    sql += " AND status = ?";
    status = ToString(*q.status);
  }
  std::optional<std::pair<int64_t, int64_t>> after;
  if (!q.after.empty()) {
    auto parts = DecodeCursor(q.after, 2);
    auto t = parts ? ParseInt64((*parts)[0]) : std::nullopt;
    auto id = parts ? ParseInt64((*parts)[1]) : std::nullopt;
    if (!t || !id) return Status::InvalidField("cursor", "not a cursor of this list");
    sql += " AND (ordered_at < ? OR (ordered_at = ? AND id < ?))";
    after = {*t, *id};
  }
  sql += " ORDER BY ordered_at DESC, id DESC LIMIT ?";
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare(sql));
  for (int64_t a : args) st.Bind(a);
  if (q.status) st.Bind(status);
  if (after) st.Bind(after->first).Bind(after->first).Bind(after->second);
  st.Bind(static_cast<int64_t>(q.limit + 1));
  Page<Order> page;
  for (;;) {
    GX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.items.push_back(ReadOrder(st));
  }
  FinishPage(page, q.limit, OrderCursor);
  return page;
}

Result<int64_t> SqliteSalesStore::CountOrders() {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  GX_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT count(*) FROM sales_order"));
  GX_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

// --- stages and settings -------------------------------------------------------------

Result<std::vector<Stage>> SqliteSalesStore::GetStages() {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  return SelectStages(*db);
}

Status SqliteSalesStore::ReplaceStages(const std::vector<Stage>& stages, AuditEntry audit) {
  std::vector<std::string> keys;
  for (const auto& s : stages) keys.push_back(s.key);
  const std::string keys_json = StringListToJson(keys);
  return Write([&](Connection& db) -> Status {
    GX_ASSIGN_OR_RETURN(std::vector<Stage> old, SelectStages(db));
    {
      GX_ASSIGN_OR_RETURN(auto used, db.Prepare(
          "SELECT stage, count(*) FROM opportunity WHERE stage NOT IN (SELECT value FROM json_each(?)) "
          "GROUP BY stage ORDER BY stage LIMIT 1"));
      used.Bind(keys_json);
      GX_ASSIGN_OR_RETURN(bool row, used.Step());
      if (row) {
        std::string msg = "stage " + used.Text(0) + " still has " + std::to_string(used.Int(1)) +
                          " opportunities; move them first";
        return Status(StatusCode::kFailedPrecondition, msg, {{"stages", msg}});
      }
    }
    GX_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM stage WHERE key NOT IN (SELECT value FROM json_each(?))"));
    del.Bind(keys_json);
    GX_RETURN_IF_ERROR(del.Run());
    for (const auto& s : stages) {
      GX_ASSIGN_OR_RETURN(auto put, db.Prepare(
          "INSERT INTO stage(key, name_zh, name_en, win_rate_bp, position, kind) VALUES (?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(key) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, "
          "win_rate_bp = excluded.win_rate_bp, position = excluded.position, kind = excluded.kind"));
      put.Bind(s.key).Bind(s.name_zh).Bind(s.name_en).Bind(int64_t{s.win_rate_bp})
          .Bind(int64_t{s.position}).Bind(ToString(s.kind));
      GX_RETURN_IF_ERROR(put.Run());
    }
    // opportunity.status mirrors its stage's kind.
    GX_RETURN_IF_ERROR(db.Exec(
        "UPDATE opportunity SET status = (SELECT kind FROM stage WHERE key = opportunity.stage) "
        "WHERE status <> (SELECT kind FROM stage WHERE key = opportunity.stage)"));
    audit.before = StagesToJson(old);
    audit.after = StagesToJson(stages);
    return InsertAudit(db, audit);
  });
}

Result<SalesSettings> SqliteSalesStore::GetSalesSettings() {
  GX_ASSIGN_OR_RETURN(auto db, Reader());
  SalesSettings s;
  GX_ASSIGN_OR_RETURN(s.out_of_funnel_threshold, SelectThreshold(*db));
  return s;
}

Status SqliteSalesStore::UpdateSalesSettings(const SalesSettings& s, AuditEntry audit) {
  return Write([&](Connection& db) -> Status {
    SalesSettings old;
    GX_ASSIGN_OR_RETURN(old.out_of_funnel_threshold, SelectThreshold(db));
    GX_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO sales_setting(key, value) VALUES ('out_of_funnel_threshold', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    st.Bind(std::to_string(s.out_of_funnel_threshold));
    GX_RETURN_IF_ERROR(st.Run());
    if (old.out_of_funnel_threshold != s.out_of_funnel_threshold) {
      GX_RETURN_IF_ERROR(db.Exec("DELETE FROM sales_day"));
      GX_RETURN_IF_ERROR(AdjustSalesDay(db, "1 = ?", int64_t{1}, +1));
    }
    audit.before = SalesSettingsToJson(old);
    audit.after = SalesSettingsToJson(s);
    return InsertAudit(db, audit);
  });
}

}  // namespace sqlite

std::unique_ptr<SalesStore> NewSqliteSalesStore(sqlite::WriteQueue& writer,
                                                ConnectionPool<sqlite::Connection>& readers) {
  return std::make_unique<sqlite::SqliteSalesStore>(writer, readers);
}

}  // namespace guanxi
