// The sales tables on both backends: the same writes give the same funnel
// figures, and `db copy` SQLite → PostgreSQL → SQLite keeps every sales row,
// the derived sales_day sums and the id sequences.
#include <gtest/gtest.h>

#include "store/sales_store.h"
#include "store/store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::TestDatabase;

using testing::Audit;

using testing::At;

// Two reps, customers with external ids, a product, opportunities in every
// state, orders inside and outside the funnel (some on the edge of a business
// day), an import chunk with a rejected row, a payment plan and a receipt.
void LoadSalesData(Store& s) {
  SalesStore& sales = s.Sales();
  std::vector<int64_t> users;
  for (const char* login : {"wang", "li"}) {
    User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = "x";
    auto r = s.CreateUser(u, Audit("user", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    users.push_back(r->id);
  }
  std::vector<int64_t> customers;
  for (int i = 0; i < 4; ++i) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.name = "客户" + std::to_string(i);
    c.external_id = "C" + std::to_string(i);
    if (i < 3) c.owner_user_id = users[i % 2];
    c.created_at = c.updated_at = 1000;
    ASSERT_TRUE(NormalizeCustomer(c).ok());
    auto r = s.CreateCustomer(c, Audit("customer", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    customers.push_back(r->id);
  }
  Product p;
  p.code = "GX-01";
  p.name = "云栖";
  p.list_price = 10'000;
  p.created_at = p.updated_at = 1000;
  auto product = sales.CreateProduct(p, Audit("product", "create"));
  ASSERT_TRUE(product.ok()) << product.status().ToString();

  struct Opp {
    int customer;
    const char* stage;
    int64_t amount;
    const char* expected_close;
    const char* closed_on;
  };
  const Opp opps[] = {{0, "uncover_needs", 300'000, "2026-11-15", ""},
                      {1, "present_value", 500'000, "2026-12-31", ""},
                      {2, "win_commitment", 700'000, "2027-01-05", ""},
                      {0, "won", 900'000, "2026-10-20", "2026-10-21"},
                      {1, "lost", 400'000, "2026-11-01", "2026-11-02"},
                      {3, "customer_analysis", 100'000, "2026-10-10", ""}};
  std::vector<int64_t> opp_ids;
  for (const Opp& x : opps) {
    Opportunity o;
    o.customer_id = customers[x.customer];
    o.title = std::string("商机 ") + x.stage;
    o.amount = x.amount;
    o.owner_user_id = x.customer < 3 ? std::optional<int64_t>(users[x.customer % 2]) : std::nullopt;
    o.expected_close = x.expected_close;
    o.stage = x.stage;
    o.closed_on = x.closed_on;
    if (std::string(x.stage) == "lost") o.loss_reason = "price";
    o.stage_entered_at = o.created_at = o.updated_at = At("2026-10-01");
    OpportunityEvent e;
    e.at = o.created_at;
    e.kind = "create";
    e.to_stage = o.stage;
    e.amount = o.amount;
    e.expected_close = o.expected_close;
    e.owner_user_id = o.owner_user_id;
    auto r = sales.CreateOpportunity(o, e, Audit("opportunity", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    opp_ids.push_back(r->id);
  }
  SalesSettings settings;
  settings.out_of_funnel_threshold = 50'000;
  ASSERT_TRUE(sales.UpdateSalesSettings(settings, Audit("sales_settings", "update")).ok());

  // Orders: below the threshold without opportunity (out of the funnel), one at
  // 23:59 and one at 00:00 +08:00 (different business days), refunded, above the
  // threshold, and one fulfilling an opportunity.
  struct Ord {
    int customer;
    int64_t total;
    UnixSeconds at;
    OrderStatus status;
    int opportunity;  // index into opp_ids, -1 for none
  };
  const Ord orders[] = {{0, 20'000, At("2026-10-05"), OrderStatus::kPlaced, -1},
                        {1, 30'000, StartOfBusinessDay("2026-11-01") - 60, OrderStatus::kPaid, -1},
                        {1, 30'000, StartOfBusinessDay("2026-11-01"), OrderStatus::kPaid, -1},
                        {2, 40'000, At("2026-12-30"), OrderStatus::kRefunded, -1},
                        {2, 80'000, At("2026-12-30"), OrderStatus::kPlaced, -1},
                        {3, 10'000, At("2026-11-11"), OrderStatus::kPlaced, -1},
                        {0, 20'000, At("2026-10-22"), OrderStatus::kPaid, 3}};
  int64_t first_order = 0;
  for (const Ord& x : orders) {
    Order o;
    o.customer_id = customers[x.customer];
    o.total = x.total;
    o.ordered_at = x.at;
    o.status = x.status;
    if (x.opportunity >= 0) o.opportunity_id = opp_ids[x.opportunity];
    o.created_at = o.updated_at = x.at;
    auto r = sales.CreateOrder(o, Audit("order", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (!first_order) first_order = r->id;
  }
  std::vector<OrderImportRow> chunk(3);
  for (int i = 0; i < 3; ++i) {
    chunk[i].line_no = i + 2;
    chunk[i].customer_external_id = i == 1 ? "NOPE" : "C" + std::to_string(i);
    Order& o = chunk[i].order;
    o.external_id = "IMP-" + std::to_string(i);
    o.ordered_at = o.created_at = o.updated_at = At("2026-11-20");
    o.lines.push_back({std::nullopt, "件", 2, 12'000, 1'000});
    o.total = 23'000;
    chunk[i].line_product_codes = {"GX-01"};
  }
  bool handed = false;
  auto imported = sales.ImportOrders(
      [&]() -> Result<std::optional<std::vector<OrderImportRow>>> {
        if (handed) return std::optional<std::vector<OrderImportRow>>();
        handed = true;
        return std::optional<std::vector<OrderImportRow>>(std::move(chunk));
      },
      3);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->inserted, 2);
  ASSERT_EQ(imported->rejected.size(), 1u);
  EXPECT_EQ(imported->rejected[0].line_no, 3);

  Instalment due;
  due.due_on = "2026-12-01";
  due.amount = 450'000;
  ASSERT_TRUE(sales.ReplacePaymentPlan(opp_ids[3], std::nullopt, {due, due}, Audit("payment_plan", "replace")).ok());
  Receipt paid;
  paid.opportunity_id = opp_ids[3];
  paid.received_on = "2026-11-03";
  paid.amount = 300'000;
  paid.method = "bank_transfer";
  ASSERT_TRUE(sales.AddReceipt(paid, Audit("receipt", "create")).ok());
  SalesTarget t;
  t.quarter = "2026Q4";
  t.scope = TargetScope::kUser;
  t.subject_id = users[0];
  t.amount = 2'000'000;
  ASSERT_TRUE(sales.PutTarget(t, Audit("target", "put")).ok());
  ASSERT_TRUE(sales.SeedPlaybook(DefaultPlaybook()).ok());
}

// A funnel as comparable text: one line per owner.
std::string Describe(const std::vector<OwnerFunnel>& funnels) {
  std::string out;
  for (const auto& f : funnels) {
    out += "owner=" + (f.owner_user_id ? std::to_string(*f.owner_user_id) : std::string("-")) +
           " closed=" + std::to_string(f.closed) + "/" + std::to_string(f.closed_count) +
           " lost=" + std::to_string(f.lost) + "/" + std::to_string(f.lost_count) +
           " out=" + std::to_string(f.out_of_funnel) + "/" + std::to_string(f.out_of_funnel_count);
    for (const auto& [stage, sum] : f.open) {
      out += " " + stage + "=" + std::to_string(sum.amount) + "/" + std::to_string(sum.count);
    }
    out += "\n";
  }
  return out;
}

std::string Funnel(Store& s, const std::string& first, const std::string& last) {
  auto r = s.Sales().FunnelByOwner(VisibilityScope{}, first, last);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? Describe(*r) : "";
}

TEST(SalesParityTest, SameWritesGiveTheSameFunnelOnBothBackends) {
  if (testing::TestPostgresBase().empty()) GTEST_SKIP() << "GUANXI_TEST_PG is not set";
  TestDatabase lite("sqlite"), pg("postgresql");
  auto a = lite.Open();
  auto b = pg.Open();
  ASSERT_TRUE(a && b);
  LoadSalesData(*a);
  LoadSalesData(*b);
  const std::string q4 = Funnel(*a, "2026-10-01", "2026-12-31");
  // The figures themselves: wang (1) has the won deal, the order of 10-05 and
  // both imported orders; li (2) the lost deal and the two orders around
  // midnight of 11-01.
  EXPECT_NE(q4.find("owner=1 closed=900000/1 lost=0/0 out=66000/3 uncover_needs=300000/1"), std::string::npos)
      << q4;
  EXPECT_NE(q4.find("owner=2 closed=0/0 lost=400000/1 out=60000/2 present_value=500000/1"), std::string::npos)
      << q4;
  EXPECT_EQ(q4, Funnel(*b, "2026-10-01", "2026-12-31"));
  // The business day of an order placed at 23:59 +08:00 is that day on both.
  EXPECT_EQ(Funnel(*a, "2026-10-31", "2026-10-31"), Funnel(*b, "2026-10-31", "2026-10-31"));
  EXPECT_NE(Funnel(*a, "2026-10-31", "2026-10-31").find("out=30000/1"), std::string::npos);
  for (UnixSeconds as_of : {At("2026-09-30"), At("2026-10-01", 11), At("2026-11-02"), At("2027-01-01")}) {
    auto x = a->Sales().FunnelAsOf(VisibilityScope{}, "2026-10-01", "2026-12-31", as_of);
    auto y = b->Sales().FunnelAsOf(VisibilityScope{}, "2026-10-01", "2026-12-31", as_of);
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(Describe(*x), Describe(*y)) << as_of;
  }
  // A threshold change re-derives the sums the same way.
  for (Store* s : {a.get(), b.get()}) {
    SalesSettings settings;
    settings.out_of_funnel_threshold = 35'000;
    ASSERT_TRUE(s->Sales().UpdateSalesSettings(settings, Audit("sales_settings", "update")).ok());
  }
  EXPECT_EQ(Funnel(*a, "2026-10-01", "2026-12-31"), Funnel(*b, "2026-10-01", "2026-12-31"));
  EXPECT_EQ(*a->IntegrityCheck(), "ok");
  EXPECT_EQ(*b->IntegrityCheck(), "ok");
  a->Close();
  b->Close();
}

TEST(SalesParityTest, CopyRoundTripKeepsSalesRows) {
  if (testing::TestPostgresBase().empty()) GTEST_SKIP() << "GUANXI_TEST_PG is not set";
  TestDatabase first("sqlite"), middle("postgresql"), last("sqlite");
  auto a = first.Open();
  auto b = middle.Open();
  auto c = last.Open();
  ASSERT_TRUE(a && b && c);
  LoadSalesData(*a);
  std::vector<TableCopyReport> r1, r2;
  Status s1 = CopyStore(*a, *b, &r1);
  ASSERT_TRUE(s1.ok()) << s1.ToString();
  Status s2 = CopyStore(*b, *c, &r2);
  ASSERT_TRUE(s2.ok()) << s2.ToString();
  ASSERT_EQ(r1.size(), r2.size());
  std::map<std::string, int64_t> rows;
  for (size_t i = 0; i < r1.size(); ++i) {
    EXPECT_TRUE(r1[i].matches()) << r1[i].table;
    EXPECT_TRUE(r2[i].matches()) << r2[i].table;
    EXPECT_EQ(r1[i].source_checksum, r2[i].destination_checksum) << r1[i].table;
    rows[r1[i].table] = r1[i].source_rows;
  }
  EXPECT_EQ(rows["sales_order"], 9);
  EXPECT_EQ(rows["order_line"], 2);
  EXPECT_EQ(rows["opportunity"], 6);
  EXPECT_EQ(rows["stage"], 8);
  EXPECT_GT(rows["sales_day"], 0);
  EXPECT_GT(rows["playbook_entry"], 0);
  const std::string q4 = Funnel(*a, "2026-10-01", "2026-12-31");
  EXPECT_EQ(q4, Funnel(*b, "2026-10-01", "2026-12-31"));
  EXPECT_EQ(q4, Funnel(*c, "2026-10-01", "2026-12-31"));
  EXPECT_EQ(*b->IntegrityCheck(), "ok");
  EXPECT_EQ(*c->IntegrityCheck(), "ok");
  // Ids continue after the copied ones, and the playbook is not seeded again.
  Order o;
  o.customer_id = 1;
  o.total = 5'000;
  o.ordered_at = o.created_at = o.updated_at = At("2026-12-01");
  auto next = b->Sales().CreateOrder(o, Audit("order", "create"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->id, 10);
  const size_t entries = b->Sales().ListPlaybook()->size();
  ASSERT_TRUE(b->Sales().SeedPlaybook(DefaultPlaybook()).ok());
  EXPECT_EQ(b->Sales().ListPlaybook()->size(), entries);
  a->Close();
  b->Close();
  c->Close();
}

}  // namespace
}  // namespace guanxi
