// AnalyticsService on a small seeded store, both backends: the customer_metric rows
// equal the library's results on the same columns, the report's customer equity is
// the sum of the rows' CLV, permissions, settings validation, and the scheduler running
// the nightly run once for two servers sharing a database, and the basket rules'
// recommendations kept per customer.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "analytics/clv.h"
#include "analytics/rfm.h"
#include "analytics/tiers.h"
#include "domain/sales.h"
#include "service/analytics_service.h"
#include "service/pipeline_service.h"
#include "service/relationship_services.h"
#include "service/scheduler.h"
#include "service/server_jobs.h"
#include "service/task_service.h"
#include "store/analytics_store.h"
#include "store/job_store.h"
#include "store/sales_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

constexpr char kToday[] = "2026-11-30";
constexpr int kBuyers = 30;
constexpr int kWithoutOrders = 3;

AuditEntry Audit(const char* entity) {
  AuditEntry a;
  a.at = 1000;
  a.user_login = "test";
  a.entity = entity;
  a.action = "create";
  return a;
}

class AnalyticsServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    GX_SKIP_WITHOUT_BACKEND(GetParam());
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    store_ = db_->Open();
    ASSERT_TRUE(store_);
    // 10:00 in Shanghai on kToday.
    clock_ = std::make_unique<testing::FakeClock>(StartOfBusinessDay(kToday) + 10 * 3600);
    User u;
    u.login = "someone";
    u.display_name = "someone";
    u.password_hash = "x";
    auto created = store_->CreateUser(u, Audit("user"));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    user_id_ = created->id;
  }
  // The signed-in user with `role` (runs and audit rows name an existing user).
  Principal As(Role role) const { return Principal{user_id_, "someone", role, std::nullopt}; }
  void TearDown() override {
    if (store_) store_->Close();
  }

  // kBuyers customers with 1..6 orders at varied intervals and amounts (some long
  // ago, so some are at churn risk), every fourth with a purchase potential, and
  // kWithoutOrders customers without any order; plus one refunded order.
  void Seed() {
    for (int i = 0; i < kBuyers + kWithoutOrders; ++i) {
      Customer c;
      c.name = "分析客户" + std::to_string(i);
      if (i % 4 == 0) c.purchase_potential = 500000 + 100000 * i;
      c.created_at = c.updated_at = 1000;
      ASSERT_TRUE(NormalizeCustomer(c).ok());
      auto created = store_->CreateCustomer(c, Audit("customer"));
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      ids_.push_back(created->id);
      if (i >= kBuyers) continue;
      const int orders = 1 + i % 6;
      const int step = 6 + 5 * (i % 7);
      const int last = (i * 37) % 400;
      for (int k = 0; k < orders; ++k) {
        Order o;
        o.customer_id = created->id;
        o.total = 5000 + 1700 * ((i * 3 + k * 5) % 11);
        o.ordered_at = StartOfBusinessDay(AddDays(kToday, -(last + k * step))) + 9 * 3600;
        o.created_at = o.updated_at = o.ordered_at;
        auto r = store_->Sales().CreateOrder(o, Audit("order"));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
      }
    }
    Order refund;
    refund.customer_id = ids_[0];
    refund.total = 9'999'900;
    refund.status = OrderStatus::kRefunded;
    refund.ordered_at = StartOfBusinessDay(AddDays(kToday, -1));
    refund.created_at = refund.updated_at = refund.ordered_at;
    ASSERT_TRUE(store_->Sales().CreateOrder(refund, Audit("order")).ok());
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<testing::FakeClock> clock_;
  std::vector<int64_t> ids_;
  int64_t user_id_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, AnalyticsServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(AnalyticsServiceTest, RecomputeRowsEqualTheLibraryOnTheSameColumns) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  AnalyticsService service(*store_, *clock_);
  ASSERT_EQ(service.Recompute(As(Role::kSales)).status().code(), StatusCode::kPermissionDenied);
  ASSERT_EQ(service.Recompute(As(Role::kManager)).status().code(), StatusCode::kPermissionDenied);
  auto run = service.Recompute(As(Role::kAnalyst));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->as_of, kToday);
  EXPECT_EQ(run->trigger, "manual");
  ASSERT_TRUE(run->finished_at.has_value());

  // The library on the same columns.
  auto tx = LoadTransactions(*store_);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  ASSERT_EQ(tx->customer_count(), static_cast<size_t>(kBuyers + kWithoutOrders));
  const int32_t as_of = *analytics::DayFromIso(kToday);
  const analytics::CustomerSummary summary = analytics::Summarize(*tx, as_of);
  const analytics::RfmResult rfm = analytics::ScoreRfm(summary);
  std::vector<int64_t> revenue_365(tx->customer_count(), 0);
  for (size_t r = 0; r < tx->size(); ++r) {
    if (tx->day[r] > as_of - 365 && tx->day[r] <= as_of) revenue_365[tx->customer[r]] += tx->amount_fen[r];
  }
  std::vector<bool> has_purchase;
  for (int32_t p : summary.purchases) has_purchase.push_back(p > 0);
  const analytics::TierResult tiers = analytics::AssignValueTiers(revenue_365, has_purchase, {});
  const analytics::BtydData btyd =
      analytics::BtydStatistics(*tx, {.calibration_end_day = as_of, .holdout_end_day = std::nullopt,
                                      .unit = analytics::TimeUnit::kWeek});
  const analytics::PurchaseModel model =
      analytics::FitPurchaseModel(analytics::PurchaseModelKind::kBgNbd, btyd);
  const analytics::ClvResult clv = analytics::ComputeClv(model, nullptr, btyd, {});
  std::vector<double> p_alive(tx->customer_count(), -1);
  for (size_t r = 0; r < btyd.size(); ++r) p_alive[btyd.customer[r]] = clv.p_alive[r];

  int64_t clv_sum = 0;
  size_t at_risk = 0;
  for (size_t i = 0; i < tx->customer_count(); ++i) {
    const int64_t id = std::stoll(tx->customer_keys[i]);
    auto m = store_->Analytics().GetMetric(id);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    SCOPED_TRACE("customer " + std::to_string(id));
    EXPECT_EQ(m->run_id, run->id);
    EXPECT_EQ(m->frequency, summary.purchases[i]);
    EXPECT_EQ(m->monetary, summary.total_fen[i]);
    EXPECT_EQ(m->tier, analytics::ValueTierKey(tiers.tier[i]));
    if (rfm.rfm_class[i]) {
      EXPECT_EQ(m->rfm_class, analytics::RfmClassKey(*rfm.rfm_class[i]));
      EXPECT_EQ(m->r_score, rfm.r[i]);
      EXPECT_EQ(m->f_score, rfm.f[i]);
      EXPECT_EQ(m->m_score, rfm.m[i]);
      EXPECT_EQ(m->recency_days, summary.recency_days[i]);
      ASSERT_TRUE(m->p_alive.has_value());
      EXPECT_NEAR(*m->p_alive, p_alive[i], 1e-9);
      ASSERT_TRUE(m->clv.has_value());
      clv_sum += *m->clv;
    } else {
      EXPECT_EQ(m->rfm_class, "");
      EXPECT_EQ(m->tier, "potential");
      EXPECT_FALSE(m->clv.has_value());
      EXPECT_FALSE(m->p_alive.has_value());
    }
    if (m->churn_risk.value_or(false)) ++at_risk;
  }
  EXPECT_EQ(summary.purchases[0], 1) << "the refunded order is no purchase";

  rapidjson::Document report;
  report.Parse(run->report.c_str());
  ASSERT_FALSE(report.HasParseError());
  EXPECT_EQ(report["summary"]["customers"].GetInt(), kBuyers + kWithoutOrders);
  EXPECT_EQ(report["summary"]["buyers"].GetInt(), kBuyers);
  ASSERT_TRUE(report["clv"].IsObject());
  ASSERT_TRUE(report["clv"]["customer_equity"].IsInt64());
  EXPECT_EQ(report["clv"]["customer_equity"].GetInt64(), clv_sum);
  EXPECT_GT(clv_sum, 0);
  EXPECT_EQ(report["churn"]["at_risk"].GetUint64(), at_risk);
  EXPECT_GT(at_risk, 0u);
  int class_total = 0;
  for (const auto& c : report["rfm"]["classes"].GetArray()) class_total += c["count"].GetInt();
  EXPECT_EQ(class_total, kBuyers);
  int tier_total = 0;
  for (const auto& t : report["tiers"].GetArray()) tier_total += t["count"].GetInt();
  EXPECT_EQ(tier_total, kBuyers + kWithoutOrders);

  // The latest run is this one; its visibility-filtered lists answer.
  auto latest = service.LatestRun();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->id, run->id);
  auto churn = service.Churn(As(Role::kAdmin), "", 1000);
  ASSERT_TRUE(churn.ok()) << churn.status().ToString();
  EXPECT_EQ(churn->size(), at_risk);
  for (size_t k = 1; k < churn->size(); ++k) {
    EXPECT_GE((*churn)[k - 1].row.metric.value_at_risk.value_or(0),
              (*churn)[k].row.metric.value_at_risk.value_or(0));
  }
}

TEST_P(AnalyticsServiceTest, SettingsValidationAndPermissions) {
  AnalyticsService service(*store_, *clock_);
  auto s = service.Settings();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(AnalyticsSettingsJson(*s),
            "{\"model\":\"bgnbd\",\"time_unit\":\"week\",\"horizon\":52,\"discount_rate\":0.12,"
            "\"margin\":1.0,\"strategic_share\":0.05,\"important_share\":0.2,"
            "\"p_alive_threshold\":0.3,\"gap_multiple\":2.0,\"k\":4,\"share_threshold\":0.5,"
            "\"potential_threshold\":null,\"schedule_hour\":2}");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"k":11})", "k"},
      {R"({"k":2.5})", "k"},
      {R"({"model":"arima"})", "model"},
      {R"({"time_unit":"month"})", "time_unit"},
      {R"({"horizon":0})", "horizon"},
      {R"({"discount_rate":1})", "discount_rate"},
      {R"({"strategic_share":0.3})", "important_share"},
      {R"({"p_alive_threshold":0})", "p_alive_threshold"},
      {R"({"gap_multiple":0.5})", "gap_multiple"},
      {R"({"potential_threshold":0})", "potential_threshold"},
      {R"({"schedule_hour":-1})", "schedule_hour"},
      {R"({"unknown":1})", "unknown"},
  };
  for (const auto& [json, field] : bad) {
    AnalyticsSettings t;
    Status st = ReadAnalyticsSettings(json, t);
    ASSERT_EQ(st.code(), StatusCode::kInvalidArgument) << json;
    ASSERT_FALSE(st.fields().empty()) << json;
    EXPECT_EQ(st.fields()[0].field, field) << json;
  }
  AnalyticsSettings changed = *s;
  changed.model = analytics::PurchaseModelKind::kParetoNbd;
  changed.potential_threshold_fen = 1'000'000;
  EXPECT_EQ(service.UpdateSettings(As(Role::kSales), changed).status().code(), StatusCode::kPermissionDenied);
  auto saved = service.UpdateSettings(As(Role::kAnalyst), changed);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->model, analytics::PurchaseModelKind::kParetoNbd);
  EXPECT_EQ(saved->potential_threshold_fen, 1'000'000);
  EXPECT_EQ(AnalyticsSettingsJson(*service.Settings()), AnalyticsSettingsJson(changed));
}

TEST_P(AnalyticsServiceTest, SchedulerRunsTheNightlyRunOnceForTwoServers) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  // Two servers: their own store connections, services and schedulers on one database.
  std::unique_ptr<Store> other = db_->Open();
  ASSERT_TRUE(other);
  clock_ = std::make_unique<testing::FakeClock>(StartOfBusinessDay(kToday) + 1 * 3600 + 50 * 60);
  AnalyticsService a(*store_, *clock_);
  AnalyticsService b(*other, *clock_);
  PipelineService pipeline_a(*store_, *clock_);
  PipelineService pipeline_b(*other, *clock_);
  TaskService tasks_a(*store_, *clock_);
  TaskService tasks_b(*other, *clock_);
  RelationshipServices rel_a(*store_, *clock_, tasks_a);
  RelationshipServices rel_b(*other, *clock_, tasks_b);
  SchedulerOptions oa;
  oa.instance = "server-a";
  SchedulerOptions ob;
  ob.instance = "server-b";
  Scheduler sched_a(*store_, *clock_, oa);
  Scheduler sched_b(*other, *clock_, ob);
  ServerJobOptions no_warmup;
  no_warmup.analytics_warmup = std::chrono::seconds(0);
  RegisterServerJobs(sched_a, a, pipeline_a, rel_a, no_warmup);
  RegisterServerJobs(sched_b, b, pipeline_b, rel_b, no_warmup);
  auto analytics_jobs = [&]() {
    JobQuery q;
    q.kind = "analytics";
    auto page = store_->Jobs().ListJobs(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<Job>{};
  };

  // 01:50: before schedule_hour 2, nobody runs.
  ASSERT_TRUE(sched_a.RunDue().ok());
  ASSERT_TRUE(sched_b.RunDue().ok());
  EXPECT_EQ(a.LatestRun().status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(analytics_jobs().empty());

  // 02:00: the first to poll runs it; the other finds the job done.
  clock_->Advance(10 * 60);
  ASSERT_TRUE(sched_b.RunDue().ok());
  ASSERT_TRUE(sched_a.RunDue().ok());
  ASSERT_TRUE(sched_b.RunDue().ok());
  auto first = a.LatestRun();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->trigger, "schedule");
  EXPECT_EQ(first->schedule_key, std::optional<std::string>(kToday));
  EXPECT_EQ(first->as_of, kToday);
  auto jobs = analytics_jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].key, std::string("analytics:") + kToday);
  EXPECT_EQ(jobs[0].status, "done");
  EXPECT_EQ(jobs[0].attempts, 1);
  EXPECT_EQ(jobs[0].run_after, StartOfBusinessDay(kToday) + 2 * 3600);

  // The next day, once again exactly once.
  clock_->Advance(24 * 3600);
  ASSERT_TRUE(sched_a.RunDue().ok());
  ASSERT_TRUE(sched_b.RunDue().ok());
  auto second = b.LatestRun();
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second->id, first->id);
  EXPECT_EQ(second->schedule_key, std::optional<std::string>(AddDays(kToday, 1)));
  jobs = analytics_jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].status, "done");
  EXPECT_EQ(jobs[0].attempts, 1);
  other->Close();
}

TEST_P(AnalyticsServiceTest, StartupJobRunsTheInitialRunOnce) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  // 01:00: before the nightly slot, so only the start-up job can compute.
  clock_ = std::make_unique<testing::FakeClock>(StartOfBusinessDay(kToday) + 1 * 3600);
  AnalyticsService analytics(*store_, *clock_);
  PipelineService pipeline(*store_, *clock_);
  TaskService tasks(*store_, *clock_);
  RelationshipServices rel(*store_, *clock_, tasks);
  Scheduler sched(*store_, *clock_);
  ServerJobOptions no_warmup;
  no_warmup.analytics_warmup = std::chrono::seconds(0);
  RegisterServerJobs(sched, analytics, pipeline, rel, no_warmup);
  ASSERT_TRUE(EnqueueStartupJobs(sched, analytics, *clock_).ok());
  ASSERT_TRUE(sched.RunDue().ok());
  auto run = analytics.LatestRun();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->schedule_key, std::optional<std::string>(kInitialScheduleKey));
  // A restart with a run in place queues nothing more.
  clock_->Advance(60);
  ASSERT_TRUE(EnqueueStartupJobs(sched, analytics, *clock_).ok());
  JobQuery q;
  q.kind = "analytics";
  auto jobs = store_->Jobs().ListJobs(q);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->items.size(), 1u);
  EXPECT_EQ(jobs->items[0].status, "done");
  EXPECT_EQ(jobs->items[0].result, "{\"ran\":true,\"run_id\":" + std::to_string(run->id) + "}");
}

TEST_P(AnalyticsServiceTest, InitialRunOnlyWithOrdersAndNoRun) {
  AnalyticsService service(*store_, *clock_);
  auto none = service.RunInitialIfNone();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value()) << "no orders: nothing to compute";
  ASSERT_NO_FATAL_FAILURE(Seed());
  auto first = service.RunInitialIfNone();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->schedule_key, std::optional<std::string>(kInitialScheduleKey));
  auto again = service.RunInitialIfNone();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

// Eight customers buy a printer with its toner, one the printer alone, four only
// paper (besides the seeded orders, which have no lines and so make no basket):
// the rule printer → toner (confidence 8/9, lift 13/9) makes the toner the lone
// printer buyer's recommendation, and nobody is offered what they bought.
TEST_P(AnalyticsServiceTest, RecommendationsFromBasketRules) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  auto product = [&](const char* code, const char* name) {
    Product p;
    p.code = code;
    p.name = name;
    p.list_price = 1000;
    p.created_at = p.updated_at = 1000;
    auto r = store_->Sales().CreateProduct(p, Audit("product"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  };
  const int64_t printer = product("GX-PRN-01", "激光打印机");
  const int64_t toner = product("GX-TNR-01", "原装硒鼓（黑色）");
  const int64_t paper = product("GX-PPR-01", "复印纸");
  std::map<int64_t, std::set<std::string>> bought;  // by customer id: product codes
  auto buyer = [&](int i, std::vector<std::pair<int64_t, const char*>> items) {
    Customer c;
    c.name = "购物篮客户" + std::to_string(i);
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto created = store_->CreateCustomer(c, Audit("customer"));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return int64_t{0};
    Order o;
    o.customer_id = created->id;
    o.status = OrderStatus::kPaid;
    for (const auto& [id, code] : items) {
      o.lines.push_back(OrderLine{id, code, 1, 1000, 0});
      o.total += 1000;
      bought[created->id].insert(code);
    }
    o.ordered_at = StartOfBusinessDay(AddDays(kToday, -(10 + i))) + 9 * 3600;
    o.created_at = o.updated_at = o.ordered_at;
    auto r = store_->Sales().CreateOrder(o, Audit("order"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return created->id;
  };
  for (int i = 0; i < 8; ++i) buyer(i, {{printer, "GX-PRN-01"}, {toner, "GX-TNR-01"}});
  const int64_t lone = buyer(8, {{printer, "GX-PRN-01"}});
  for (int i = 9; i < 13; ++i) buyer(i, {{paper, "GX-PPR-01"}});

  AnalyticsService service(*store_, *clock_);
  auto run = service.Recompute(As(Role::kAnalyst));
  ASSERT_TRUE(run.ok()) << run.status().ToString();

  auto m = store_->Analytics().GetMetric(lone);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  rapidjson::Document recs;
  recs.Parse(m->recommendations.c_str());
  ASSERT_FALSE(recs.HasParseError()) << m->recommendations;
  ASSERT_TRUE(recs.IsArray());
  ASSERT_EQ(recs.Size(), 1u) << m->recommendations;
  EXPECT_STREQ(recs[0]["code"].GetString(), "GX-TNR-01");
  EXPECT_EQ(std::string(recs[0]["name"].GetString()), "原装硒鼓（黑色）");
  EXPECT_NEAR(recs[0]["score"].GetDouble(), 8.0 / 9.0, 1e-4);
  EXPECT_NEAR(recs[0]["lift"].GetDouble(), 13.0 / 9.0, 1e-4);

  for (const auto& [id, codes] : bought) {
    auto row = store_->Analytics().GetMetric(id);
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    if (row->recommendations.empty()) continue;  // NULL: nothing to offer
    rapidjson::Document doc;
    doc.Parse(row->recommendations.c_str());
    ASSERT_TRUE(!doc.HasParseError() && doc.IsArray()) << row->recommendations;
    EXPECT_LE(doc.Size(), 3u);
    for (const auto& item : doc.GetArray()) {
      EXPECT_EQ(codes.count(item["code"].GetString()), 0u)
          << "customer " << id << " is offered " << item["code"].GetString() << ", which they bought";
    }
  }
}

}  // namespace
}  // namespace guanxi

namespace guanxi {
namespace {

// Nobody has bought twice: the purchase model still fits, the spend model cannot (no
// repeat purchases to learn spend from), so the run finishes without CLV instead of
// failing.
TEST_P(AnalyticsServiceTest, RunWithoutRepeatCustomersHasNoSpendModel) {
  for (int i = 0; i < 8; ++i) {
    Customer c;
    c.name = "单次客户" + std::to_string(i);
    c.created_at = c.updated_at = 1000;
    ASSERT_TRUE(NormalizeCustomer(c).ok());
    auto created = store_->CreateCustomer(c, Audit("customer"));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    Order o;
    o.customer_id = created->id;
    o.total = 10000 + 1000 * i;
    o.ordered_at = StartOfBusinessDay(AddDays(kToday, -(10 + 20 * i))) + 9 * 3600;
    o.created_at = o.updated_at = o.ordered_at;
    ASSERT_TRUE(store_->Sales().CreateOrder(o, Audit("order")).ok());
  }
  AnalyticsService service(*store_, *clock_);
  auto run = service.Recompute(As(Role::kAnalyst));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  rapidjson::Document report;
  report.Parse(run->report.c_str());
  ASSERT_FALSE(report.HasParseError());
  ASSERT_TRUE(report["clv"].IsObject());
  EXPECT_TRUE(report["clv"]["spend"].IsNull());
  EXPECT_TRUE(report["clv"]["customer_equity"].IsNull());
}

}  // namespace
}  // namespace guanxi
