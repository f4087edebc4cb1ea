// PipelineService and FunnelMetrics on a real store (SQLite, and PostgreSQL when
// GUANXI_TEST_PG is set) with a fake clock: stage rules, visibility, and the
// forecast, coverage, progress and accuracy figures of a small company worked
// out by hand (default rates: customer_analysis 5 %, build_trust 10 %,
// uncover_needs 25 %, present_value 50 %, win_commitment 75 %, collect_payment 90 %).
#include "service/pipeline_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "test_db.h"

namespace guanxi {
namespace {

UnixSeconds At(const std::string& day, int hour) { return StartOfBusinessDay(day) + hour * 3600; }

AuditEntry TestAudit(const char* entity) {
  AuditEntry a;
  a.at = 1000;
  a.user_login = "test";
  a.entity = entity;
  a.action = "create";
  return a;
}

class PipelineServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    GX_SKIP_WITHOUT_BACKEND(GetParam());
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    store_ = db_->Open();
    ASSERT_TRUE(store_);
    pipeline_ = std::make_unique<PipelineService>(*store_, clock_);
  }
  void TearDown() override {
    pipeline_.reset();
    if (store_) store_->Close();
  }

  void SetTime(const std::string& day, int hour) { clock_.Advance(At(day, hour) - clock_.Now()); }

  int64_t Team_(const std::string& name) {
    Team t;
    t.name = name;
    auto r = store_->CreateTeam(t, TestAudit("team"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  Principal User_(const std::string& login, Role role, std::optional<int64_t> team) {
    User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = "x";
    u.role = role;
    u.team_id = team;
    auto r = store_->CreateUser(u, TestAudit("user"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return Principal{r.ok() ? r->id : 0, login, role, team};
  }
  int64_t Customer_(const Principal& owner) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.name = "客户 " + owner.login;
    c.owner_user_id = owner.user_id;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, TestAudit("customer"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  Opportunity Open_(const Principal& p, int64_t customer, int64_t amount, const std::string& stage,
                    const std::string& expected_close = "2026-11-15") {
    Opportunity o;
    o.customer_id = customer;
    o.title = "商机 " + stage;
    o.amount = amount;
    o.stage = stage;
    o.expected_close = expected_close;
    auto r = pipeline_->Create(p, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Opportunity{};
  }
  // Moves `o` (re-read) to `stage` as `p`.
  Result<Opportunity> Move(const Principal& p, int64_t id, const std::string& stage,
                           const std::string& loss_reason = "") {
    GX_ASSIGN_OR_RETURN(Opportunity o, pipeline_->Get(p, id));
    o.stage = stage;
    if (!loss_reason.empty()) o.loss_reason = loss_reason;
    return pipeline_->Update(p, o);
  }
  void Order_(int64_t customer, const Principal& owner, int64_t total, const std::string& day,
              std::optional<int64_t> opportunity = std::nullopt) {
    Order o;
    o.customer_id = customer;
    o.owner_user_id = owner.user_id;
    o.opportunity_id = opportunity;
    o.total = total;
    o.ordered_at = o.created_at = o.updated_at = At(day, 11);
    auto r = store_->Sales().CreateOrder(o, TestAudit("order"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void Target_(TargetScope scope, std::optional<int64_t> subject, int64_t amount) {
    SalesTarget t;
    t.quarter = "2026Q4";
    t.scope = scope;
    t.subject_id = subject;
    t.amount = amount;
    auto r = pipeline_->PutTarget(Principal::System(), t);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  ForecastView Forecast(const MetricScope& s) {
    auto v = pipeline_->metrics().Forecast(s, "2026Q4");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ForecastView{};
  }

  testing::FakeClock clock_{At("2026-03-02", 10)};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<PipelineService> pipeline_;
};

INSTANTIATE_TEST_SUITE_P(Backends, PipelineServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(PipelineServiceTest, StageRulesAndVisibility) {
  SetTime("2026-10-05", 10);
  int64_t east = Team_("east");
  Principal a = User_("a", Role::kSales, east);
  Principal b = User_("b", Role::kSales, east);
  Principal m = User_("m", Role::kManager, east);
  Principal analyst = User_("ana", Role::kAnalyst, std::nullopt);
  int64_t cust_a = Customer_(a);
  Opportunity o = Open_(a, cust_a, 1'000'000, "");
  EXPECT_EQ(o.stage, "customer_analysis");
  EXPECT_EQ(o.owner_user_id, a.user_id);

  // Bad input changes nothing.
  Opportunity bad = o;
  bad.stage = "nowhere";
  EXPECT_EQ(pipeline_->Update(a, bad).status().fields().at(0).field, "stage");
  bad = o;
  bad.amount = -1;
  EXPECT_EQ(pipeline_->Update(a, bad).status().code(), StatusCode::kInvalidArgument);
  bad = o;
  bad.stage = "lost";
  auto lost = pipeline_->Update(a, bad);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().fields().at(0).field, "loss_reason");
  bad = o;
  bad.stage = "won";
  bad.closed_on = "2026-10-06";  // tomorrow
  EXPECT_EQ(pipeline_->Update(a, bad).status().fields().at(0).field, "closed_on");
  EXPECT_EQ(pipeline_->Get(a, o.id)->version, 1);

  // Visibility by owner: the other rep sees nothing, the manager and analyst see it.
  EXPECT_EQ(pipeline_->Get(b, o.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Move(b, o.id, "won").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(pipeline_->Get(m, o.id).ok());
  EXPECT_TRUE(pipeline_->Get(analyst, o.id).ok());
  EXPECT_EQ(Move(analyst, o.id, "build_trust").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(pipeline_->metrics().ResolveScope(b, "a", std::nullopt).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(pipeline_->metrics().ResolveScope(b, "", east).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(pipeline_->metrics().ResolveScope(m, "", std::nullopt)->kind, MetricScope::Kind::kTeam);
  EXPECT_EQ(pipeline_->metrics().ResolveScope(analyst, "", std::nullopt)->kind,
            MetricScope::Kind::kCompany);
  // A rep cannot open an opportunity on another rep's customer.
  Opportunity foreign;
  foreign.customer_id = cust_a;
  foreign.title = "x";
  foreign.expected_close = "2026-11-01";
  EXPECT_EQ(pipeline_->Create(b, foreign).status().fields().at(0).field, "customer_id");

  // Won sets closed_on today; back to open clears it; lost keeps the reason.
  clock_.Advance(3600);
  auto won = Move(a, o.id, "won");
  ASSERT_TRUE(won.ok()) << won.status().ToString();
  EXPECT_EQ(won->closed_on, "2026-10-05");
  auto back = Move(a, o.id, "present_value");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->closed_on, "");
  auto gone = Move(a, o.id, "lost", "预算取消");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->loss_reason, "预算取消");
  EXPECT_EQ(gone->closed_on, "2026-10-05");

  // An amount change alone is an "update" event.
  Opportunity edit = *pipeline_->Get(a, o.id);
  edit.amount = 2'000'000;
  ASSERT_TRUE(pipeline_->Update(a, edit).ok());
  auto history = pipeline_->History(a, o.id);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> kinds, to;
  for (const auto& e : *history) {
    kinds.push_back(e.kind);
    to.push_back(e.to_stage);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"create", "stage", "stage", "stage", "update"}));
  EXPECT_EQ(
      to, (std::vector<std::string>{"customer_analysis", "won", "present_value", "lost", "lost"}));
  EXPECT_EQ(history->at(1).from_stage, "customer_analysis");
  EXPECT_EQ(history->back().amount, 2'000'000);
}

TEST_P(PipelineServiceTest, ForecastCoverageProgressAndAccuracy) {
  int64_t east = Team_("east");
  int64_t west = Team_("west");
  Principal a = User_("a", Role::kSales, east);
  Principal b = User_("b", Role::kSales, east);
  Principal c = User_("c", Role::kSales, west);
  Principal e = User_("e", Role::kSales, std::nullopt);
  int64_t cust_a = Customer_(a), cust_b = Customer_(b), cust_c = Customer_(c);
  const MetricScope scope_a{MetricScope::Kind::kOwner, a.user_id};
  const MetricScope scope_east{MetricScope::Kind::kTeam, east};
  const MetricScope company{MetricScope::Kind::kCompany, 0};

  // History for learned rates, in the year before 2026Q4: three opportunities
  // pass win_commitment, two are won → learned 6667 bp there.
  SetTime("2026-03-02", 10);
  std::vector<int64_t> old;
  for (int i = 0; i < 3; ++i)
    old.push_back(Open_(c, cust_c, 100'000, "win_commitment", "2026-03-31").id);
  SetTime("2026-03-10", 10);
  ASSERT_TRUE(Move(c, old[0], "won").ok());
  ASSERT_TRUE(Move(c, old[1], "won").ok());
  ASSERT_TRUE(Move(c, old[2], "lost", "价格").ok());

  // Monday 2026-10-05: an empty funnel forecasts 0 with no target.
  SetTime("2026-10-05", 9);
  ForecastView empty = Forecast({MetricScope::Kind::kOwner, e.user_id});
  EXPECT_EQ(empty.now.forecast, 0);
  EXPECT_FALSE(empty.target);
  EXPECT_FALSE(empty.coverage);
  EXPECT_FALSE(empty.progress);
  EXPECT_EQ(empty.week_start, "2026-10-05");

  SetTime("2026-10-05", 10);
  Opportunity o1 = Open_(a, cust_a, 1'000'000, "present_value");  // 500 000 weighted
  Opportunity o2 = Open_(b, cust_b, 2'000'000, "build_trust");    // 200 000
  Opportunity o3 = Open_(c, cust_c, 400'000, "win_commitment");   // 300 000
  ForecastView f = Forecast(scope_a);
  EXPECT_EQ(f.now.closed, 0);
  EXPECT_EQ(f.now.open_weighted, 500'000);
  EXPECT_EQ(f.now.forecast, 500'000);
  EXPECT_FALSE(f.target);
  EXPECT_EQ(f.last_week_forecast, 0);  // nothing existed at Monday 00:00

  // Out-of-funnel: orders under 1 000 yuan outside any opportunity.
  ASSERT_TRUE(pipeline_->UpdateSettings(Principal::System(), {100'000}).ok());
  Order_(cust_a, a, 50'000, "2026-10-06");         // counts
  Order_(cust_a, a, 150'000, "2026-10-06");        // above the threshold
  Order_(cust_a, a, 30'000, "2026-10-06", o1.id);  // belongs to an opportunity
  Target_(TargetScope::kUser, a.user_id, 4'000'000);
  Target_(TargetScope::kUser, b.user_id, 6'000'000);

  SetTime("2026-10-07", 10);
  ASSERT_TRUE(Move(a, o1.id, "win_commitment").ok());  // 750 000
  SetTime("2026-10-08", 10);
  ASSERT_TRUE(Move(b, o2.id, "won").ok());  // closed 2 000 000
  SetTime("2026-10-09", 10);
  ASSERT_TRUE(Move(c, o3.id, "lost", "选了竞品").ok());  // lost after commitment

  // Monday 2026-10-12 10:00, after the snapshot time: a moves o1 back.
  SetTime("2026-10-12", 10);
  ASSERT_TRUE(Move(a, o1.id, "present_value").ok());  // 500 000 again

  f = Forecast(scope_a);
  EXPECT_EQ(f.week_start, "2026-10-12");
  EXPECT_EQ(f.now.closed, 0);
  EXPECT_EQ(f.now.open_weighted, 500'000);
  EXPECT_EQ(f.now.out_of_funnel, 50'000);
  EXPECT_EQ(f.now.forecast, 550'000);
  EXPECT_EQ(f.now.cumulative_sales, 50'000);
  EXPECT_EQ(f.last_week_forecast, 800'000);  // 750 000 + 50 000 at Monday 00:00
  EXPECT_EQ(f.last_week_cumulative_sales, 50'000);
  ASSERT_TRUE(f.target);
  EXPECT_EQ(*f.target, 4'000'000);
  EXPECT_DOUBLE_EQ(*f.coverage, 550'000.0 / 4'000'000);
  EXPECT_DOUBLE_EQ(*f.progress, (550'000.0 - 800'000) / 4'000'000);

  // The team: a + b; its target is the sum of its members' (none of its own).
  ForecastView t = Forecast(scope_east);
  EXPECT_EQ(t.now.closed, 2'000'000);
  EXPECT_EQ(t.now.forecast, 2'550'000);
  EXPECT_EQ(t.last_week_forecast, 2'800'000);
  EXPECT_EQ(*t.target, 10'000'000);
  EXPECT_DOUBLE_EQ(*t.coverage, 0.255);
  EXPECT_DOUBLE_EQ(*t.progress, (2'550'000.0 - 2'800'000) / 10'000'000);

  // The company: c's lost opportunity adds nothing; target = Σ teams (west has none).
  ForecastView all = Forecast(company);
  EXPECT_EQ(all.now.forecast, 2'550'000);
  EXPECT_EQ(*all.target, 10'000'000);
  Target_(TargetScope::kCompany, std::nullopt, 20'000'000);
  Target_(TargetScope::kTeam, east, 12'000'000);
  EXPECT_EQ(*Forecast(company).target, 20'000'000);
  EXPECT_EQ(*Forecast(scope_east).target, 12'000'000);

  // Snapshots were stored from history: a had nothing at 2026-10-05 00:00, so
  // only the week of 2026-10-12 holds a row for a. Taking again changes nothing.
  auto snaps = store_->Sales().Snapshots({VisibilityScope::Kind::kOwner, a.user_id}, "2026Q4", "");
  ASSERT_TRUE(snaps.ok());
  std::set<std::string> weeks;
  for (const auto& s : *snaps) {
    weeks.insert(s.week_start);
    if (s.week_start == "2026-10-12") {
      EXPECT_EQ(s.funnel.open.at("win_commitment").amount, 1'000'000);
    }
  }
  EXPECT_EQ(weeks, (std::set<std::string>{"2026-10-12"}));
  auto before = store_->Sales().Snapshots({VisibilityScope::Kind::kAll, 0}, "2026Q4", "")->size();
  ASSERT_EQ(*pipeline_->metrics().TakeSnapshot(""), "2026-10-12");
  EXPECT_EQ(store_->Sales().Snapshots({VisibilityScope::Kind::kAll, 0}, "2026Q4", "")->size(), before);

  // Accuracy: weeks of 2026-10-05 (empty) and 2026-10-12 (a: win_commitment
  // 1 000 000; b: won 2 000 000; 50 000 out of funnel); actual 2 050 000.
  auto acc = pipeline_->metrics().Accuracy(company, "2026Q4");
  ASSERT_TRUE(acc.ok()) << acc.status().ToString();
  EXPECT_EQ(acc->learned_from, "2025-10-01");
  EXPECT_EQ(acc->learned_to, "2026-09-30");
  EXPECT_EQ(acc->report.actual, 2'050'000);
  ASSERT_EQ(acc->report.weeks.size(), 2u);
  EXPECT_EQ(acc->report.weeks[0].forecast_configured, 0);
  EXPECT_EQ(acc->report.weeks[1].week_start, "2026-10-12");
  EXPECT_EQ(acc->report.weeks[1].forecast_configured, 2'800'000);
  EXPECT_EQ(acc->report.weeks[1].forecast_learned, 2'000'000 + 666'700 + 50'000);
  EXPECT_EQ(acc->report.weeks[1].closed_so_far, 2'050'000);
  EXPECT_EQ(*acc->report.mean_abs_error_configured, (2'050'000 + 750'000) / 2);
  EXPECT_EQ(*acc->report.mean_abs_error_learned, (2'050'000 + 666'700) / 2);
  EXPECT_EQ(pipeline_->metrics().Accuracy(company, "2027Q1").status().code(),
            StatusCode::kInvalidArgument);

  // Leaderboard by closed: b first.
  auto board = pipeline_->metrics().Leaderboard(company, "2026Q4");
  ASSERT_TRUE(board.ok());
  ASSERT_GE(board->size(), 3u);
  EXPECT_EQ(board->at(0).user.login, "b");
  EXPECT_EQ(board->at(0).closed, 2'000'000);
  EXPECT_EQ(*board->at(0).target, 6'000'000);
}

}  // namespace
}  // namespace guanxi
