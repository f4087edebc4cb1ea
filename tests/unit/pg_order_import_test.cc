// The bulk path of the PostgreSQL order import (sales_orders.cc), forced by a
// low threshold: the schema is the same afterwards, the rows are right, and a
// failure part-way leaves nothing behind.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <string>
#include <vector>

#include "store/postgres/sales_impl.h"
#include "store/sales_store.h"
#include "store/store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

using testing::At;

OrderImportRow Row(int64_t line, const std::string& customer, const std::string& id, int64_t total,
                   const std::string& day) {
  OrderImportRow r;
  r.line_no = line;
  r.customer_external_id = customer;
  r.order.external_id = id;
  r.order.total = total;
  r.order.ordered_at = At(day);
  r.order.created_at = r.order.updated_at = 2000;
  return r;
}

using Chunk = std::vector<OrderImportRow>;
using Next = std::function<Result<std::optional<Chunk>>()>;

// Hands out `chunks`, then fails with `error` if set, else ends.
Next Feed(std::vector<Chunk> chunks, std::optional<Status> error = std::nullopt) {
  auto state = std::make_shared<std::pair<std::vector<Chunk>, size_t>>(std::move(chunks), 0);
  return [state, error]() -> Result<std::optional<Chunk>> {
    if (state->second < state->first.size()) return std::optional<Chunk>(std::move(state->first[state->second++]));
    if (error) return *error;
    return std::optional<Chunk>();
  };
}

class PgOrderImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GX_SKIP_WITHOUT_BACKEND(std::string("postgresql"));
    db_ = std::make_unique<testing::TestDatabase>("postgresql");
    store_ = db_->Open();
    ASSERT_TRUE(store_);
    conn_ = PQconnectdb(db_->name().c_str());
    ASSERT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    saved_min_rows_ = pg_sales::bulk_import_min_rows.exchange(1);

    User u;
    u.login = u.display_name = "rep";
    u.password_hash = "x";
    auto user = store_->CreateUser(u, Audit("user", "create"));
    ASSERT_TRUE(user.ok()) << user.status().ToString();
    rep_ = user->id;
    c1_ = Customer_("C-1", rep_);
    c2_ = Customer_("C-2", std::nullopt);
    Product p;
    p.code = "SKU-1";
    p.name = "SKU";
    p.list_price = 100;
    auto product = sales().CreateProduct(p, Audit("product", "create"));
    ASSERT_TRUE(product.ok());
    product_ = product->id;
    SalesSettings s;
    s.out_of_funnel_threshold = 1'000'000;
    ASSERT_TRUE(sales().UpdateSalesSettings(s, Audit("sales_settings", "update")).ok());
    Order o;
    o.customer_id = c1_;
    o.external_id = "O-OLD";
    o.total = 700;
    o.ordered_at = At("2026-10-01");
    o.created_at = o.updated_at = 1000;
    ASSERT_TRUE(sales().CreateOrder(o, Audit("order", "create")).ok());
  }
  void TearDown() override {
    pg_sales::bulk_import_min_rows = saved_min_rows_;
    if (conn_) PQfinish(conn_);
    if (store_) store_->Close();
  }
  SalesStore& sales() { return store_->Sales(); }

  int64_t Customer_(const std::string& external_id, std::optional<int64_t> owner) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.name = "客户 " + external_id;
    c.owner_user_id = owner;
    c.external_id = external_id;
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  // One text value of a query on the test database.
  std::string Scalar(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
    std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return v;
  }
  // Every index and constraint of the schema, definitions and validity included.
  std::string Schema() {
    return Scalar("SELECT string_agg(tablename || ' ' || indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes "
                  "WHERE schemaname = current_schema()") +
           "\n" +
           Scalar("SELECT string_agg(conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || "
                  "' ' || convalidated || ' ' || condeferrable, E'\\n' ORDER BY conrelid::regclass::text, conname) "
                  "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace");
  }
  // The oid of an index the bulk path drops and rebuilds.
  std::string SecondaryIndexOid() { return Scalar("SELECT 'sales_order_customer'::regclass::oid::text"); }

  std::vector<Chunk> File() {
    Chunk first = {Row(2, "C-1", "O-1", 1000, "2026-10-02"), Row(3, "C-X", "O-2", 2000, "2026-10-02")};
    OrderImportRow with_line = Row(4, "C-2", "O-3", 300, "2026-10-03");
    with_line.order.lines = {{std::nullopt, "SKU", 3, 100, 0}};
    with_line.line_product_codes = {"SKU-1"};
    first.push_back(with_line);
    OrderImportRow bad_product = Row(6, "C-1", "O-5", 300, "2026-10-03");
    bad_product.order.lines = {{std::nullopt, "?", 3, 100, 0}};
    bad_product.line_product_codes = {"NOPE"};
    Chunk second = {Row(5, "C-1", "O-OLD", 999, "2026-10-03"), bad_product, Row(7, "C-1", "O-6", 50, "2026-10-03")};
    return {first, second};
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  PGconn* conn_ = nullptr;
  int64_t saved_min_rows_ = 0;
  int64_t rep_ = 0, c1_ = 0, c2_ = 0, product_ = 0;
};

TEST_F(PgOrderImportTest, BulkPathKeepsSchemaAndStoresTheRows) {
  const std::string schema = Schema();
  const std::string index_oid = SecondaryIndexOid();
  auto out = sales().ImportOrders(Feed(File()), 6);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_NE(SecondaryIndexOid(), index_oid) << "the bulk path was not taken";
  EXPECT_EQ(Schema(), schema);

  EXPECT_EQ(out->inserted, 3);
  EXPECT_EQ(out->already_present, 1);
  ASSERT_EQ(out->rejected.size(), 2u);
  EXPECT_EQ(out->rejected[0].line_no, 3);
  EXPECT_EQ(out->rejected[0].field, "customer_external_id");
  EXPECT_EQ(out->rejected[1].line_no, 6);
  EXPECT_EQ(out->rejected[1].field, "product_code");
  EXPECT_EQ(*sales().CountOrders(), 4);

  // Owners come from the customers; the line names the product; the stored
  // order kept its total.
  EXPECT_EQ(Scalar("SELECT string_agg(external_id || ' ' || customer_id || ' ' || COALESCE(owner_user_id, 0) || "
                   "' ' || total, ', ' ORDER BY external_id) FROM sales_order"),
            "O-1 " + std::to_string(c1_) + " " + std::to_string(rep_) + " 1000, O-3 " + std::to_string(c2_) +
                " 0 300, O-6 " + std::to_string(c1_) + " " + std::to_string(rep_) + " 50, O-OLD " +
                std::to_string(c1_) + " " + std::to_string(rep_) + " 700");
  EXPECT_EQ(Scalar("SELECT o.external_id || ' ' || l.line_no || ' ' || l.product_id || ' ' || l.quantity "
                   "FROM order_line l JOIN sales_order o ON o.id = l.order_id"),
            "O-3 0 " + std::to_string(product_) + " 3");
  auto funnel = sales().FunnelByOwner({}, "2026-10-01", "2026-10-31");
  ASSERT_TRUE(funnel.ok());
  int64_t rep_sum = -1, none_sum = -1;
  for (const auto& f : *funnel) {
    if (f.owner_user_id.value_or(0) == rep_) rep_sum = f.out_of_funnel;
    if (f.owner_user_id.value_or(0) == 0) none_sum = f.out_of_funnel;
  }
  EXPECT_EQ(rep_sum, 700 + 1000 + 50);
  EXPECT_EQ(none_sum, 300);

  // New ids continue from the sequence; keys hold again.
  EXPECT_EQ(Scalar("SELECT count(DISTINCT id) FROM sales_order"), "4");
  PGresult* r = PQexec(conn_, "DELETE FROM customer WHERE external_id = 'C-2'");
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  EXPECT_EQ(Scalar("SELECT count(*) FROM sales_order"), "3") << "the cascade to orders is back";
}

TEST_F(PgOrderImportTest, FailurePartWayLeavesNothing) {
  const std::string schema = Schema();
  const std::string days = Scalar("SELECT string_agg(owner_user_id || day || out_of_funnel, ',') FROM sales_day");
  auto out = sales().ImportOrders(Feed(File(), Status::InvalidField("file", "read error")), 6);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Schema(), schema);
  EXPECT_EQ(*sales().CountOrders(), 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM order_line"), "0");
  EXPECT_EQ(Scalar("SELECT string_agg(owner_user_id || day || out_of_funnel, ',') FROM sales_day"), days);

  // The same file then goes in whole.
  out = sales().ImportOrders(Feed(File()), 6);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->inserted, 3);
  EXPECT_EQ(Schema(), schema);
}

TEST_F(PgOrderImportTest, SmallImportKeepsTheIndexes) {
  pg_sales::bulk_import_min_rows = 100;
  const std::string index_oid = SecondaryIndexOid();
  auto out = sales().ImportOrders(Feed(File()), 6);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->inserted, 3);
  EXPECT_EQ(SecondaryIndexOid(), index_oid);
}

}  // namespace
}  // namespace guanxi
