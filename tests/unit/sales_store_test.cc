#include <gtest/gtest.h>

#include <algorithm>

#include "store/sales_store.h"
#include "store/store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

using testing::At;

// Every sales store test runs on both backends: the behaviour is the contract.
class SalesStoreTest : public testing::BackendStoreTest {
 protected:
  SalesStore& sales() { return store_->Sales(); }
  int64_t Customer_(const std::string& name, std::optional<int64_t> owner = std::nullopt,
                    const std::string& external_id = "") {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.name = name;
    c.owner_user_id = owner;
    c.external_id = external_id;
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  int64_t Contact_(int64_t customer_id, const std::string& name) {
    Contact c;
    c.customer_id = customer_id;
    c.name = name;
    auto r = store_->CreateContact(c, Audit("contact", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  Result<Order> Order_(int64_t customer_id, int64_t total, UnixSeconds at,
                       std::optional<int64_t> owner = std::nullopt, const std::string& external_id = "",
                       std::optional<int64_t> opportunity_id = std::nullopt) {
    Order o;
    o.customer_id = customer_id;
    o.total = total;
    o.ordered_at = at;
    o.owner_user_id = owner;
    o.external_id = external_id;
    o.opportunity_id = opportunity_id;
    o.created_at = o.updated_at = at;
    return sales().CreateOrder(o, Audit("order", "create"));
  }
  Result<Opportunity> Opp_(int64_t customer_id, int64_t amount, const std::string& stage,
                           const std::string& expected_close, std::optional<int64_t> owner,
                           UnixSeconds at = 1000, const std::string& closed_on = "") {
    Opportunity o;
    o.customer_id = customer_id;
    o.title = "商机 " + std::to_string(amount);
    o.amount = amount;
    o.stage = stage;
    o.expected_close = expected_close;
    o.owner_user_id = owner;
    o.closed_on = closed_on;
    o.stage_entered_at = o.created_at = o.updated_at = at;
    OpportunityEvent e;
    e.at = at;
    e.user_id = owner;
    e.kind = "create";
    e.to_stage = stage;
    e.amount = amount;
    e.expected_close = expected_close;
    e.owner_user_id = owner;
    return sales().CreateOpportunity(o, e, Audit("opportunity", "create"));
  }
  Result<Opportunity> Move_(Opportunity o, const std::string& stage, UnixSeconds at,
                            const std::string& closed_on = "") {
    OpportunityEvent e;
    e.at = at;
    e.user_id = o.owner_user_id;
    e.kind = "stage";
    e.from_stage = o.stage;
    e.to_stage = stage;
    e.amount = o.amount;
    e.expected_close = o.expected_close;
    e.owner_user_id = o.owner_user_id;
    o.stage = stage;
    o.closed_on = closed_on;
    o.stage_entered_at = o.updated_at = at;
    return sales().UpdateOpportunity(o, e, Audit("opportunity", "update"));
  }
  void SetThreshold(int64_t fen) {
    SalesSettings s;
    s.out_of_funnel_threshold = fen;
    ASSERT_TRUE(sales().UpdateSalesSettings(s, Audit("sales_settings", "update")).ok());
  }
  // The funnel of one owner (0 = none) from a result list.
  static OwnerFunnel Of(const std::vector<OwnerFunnel>& fs, int64_t owner) {
    for (const auto& f : fs) {
      if (f.owner_user_id.value_or(0) == owner) return f;
    }
    return {};
  }
  std::vector<AuditEntry> AuditOf(const std::string& entity) {
    AuditQuery q;
    q.limit = 200;
    auto page = store_->ListAudit(q);
    EXPECT_TRUE(page.ok());
    std::vector<AuditEntry> out;
    for (const auto& a : page->items) {
      if (a.entity == entity) out.push_back(a);
    }
    return out;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, SalesStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(SalesStoreTest, ProductCrudAndDuplicateCode) {
  Product p;
  p.code = "GX-PRO-01";
  p.name = "关系云 专业版";
  p.list_price = 1'280'000;
  p.created_at = p.updated_at = 1000;
  auto created = sales().CreateProduct(p, Audit("product", "create"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->version, 1);
  auto dup = sales().CreateProduct(p, Audit("product", "create"));
  ASSERT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().fields().at(0).field, "code");

  Product q = *created;
  q.list_price = 990'000;
  q.active = false;
  auto updated = sales().UpdateProduct(q, Audit("product", "update"));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(sales().UpdateProduct(q, Audit("product", "update")).status().code(), StatusCode::kConflict);
  auto got = sales().GetProduct(created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->list_price, 990'000);
  EXPECT_FALSE(got->active);

  Product b;
  b.code = "GX-BASIC";
  b.name = "Basic";
  b.list_price = 100;
  ASSERT_TRUE(sales().CreateProduct(b, Audit("product", "create")).ok());
  ProductQuery pq;
  pq.limit = 1;
  auto page = sales().ListProducts(pq);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].code, "GX-BASIC");
  ASSERT_TRUE(page->next);
  pq.after = *page->next;
  page = sales().ListProducts(pq);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].code, "GX-PRO-01");
  EXPECT_FALSE(page->next);
  ProductQuery active;
  active.active_only = true;
  active.search = "basic";
  EXPECT_EQ(sales().ListProducts(active)->items.size(), 1u);
  active.search = "pro";
  EXPECT_EQ(sales().ListProducts(active)->items.size(), 0u);

  auto audits = AuditOf("product");
  ASSERT_EQ(audits.size(), 3u);
  EXPECT_NE(audits[1].before.find("1280000"), std::string::npos);  // newest first: the update
  EXPECT_NE(audits[1].after.find("990000"), std::string::npos);
}

TEST_P(SalesStoreTest, OrderWithLinesAndReferences) {
  int64_t owner = User_("rep");
  int64_t customer = Customer_("杭州甲公司", owner);
  Product p;
  p.code = "P1";
  p.name = "P1";
  p.list_price = 500;
  auto product = sales().CreateProduct(p, Audit("product", "create"));
  ASSERT_TRUE(product.ok());

  Order o;
  o.customer_id = customer;
  o.external_id = "SO-1";
  o.ordered_at = At("2026-10-15");
  o.lines = {{product->id, "P1", 3, 500, 100}, {std::nullopt, "服务费", 1, 2000, 0}};
  ASSERT_TRUE(NormalizeOrder(o).ok());
  EXPECT_EQ(o.total, 3400);
  auto created = sales().CreateOrder(o, Audit("order", "create"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->owner_user_id, owner);  // defaults to the customer's owner
  auto got = sales().GetOrder(created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->total, 3400);
  EXPECT_EQ(got->lines, o.lines);
  EXPECT_EQ(got->external_id, "SO-1");

  auto dup = sales().CreateOrder(o, Audit("order", "create"));
  ASSERT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().fields().at(0).field, "external_id");

  Order bad = o;
  bad.external_id = "SO-2";
  bad.customer_id = 999999;
  auto r = sales().CreateOrder(bad, Audit("order", "create"));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().fields().at(0).field, "customer_id");
  bad.customer_id = customer;
  bad.lines[1].product_id = 999999;
  r = sales().CreateOrder(bad, Audit("order", "create"));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().fields().at(0).field, "lines[1].product_id");
  EXPECT_EQ(*sales().CountOrders(), 1);

  Order upd = *got;
  upd.lines.pop_back();
  upd.total = 0;
  ASSERT_TRUE(NormalizeOrder(upd).ok());
  auto u = sales().UpdateOrder(upd, Audit("order", "update"));
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->version, 2);
  EXPECT_EQ(sales().GetOrder(created->id)->lines.size(), 1u);
  EXPECT_EQ(sales().GetOrder(created->id)->total, 1400);
  EXPECT_EQ(sales().UpdateOrder(upd, Audit("order", "update")).status().code(), StatusCode::kConflict);
}

TEST_P(SalesStoreTest, OrderListingFiltersAndPages) {
  int64_t a = User_("a"), b = User_("b");
  int64_t ca = Customer_("甲", a), cb = Customer_("乙", b);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Order_(ca, 100 + i, At("2026-10-1" + std::to_string(i))).ok());
  ASSERT_TRUE(Order_(cb, 900, At("2026-10-20")).ok());
  OrderQuery q;
  q.limit = 2;
  auto page = sales().ListOrders(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].total, 900);
  EXPECT_EQ(page->items[1].total, 102);
  ASSERT_TRUE(page->next);
  q.after = *page->next;
  page = sales().ListOrders(q);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].total, 100);
  EXPECT_FALSE(page->next);
  OrderQuery scoped;
  scoped.scope = {VisibilityScope::Kind::kOwner, b};
  page = sales().ListOrders(scoped);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].customer_id, cb);
  OrderQuery range;
  range.from = At("2026-10-11", 0);
  range.to = At("2026-10-12", 23);
  EXPECT_EQ(sales().ListOrders(range)->items.size(), 2u);
}

TEST_P(SalesStoreTest, OutOfFunnelFollowsOrderStatusAndThreshold) {
  int64_t rep = User_("rep");
  int64_t c = Customer_("门店客户", rep);
  SetThreshold(10'000);
  auto small = Order_(c, 3'000, At("2026-10-15"));
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE(Order_(c, 2'000, At("2026-10-16", 23)).ok());  // 23:00 +08:00 is still the 16th
  ASSERT_TRUE(Order_(c, 50'000, At("2026-10-17")).ok());     // above the threshold
  auto opp = Opp_(c, 80'000, "build_trust", "2026-12-01", rep);
  ASSERT_TRUE(opp.ok());
  ASSERT_TRUE(Order_(c, 1'000, At("2026-10-18"), std::nullopt, "", opp->id).ok());  // in the funnel
  auto f = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Of(*f, rep).out_of_funnel, 5'000);
  EXPECT_EQ(Of(*f, rep).out_of_funnel_count, 2);

  Order refund = *sales().GetOrder(small->id);
  refund.status = OrderStatus::kRefunded;
  ASSERT_TRUE(sales().UpdateOrder(refund, Audit("order", "update")).ok());
  f = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  EXPECT_EQ(Of(*f, rep).out_of_funnel, 2'000);
  EXPECT_EQ(Of(*f, rep).out_of_funnel_count, 1);
  f = sales().FunnelByOwner({}, "2026-10-17", "2026-12-31");
  EXPECT_EQ(Of(*f, rep).out_of_funnel_count, 0);

  SetThreshold(100'000);  // re-derived: now the 50'000 order counts too
  f = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  EXPECT_EQ(Of(*f, rep).out_of_funnel, 52'000);
  EXPECT_EQ(Of(*f, rep).out_of_funnel_count, 2);
  SetThreshold(0);
  f = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  EXPECT_EQ(Of(*f, rep).out_of_funnel_count, 0);
  EXPECT_EQ(sales().GetSalesSettings()->out_of_funnel_threshold, 0);

  // Deleting the opportunity unlinks its order, which becomes out of the funnel.
  SetThreshold(10'000);
  ASSERT_TRUE(sales().DeleteOpportunity(opp->id, Audit("opportunity", "delete")).ok());
  f = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  EXPECT_EQ(Of(*f, rep).out_of_funnel, 3'000);
  EXPECT_EQ(Of(*f, rep).out_of_funnel_count, 2);
}

OrderImportRow ImportRow(int64_t line, const std::string& customer, const std::string& id, int64_t total,
                         UnixSeconds at) {
  OrderImportRow r;
  r.line_no = line;
  r.customer_external_id = customer;
  r.order.external_id = id;
  r.order.total = total;
  r.order.ordered_at = at;
  r.order.created_at = r.order.updated_at = at;
  return r;
}

// Imports `chunks` as one file.
Result<OrderImportOutcome> ImportChunks(SalesStore& sales, std::vector<std::vector<OrderImportRow>> chunks,
                                        int64_t expected_rows = 0) {
  size_t i = 0;
  return sales.ImportOrders(
      [&]() -> Result<std::optional<std::vector<OrderImportRow>>> {
        if (i == chunks.size()) return std::optional<std::vector<OrderImportRow>>();
        return std::optional<std::vector<OrderImportRow>>(std::move(chunks[i++]));
      },
      expected_rows);
}

TEST_P(SalesStoreTest, ImportOrdersCountsInsertedPresentAndRejected) {
  int64_t rep = User_("rep");
  int64_t c = Customer_("导入客户", rep, "C-1");
  Product p;
  p.code = "SKU-1";
  p.name = "SKU";
  p.list_price = 100;
  auto product = sales().CreateProduct(p, Audit("product", "create"));
  ASSERT_TRUE(product.ok());
  SetThreshold(1'000'000);
  auto rows = [&] {
    std::vector<OrderImportRow> v;
    v.push_back(ImportRow(2, "C-1", "O-1", 1000, At("2026-10-01")));
    v.push_back(ImportRow(3, "C-X", "O-2", 2000, At("2026-10-01")));
    OrderImportRow with_line = ImportRow(4, "C-1", "O-3", 300, At("2026-10-02"));
    with_line.order.lines = {{std::nullopt, "SKU", 3, 100, 0}};
    with_line.line_product_codes = {"SKU-1"};
    v.push_back(with_line);
    OrderImportRow bad_product = ImportRow(5, "C-1", "O-4", 300, At("2026-10-02"));
    bad_product.order.lines = {{std::nullopt, "?", 3, 100, 0}};
    bad_product.line_product_codes = {"NOPE"};
    v.push_back(bad_product);
    return v;
  };
  auto out = ImportChunks(sales(), {rows()});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->inserted, 2);
  EXPECT_EQ(out->already_present, 0);
  ASSERT_EQ(out->rejected.size(), 2u);
  EXPECT_EQ(out->rejected[0].line_no, 3);
  EXPECT_EQ(out->rejected[0].field, "customer_external_id");
  EXPECT_EQ(out->rejected[1].line_no, 5);
  EXPECT_EQ(out->rejected[1].field, "product_code");

  out = ImportChunks(sales(), {rows()});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->inserted, 0);
  EXPECT_EQ(out->already_present, 2);
  EXPECT_EQ(out->rejected.size(), 2u);
  EXPECT_EQ(*sales().CountOrders(), 2);

  OrderQuery q;
  q.customer_id = c;
  auto listed = sales().ListOrders(q);
  ASSERT_EQ(listed->items.size(), 2u);
  EXPECT_EQ(listed->items[0].owner_user_id, rep);  // the customer's owner
  auto o3 = sales().GetOrder(listed->items[0].id);
  ASSERT_EQ(o3->lines.size(), 1u);
  EXPECT_EQ(o3->lines[0].product_id, product->id);
  auto f = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  EXPECT_EQ(Of(*f, rep).out_of_funnel, 1300);
  EXPECT_EQ(Of(*f, rep).out_of_funnel_count, 2);
}

TEST_P(SalesStoreTest, OpportunityLifecycleHistoryAndListing) {
  Team t;
  t.name = "华东";
  auto team = store_->CreateTeam(t, Audit("team", "create"));
  ASSERT_TRUE(team.ok());
  int64_t a = User_("a", team->id), b = User_("b");
  int64_t ca = Customer_("甲", a), cb = Customer_("乙", b);
  int64_t contact_b = Contact_(cb, "王总");

  Opportunity bad;
  bad.customer_id = ca;
  bad.title = "x";
  bad.stage = "nope";
  bad.expected_close = "2026-12-01";
  auto r = sales().CreateOpportunity(bad, {}, Audit("opportunity", "create"));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().fields().at(0).field, "stage");
  bad.stage = "build_trust";
  bad.contact_id = contact_b;  // another customer's contact
  r = sales().CreateOpportunity(bad, {}, Audit("opportunity", "create"));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().fields().at(0).field, "contact_id");

  auto oa = Opp_(ca, 100'000, "build_trust", "2026-11-15", a, 1000);
  auto ob = Opp_(cb, 200'000, "present_value", "2026-12-20", b, 2000);
  ASSERT_TRUE(oa.ok() && ob.ok()) << oa.status().ToString();
  auto moved = Move_(*oa, "won", 3000, "2026-11-01");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->version, 2);
  EXPECT_EQ(Move_(*oa, "lost", 4000).status().code(), StatusCode::kConflict);

  auto history = sales().OpportunityHistory(oa->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].kind, "create");
  EXPECT_EQ((*history)[1].from_stage, "build_trust");
  EXPECT_EQ((*history)[1].to_stage, "won");

  OpportunityQuery q;
  auto page = sales().ListOpportunities(q);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, oa->id);  // most recently updated first
  q.status = OpportunityStatus::kOpen;
  page = sales().ListOpportunities(q);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, ob->id);
  OpportunityQuery won;
  won.status = OpportunityStatus::kWon;
  won.close_from = "2026-11-01";
  won.close_to = "2026-11-01";
  EXPECT_EQ(sales().ListOpportunities(won)->items.size(), 1u);
  won.close_from = "2026-11-02";
  EXPECT_EQ(sales().ListOpportunities(won)->items.size(), 0u);
  OpportunityQuery scoped;
  scoped.scope = {VisibilityScope::Kind::kTeam, team->id};
  page = sales().ListOpportunities(scoped);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].owner_user_id, a);
  scoped.scope = {VisibilityScope::Kind::kOwner, b};
  page = sales().ListOpportunities(scoped);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, ob->id);
  OpportunityQuery paged;
  paged.limit = 1;
  page = sales().ListOpportunities(paged);
  ASSERT_TRUE(page->next);
  paged.after = *page->next;
  page = sales().ListOpportunities(paged);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, ob->id);

  ASSERT_TRUE(sales().DeleteOpportunity(ob->id, Audit("opportunity", "delete")).ok());
  EXPECT_EQ(sales().GetOpportunity(ob->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(AuditOf("opportunity").size(), 4u);  // two creates, a move, a delete
}

TEST_P(SalesStoreTest, FunnelByOwnerOnAHandMadeSet) {
  int64_t a = User_("a"), b = User_("b");
  int64_t c = Customer_("客户", a);
  // Q4 2026 = [2026-10-01, 2026-12-31].
  ASSERT_TRUE(Opp_(c, 100, "build_trust", "2026-10-10", a).ok());
  ASSERT_TRUE(Opp_(c, 200, "build_trust", "2026-12-31", a).ok());
  ASSERT_TRUE(Opp_(c, 400, "present_value", "2026-11-01", a).ok());
  ASSERT_TRUE(Opp_(c, 800, "present_value", "2027-01-01", a).ok());  // next quarter
  ASSERT_TRUE(Opp_(c, 1600, "uncover_needs", "2026-11-30", b).ok());
  ASSERT_TRUE(Opp_(c, 3200, "won", "2026-09-01", a, 1000, "2026-10-05").ok());
  ASSERT_TRUE(Opp_(c, 6400, "won", "2026-10-01", a, 1000, "2026-09-30").ok());  // closed before
  ASSERT_TRUE(Opp_(c, 12800, "lost", "2026-10-01", b, 1000, "2026-12-31").ok());
  ASSERT_TRUE(Opp_(c, 25600, "build_trust", "2026-10-20", std::nullopt).ok());
  SetThreshold(5'000);
  ASSERT_TRUE(Order_(c, 4'999, At("2026-10-03"), b).ok());
  ASSERT_TRUE(Order_(c, 5'000, At("2026-10-03"), b).ok());  // not below the threshold
  ASSERT_TRUE(Order_(c, 10, At("2026-09-30", 23), a).ok());  // previous quarter, +08:00

  auto f = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 3u);
  OwnerFunnel fa = Of(*f, a), fb = Of(*f, b), none = Of(*f, 0);
  EXPECT_EQ(fa.open["build_trust"].amount, 300);
  EXPECT_EQ(fa.open["build_trust"].count, 2);
  EXPECT_EQ(fa.open["present_value"].amount, 400);
  EXPECT_EQ(fa.open["present_value"].count, 1);
  EXPECT_EQ(fa.open.size(), 2u);
  EXPECT_EQ(fa.closed, 3200);
  EXPECT_EQ(fa.closed_count, 1);
  EXPECT_EQ(fa.out_of_funnel, 0);
  EXPECT_EQ(fb.open["uncover_needs"].amount, 1600);
  EXPECT_EQ(fb.lost, 12800);
  EXPECT_EQ(fb.lost_count, 1);
  EXPECT_EQ(fb.out_of_funnel, 4'999);
  EXPECT_EQ(fb.out_of_funnel_count, 1);
  EXPECT_FALSE(none.owner_user_id);
  EXPECT_EQ(none.open["build_trust"].amount, 25600);

  auto only_b = sales().FunnelByOwner({VisibilityScope::Kind::kOwner, b}, "2026-10-01", "2026-12-31");
  ASSERT_EQ(only_b->size(), 1u);
  EXPECT_EQ((*only_b)[0].owner_user_id, b);
}

TEST_P(SalesStoreTest, FunnelAsOfBeforeAndAfterAStageMove) {
  int64_t a = User_("a");
  int64_t c = Customer_("客户", a);
  const UnixSeconds t0 = At("2026-10-05"), t1 = At("2026-10-20");
  auto o = Opp_(c, 1000, "build_trust", "2026-11-15", a, t0);
  ASSERT_TRUE(o.ok());
  ASSERT_TRUE(Move_(*o, "won", t1, "2026-10-20").ok());
  SetThreshold(10'000);
  ASSERT_TRUE(Order_(c, 700, At("2026-10-10"), a).ok());
  ASSERT_TRUE(Order_(c, 300, At("2026-10-25"), a).ok());

  auto before = sales().FunnelAsOf({}, "2026-10-01", "2026-12-31", t1 - 1);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  OwnerFunnel fb = Of(*before, a);
  EXPECT_EQ(fb.open["build_trust"].amount, 1000);
  EXPECT_EQ(fb.closed, 0);
  EXPECT_EQ(fb.out_of_funnel, 700);
  EXPECT_EQ(fb.out_of_funnel_count, 1);
  auto after = sales().FunnelAsOf({}, "2026-10-01", "2026-12-31", t1);
  OwnerFunnel fa = Of(*after, a);
  EXPECT_TRUE(fa.open.empty());
  EXPECT_EQ(fa.closed, 1000);
  EXPECT_EQ(fa.closed_count, 1);
  auto nothing = sales().FunnelAsOf({}, "2026-10-01", "2026-12-31", t0 - 1);
  EXPECT_TRUE(nothing->empty());
  auto live = sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  EXPECT_EQ(Of(*live, a).closed, 1000);
  EXPECT_EQ(Of(*live, a).out_of_funnel, 1000);
}

TEST_P(SalesStoreTest, SnapshotsAreStoredOnce) {
  int64_t a = User_("a");
  ForecastSnapshot s;
  s.quarter = "2026Q4";
  s.week_start = "2026-10-05";
  s.taken_at = 100;
  s.funnel.owner_user_id = a;
  s.funnel.closed = 500;
  s.funnel.closed_count = 1;
  s.funnel.open["build_trust"] = {300, 2};
  ForecastSnapshot none = s;
  none.funnel.owner_user_id.reset();
  none.funnel.closed = 7;
  ASSERT_TRUE(sales().SaveSnapshots({s, none}).ok());
  ForecastSnapshot changed = s;
  changed.funnel.closed = 999;
  ForecastSnapshot later = s;
  later.week_start = "2026-10-12";
  ASSERT_TRUE(sales().SaveSnapshots({changed, later}).ok());
  auto got = sales().Snapshots({}, "2026Q4", "");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_FALSE((*got)[0].funnel.owner_user_id);
  EXPECT_EQ((*got)[0].funnel.closed, 7);
  EXPECT_EQ((*got)[1].funnel.closed, 500);  // kept as first stored
  EXPECT_EQ((*got)[1].funnel.open["build_trust"].amount, 300);
  EXPECT_EQ((*got)[1].funnel.open["build_trust"].count, 2);
  EXPECT_EQ((*got)[2].week_start, "2026-10-12");
  auto mine = sales().Snapshots({VisibilityScope::Kind::kOwner, a}, "2026Q4", "");
  EXPECT_EQ(mine->size(), 2u);
  EXPECT_TRUE(sales().Snapshots({}, "2027Q1", "")->empty());
}

TEST_P(SalesStoreTest, TracksAndActivity) {
  int64_t a = User_("a");
  int64_t c = Customer_("客户", a);
  auto open = Opp_(c, 100, "build_trust", "2026-11-01", a, At("2026-09-01"));
  auto closed_before = Opp_(c, 200, "build_trust", "2026-09-01", a, At("2026-08-01"));
  auto created_after = Opp_(c, 300, "build_trust", "2027-01-20", a, At("2027-01-05"));
  ASSERT_TRUE(open.ok() && closed_before.ok() && created_after.ok());
  ASSERT_TRUE(Move_(*closed_before, "lost", At("2026-09-10"), "2026-09-10").ok());
  ASSERT_TRUE(Move_(*open, "present_value", At("2026-10-10")).ok());
  auto tracks = sales().Tracks({}, "2026-10-01", "2026-12-31");
  ASSERT_TRUE(tracks.ok());
  ASSERT_EQ(tracks->size(), 1u);
  EXPECT_EQ((*tracks)[0].opportunity_id, open->id);
  EXPECT_EQ((*tracks)[0].stage, "present_value");
  ASSERT_EQ((*tracks)[0].events.size(), 2u);
  EXPECT_EQ((*tracks)[0].events[1].to_stage, "present_value");
  auto activity = sales().ActivityByUser({}, At("2026-09-01", 0), At("2026-10-31"));
  ASSERT_TRUE(activity.ok());
  EXPECT_EQ((*activity)[a], 3);  // create of `open`, the lost move, the stage move
}

TEST_P(SalesStoreTest, TargetsUpsert) {
  int64_t a = User_("a");
  SalesTarget t;
  t.quarter = "2026Q4";
  t.scope = TargetScope::kUser;
  t.subject_id = a;
  t.amount = 1'000'000;
  auto first = sales().PutTarget(t, Audit("target", "put"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  t.amount = 2'000'000;
  auto second = sales().PutTarget(t, Audit("target", "put"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, first->id);
  SalesTarget company;
  company.quarter = "2026Q4";
  company.scope = TargetScope::kCompany;
  company.amount = 9'000'000;
  ASSERT_TRUE(sales().PutTarget(company, Audit("target", "put")).ok());
  auto list = sales().ListTargets("2026Q4");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  for (const auto& x : *list) {
    if (x.scope == TargetScope::kUser) EXPECT_EQ(x.amount, 2'000'000);
    else EXPECT_FALSE(x.subject_id);
  }
  ASSERT_TRUE(sales().DeleteTarget(first->id, Audit("target", "delete")).ok());
  EXPECT_EQ(sales().ListTargets("2026Q4")->size(), 1u);
  EXPECT_EQ(sales().DeleteTarget(first->id, Audit("target", "delete")).code(), StatusCode::kNotFound);
}

TEST_P(SalesStoreTest, PaymentPlanReceiptsAndReceivables) {
  int64_t a = User_("a"), b = User_("b");
  int64_t ca = Customer_("甲", a);
  auto opp = Opp_(ca, 10'000, "won", "2026-10-01", a, 1000, "2026-10-01");
  ASSERT_TRUE(opp.ok());
  auto order = Order_(ca, 500, At("2026-10-02"), b, "SO-9");
  ASSERT_TRUE(order.ok());
  std::vector<Instalment> plan(2);
  plan[0].due_on = "2026-11-01";
  plan[0].amount = 6'000;
  plan[1].due_on = "2026-10-15";
  plan[1].amount = 4'000;
  ASSERT_TRUE(sales().ReplacePaymentPlan(opp->id, std::nullopt, plan, Audit("payment_plan", "replace")).ok());
  EXPECT_EQ(sales().ReplacePaymentPlan(opp->id, order->id, plan, Audit("payment_plan", "replace")).code(),
            StatusCode::kInvalidArgument);
  Receipt r;
  r.opportunity_id = opp->id;
  r.received_on = "2026-10-16";
  r.amount = 4'000;
  r.method = "bank_transfer";
  auto receipt = sales().AddReceipt(r, Audit("receipt", "create"));
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  Receipt ro;
  ro.order_id = order->id;
  ro.received_on = "2026-10-03";
  ro.amount = 500;
  ro.method = "cash";
  auto receipt2 = sales().AddReceipt(ro, Audit("receipt", "create"));
  ASSERT_TRUE(receipt2.ok());

  auto all = sales().Receivables({}, std::nullopt, std::nullopt);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  const ReceivableAccount& acc = (*all)[0];
  EXPECT_EQ(acc.opportunity_id, opp->id);
  ASSERT_EQ(acc.instalments.size(), 2u);
  EXPECT_EQ(acc.instalments[0].due_on, "2026-10-15");
  EXPECT_EQ(acc.receipts.size(), 1u);
  EXPECT_EQ((*all)[1].title, "SO-9");
  auto mine = sales().Receivables({VisibilityScope::Kind::kOwner, b}, std::nullopt, std::nullopt);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].order_id, order->id);
  auto one = sales().Receivables({}, opp->id, std::nullopt);
  ASSERT_EQ(one->size(), 1u);

  plan.pop_back();
  ASSERT_TRUE(sales().ReplacePaymentPlan(opp->id, std::nullopt, plan, Audit("payment_plan", "replace")).ok());
  ASSERT_TRUE(sales().DeleteReceipt(receipt->id, Audit("receipt", "delete")).ok());
  EXPECT_EQ(sales().DeleteReceipt(receipt->id, Audit("receipt", "delete")).code(), StatusCode::kNotFound);
  one = sales().Receivables({}, opp->id, std::nullopt);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].instalments.size(), 1u);
  EXPECT_TRUE((*one)[0].receipts.empty());
}

TEST_P(SalesStoreTest, PlaybookSeedsOnce) {
  std::vector<PlaybookEntry> seed(2);
  seed[0].situation = "general";
  seed[0].kind = "tip";
  seed[0].locale = "zh";
  seed[0].title = "一";
  seed[0].body = "正文";
  seed[1] = seed[0];
  seed[1].title = "二";
  seed[1].position = 1;
  ASSERT_TRUE(sales().SeedPlaybook(seed).ok());
  auto list = sales().ListPlaybook();
  ASSERT_EQ(list->size(), 2u);
  ASSERT_TRUE(sales().DeletePlaybookEntry((*list)[0].id, Audit("playbook", "delete")).ok());
  ASSERT_TRUE(sales().SeedPlaybook(seed).ok());
  list = sales().ListPlaybook();
  ASSERT_EQ(list->size(), 1u);  // a deleted default stays deleted
  PlaybookEntry e = (*list)[0];
  e.body = "改过";
  auto updated = sales().UpdatePlaybookEntry(e, Audit("playbook", "update"));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(sales().UpdatePlaybookEntry(e, Audit("playbook", "update")).status().code(), StatusCode::kConflict);
  auto created = sales().CreatePlaybookEntry(seed[0], Audit("playbook", "create"));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(sales().ListPlaybook()->size(), 2u);
}

TEST_P(SalesStoreTest, BuyingCentreRejectsCyclesAndForeignContacts) {
  int64_t c = Customer_("甲");
  int64_t other = Customer_("乙");
  int64_t k1 = Contact_(c, "一"), k2 = Contact_(c, "二"), k3 = Contact_(c, "三"), stranger = Contact_(other, "外");
  auto opp = Opp_(c, 100, "build_trust", "2026-12-01", std::nullopt);
  ASSERT_TRUE(opp.ok());
  auto put = [&](int64_t id, int64_t contact, std::optional<int64_t> reports_to) {
    BuyingCentreMember m;
    m.id = id;
    m.opportunity_id = opp->id;
    m.contact_id = contact;
    m.reports_to = reports_to;
    return sales().PutBuyingCentreMember(m, Audit("buying_centre", "put"));
  };
  auto m1 = put(0, k1, std::nullopt);
  ASSERT_TRUE(m1.ok()) << m1.status().ToString();
  auto m2 = put(0, k2, m1->id);
  ASSERT_TRUE(m2.ok());
  auto m3 = put(0, k3, m2->id);
  ASSERT_TRUE(m3.ok());
  auto cycle = put(m1->id, k1, m3->id);  // 1 → 3 → 2 → 1
  ASSERT_EQ(cycle.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cycle.status().fields().at(0).field, "reports_to");
  auto self = put(m1->id, k1, m1->id);
  EXPECT_EQ(self.status().code(), StatusCode::kInvalidArgument);
  auto foreign = put(0, stranger, std::nullopt);
  ASSERT_EQ(foreign.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(foreign.status().fields().at(0).field, "contact_id");
  auto unknown = put(0, k1, 999999);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  auto dup = put(0, k1, std::nullopt);
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(sales().ListBuyingCentre(opp->id)->size(), 3u);
  ASSERT_TRUE(sales().DeleteBuyingCentreMember(opp->id, m2->id, Audit("buying_centre", "delete")).ok());
  auto left = sales().ListBuyingCentre(opp->id);
  ASSERT_EQ(left->size(), 2u);
  EXPECT_FALSE((*left)[1].reports_to);  // m3 lost its manager
}

TEST_P(SalesStoreTest, ReplaceStagesRefusesRemovingAUsedKey) {
  int64_t c = Customer_("甲");
  ASSERT_TRUE(Opp_(c, 100, "build_trust", "2026-12-01", std::nullopt).ok());
  std::vector<Stage> stages;
  for (const auto& s : DefaultStages()) {
    if (s.key != "build_trust" && s.key != "customer_analysis") stages.push_back(s);
  }
  ASSERT_TRUE(NormalizeStages(stages).ok());
  Status s = sales().ReplaceStages(stages, Audit("stages", "replace"));
  ASSERT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.fields().at(0).field, "stages");
  EXPECT_EQ(sales().GetStages()->size(), DefaultStages().size());

  stages = DefaultStages();
  stages.erase(stages.begin());  // customer_analysis is unused
  stages[0].win_rate_bp = 1500;
  ASSERT_TRUE(NormalizeStages(stages).ok());
  ASSERT_TRUE(sales().ReplaceStages(stages, Audit("stages", "replace")).ok());
  auto got = sales().GetStages();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, stages);
}

TEST_P(SalesStoreTest, CopyCarriesSalesData) {
  int64_t a = User_("a");
  int64_t c = Customer_("甲", a, "C-1");
  int64_t k = Contact_(c, "一");
  SetThreshold(10'000);
  Product p;
  p.code = "P";
  p.name = "P";
  p.list_price = 1;
  auto product = sales().CreateProduct(p, Audit("product", "create"));
  ASSERT_TRUE(product.ok());
  Order o;
  o.customer_id = c;
  o.ordered_at = At("2026-10-02");
  o.lines = {{product->id, "P", 2, 300, 0}};
  ASSERT_TRUE(NormalizeOrder(o).ok());
  auto order = sales().CreateOrder(o, Audit("order", "create"));
  ASSERT_TRUE(order.ok());
  auto opp = Opp_(c, 5000, "build_trust", "2026-11-01", a);
  ASSERT_TRUE(opp.ok());
  ASSERT_TRUE(Move_(*opp, "present_value", 5000).ok());
  std::vector<Stage> stages = DefaultStages();
  stages[1].name_en = "Trust";
  ASSERT_TRUE(sales().ReplaceStages(stages, Audit("stages", "replace")).ok());
  Receipt r;
  r.opportunity_id = opp->id;
  r.received_on = "2026-10-16";
  r.amount = 1;
  r.method = "cash";
  ASSERT_TRUE(sales().AddReceipt(r, Audit("receipt", "create")).ok());
  BuyingCentreMember m;
  m.opportunity_id = opp->id;
  m.contact_id = k;
  ASSERT_TRUE(sales().PutBuyingCentreMember(m, Audit("buying_centre", "put")).ok());
  SalesTarget t;
  t.quarter = "2026Q4";
  t.scope = TargetScope::kCompany;
  t.amount = 1;
  ASSERT_TRUE(sales().PutTarget(t, Audit("target", "put")).ok());
  ForecastSnapshot snap;
  snap.quarter = "2026Q4";
  snap.week_start = "2026-10-05";
  snap.funnel.open["build_trust"] = {1, 1};
  ASSERT_TRUE(sales().SaveSnapshots({snap}).ok());
  PlaybookEntry e;
  e.situation = "general";
  e.kind = "tip";
  e.locale = "en";
  e.title = "t";
  e.body = "b";
  ASSERT_TRUE(sales().SeedPlaybook({e}).ok());

  testing::TempDir dir;
  auto copy = testing::OpenTestStore(dir.File("copy.db"));
  ASSERT_TRUE(copy);
  std::vector<TableCopyReport> report;
  Status s = CopyStore(*store_, *copy, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto rows = [&](const std::string& table) {
    for (const auto& r : report) {
      if (r.table == table) return r.destination_rows;
    }
    return int64_t{-1};
  };
  EXPECT_EQ(rows("sales_order"), 1);
  EXPECT_EQ(rows("order_line"), 1);
  EXPECT_EQ(rows("opportunity_event"), 2);
  EXPECT_EQ(rows("stage"), static_cast<int64_t>(DefaultStages().size()));
  EXPECT_EQ(rows("sales_day"), 1);
  EXPECT_EQ(rows("seed_marker"), 1);
  EXPECT_EQ(rows("buying_centre_member"), 1);
  auto copied = copy->Sales().GetOrder(order->id);
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->lines, o.lines);
  EXPECT_EQ(copy->Sales().GetStages()->at(1).name_en, "Trust");
  EXPECT_EQ(copy->Sales().GetSalesSettings()->out_of_funnel_threshold, 10'000);
  auto f = copy->Sales().FunnelByOwner({}, "2026-10-01", "2026-12-31");
  EXPECT_EQ(Of(*f, a).out_of_funnel, 600);
  EXPECT_EQ(Of(*f, a).open["present_value"].amount, 5000);
  EXPECT_EQ(copy->Sales().Receivables({}, std::nullopt, std::nullopt)->size(), 1u);
  // The next id continues after the copied ones.
  auto next = copy->Sales().CreateOrder(o, Audit("order", "create"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_GT(next->id, order->id);
  copy->Close();
}

}  // namespace
}  // namespace guanxi
