#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "domain/customer_json.h"
#include "domain/sales.h"
#include "store/analytics_store.h"
#include "store/sales_store.h"
#include "store/store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

using testing::At;

// Every analytics store test runs on both backends: the behaviour is the contract.
class AnalyticsStoreTest : public testing::BackendStoreTest {
 protected:
  AnalyticsStore& analytics() { return store_->Analytics(); }
  int64_t Customer_(const std::string& name, std::optional<int64_t> owner = std::nullopt,
                    std::optional<int64_t> potential = std::nullopt) {
    Customer c;
    c.name = name;
    c.owner_user_id = owner;
    c.purchase_potential = potential;
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  int64_t Order_(int64_t customer_id, int64_t total, UnixSeconds at, OrderStatus status,
                 std::vector<OrderLine> lines = {}) {
    Order o;
    o.customer_id = customer_id;
    o.total = total;
    o.ordered_at = at;
    o.status = status;
    o.lines = std::move(lines);
    o.created_at = o.updated_at = at;
    auto r = store_->Sales().CreateOrder(o, Audit("order", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  static CustomerMetric Metric(int64_t customer_id) {
    CustomerMetric m;
    m.customer_id = customer_id;
    m.computed_at = 2000;
    m.as_of = "2026-11-30";
    m.frequency = 3;
    m.monetary = 30000;
    m.recency_days = 12;
    m.r_score = 5;
    m.f_score = 4;
    m.m_score = 3;
    m.rfm_cell = "543";
    m.rfm_class = "important_value";
    m.tier = "general";
    m.cluster = 1;
    m.p_alive = 0.1 + 0.2;  // 0.30000000000000004: needs all 17 digits to survive
    m.expected_purchases = 1.0 / 3.0;
    m.expected_spend = 12345;
    m.clv = 99999;
    m.churn_risk = false;
    m.value_at_risk = 333;
    m.attack_defend = "defend";
    m.wallet_share = 2.0 / 7.0;
    m.revenue_365 = 20000;
    m.usual_interval_days = 45.5;
    m.recommendations = R"([{"code":"GX-TNR-01","name":"原装硒鼓（黑色）","score":0.48,"lift":2.37}])";
    return m;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, AnalyticsStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(AnalyticsStoreTest, EmptyDatabaseAfterMigrations) {
  EXPECT_EQ(*analytics().Settings(), "{}");
  auto latest = analytics().LatestRun();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_FALSE(latest->has_value());
  EXPECT_EQ(analytics().ReadPurchases()->size(), 0u);
  EXPECT_TRUE(analytics().AllCustomerIds()->empty());
  EXPECT_EQ(analytics().GetMetric(1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LatestSchemaVersion(), 5);
}

TEST_P(AnalyticsStoreTest, ReadPurchasesKeepsPlacedAndPaidOnly) {
  const int64_t a = Customer_("甲");
  const int64_t b = Customer_("乙");
  Customer_("丙 (no orders)");
  Product p;
  p.code = "P-1";
  p.name = "Tea";
  p.created_at = p.updated_at = 1000;
  auto product = store_->Sales().CreateProduct(p, Audit("product", "create"));
  ASSERT_TRUE(product.ok()) << product.status().ToString();
  OrderLine with_product{product->id, "Tea", 1, 500, 0};
  OrderLine without_product{std::nullopt, "misc", 1, 100, 0};
  const int64_t o1 = Order_(a, 600, At("2026-01-05"), OrderStatus::kPlaced, {with_product, without_product});
  Order_(a, 700, At("2026-02-05"), OrderStatus::kPaid);
  Order_(a, 800, At("2026-03-05"), OrderStatus::kRefunded, {with_product});
  Order_(b, 900, At("2026-04-05"), OrderStatus::kCancelled, {with_product});
  Order_(b, 1000, At("2026-05-05"), OrderStatus::kPaid);

  auto cols = analytics().ReadPurchases();
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  ASSERT_EQ(cols->size(), 3u);
  std::vector<std::tuple<int64_t, int64_t, int64_t>> rows;
  for (size_t i = 0; i < cols->size(); ++i) {
    rows.emplace_back(cols->customer_id[i], cols->ordered_at[i], cols->total_fen[i]);
  }
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows[0], std::make_tuple(a, At("2026-01-05"), int64_t{600}));
  EXPECT_EQ(rows[1], std::make_tuple(a, At("2026-02-05"), int64_t{700}));
  EXPECT_EQ(rows[2], std::make_tuple(b, At("2026-05-05"), int64_t{1000}));

  auto lines = analytics().ReadOrderLines();
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_EQ(lines->size(), 1u);  // the refunded and cancelled orders' lines and the productless line are out
  EXPECT_EQ(lines->order_id[0], o1);
  EXPECT_EQ(lines->customer_id[0], a);
  EXPECT_EQ(lines->product_id[0], product->id);
  EXPECT_EQ(lines->product_code.at(product->id), "P-1");
  EXPECT_EQ(lines->product_name.at(product->id), "Tea");
  EXPECT_EQ(analytics().AllCustomerIds()->size(), 3u);
}

TEST_P(AnalyticsStoreTest, PurchasePotentialRoundTripAndValidation) {
  Customer bad;
  bad.name = "x";
  bad.purchase_potential = -1;
  Status s = NormalizeCustomer(bad);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.ToString().find("purchase_potential"), std::string::npos) << s.ToString();
  bad.purchase_potential = kMaxPurchasePotential + 1;
  EXPECT_FALSE(NormalizeCustomer(bad).ok());
  bad.purchase_potential = kMaxPurchasePotential;
  EXPECT_TRUE(NormalizeCustomer(bad).ok());

  const int64_t a = Customer_("A", std::nullopt, 5'000'000);
  const int64_t b = Customer_("B");
  auto got = store_->GetCustomer(a);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->purchase_potential, 5'000'000);
  EXPECT_NE(CustomerToJson(*got).find("\"purchase_potential\":5000000"), std::string::npos);
  EXPECT_NE(CustomerToJson(*store_->GetCustomer(b)).find("\"purchase_potential\":null"), std::string::npos);
  EXPECT_EQ(*analytics().PurchasePotentials(), (std::vector<std::pair<int64_t, int64_t>>{{a, 5'000'000}}));

  got->purchase_potential.reset();
  auto updated = store_->UpdateCustomer(*got, Audit("customer", "update"));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_FALSE(store_->GetCustomer(a)->purchase_potential.has_value());
  Customer cb = *store_->GetCustomer(b);
  cb.purchase_potential = 0;
  ASSERT_TRUE(store_->UpdateCustomer(cb, Audit("customer", "update")).ok());
  EXPECT_EQ(store_->GetCustomer(b)->purchase_potential, 0);

  std::vector<Customer> bulk(2);
  bulk[0].name = "bulk0";
  bulk[0].purchase_potential = 42;
  bulk[1].name = "bulk1";
  for (auto& c : bulk) ASSERT_TRUE(NormalizeCustomer(c).ok());
  ASSERT_TRUE(store_->InsertCustomersBulk(bulk).ok());
  EXPECT_EQ(store_->GetCustomer(bulk[0].id)->purchase_potential, 42);
  EXPECT_FALSE(store_->GetCustomer(bulk[1].id)->purchase_potential.has_value());
}

TEST_P(AnalyticsStoreTest, ReplaceMetricsRoundTripAndReplacement) {
  const int64_t a = Customer_("A");
  const int64_t b = Customer_("B");
  CustomerMetric ma = Metric(a);
  CustomerMetric mb;  // a customer no model covers: everything optional NULL
  mb.customer_id = b;
  mb.computed_at = 2000;
  mb.as_of = "2026-11-30";
  mb.tier = "potential";
  CustomerMetric ghost = Metric(999999);  // no such customer: skipped
  ASSERT_TRUE(analytics().ReplaceMetrics(7, {ma, mb, ghost}).ok());

  ma.run_id = 7;
  mb.run_id = 7;
  auto got = analytics().GetMetric(a);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, ma);
  EXPECT_EQ(got->recommendations,
            R"([{"code":"GX-TNR-01","name":"原装硒鼓（黑色）","score":0.48,"lift":2.37}])");
  EXPECT_EQ(*analytics().GetMetric(b), mb);
  EXPECT_EQ(analytics().GetMetric(b)->recommendations, "");  // NULL
  EXPECT_EQ(analytics().GetMetric(999999).status().code(), StatusCode::kNotFound);
  auto both = analytics().MetricsFor({a, b, 12345});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
  EXPECT_EQ(both->at(a).p_alive, 0.1 + 0.2);

  CustomerMetric mb2 = Metric(b);
  mb2.clv = 5;
  mb2.churn_risk = true;
  ASSERT_TRUE(analytics().ReplaceMetrics(8, {mb2}).ok());
  EXPECT_EQ(analytics().GetMetric(a).status().code(), StatusCode::kNotFound);
  auto b2 = analytics().GetMetric(b);
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ(b2->run_id, 8);
  EXPECT_EQ(b2->clv, 5);
  EXPECT_EQ(b2->churn_risk, true);

  // Deleting a customer takes its metric row along.
  ASSERT_TRUE(store_->DeleteCustomer(b, Audit("customer", "delete")).ok());
  EXPECT_EQ(analytics().GetMetric(b).status().code(), StatusCode::kNotFound);
}

TEST_P(AnalyticsStoreTest, ReplaceMetricsBulk) {
  std::vector<Customer> customers(5000);
  for (size_t i = 0; i < customers.size(); ++i) {
    customers[i].name = "c" + std::to_string(i);
    ASSERT_TRUE(NormalizeCustomer(customers[i]).ok());
  }
  ASSERT_TRUE(store_->InsertCustomersBulk(customers).ok());
  std::vector<CustomerMetric> rows;
  for (const auto& c : customers) {
    CustomerMetric m = Metric(c.id);
    m.clv = c.id * 3;
    rows.push_back(m);
  }
  ASSERT_TRUE(analytics().ReplaceMetrics(1, rows).ok());
  ASSERT_TRUE(analytics().ReplaceMetrics(2, rows).ok());
  auto last = analytics().GetMetric(customers.back().id);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->clv, customers.back().id * 3);
  EXPECT_EQ(last->run_id, 2);
  MetricListQuery q;
  q.limit = 100000;
  EXPECT_EQ(analytics().TopClv(q)->size(), customers.size());
}

TEST_P(AnalyticsStoreTest, StartRunOncePerScheduleKeyAcrossStores) {
  const int64_t u = User_("analyst");
  // Several store instances on one database (replicas) race for the same key.
  std::vector<std::unique_ptr<Store>> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(db_->Open());
    ASSERT_TRUE(replicas.back());
  }
  for (int round = 0; round < 5; ++round) {
    const std::string key = "2026-11-" + std::to_string(10 + round);
    std::atomic<int> winners{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (size_t i = 0; i < replicas.size(); ++i) {
      threads.emplace_back([&, i] {
        AnalyticsRun run;
        run.started_at = 5000;
        run.trigger = "schedule";
        run.schedule_key = key;
        run.as_of = key;
        auto id = replicas[i]->Analytics().StartRun(run, AuditEntry{});
        if (!id.ok()) ++errors;
        else if (id->has_value()) ++winners;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(winners.load(), 1) << key;
  }
  for (auto& r : replicas) r->Close();

  AnalyticsRun manual;
  manual.started_at = 6000;
  manual.trigger = "manual";
  manual.user_id = u;
  manual.as_of = "2026-11-30";
  manual.settings = R"({"k":4})";
  auto m1 = analytics().StartRun(manual, Audit("analytics_run", "create"));
  auto m2 = analytics().StartRun(manual, Audit("analytics_run", "create"));
  ASSERT_TRUE(m1.ok() && m2.ok());
  ASSERT_TRUE(m1->has_value() && m2->has_value());  // manual runs have no key: both inserted
  EXPECT_NE(**m1, **m2);
  EXPECT_FALSE(analytics().LatestRun()->has_value());  // none finished yet
  ASSERT_TRUE(analytics().FinishRun(**m1, 7000, R"({"summary":{"customers":3}})").ok());
  EXPECT_EQ(analytics().FinishRun(424242, 7000, "{}").code(), StatusCode::kNotFound);
  auto latest = analytics().LatestRun();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, **m1);
  EXPECT_EQ((*latest)->trigger, "manual");
  EXPECT_EQ((*latest)->user_id, u);
  EXPECT_EQ((*latest)->settings, R"({"k":4})");
  EXPECT_EQ((*latest)->report, R"({"summary":{"customers":3}})");
  EXPECT_EQ((*latest)->finished_at, 7000);
  EXPECT_FALSE((*latest)->schedule_key.has_value());
  auto audit = store_->ListAudit({"analytics_run", **m1, "", 10});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->items.size(), 1u);
}

TEST_P(AnalyticsStoreTest, SettingsRoundTrip) {
  ASSERT_TRUE(analytics().SaveSettings(R"({"model":"bgnbd","k":4,"potential_threshold":null})",
                                       Audit("analytics_setting", "update")).ok());
  EXPECT_EQ(*analytics().Settings(), R"({"k":4,"model":"bgnbd","potential_threshold":null})");
  ASSERT_TRUE(analytics().SaveSettings(R"({"horizon":26})", Audit("analytics_setting", "update")).ok());
  EXPECT_EQ(*analytics().Settings(), R"({"horizon":26})");
  EXPECT_EQ(analytics().SaveSettings("[1]", Audit("analytics_setting", "update")).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*analytics().Settings(), R"({"horizon":26})");
}

TEST_P(AnalyticsStoreTest, PerCustomerListsRespectScopeAndOrder) {
  const int64_t rep = User_("rep");
  const int64_t other = User_("other");
  const int64_t a = Customer_("A", rep, 100000);
  const int64_t b = Customer_("B", other);
  const int64_t c = Customer_("C", rep);
  const int64_t archived = Customer_("Z", rep);
  Customer z = *store_->GetCustomer(archived);
  z.archived = true;
  ASSERT_TRUE(store_->UpdateCustomer(z, Audit("customer", "archive")).ok());
  CustomerMetric ma = Metric(a), mb = Metric(b), mc = Metric(c), mz = Metric(archived);
  ma.churn_risk = true;
  ma.value_at_risk = 100;
  mb.churn_risk = true;
  mb.value_at_risk = 900;
  mc.churn_risk = true;
  mc.value_at_risk.reset();
  mz.churn_risk = true;
  ma.clv = 10;
  mb.clv = 30;
  mc.clv = 30;
  mc.attack_defend.clear();
  ASSERT_TRUE(analytics().ReplaceMetrics(1, {ma, mb, mc, mz}).ok());
  Task t;
  t.customer_id = a;
  t.title = "call";
  t.due_day = "2026-12-01";
  auto task = store_->Tasks().CreateTask(t, Audit("task", "create"));
  ASSERT_TRUE(task.ok());

  MetricListQuery all;
  auto churn = analytics().ChurnList(all);
  ASSERT_TRUE(churn.ok()) << churn.status().ToString();
  ASSERT_EQ(churn->size(), 3u);
  EXPECT_EQ((*churn)[0].metric.customer_id, b);
  EXPECT_EQ((*churn)[1].metric.customer_id, a);
  EXPECT_EQ((*churn)[2].metric.customer_id, c);  // NULL value at risk last
  EXPECT_EQ((*churn)[1].open_task_id, task->id);
  EXPECT_EQ((*churn)[1].customer_name, "A");
  EXPECT_EQ((*churn)[1].owner_user_id, rep);
  EXPECT_EQ((*churn)[1].purchase_potential, 100000);
  EXPECT_FALSE((*churn)[0].open_task_id.has_value());

  MetricListQuery mine;
  mine.scope = {VisibilityScope::Kind::kOwner, rep};
  EXPECT_EQ(analytics().ChurnList(mine)->size(), 2u);
  MetricListQuery theirs;
  theirs.owner_user_id = other;
  EXPECT_EQ(analytics().ChurnList(theirs)->size(), 1u);

  auto top = analytics().TopClv(all);
  ASSERT_EQ(top->size(), 3u);
  EXPECT_EQ((*top)[0].metric.customer_id, b);  // tie on 30: lower id first
  EXPECT_EQ((*top)[1].metric.customer_id, c);
  EXPECT_EQ((*top)[2].metric.customer_id, a);
  all.limit = 1;
  EXPECT_EQ(analytics().TopClv(all)->size(), 1u);
  all.limit = 100;
  auto points = analytics().AttackDefendPoints(all);
  ASSERT_EQ(points->size(), 2u);
  EXPECT_EQ((*points)[0].metric.customer_id, a);
  EXPECT_EQ((*points)[1].metric.customer_id, b);
}

// The customer list's metric filters and sorts, paged through with cursors.
TEST_P(AnalyticsStoreTest, CustomerListMetricFiltersAndSorts) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(Customer_("客户" + std::to_string(i)));
  std::vector<CustomerMetric> rows;
  for (int i = 0; i < 24; ++i) {  // the last 6 customers have no metric row
    CustomerMetric m = Metric(ids[i]);
    m.clv = (i % 5 == 4) ? std::nullopt : std::optional<int64_t>((i % 4) * 1000);  // ties and NULLs
    m.p_alive = (i % 6 == 5) ? std::nullopt : std::optional<double>(0.1 * (i % 3) + 1e-17 * i);
    m.value_at_risk = (i % 7 == 0) ? std::nullopt : std::optional<int64_t>(i % 3);
    m.rfm_class = i % 2 ? "important_value" : "general_win_back";
    m.tier = i < 3 ? "strategic" : "general";
    m.churn_risk = i % 3 == 0;
    m.cluster = i % 4;
    m.attack_defend = i % 2 ? "attack" : "defend";
    rows.push_back(m);
  }
  ASSERT_TRUE(analytics().ReplaceMetrics(1, rows).ok());
  std::map<int64_t, CustomerMetric> by_id;
  for (const auto& m : rows) by_id[m.customer_id] = m;

  auto page_all = [&](CustomerQuery q) {
    std::vector<int64_t> out;
    for (int guard = 0; guard < 100; ++guard) {
      auto p = store_->ListCustomers(q);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (!p.ok()) break;
      for (const auto& c : p->items) out.push_back(c.id);
      if (!p->next) break;
      q.after = *p->next;
    }
    return out;
  };
  // The expected order: rows with the value by (value, id) in the sort's
  // direction, then every other customer by id in the same direction.
  auto expected = [&](auto value, bool descending) {
    std::vector<std::pair<double, int64_t>> with;
    std::vector<int64_t> without;
    for (int64_t id : ids) {
      auto it = by_id.find(id);
      std::optional<double> v = it == by_id.end() ? std::nullopt : value(it->second);
      if (v) with.emplace_back(*v, id); else without.push_back(id);
    }
    std::sort(with.begin(), with.end());
    std::sort(without.begin(), without.end());
    if (descending) {
      std::reverse(with.begin(), with.end());
      std::reverse(without.begin(), without.end());
    }
    std::vector<int64_t> out;
    for (const auto& [v, id] : with) out.push_back(id);
    out.insert(out.end(), without.begin(), without.end());
    return out;
  };
  auto as_double = [](const std::optional<int64_t>& v) {
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
  };
  for (int limit : {1, 4, 7, 50}) {
    CustomerQuery q;
    q.limit = limit;
    q.sort = CustomerSort::kClvDesc;
    EXPECT_EQ(page_all(q), expected([&](const CustomerMetric& m) { return as_double(m.clv); }, true))
        << "clv, limit " << limit;
    q.sort = CustomerSort::kPAliveAsc;
    EXPECT_EQ(page_all(q), expected([](const CustomerMetric& m) { return m.p_alive; }, false))
        << "p_alive, limit " << limit;
    q.sort = CustomerSort::kValueAtRiskDesc;
    EXPECT_EQ(page_all(q), expected([&](const CustomerMetric& m) { return as_double(m.value_at_risk); }, true))
        << "value_at_risk, limit " << limit;
  }

  auto count = [&](auto set) {
    CustomerQuery q;
    q.limit = 100;
    set(q);
    return page_all(q).size();
  };
  auto matching = [&](auto pred) {
    size_t n = 0;
    for (const auto& m : rows) n += pred(m) ? 1 : 0;
    return n;
  };
  EXPECT_EQ(count([](CustomerQuery& q) { q.rfm_class = "important_value"; }), 12u);
  EXPECT_EQ(count([](CustomerQuery& q) { q.tier = "strategic"; }), 3u);
  EXPECT_EQ(count([](CustomerQuery& q) { q.p_alive_lt = 0.15; }),
            matching([](const CustomerMetric& m) { return m.p_alive && *m.p_alive < 0.15; }));
  EXPECT_EQ(count([](CustomerQuery& q) { q.churn_risk = true; }), 8u);
  EXPECT_EQ(count([](CustomerQuery& q) { q.churn_risk = false; }), 16u);
  EXPECT_EQ(count([](CustomerQuery& q) { q.cluster = 2; }), 6u);
  EXPECT_EQ(count([](CustomerQuery& q) { q.attack_defend = "attack"; }), 12u);
  EXPECT_EQ(count([](CustomerQuery& q) {
              q.tier = "general";
              q.churn_risk = true;
              q.sort = CustomerSort::kClvDesc;
              q.limit = 2;
            }),
            matching([](const CustomerMetric& m) { return m.tier == "general" && m.churn_risk == true; }));

  CustomerQuery wrong;
  wrong.sort = CustomerSort::kClvDesc;
  CustomerQuery by_name;
  by_name.sort = CustomerSort::kPAliveAsc;
  by_name.limit = 2;
  wrong.after = *store_->ListCustomers(by_name)->next;  // a p_alive cursor
  EXPECT_EQ(store_->ListCustomers(wrong).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(AnalyticsStoreTest, CopyCarriesAnalyticsTables) {
  const int64_t u = User_("analyst");
  const int64_t a = Customer_("A", u, 777);
  ASSERT_TRUE(analytics().ReplaceMetrics(3, {Metric(a)}).ok());
  AnalyticsRun run;
  run.started_at = 10;
  run.trigger = "schedule";
  run.schedule_key = "2026-11-30";
  run.as_of = "2026-11-30";
  auto id = analytics().StartRun(run, AuditEntry{});
  ASSERT_TRUE(id.ok() && id->has_value());
  ASSERT_TRUE(analytics().FinishRun(**id, 20, R"({"x":1})").ok());
  ASSERT_TRUE(analytics().SaveSettings(R"({"k":5})", Audit("analytics_setting", "update")).ok());
  Task t;
  t.customer_id = a;
  t.title = "call";
  t.due_day = "2026-12-01";
  ASSERT_TRUE(store_->Tasks().CreateTask(t, Audit("task", "create")).ok());

  auto check = [&](Store& copy) {
    CustomerMetric expected = Metric(a);
    expected.run_id = 3;
    auto m = copy.Analytics().GetMetric(a);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(*m, expected);
    EXPECT_EQ(copy.GetCustomer(a)->purchase_potential, 777);
    EXPECT_EQ((*copy.Analytics().LatestRun())->report, R"({"x":1})");
    EXPECT_EQ(*copy.Analytics().Settings(), R"({"k":5})");
    EXPECT_EQ(copy.Tasks().ListTasks({})->items.size(), 1u);
    // The schedule key stays taken; ids continue after the copied ones.
    auto again = copy.Analytics().StartRun(run, AuditEntry{});
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->has_value());
    run.schedule_key = "2026-12-01";
    auto next = copy.Analytics().StartRun(run, AuditEntry{});
    run.schedule_key = "2026-11-30";
    ASSERT_TRUE(next.ok() && next->has_value());
    EXPECT_GT(**next, **id);
  };
  // To SQLite; from an SQLite source on to PostgreSQL as well (when a cluster
  // is available): REAL columns must come through both directions bit for bit.
  testing::TempDir dir;
  auto lite = testing::OpenTestStore(dir.File("copy.db"));
  ASSERT_TRUE(lite);
  std::vector<TableCopyReport> report;
  Status s = CopyStore(*store_, *lite, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const char* table : {"customer_metric", "analytics_run", "analytics_setting", "task"}) {
    auto it = std::find_if(report.begin(), report.end(), [&](const auto& r) { return r.table == table; });
    ASSERT_NE(it, report.end()) << table;
    EXPECT_EQ(it->destination_rows, 1) << table;
    EXPECT_TRUE(it->matches()) << table;
  }
  if (GetParam() == "sqlite" && !testing::TestPostgresBase().empty()) {
    testing::TestDatabase pg("postgresql");
    auto pg_store = pg.Open();
    ASSERT_TRUE(pg_store);
    s = CopyStore(*lite, *pg_store, nullptr);
    ASSERT_TRUE(s.ok()) << s.ToString();
    check(*pg_store);
    pg_store->Close();
  }
  check(*lite);
  lite->Close();
}

}  // namespace
}  // namespace guanxi
