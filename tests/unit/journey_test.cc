// Care dates and care journeys on both backends: journey validation (overlapping
// steps), versions, care-date tasks exactly once across runs with lead days and
// the leap day, journey enrollment once, step tasks on their days with a
// settable clock, and leaving stopping the remaining steps.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "domain/sales.h"
#include "service/journey_service.h"
#include "store/journey_store.h"
#include "store/sales_store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

class JourneyTest : public testing::BackendStoreTest {
 protected:
  void SetUp() override {
    testing::BackendStoreTest::SetUp();
    if (!store_) return;
    clock_ = std::make_unique<testing::FakeClock>(testing::At("2027-03-08"));
    service_ = std::make_unique<JourneyService>(*store_, *clock_);
    owner_ = User_("owner");
    admin_ = Principal{owner_, "owner", Role::kAdmin, std::nullopt};
  }

  void SetDay(const std::string& day) { clock_->Advance(testing::At(day) - clock_->Now()); }

  int64_t Customer_(const std::string& name, std::vector<CareDate> dates = {}) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.name = name;
    c.owner_user_id = owner_;
    c.care_dates = std::move(dates);
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  void Contact_(int64_t customer_id, const std::string& name, const std::string& birthday) {
    Contact c;
    c.customer_id = customer_id;
    c.name = name;
    c.birthday = birthday;
    c.created_at = c.updated_at = 1000;
    auto r = store_->CreateContact(c, Audit("contact", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  void Order_(int64_t customer_id, const std::string& day) {
    Order o;
    o.customer_id = customer_id;
    o.total = 10000;
    o.ordered_at = testing::At(day, 9);
    o.created_at = o.updated_at = o.ordered_at;
    auto r = store_->Sales().CreateOrder(o, Audit("order", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  std::vector<Task> Tasks(int64_t customer_id) {
    TaskQuery q;
    q.customer_id = customer_id;
    q.limit = 200;
    auto page = store_->Tasks().ListTasks(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return {};
    auto items = page->items;
    std::sort(items.begin(), items.end(), [](const Task& a, const Task& b) { return a.id < b.id; });
    return items;
  }

  static std::vector<std::string> Keys(const std::vector<Task>& tasks) {
    std::vector<std::string> out;
    for (const Task& t : tasks) out.push_back(t.dedupe_key.value_or("") + "@" + t.due_day + "/" + t.status);
    return out;
  }

  Journey Draft(const std::string& trigger, std::vector<int> days) {
    Journey j;
    j.name = "首购关怀";
    j.trigger = trigger;
    for (int d : days) j.steps.push_back({0, d, "phone", "day " + std::to_string(d), ""});
    return j;
  }

  Result<std::string> RunCare() { return service_->RunCareDates(JobContext{}); }
  Result<std::string> RunJourneys() { return service_->RunJourneys(JobContext{}); }

  std::unique_ptr<testing::FakeClock> clock_;
  std::unique_ptr<JourneyService> service_;
  int64_t owner_ = 0;
  Principal admin_;
};

INSTANTIATE_TEST_SUITE_P(Backends, JourneyTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(JourneyTest, ValidationNamesOverlappingStepsAndBadFields) {
  auto same_day = service_->Create(admin_, Draft("manual", {0, 7, 7}));
  ASSERT_EQ(same_day.status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(same_day.status().fields().size(), 1u);
  EXPECT_EQ(same_day.status().fields()[0].field, "steps/2/day_offset");
  EXPECT_NE(same_day.status().fields()[0].message.find("overlapping steps"), std::string::npos);

  auto out_of_order = service_->Create(admin_, Draft("manual", {10, 3}));
  ASSERT_EQ(out_of_order.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out_of_order.status().fields().at(0).field, "steps/1/day_offset");

  Journey bad = Draft("weekly", {0, 4000});
  bad.name = "";
  bad.steps[0].channel = "pigeon";
  bad.steps[1].title = "  ";
  auto many = service_->Create(admin_, bad);
  ASSERT_EQ(many.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& f : many.status().fields()) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "trigger", "steps/0/channel", "steps/1/day_offset",
                                              "steps/1/title"}));

  EXPECT_EQ(service_->Create(admin_, Draft("manual", {})).status().fields().at(0).field, "steps");
  std::vector<int> days;
  for (int i = 0; i < 21; ++i) days.push_back(i);
  EXPECT_EQ(service_->Create(admin_, Draft("manual", days)).status().fields().at(0).field, "steps");

  Principal sales{owner_, "owner", Role::kSales, std::nullopt};
  EXPECT_EQ(service_->Create(sales, Draft("manual", {0})).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->PutCareSettings(admin_, CareSettings{61}).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(JourneyTest, CreateUpdateDeleteWithVersions) {
  auto j = service_->Create(admin_, Draft("manual", {0, 7, 20, 38}));
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->version, 1);
  ASSERT_EQ(j->steps.size(), 4u);
  EXPECT_EQ(j->steps[3].position, 3);
  EXPECT_EQ(j->steps[3].day_offset, 38);

  Journey change = *j;
  change.name = "Welcome";
  change.steps = {{0, 1, "email", "hello", "n"}};
  change.version = 7;
  EXPECT_EQ(service_->Update(admin_, change).status().code(), StatusCode::kConflict);
  change.version = 1;
  auto updated = service_->Update(admin_, change);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  auto got = service_->Get(admin_, j->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->name, "Welcome");
  ASSERT_EQ(got->steps.size(), 1u);
  EXPECT_EQ(got->steps[0].channel, "email");
  EXPECT_EQ(got->steps[0].note, "n");

  EXPECT_EQ(service_->Delete(admin_, j->id, 1).code(), StatusCode::kConflict);
  EXPECT_TRUE(service_->Delete(admin_, j->id, 2).ok());
  EXPECT_EQ(service_->Get(admin_, j->id).status().code(), StatusCode::kNotFound);
}

TEST_P(JourneyTest, CareDateTasksExactlyOnceWithLeadDays) {
  const int64_t c = Customer_("华为", {{"anniversary", "建厂", "2001-03-15"}});
  Contact_(c, "张三", "1990-03-20");
  // 2027-03-08 with 7 lead days: 03-15 is due, 03-20 not yet.
  auto first = RunCare();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = RunCare();
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->find("\"created\":0"), std::string::npos) << *again;
  auto tasks = Tasks(c);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].dedupe_key, "care:" + std::to_string(c) + ":0:anniversary:03-15:2027");
  EXPECT_EQ(tasks[0].due_day, "2027-03-15");
  EXPECT_EQ(tasks[0].kind, "care");
  EXPECT_EQ(tasks[0].origin, "care_date");
  EXPECT_EQ(tasks[0].assignee_user_id, owner_);

  // Five days later the contact's birthday enters the window; nothing doubles.
  SetDay("2027-03-13");
  ASSERT_TRUE(RunCare().ok());
  ASSERT_TRUE(RunCare().ok());
  tasks = Tasks(c);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1].due_day, "2027-03-20");
  EXPECT_EQ(tasks[1].dedupe_key->rfind("care:" + std::to_string(c) + ":", 0), 0u);
  EXPECT_NE(tasks[1].dedupe_key->find(":birthday:03-20:2027"), std::string::npos);
}

TEST_P(JourneyTest, LeadDaysSettingAndLeapDay) {
  ASSERT_TRUE(service_->PutCareSettings(admin_, CareSettings{0}).ok());
  EXPECT_EQ(service_->GetCareSettings()->lead_days, 0);
  const int64_t leap = Customer_("闰日", {{"birthday", "", "02-29"}});
  const int64_t soon = Customer_("明天", {{"other", "", "02-28"}});
  SetDay("2027-02-27");
  ASSERT_TRUE(RunCare().ok());
  EXPECT_TRUE(Tasks(leap).empty());  // lead 0: only dates due today
  EXPECT_TRUE(Tasks(soon).empty());
  SetDay("2027-02-28");
  ASSERT_TRUE(RunCare().ok());
  // 2027 is not a leap year: 02-29 falls on 02-28, keyed by the date as written.
  EXPECT_EQ(Keys(Tasks(leap)),
            std::vector<std::string>{"care:" + std::to_string(leap) + ":0:birthday:02-29:2027@2027-02-28/open"});
  EXPECT_EQ(Tasks(soon).size(), 1u);
  ASSERT_TRUE(service_->PutCareSettings(admin_, CareSettings{7}).ok());
  SetDay("2028-02-22");  // 2028 is a leap year: 02-29 itself
  ASSERT_TRUE(RunCare().ok());
  auto tasks = Tasks(leap);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1].due_day, "2028-02-29");
}

TEST_P(JourneyTest, FirstPurchaseJourneyStepsOnTheirDaysAndLeaveStops) {
  Journey draft = Draft("first_purchase", {0, 7, 20});
  auto j = service_->Create(admin_, draft);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  const int64_t a = Customer_("甲");
  const int64_t b = Customer_("乙");
  const int64_t old_buyer = Customer_("丙");
  Order_(old_buyer, "2026-12-01");
  SetDay("2027-03-01");
  Order_(a, "2027-03-01");
  Order_(b, "2027-03-01");
  Order_(old_buyer, "2027-03-01");  // not a first purchase

  auto run = RunJourneys();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_NE(run->find("\"enrolled\":2"), std::string::npos) << *run;
  ASSERT_TRUE(RunJourneys().ok());
  EXPECT_EQ(Keys(Tasks(a)), std::vector<std::string>{"journey:" +
                                                     std::to_string(service_->CustomerJourneys(admin_, a)->at(0).id) +
                                                     ":0@2027-03-01/open"});
  EXPECT_TRUE(Tasks(old_buyer).empty());
  EXPECT_TRUE(service_->CustomerJourneys(admin_, old_buyer)->empty());

  // Enrolled once: a second enrollment is refused.
  EXPECT_EQ(service_->Enroll(admin_, j->id, a).status().code(), StatusCode::kAlreadyExists);

  SetDay("2027-03-08");
  ASSERT_TRUE(RunJourneys().ok());
  EXPECT_EQ(Tasks(a).size(), 2u);
  EXPECT_EQ(Tasks(a)[1].due_day, "2027-03-08");

  // b leaves: its open step tasks are cancelled, later steps never come.
  const int64_t b_enrollment = service_->CustomerJourneys(admin_, b)->at(0).id;
  auto left = service_->Leave(admin_, b_enrollment, "opt_out");
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(left->second, 2);
  EXPECT_EQ(left->first.status, "left");
  EXPECT_EQ(service_->Leave(admin_, b_enrollment, "again").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->Enroll(admin_, j->id, b).status().code(), StatusCode::kAlreadyExists);

  SetDay("2027-03-25");
  ASSERT_TRUE(RunJourneys().ok());
  auto a_tasks = Tasks(a);
  ASSERT_EQ(a_tasks.size(), 3u);
  EXPECT_EQ(a_tasks[2].due_day, "2027-03-21");
  EXPECT_EQ(a_tasks[2].origin, "journey");
  auto b_tasks = Tasks(b);
  ASSERT_EQ(b_tasks.size(), 2u);
  EXPECT_EQ(b_tasks[0].status, "cancelled");
  EXPECT_EQ(b_tasks[1].status, "cancelled");
  auto a_enrollments = service_->CustomerJourneys(admin_, a);
  EXPECT_EQ(a_enrollments->at(0).status, "completed");
  EXPECT_EQ(a_enrollments->at(0).next_position, 3);
}

TEST_P(JourneyTest, ManualEnrollmentAndDisabledJourneysPause) {
  auto j = service_->Create(admin_, Draft("manual", {0, 2}));
  ASSERT_TRUE(j.ok());
  const int64_t c = Customer_("丁");
  auto e = service_->Enroll(admin_, j->id, c);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->start_day, "2027-03-08");
  EXPECT_EQ(e->step_count, 2);
  EXPECT_EQ(service_->Enroll(admin_, j->id, c).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(service_->Enroll(admin_, j->id + 100, c).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Enroll(admin_, j->id, c + 100).status().code(), StatusCode::kInvalidArgument);

  Journey off = *j;
  off.enabled = false;
  ASSERT_TRUE(service_->Update(admin_, off).ok());
  ASSERT_TRUE(RunJourneys().ok());
  EXPECT_TRUE(Tasks(c).empty());

  // A seeded example exists once however often the server starts.
  ASSERT_TRUE(service_->SeedExamples().ok());
  ASSERT_TRUE(service_->SeedExamples().ok());
  auto all = service_->List(admin_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(1).name, "首购关怀");
  EXPECT_FALSE(all->at(1).enabled);
  ASSERT_EQ(all->at(1).steps.size(), 4u);
  EXPECT_EQ(all->at(1).steps[3].day_offset, 38);
}

}  // namespace
}  // namespace guanxi
