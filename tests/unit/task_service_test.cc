#include <gtest/gtest.h>

#include <vector>

#include "domain/sales.h"
#include "service/task_service.h"
#include "store/store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

// "Now" is 2026-12-01 10:30 Asia/Shanghai.
constexpr char kToday[] = "2026-12-01";

class TaskServiceTest : public testing::BackendStoreTest {
 protected:
  void SetUp() override {
    BackendStoreTest::SetUp();
    if (!store_) return;
    clock_ = std::make_unique<testing::FakeClock>(StartOfBusinessDay(kToday) + 10 * 3600 + 30 * 60);
    service_ = std::make_unique<TaskService>(*store_, *clock_);
    Team east;
    east.name = "east";
    east.created_at = 1000;
    east_ = store_->CreateTeam(east, Audit("team", "create"))->id;
    Team west;
    west.name = "west";
    west.created_at = 1000;
    west_ = store_->CreateTeam(west, Audit("team", "create"))->id;
    admin_ = Person("admin", Role::kAdmin, std::nullopt);
    boss_ = Person("boss", Role::kManager, east_);
    rep_ = Person("rep", Role::kSales, east_);
    mate_ = Person("mate", Role::kSales, east_);
    far_ = Person("far", Role::kSales, west_);
    analyst_ = Person("ana", Role::kAnalyst, std::nullopt);
    customer_ = Customer_("客户甲", rep_.user_id);
    mate_customer_ = Customer_("客户乙", mate_.user_id);
  }

  Principal Person(const std::string& login, Role role, std::optional<int64_t> team) {
    User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = "x";
    u.role = role;
    u.team_id = team;
    auto r = store_->CreateUser(u, Audit("user", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return Principal{r.ok() ? r->id : 0, login, role, team};
  }
  int64_t Customer_(const std::string& name, std::optional<int64_t> owner) {
    Customer c;
    c.name = name;
    c.owner_user_id = owner;
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  TaskDraft Draft(const std::string& due, std::optional<std::string> time = std::nullopt) const {
    TaskDraft d;
    d.customer_id = customer_;
    d.title = "跟进";
    d.due_day = due;
    d.due_time = time;
    return d;
  }
  // The fields an InvalidArgument names.
  static std::vector<std::string> Fields(const Status& s) {
    std::vector<std::string> out;
    for (const auto& f : s.fields()) out.push_back(f.field);
    return out;
  }
  // A task stored directly (any due day: the service refuses past ones).
  Task Stored(int64_t customer, int64_t assignee, const std::string& day, std::optional<std::string> time,
              const std::string& title) {
    Task t;
    t.customer_id = customer;
    t.assignee_user_id = assignee;
    t.title = title;
    t.due_day = day;
    t.due_time = time;
    t.created_at = 1000;
    auto r = store_->Tasks().CreateTask(t, Audit("task", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Task{};
  }
  static std::vector<std::string> Titles(const TaskBucket& b) {
    std::vector<std::string> out;
    for (const Task& t : b.items) out.push_back(t.title);
    return out;
  }

  std::unique_ptr<testing::FakeClock> clock_;
  std::unique_ptr<TaskService> service_;
  int64_t east_ = 0, west_ = 0;
  Principal admin_, boss_, rep_, mate_, far_, analyst_;
  int64_t customer_ = 0, mate_customer_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, TaskServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(TaskServiceTest, CreateDefaultsAndValidation) {
  auto t = service_->Create(boss_, Draft(kToday, "10:30"));  // due now: not in the past yet
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->assignee_user_id, rep_.user_id);  // the customer's owner
  EXPECT_EQ(t->created_by, boss_.user_id);
  EXPECT_EQ(t->kind, "follow_up");
  EXPECT_EQ(t->status, "open");

  auto bad = service_->Create(rep_, Draft("2026-11-30"));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(bad.status()), std::vector<std::string>{"due_day"});
  bad = service_->Create(rep_, Draft(kToday, "10:29"));
  EXPECT_EQ(Fields(bad.status()), std::vector<std::string>{"due_time"});
  EXPECT_TRUE(service_->Create(rep_, Draft("2026-12-02", "08:00")).ok());  // tomorrow, any time
  bad = service_->Create(rep_, Draft(kToday, "7:00"));
  EXPECT_EQ(Fields(bad.status()), std::vector<std::string>{"due_time"});

  TaskDraft d = Draft("2026-12-03");
  d.title = std::string(201 * 3, 'x').substr(0, 201);
  d.kind = "visit";
  d.priority = "p1";
  d.note = std::string(2001, 'n');
  bad = service_->Create(rep_, d);
  EXPECT_EQ(Fields(bad.status()), (std::vector<std::string>{"title", "kind", "priority", "note"}));
  d = Draft("2026-12-03");
  d.title = std::string(200, 'x');
  EXPECT_TRUE(service_->Create(rep_, d).ok());

  // Unknown, disabled, or blind assignees.
  d = Draft("2026-12-03");
  d.assignee_user_id = 987654;
  EXPECT_EQ(Fields(service_->Create(rep_, d).status()), std::vector<std::string>{"assignee_user_id"});
  d.assignee_user_id = far_.user_id;  // another team's rep cannot open the customer
  EXPECT_EQ(Fields(service_->Create(rep_, d).status()), std::vector<std::string>{"assignee_user_id"});
  d.assignee_user_id = mate_.user_id;  // a sales teammate does not see it either
  EXPECT_EQ(Fields(service_->Create(boss_, d).status()), std::vector<std::string>{"assignee_user_id"});
  d.assignee_user_id = boss_.user_id;  // the team's manager does
  EXPECT_TRUE(service_->Create(rep_, d).ok());
  d.assignee_user_id = analyst_.user_id;  // analysts see every customer
  EXPECT_TRUE(service_->Create(rep_, d).ok());
  User boss_user = *store_->GetUser(boss_.user_id);
  boss_user.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(boss_user, Audit("user", "update")).ok());
  d.assignee_user_id = boss_.user_id;
  d.assignee_field = "assignee";
  EXPECT_EQ(Fields(service_->Create(rep_, d).status()), std::vector<std::string>{"assignee"});

  // Customers the caller cannot see; roles that may not create; origins.
  EXPECT_EQ(Fields(service_->Create(far_, Draft("2026-12-03")).status()), std::vector<std::string>{"customer_id"});
  EXPECT_EQ(service_->Create(analyst_, Draft("2026-12-03")).status().code(), StatusCode::kPermissionDenied);
  d = Draft("2026-12-03");
  d.origin = "visit_plan";
  EXPECT_EQ(Fields(service_->Create(rep_, d).status()), std::vector<std::string>{"origin"});
  // Prepare accepts a generated origin (interaction follow-ups insert it themselves).
  d.origin = "interaction";
  auto prepared = service_->Prepare(rep_, d);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->origin, "interaction");
  EXPECT_EQ(prepared->id, 0);
}

TEST_P(TaskServiceTest, UpdateCompleteCancelAndListeners) {
  std::vector<int64_t> completed;
  service_->OnCompleted([&](const Principal& p, const Task& t) {
    EXPECT_EQ(p.user_id, rep_.user_id);
    completed.push_back(t.id);
  });
  auto t = service_->Create(rep_, Draft("2026-12-03", "09:00"));
  ASSERT_TRUE(t.ok());
  TaskPatch patch;
  patch.title = "  改期  ";
  patch.due_time = std::optional<std::string>();
  patch.priority = "urgent";
  EXPECT_EQ(service_->Update(rep_, t->id, 7, patch).status().code(), StatusCode::kConflict);
  EXPECT_EQ(service_->Update(far_, t->id, 1, patch).status().code(), StatusCode::kNotFound);
  auto u = service_->Update(rep_, t->id, 1, patch);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->title, "改期");
  EXPECT_FALSE(u->due_time.has_value());
  EXPECT_EQ(u->priority, "urgent");
  EXPECT_EQ(u->due_day, "2026-12-03");
  TaskPatch past;
  past.due_day = "2026-11-01";
  EXPECT_EQ(Fields(service_->Update(rep_, t->id, 2, past).status()), std::vector<std::string>{"due_day"});

  // An overdue task keeps its day when only the title changes.
  Task old = Stored(customer_, rep_.user_id, "2026-11-20", std::nullopt, "旧任务");
  TaskPatch rename;
  rename.title = "旧任务（改）";
  EXPECT_TRUE(service_->Update(rep_, old.id, 1, rename).ok());

  // Analysts may not complete others' tasks; the assignee may.
  EXPECT_EQ(service_->Complete(analyst_, t->id, 2).status().code(), StatusCode::kPermissionDenied);
  auto done = service_->Complete(rep_, t->id, 2, "  已联系  ");
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->completion_note, "已联系");
  EXPECT_EQ(done->completed_at, clock_->Now());
  EXPECT_EQ(completed, std::vector<int64_t>{t->id});
  // Done again: answered as it is, listeners not run twice.
  EXPECT_TRUE(service_->Complete(rep_, t->id, 3).ok());
  EXPECT_EQ(completed.size(), 1u);
  EXPECT_EQ(service_->Update(rep_, t->id, 3, rename).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->Cancel(rep_, t->id, 3).status().code(), StatusCode::kFailedPrecondition);

  auto c = service_->Cancel(rep_, old.id, 2, "不需要");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, "cancelled");
  EXPECT_EQ(completed.size(), 1u);  // cancelling is no completion
}

TEST_P(TaskServiceTest, CreateGeneratedIsExactlyOncePerKey) {
  Task t;
  t.customer_id = customer_;
  t.assignee_user_id = rep_.user_id;
  t.title = "回访";
  t.kind = "return_visit";
  t.origin = "visit_plan";
  t.due_day = "2026-11-01";  // generated tasks may be due in the past
  EXPECT_EQ(service_->CreateGenerated(t).status().code(), StatusCode::kInvalidArgument);
  t.dedupe_key = "visit:" + std::to_string(customer_) + ":0";
  auto a = service_->CreateGenerated(t);
  auto b = service_->CreateGenerated(t);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->second);
  EXPECT_FALSE(b->second);
  EXPECT_EQ(a->first.id, b->first.id);
  EXPECT_EQ(a->first.created_at, clock_->Now());
  auto audit = store_->ListAudit({"task", a->first.id, "", 10});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->items.size(), 1u);
  EXPECT_EQ(audit->items[0].action, "generate");
  EXPECT_EQ(audit->items[0].user_login, "system");
}

TEST_P(TaskServiceTest, MyDayBucketsWithDueTimes) {
  // Now: 2026-12-01 10:30.
  Stored(customer_, rep_.user_id, "2026-11-28", std::nullopt, "上周");
  Stored(customer_, rep_.user_id, kToday, "09:00", "今早九点");       // overdue: 09:00 has passed
  Stored(customer_, rep_.user_id, kToday, "10:30", "十点半");         // due now: not overdue yet
  Stored(customer_, rep_.user_id, kToday, std::nullopt, "今天任意");  // due by the end of today
  Stored(customer_, rep_.user_id, kToday, "15:00", "下午三点");
  Stored(customer_, rep_.user_id, "2026-12-02", "08:00", "明天");
  Stored(customer_, rep_.user_id, "2026-12-08", std::nullopt, "第七天");
  Stored(customer_, rep_.user_id, "2026-12-09", std::nullopt, "第八天");  // beyond the week
  Task finished = Stored(customer_, rep_.user_id, "2026-11-29", std::nullopt, "已完成");
  ASSERT_TRUE(store_->Tasks().FinishTask(finished.id, 1, "done", "", 2000, rep_.user_id, Audit("task", "c")).ok());
  Stored(mate_customer_, mate_.user_id, "2026-11-30", std::nullopt, "同事逾期");
  Stored(mate_customer_, mate_.user_id, kToday, "18:00", "同事今天");

  auto day = service_->GetMyDay(rep_, std::nullopt, std::nullopt);
  ASSERT_TRUE(day.ok()) << day.status().ToString();
  EXPECT_EQ(day->today, kToday);
  EXPECT_EQ(day->now_time, "10:30");
  ASSERT_TRUE(day->user.has_value());
  EXPECT_EQ(day->user->id, rep_.user_id);
  EXPECT_EQ(day->user->password_hash, "");
  EXPECT_EQ(Titles(day->overdue), (std::vector<std::string>{"上周", "今早九点"}));
  EXPECT_EQ(Titles(day->due_today), (std::vector<std::string>{"十点半", "下午三点", "今天任意"}));
  EXPECT_EQ(Titles(day->upcoming), (std::vector<std::string>{"明天", "第七天"}));
  EXPECT_EQ(day->overdue.total, 2);
  EXPECT_EQ(day->due_today.total, 3);
  EXPECT_EQ(day->upcoming.total, 2);

  auto rem = service_->Reminders(rep_);
  ASSERT_TRUE(rem.ok());
  EXPECT_EQ(rem->overdue, 2);
  EXPECT_EQ(rem->due_today, 3);

  // A minute later 10:30 is overdue too.
  clock_->Advance(60);
  rem = service_->Reminders(rep_);
  EXPECT_EQ(rem->overdue, 3);
  EXPECT_EQ(rem->due_today, 2);

  // The team: both members' tasks merged in due order.
  auto team = service_->GetMyDay(boss_, std::nullopt, east_);
  ASSERT_TRUE(team.ok()) << team.status().ToString();
  ASSERT_TRUE(team->team.has_value());
  EXPECT_EQ(team->members.size(), 3u);  // boss, rep, mate
  EXPECT_EQ(Titles(team->overdue), (std::vector<std::string>{"上周", "同事逾期", "今早九点", "十点半"}));
  EXPECT_EQ(Titles(team->due_today), (std::vector<std::string>{"下午三点", "同事今天", "今天任意"}));
  EXPECT_EQ(team->overdue.total, 4);
}

TEST_P(TaskServiceTest, MyDayPermissions) {
  auto code = [&](const Principal& p, std::optional<int64_t> user, std::optional<int64_t> team) {
    return service_->GetMyDay(p, user, team).status().code();
  };
  EXPECT_EQ(code(rep_, rep_.user_id, std::nullopt), StatusCode::kOk);
  EXPECT_EQ(code(rep_, mate_.user_id, std::nullopt), StatusCode::kPermissionDenied);
  EXPECT_EQ(code(rep_, std::nullopt, east_), StatusCode::kPermissionDenied);
  EXPECT_EQ(code(analyst_, rep_.user_id, std::nullopt), StatusCode::kPermissionDenied);
  EXPECT_EQ(code(boss_, rep_.user_id, std::nullopt), StatusCode::kOk);
  EXPECT_EQ(code(boss_, far_.user_id, std::nullopt), StatusCode::kPermissionDenied);
  EXPECT_EQ(code(boss_, std::nullopt, east_), StatusCode::kOk);
  EXPECT_EQ(code(boss_, std::nullopt, west_), StatusCode::kPermissionDenied);
  EXPECT_EQ(code(admin_, far_.user_id, std::nullopt), StatusCode::kOk);
  EXPECT_EQ(code(admin_, std::nullopt, west_), StatusCode::kOk);
  EXPECT_EQ(code(admin_, 987654, std::nullopt), StatusCode::kNotFound);
  EXPECT_EQ(code(admin_, std::nullopt, 987654), StatusCode::kNotFound);
  EXPECT_EQ(code(admin_, rep_.user_id, east_), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace guanxi
