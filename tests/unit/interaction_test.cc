#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "domain/interaction.h"
#include "domain/sales.h"
#include "service/interaction_service.h"
#include "store/interaction_store.h"
#include "store/sales_store.h"
#include "store/store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

constexpr UnixSeconds kNow = 1'780'000'000;

std::vector<std::string> Fields(const Status& s) {
  std::vector<std::string> out;
  for (const auto& f : s.fields()) out.push_back(f.field);
  return out;
}

Interaction Valid() {
  Interaction i;
  i.customer_id = 1;
  i.channel = "wechat";
  i.direction = "inbound";
  i.at = kNow - 60;
  i.summary = "  问了报价  ";
  return i;
}

TEST(InteractionValidation, AcceptsAValidOneAndTrims) {
  Interaction i = Valid();
  EXPECT_TRUE(ValidateInteraction(i, kNow).ok());
  EXPECT_EQ(i.summary, "问了报价");
}

TEST(InteractionValidation, NamesEveryWrongField) {
  Interaction i = Valid();
  i.customer_id = 0;
  i.channel = "pigeon";
  i.direction = "sideways";
  i.at = kNow + kInteractionClockSkewSeconds + 1;
  i.subject = std::string(201, 'a');
  i.summary = std::string(10001, 'b');
  i.outcome = "ok\x01";
  i.duration_minutes = 1441;
  i.contact_id = -3;
  Status s = ValidateInteraction(i, kNow);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"customer_id", "channel", "direction", "at", "subject", "summary",
                                                 "outcome", "duration_minutes", "contact_id"}));
}

TEST(InteractionValidation, TimeBoundsAndChannels) {
  Interaction i = Valid();
  i.at = kNow + kInteractionClockSkewSeconds;  // within the skew
  EXPECT_TRUE(ValidateInteraction(i, kNow).ok());
  i.at = kEarliestInteraction - 1;
  EXPECT_EQ(Fields(ValidateInteraction(i, kNow)), std::vector<std::string>{"at"});
  i.at = kEarliestInteraction;
  i.duration_minutes = 1440;
  EXPECT_TRUE(ValidateInteraction(i, kNow).ok());
  std::vector<std::string> keys;
  for (const auto& c : InteractionChannels()) keys.emplace_back(c.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"face_to_face", "phone", "web", "email", "fax", "wechat", "sms", "other"}));
  EXPECT_EQ(InteractionChannels()[5].name_zh, "微信");
}

class InteractionStoreTest : public testing::BackendStoreTest {
 protected:
  InteractionStore& interactions() { return store_->Interactions(); }
  int64_t Customer_(const std::string& name, std::optional<int64_t> owner = std::nullopt) {
    Customer c;
    c.name = name;
    c.owner_user_id = owner;
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  static Interaction Draft(int64_t customer, UnixSeconds at, std::optional<int64_t> user = std::nullopt) {
    Interaction i;
    i.customer_id = customer;
    i.user_id = user;
    i.channel = "phone";
    i.direction = "outbound";
    i.at = at;
    i.summary = "通话 " + std::to_string(at);
    i.created_at = i.updated_at = at;
    return i;
  }
  Result<LoggedInteraction> Log(Interaction i, std::optional<Task> follow_up = std::nullopt) {
    return interactions().CreateInteraction(std::move(i), std::move(follow_up), Audit("interaction", "create"));
  }
  static Task FollowUp(std::optional<int64_t> assignee) {
    Task t;
    t.title = "回访报价";
    t.due_day = "2026-12-10";
    t.due_time = "09:30";
    t.priority = "high";
    t.assignee_user_id = assignee;
    return t;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, InteractionStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(InteractionStoreTest, CreateWithFollowUpInOneTransaction) {
  const int64_t rep = User_("rep");
  const int64_t c = Customer_("甲公司", rep);
  Interaction i = Draft(c, 5000, rep);
  i.subject = "报价";
  i.duration_minutes = 12;
  auto logged = Log(i, FollowUp(rep));
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  EXPECT_GT(logged->interaction.id, 0);
  EXPECT_EQ(logged->interaction.version, 1);
  ASSERT_TRUE(logged->follow_up.has_value());
  const Task& t = *logged->follow_up;
  EXPECT_EQ(t.kind, "follow_up");
  EXPECT_EQ(t.origin, "interaction");
  EXPECT_EQ(t.origin_id, logged->interaction.id);
  EXPECT_EQ(t.customer_id, c);

  auto stored = interactions().GetInteraction(logged->interaction.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, logged->interaction);
  auto task = store_->Tasks().GetTask(t.id);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->origin_id, logged->interaction.id);
  EXPECT_EQ(task->due_time, std::optional<std::string>("09:30"));
  EXPECT_EQ(task->priority, "high");
}

TEST_P(InteractionStoreTest, BadAssigneeLeavesNoInteraction) {
  const int64_t rep = User_("rep");
  const int64_t c = Customer_("甲公司", rep);
  auto r = Log(Draft(c, 5000, rep), FollowUp(987654));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.status()), std::vector<std::string>{"follow_up/assignee_user_id"});
  InteractionQuery q;
  q.customer_id = c;
  auto page = interactions().ListInteractions(q);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  TaskQuery tq;
  tq.customer_id = c;
  auto tasks = store_->Tasks().ListTasks(tq);
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  EXPECT_TRUE(tasks->items.empty());
}

TEST_P(InteractionStoreTest, ReferencesMustBelongToTheCustomer) {
  const int64_t a = Customer_("甲");
  const int64_t b = Customer_("乙");
  Contact k;
  k.customer_id = b;
  k.name = "王经理";
  auto contact = store_->CreateContact(k, Audit("contact", "create"));
  ASSERT_TRUE(contact.ok());
  Interaction i = Draft(a, 5000);
  i.contact_id = contact->id;
  EXPECT_EQ(Fields(Log(i).status()), std::vector<std::string>{"contact_id"});
  EXPECT_EQ(Fields(Log(Draft(999999, 5000)).status()), std::vector<std::string>{"customer_id"});
  EXPECT_EQ(Fields(Log(Draft(a, 5000, 424242)).status()), std::vector<std::string>{"user_id"});
  i.customer_id = b;
  EXPECT_TRUE(Log(i).ok());
}

TEST_P(InteractionStoreTest, UpdateAndDeleteCheckTheVersion) {
  const int64_t c = Customer_("甲");
  auto logged = Log(Draft(c, 5000));
  ASSERT_TRUE(logged.ok());
  Interaction changed = logged->interaction;
  changed.outcome = "同意下周见面";
  changed.channel = "face_to_face";
  changed.updated_at = 6000;
  auto updated = interactions().UpdateInteraction(changed, Audit("interaction", "update"));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(interactions().GetInteraction(changed.id)->outcome, "同意下周见面");
  EXPECT_EQ(interactions().UpdateInteraction(changed, Audit("interaction", "update")).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(interactions().DeleteInteraction(changed.id, 1, Audit("interaction", "delete")).code(),
            StatusCode::kConflict);
  EXPECT_TRUE(interactions().DeleteInteraction(changed.id, 2, Audit("interaction", "delete")).ok());
  EXPECT_EQ(interactions().GetInteraction(changed.id).status().code(), StatusCode::kNotFound);
}

TEST_P(InteractionStoreTest, ListPagesNewestFirstWithFiltersAndScope) {
  const int64_t rep = User_("rep");
  const int64_t other = User_("other");
  const int64_t mine = Customer_("甲", rep);
  const int64_t theirs = Customer_("乙", other);
  std::vector<int64_t> expected;  // mine, newest first
  for (int k = 0; k < 7; ++k) {
    Interaction i = Draft(mine, 5000 + (k / 2) * 100, rep);  // pairs share a second
    if (k == 3) i.channel = "email";
    auto r = Log(i);
    ASSERT_TRUE(r.ok());
    expected.push_back(r->interaction.id);
    ASSERT_TRUE(Log(Draft(theirs, 5000 + k, other)).ok());
  }
  // Newest first: by at desc, then id desc.
  std::vector<std::pair<UnixSeconds, int64_t>> keyed;
  for (size_t k = 0; k < expected.size(); ++k) keyed.emplace_back(5000 + (k / 2) * 100, expected[k]);
  std::sort(keyed.rbegin(), keyed.rend());
  expected.clear();
  for (auto& [at, id] : keyed) expected.push_back(id);

  InteractionQuery q;
  q.scope = {VisibilityScope::Kind::kOwner, rep};
  q.limit = 3;
  std::vector<int64_t> seen;
  for (int page = 0; page < 10; ++page) {
    auto p = interactions().ListInteractions(q);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    for (const auto& i : p->items) seen.push_back(i.id);
    if (!p->next) break;
    q.after = *p->next;
  }
  EXPECT_EQ(seen, expected);

  InteractionQuery by_channel;
  by_channel.channel = "email";
  auto emails = interactions().ListInteractions(by_channel);
  ASSERT_TRUE(emails.ok());
  ASSERT_EQ(emails->items.size(), 1u);
  EXPECT_EQ(emails->items[0].channel, "email");
  InteractionQuery by_user;
  by_user.user_id = other;
  EXPECT_EQ(interactions().ListInteractions(by_user)->items.size(), 7u);
  InteractionQuery bad;
  bad.after = "nonsense";
  EXPECT_EQ(Fields(interactions().ListInteractions(bad).status()), std::vector<std::string>{"after"});
}

TEST_P(InteractionStoreTest, TimelineMergesEveryKindInOrderAcrossPages) {
  const int64_t rep = User_("rep");
  const int64_t c = Customer_("甲公司", rep);
  const int64_t noise = Customer_("别家", rep);
  // (at, source key, id) of every entry the timeline must show.
  std::vector<std::tuple<UnixSeconds, std::string, int64_t>> expected;
  auto add = [&](UnixSeconds at, const std::string& key, int64_t id) { expected.emplace_back(at, key, id); };

  for (UnixSeconds at : {5000, 5000, 4000, 3000}) {
    auto r = Log(Draft(c, at, rep));
    ASSERT_TRUE(r.ok());
    add(at, "interaction", r->interaction.id);
  }
  {
    Interaction i = Draft(c, 2500, rep);
    i.created_at = 5000;  // logged later than it happened: its task is created at 5000
    auto r = Log(i, FollowUp(rep));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    add(2500, "interaction", r->interaction.id);
    add(5000, "task.created", r->follow_up->id);
    auto done = store_->Tasks().FinishTask(r->follow_up->id, 1, "done", "已回访", 6000, rep, Audit("task", "complete"));
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    add(6000, "task.completed", r->follow_up->id);
  }
  ASSERT_TRUE(Log(Draft(noise, 5000, rep)).ok());
  {
    Order o;
    o.customer_id = c;
    o.total = 12300;
    o.ordered_at = 5000;
    o.owner_user_id = rep;
    o.created_at = o.updated_at = 5000;
    auto r = store_->Sales().CreateOrder(o, Audit("order", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    add(5000, "order", r->id);
  }
  {
    Opportunity o;
    o.customer_id = c;
    o.title = "年度采购";
    o.amount = 500000;
    o.stage = "customer_analysis";
    o.expected_close = "2027-03-31";
    o.owner_user_id = rep;
    o.stage_entered_at = o.created_at = o.updated_at = 4000;
    OpportunityEvent e;
    e.at = 4000;
    e.user_id = rep;
    e.kind = "create";
    e.to_stage = o.stage;
    e.amount = o.amount;
    e.expected_close = o.expected_close;
    e.owner_user_id = rep;
    auto r = store_->Sales().CreateOpportunity(o, e, Audit("opportunity", "create"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto history = store_->Sales().OpportunityHistory(r->id);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 1u);
    add(4000, "opportunity", history->at(0).id);
  }
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
    if (std::get<1>(a) != std::get<1>(b)) return std::get<1>(a) < std::get<1>(b);
    return std::get<2>(a) > std::get<2>(b);
  });

  auto key_of = [](const TimelineEntry& e) {
    if (e.kind == "task") return std::string(e.event == "created" ? "task.created" : "task.completed");
    return e.kind;
  };
  TimelineQuery q;
  q.customer_id = c;
  q.limit = 3;
  std::vector<std::tuple<UnixSeconds, std::string, int64_t>> seen;
  int pages = 0;
  for (; pages < 20; ++pages) {
    auto p = interactions().Timeline(q);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_LE(p->items.size(), 3u);
    for (const auto& e : p->items) seen.emplace_back(e.at, key_of(e), e.id);
    if (!p->next) break;
    q.after = *p->next;
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 2);  // 9 entries, 3 a page: the third page knows it is the last

  TimelineQuery only;
  only.customer_id = c;
  only.kinds = {"order", "task"};
  auto filtered = interactions().Timeline(only);
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->items.size(), 3u);
  EXPECT_EQ(filtered->items[0].event, "completed");
  EXPECT_EQ(filtered->items[0].detail, "已回访");
  EXPECT_EQ(filtered->items[0].user_name, "rep");
  EXPECT_EQ(filtered->items[1].kind, "order");
  EXPECT_NE(filtered->items[1].data.find("\"total\":12300"), std::string::npos);
  EXPECT_EQ(filtered->items[2].kind, "task");

  TimelineQuery bad;
  bad.customer_id = c;
  bad.kinds = {"gossip"};
  EXPECT_EQ(Fields(interactions().Timeline(bad).status()), std::vector<std::string>{"kinds"});
  bad.kinds.clear();
  bad.after = "AAAA";
  EXPECT_EQ(Fields(interactions().Timeline(bad).status()), std::vector<std::string>{"after"});
}

class InteractionServiceTest : public testing::BackendStoreTest {
 protected:
  void SetUp() override {
    testing::BackendStoreTest::SetUp();
    if (!store_) return;
    service_ = std::make_unique<InteractionService>(*store_, clock_);
  }
  int64_t Customer_(std::optional<int64_t> owner) {
    Customer c;
    c.name = "客户";
    c.owner_user_id = owner;
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    return store_->CreateCustomer(c, Audit("customer", "create"))->id;
  }
  static Principal As(int64_t id, Role role) { return Principal{id, "u" + std::to_string(id), role, std::nullopt}; }
  static InteractionDraft Draft(int64_t customer) {
    InteractionDraft d;
    d.interaction.customer_id = customer;
    d.interaction.channel = "phone";
    d.interaction.direction = "outbound";
    d.interaction.summary = "电话沟通";
    return d;
  }

  testing::FakeClock clock_{testing::At("2026-12-01", 10)};
  std::unique_ptr<InteractionService> service_;
};

INSTANTIATE_TEST_SUITE_P(Backends, InteractionServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(InteractionServiceTest, DefaultsAndFollowUpChecks) {
  const int64_t owner = User_("owner");
  const int64_t rep = User_("rep");
  const int64_t c = Customer_(owner);
  InteractionDraft d = Draft(c);
  d.follow_up = FollowUpDraft{"发报价", "2026-12-01", std::nullopt, std::nullopt, "normal"};
  auto r = service_->Log(As(owner, Role::kSales), d);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->interaction.at, clock_.Now());
  EXPECT_EQ(r->interaction.user_id, owner);
  EXPECT_EQ(r->follow_up->assignee_user_id, owner);  // the customer's owner

  d.follow_up = FollowUpDraft{"  ", "2026-11-30", "25:00", 999999, "asap"};
  d.interaction.channel = "telegram";
  auto bad = service_->Log(As(owner, Role::kSales), d);
  EXPECT_EQ(Fields(bad.status()), (std::vector<std::string>{"channel", "follow_up/title", "follow_up/due_day",
                                                            "follow_up/due_time", "follow_up/priority",
                                                            "follow_up/assignee_user_id"}));
  // A sales rep does not see another rep's customer: it does not exist for them.
  auto hidden = service_->Log(As(rep, Role::kSales), Draft(c));
  EXPECT_EQ(Fields(hidden.status()), std::vector<std::string>{"customer_id"});
  EXPECT_EQ(service_->Timeline(As(rep, Role::kSales), TimelineQuery{c, {}, "", 10}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(service_->Get(As(rep, Role::kSales), r->interaction.id).status().code(), StatusCode::kNotFound);
}

TEST_P(InteractionServiceTest, RolesThatLogAndChange) {
  const int64_t owner = User_("owner");
  const int64_t desk = User_("desk");
  const int64_t analyst = User_("analyst");
  const int64_t c = Customer_(owner);
  auto by_service = service_->Log(As(desk, Role::kService), Draft(c));
  ASSERT_TRUE(by_service.ok()) << by_service.status().ToString();
  EXPECT_EQ(service_->Log(As(analyst, Role::kAnalyst), Draft(c)).status().code(), StatusCode::kPermissionDenied);
  InteractionDraft for_other = Draft(c);
  for_other.interaction.user_id = owner;
  EXPECT_EQ(Fields(service_->Log(As(desk, Role::kService), for_other).status()),
            std::vector<std::string>{"user_id"});
  // The service desk changes what it logged, not what sales logged.
  auto by_sales = service_->Log(As(owner, Role::kSales), Draft(c));
  ASSERT_TRUE(by_sales.ok());
  Interaction mine = by_service->interaction;
  mine.outcome = "已解决";
  EXPECT_TRUE(service_->Update(As(desk, Role::kService), mine).ok());
  Interaction theirs = by_sales->interaction;
  theirs.outcome = "x";
  EXPECT_EQ(service_->Update(As(desk, Role::kService), theirs).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Delete(As(analyst, Role::kAnalyst), theirs.id, 1).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_->Delete(As(owner, Role::kSales), theirs.id, 1).ok());
}

}  // namespace
}  // namespace guanxi
