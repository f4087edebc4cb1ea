// SalesStore::ImportOrders as a whole-file operation, on both backends: one
// transaction (a failing chunk leaves nothing), re-runs add nothing, and the
// bulk path (chosen by a large expected_rows) stores what the normal path does
// and leaves the schema as migrated.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/sales_store.h"
#include "store/store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using Chunk = std::vector<OrderImportRow>;
using NextChunk = std::function<Result<std::optional<Chunk>>()>;

using testing::Audit;

using testing::At;

// Hands out `chunks` in order, then an error when `fail` is set.
NextChunk Chunks(std::vector<Chunk>& chunks, bool fail = false) {
  auto i = std::make_shared<size_t>(0);
  return [&chunks, i, fail]() -> Result<std::optional<Chunk>> {
    if (*i < chunks.size()) return std::optional<Chunk>(chunks[(*i)++]);
    if (fail) return Status::InvalidField("file", "line 99: a quoted field is never closed");
    return std::optional<Chunk>();
  };
}

// Orders O-<first>..O-<first+n-1> of customers C-0..C-2 over a few days, every
// third with a product line; line numbers follow the order number.
Chunk Rows(int first, int n) {
  Chunk v;
  for (int k = first; k < first + n; ++k) {
    OrderImportRow r;
    r.line_no = k + 1;
    r.customer_external_id = "C-" + std::to_string(k % 3);
    r.order.external_id = "O-" + std::to_string(k);
    r.order.total = 1000 + 7 * k;
    r.order.ordered_at = At("2026-10-0" + std::to_string(1 + k % 5), k % 24);
    r.order.created_at = r.order.updated_at = 2000;
    if (k % 3 == 0) {
      r.order.total = 3 * 100;
      r.order.lines = {{std::nullopt, "SKU", 3, 100, 0}};
      r.line_product_codes = {"SKU-1"};
    }
    v.push_back(std::move(r));
  }
  return v;
}

class SalesImportStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    GX_SKIP_WITHOUT_BACKEND(GetParam());
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    store_ = db_->Open();
    ASSERT_TRUE(store_);
    Populate(*store_);
  }
  void TearDown() override {
    if (store_) store_->Close();
  }
  SalesStore& sales() { return store_->Sales(); }

  // Two reps, customers C-0 (rep 1), C-1 (rep 2), C-2 (no owner), product
  // SKU-1, an out-of-funnel threshold, and one order made by hand.
  void Populate(Store& store) {
    std::vector<int64_t> reps;
    for (const char* login : {"rep1", "rep2"}) {
      User u;
      u.login = u.display_name = login;
      u.password_hash = "x";
      auto r = store.CreateUser(u, Audit("user", "create"));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      reps.push_back(r->id);
    }
    for (int i = 0; i < 3; ++i) {
      Customer c;
      c.kind = CustomerKind::kOrganization;
      c.name = "客户" + std::to_string(i);
      if (i < 2) c.owner_user_id = reps[i];
      c.external_id = "C-" + std::to_string(i);
      c.created_at = c.updated_at = 1000;
      ASSERT_TRUE(NormalizeCustomer(c).ok());
      auto r = store.CreateCustomer(c, Audit("customer", "create"));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      customers_.push_back(r->id);
    }
    Product p;
    p.code = "SKU-1";
    p.name = "SKU";
    p.list_price = 100;
    ASSERT_TRUE(store.Sales().CreateProduct(p, Audit("product", "create")).ok());
    SalesSettings s;
    s.out_of_funnel_threshold = 5000;
    ASSERT_TRUE(store.Sales().UpdateSalesSettings(s, Audit("sales_settings", "update")).ok());
    Order o;
    o.customer_id = customers_[0];
    o.owner_user_id = reps[0];
    o.external_id = "HAND-1";
    o.total = 4000;
    o.ordered_at = At("2026-10-02");
    o.created_at = o.updated_at = 1500;
    ASSERT_TRUE(store.Sales().CreateOrder(o, Audit("order", "create")).ok());
    reps_ = reps;
  }

  // Everything the import writes, as read through each index of sales_order.
  std::string Dump(Store& store) {
    std::string out;
    auto list = [&](OrderQuery q, const std::string& label) {
      q.limit = 200;
      auto page = store.Sales().ListOrders(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return;
      out += label + ":";
      for (const Order& o : page->items) {
        out += " " + o.external_id + "/" + std::to_string(o.customer_id) + "/" +
               std::to_string(o.owner_user_id.value_or(0)) + "/" + std::to_string(o.total) + "/" +
               std::to_string(o.ordered_at);
        auto full = store.Sales().GetOrder(o.id);
        EXPECT_TRUE(full.ok());
        if (full.ok()) {
          for (const OrderLine& l : full->lines) {
            out += "[" + std::to_string(l.product_id.value_or(0)) + "x" + std::to_string(l.quantity) + "]";
          }
        }
      }
      out += "\n";
    };
    list({}, "all");
    for (int64_t c : customers_) {
      OrderQuery q;
      q.customer_id = c;
      list(q, "customer " + std::to_string(c));
    }
    for (int64_t r : reps_) {
      OrderQuery q;
      q.owner_user_id = r;
      list(q, "owner " + std::to_string(r));
    }
    OrderQuery window;
    window.from = At("2026-10-02", 0);
    window.to = At("2026-10-04", 0);
    list(window, "window");
    auto f = store.Sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
    EXPECT_TRUE(f.ok());
    if (f.ok()) {
      for (const OwnerFunnel& o : *f) {
        out += "funnel " + std::to_string(o.owner_user_id.value_or(0)) + ": " + std::to_string(o.out_of_funnel) +
               "/" + std::to_string(o.out_of_funnel_count) + "\n";
      }
    }
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> customers_;
  std::vector<int64_t> reps_;
};

INSTANTIATE_TEST_SUITE_P(Backends, SalesImportStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// The schema text of an SQLite database file, sorted by object name.
std::string SqliteSchema(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY name",
                               -1, &st, nullptr),
            SQLITE_OK);
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < 4; ++c) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      out += c == 3 ? "\n" : " | ";
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST_P(SalesImportStoreTest, AFailingChunkLeavesNothing) {
  const std::string before = Dump(*store_);
  const std::string schema = GetParam() == "sqlite" ? SqliteSchema(db_->name()) : "";
  std::vector<Chunk> chunks = {Rows(0, 50), Rows(50, 50)};
  auto out = sales().ImportOrders(Chunks(chunks, /*fail=*/true), 0);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*sales().CountOrders(), 1);
  EXPECT_EQ(Dump(*store_), before);

  // The same happens on the bulk path, and the store is usable afterwards with
  // its references checked as before.
  out = sales().ImportOrders(Chunks(chunks, /*fail=*/true), 1'000'000);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(*sales().CountOrders(), 1);
  EXPECT_EQ(Dump(*store_), before);
  if (GetParam() == "sqlite") {
    EXPECT_EQ(SqliteSchema(db_->name()), schema);
  }
  Order dangling;
  dangling.customer_id = 999'999;
  dangling.total = 1;
  dangling.ordered_at = At("2026-10-01");
  EXPECT_FALSE(sales().CreateOrder(dangling, Audit("order", "create")).ok());
  out = sales().ImportOrders(Chunks(chunks), 0);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->inserted, 100);
}

TEST_P(SalesImportStoreTest, ARerunAddsNothing) {
  std::vector<Chunk> chunks = {Rows(0, 40), Rows(40, 40)};
  chunks[1][5].customer_external_id = "C-NONE";
  auto out = sales().ImportOrders(Chunks(chunks), 80);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->inserted, 79);
  EXPECT_EQ(out->already_present, 0);
  ASSERT_EQ(out->rejected.size(), 1u);
  EXPECT_EQ(out->rejected[0].line_no, 46);
  EXPECT_EQ(out->rejected[0].field, "customer_external_id");
  const std::string once = Dump(*store_);

  chunks = {Rows(0, 40), Rows(40, 40)};
  chunks[1][5].customer_external_id = "C-NONE";
  out = sales().ImportOrders(Chunks(chunks), 80);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->inserted, 0);
  EXPECT_EQ(out->already_present, 79);
  EXPECT_EQ(out->rejected.size(), 1u);
  EXPECT_EQ(*sales().CountOrders(), 80);
  EXPECT_EQ(Dump(*store_), once);
}

TEST_P(SalesImportStoreTest, TheBulkPathStoresWhatTheNormalPathStores) {
  auto file = [] {
    std::vector<Chunk> chunks = {Rows(0, 70), Rows(70, 70), Rows(140, 10)};
    chunks[2][1].line_product_codes = {"NOPE"};  // O-141, which has a line
    return chunks;
  };
  const std::string migrated = GetParam() == "sqlite" ? SqliteSchema(db_->name()) : "";
  std::vector<Chunk> chunks = file();
  auto normal = sales().ImportOrders(Chunks(chunks), 0);
  ASSERT_TRUE(normal.ok()) << normal.status().ToString();
  ASSERT_EQ(normal->rejected.size(), 1u);
  EXPECT_EQ(normal->rejected[0].field, "product_code");
  const std::string normal_dump = Dump(*store_);

  testing::TestDatabase other(GetParam());
  auto bulk_store = other.Open();
  ASSERT_TRUE(bulk_store);
  std::vector<int64_t> customers = std::move(customers_), reps = std::move(reps_);
  customers_.clear();
  reps_.clear();
  Populate(*bulk_store);
  ASSERT_EQ(customers_, customers);  // same ids, so the dumps compare
  ASSERT_EQ(reps_, reps);
  chunks = file();
  // Far above the rows stored: the store takes its bulk path.
  auto bulk = bulk_store->Sales().ImportOrders(Chunks(chunks), 1'000'000);
  ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
  EXPECT_EQ(bulk->inserted, normal->inserted);
  EXPECT_EQ(bulk->inserted, 149);
  ASSERT_EQ(bulk->rejected.size(), 1u);
  EXPECT_EQ(bulk->rejected[0].line_no, normal->rejected[0].line_no);
  EXPECT_EQ(Dump(*bulk_store), normal_dump);
  bulk_store->Close();
  if (GetParam() == "sqlite") {
    EXPECT_EQ(SqliteSchema(other.name()), migrated);
    EXPECT_NE(migrated.find("CREATE INDEX sales_order_time ON sales_order(ordered_at, id)"), std::string::npos);
  }
}

}  // namespace
}  // namespace guanxi
