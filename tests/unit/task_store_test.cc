#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "domain/sales.h"
#include "store/store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

// Every task store test runs on both backends: the behaviour is the contract.
class TaskStoreTest : public testing::BackendStoreTest {
 protected:
  TaskStore& tasks() { return store_->Tasks(); }
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
  static Task Draft(int64_t customer, std::optional<int64_t> assignee, const std::string& due,
                    std::optional<std::string> time = std::nullopt) {
    Task t;
    t.customer_id = customer;
    t.assignee_user_id = assignee;
    t.title = "跟进 " + due + (time ? " " + *time : "");
    t.due_day = due;
    t.due_time = time;
    t.created_at = 3000;
    return t;
  }
  Result<Task> Create(Task t) { return tasks().CreateTask(std::move(t), Audit("task", "create")); }
  std::vector<int64_t> AllIds(TaskQuery q) {
    std::vector<int64_t> seen;
    for (int page = 0; page < 50; ++page) {
      auto p = tasks().ListTasks(q);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (!p.ok()) break;
      for (const auto& t : p->items) seen.push_back(t.id);
      if (!p->next) break;
      q.after = *p->next;
    }
    return seen;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, TaskStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(TaskStoreTest, CreateRoundTripsEveryField) {
  const int64_t rep = User_("rep");
  const int64_t a = Customer_("A", rep);
  Task t = Draft(a, rep, "2026-12-03", "09:30");
  t.kind = "return_visit";
  t.priority = "urgent";
  t.origin = "visit_plan";
  t.origin_id = 7;
  t.note = "带样品";
  t.created_by = rep;
  t.status = "done";                // ignored: a new task is open
  t.completion_note = "ignored";    // ignored too
  auto created = Create(t);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->status, "open");
  EXPECT_EQ(created->completion_note, "");
  EXPECT_EQ(created->updated_at, 3000);
  auto read = tasks().GetTask(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, *created);
  EXPECT_EQ(read->due_time, "09:30");
  EXPECT_EQ(read->kind, "return_visit");
  EXPECT_EQ(read->origin_id, 7);
  EXPECT_EQ(tasks().GetTask(999999).status().code(), StatusCode::kNotFound);
  auto audit = store_->ListAudit({"task", created->id, "", 10});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->items.size(), 1u);
  EXPECT_NE(audit->items[0].after.find("\"due_time\":\"09:30\""), std::string::npos);
}

TEST_P(TaskStoreTest, CreateRejectsBadValuesWithTheField) {
  const int64_t rep = User_("rep");
  const int64_t a = Customer_("A", rep);
  auto field_of = [&](Task t) {
    auto r = Create(std::move(t));
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.status().fields().empty() ? std::string() : r.status().fields()[0].field;
  };
  EXPECT_EQ(field_of(Draft(777777, rep, "2026-12-01")), "customer_id");
  EXPECT_EQ(field_of(Draft(a, 888888, "2026-12-01")), "assignee_user_id");
  EXPECT_EQ(field_of(Draft(a, rep, "2026-13-01")), "due_day");
  EXPECT_EQ(field_of(Draft(a, rep, "2026-12-01", "24:00")), "due_time");
  EXPECT_EQ(field_of(Draft(a, rep, "2026-12-01", "9:30")), "due_time");
  Task bad_kind = Draft(a, rep, "2026-12-01");
  bad_kind.kind = "visit";
  EXPECT_EQ(field_of(bad_kind), "kind");
  Task bad_priority = Draft(a, rep, "2026-12-01");
  bad_priority.priority = "p1";
  EXPECT_EQ(field_of(bad_priority), "priority");
  Task bad_origin = Draft(a, rep, "2026-12-01");
  bad_origin.origin = "robot";
  EXPECT_EQ(field_of(bad_origin), "origin");
  Task no_title = Draft(a, rep, "2026-12-01");
  no_title.title = "";
  EXPECT_EQ(field_of(no_title), "title");
  auto none = tasks().CountTasks({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
}

TEST_P(TaskStoreTest, CreateIfAbsentIsExactlyOnceAcrossStores) {
  const int64_t rep = User_("rep");
  const int64_t a = Customer_("A", rep);
  Task no_key = Draft(a, rep, "2026-12-01");
  EXPECT_EQ(tasks().CreateTaskIfAbsent(no_key, Audit("task", "generate")).status().code(),
            StatusCode::kInvalidArgument);

  // Two stores on one database (replicas) race for the same keys.
  std::vector<std::unique_ptr<Store>> replicas;
  for (int i = 0; i < 2; ++i) {
    replicas.push_back(db_->Open());
    ASSERT_TRUE(replicas.back());
  }
  for (int round = 0; round < 5; ++round) {
    const std::string key = "visit:" + std::to_string(a) + ":" + std::to_string(round);
    std::atomic<int> created{0};
    std::atomic<int> errors{0};
    std::vector<int64_t> ids(replicas.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < replicas.size(); ++i) {
      threads.emplace_back([&, i] {
        Task t = Draft(a, rep, "2026-12-0" + std::to_string(round + 1));
        t.kind = "return_visit";
        t.origin = "visit_plan";
        t.dedupe_key = key;
        auto r = replicas[i]->Tasks().CreateTaskIfAbsent(t, Audit("task", "generate"));
        if (!r.ok()) {
          ++errors;
          return;
        }
        if (r->second) ++created;
        ids[i] = r->first.id;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(created.load(), 1) << key;
    EXPECT_EQ(ids[0], ids[1]) << key;
    EXPECT_GT(ids[0], 0);
  }
  for (auto& r : replicas) r->Close();
  EXPECT_EQ(*tasks().CountTasks({}), 5);

  // The existing task is answered as stored, not as asked.
  Task again = Draft(a, rep, "2027-01-01");
  again.dedupe_key = "visit:" + std::to_string(a) + ":0";
  auto r = tasks().CreateTaskIfAbsent(again, Audit("task", "generate"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->second);
  EXPECT_EQ(r->first.due_day, "2026-12-01");
  EXPECT_EQ(r->first.dedupe_key, again.dedupe_key);
  // A plain create with a taken key is refused.
  EXPECT_EQ(Create(again).status().code(), StatusCode::kAlreadyExists);
  // One audit row per created task, none for the answers.
  auto audit = store_->ListAudit({"task", std::nullopt, "", 50});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->items.size(), 5u);
}

TEST_P(TaskStoreTest, ListOrdersByDueDayTimeNullLastThenIdInPages) {
  const int64_t rep = User_("rep");
  const int64_t a = Customer_("A", rep);
  auto id = [&](Task t) {
    auto r = Create(std::move(t));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  };
  const int64_t d2_none = id(Draft(a, rep, "2026-12-02"));
  const int64_t d2_late = id(Draft(a, rep, "2026-12-02", "16:00"));
  const int64_t d1_none = id(Draft(a, rep, "2026-12-01"));
  const int64_t d2_early = id(Draft(a, rep, "2026-12-02", "08:05"));
  const int64_t d2_none_b = id(Draft(a, rep, "2026-12-02"));
  const int64_t d2_late_b = id(Draft(a, rep, "2026-12-02", "16:00"));
  const int64_t d3 = id(Draft(a, rep, "2026-12-03", "00:00"));
  const std::vector<int64_t> expected{d1_none, d2_early, d2_late, d2_late_b, d2_none, d2_none_b, d3};
  for (int limit : {1, 2, 3, 50}) {
    TaskQuery q;
    q.limit = limit;
    EXPECT_EQ(AllIds(q), expected) << "limit " << limit;
  }
  TaskQuery range;
  range.due_from = "2026-12-02";
  range.due_to = "2026-12-02";
  EXPECT_EQ(*tasks().CountTasks(range), 5);
  EXPECT_EQ(AllIds(range).size(), 5u);
  TaskQuery bad;
  bad.after = "garbage";
  auto r = tasks().ListTasks(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  ASSERT_FALSE(r.status().fields().empty());
  EXPECT_EQ(r.status().fields()[0].field, "after");
  bad.after.clear();
  bad.due_from = "2026-02-30";
  EXPECT_EQ(tasks().ListTasks(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(TaskStoreTest, FiltersScopeTeamKindStatusAndDueMoments) {
  Team draft;
  draft.name = "东区";
  draft.created_at = 1000;
  const int64_t team = store_->CreateTeam(draft, Audit("team", "create"))->id;
  const int64_t rep = User_("rep", team);
  const int64_t mate = User_("mate", team);
  const int64_t other = User_("other");
  const int64_t a = Customer_("A", rep);
  const int64_t b = Customer_("B", other);
  Task t1 = Draft(a, rep, "2026-12-01", "09:00");
  Task t2 = Draft(a, mate, "2026-12-01");
  t2.kind = "care";
  Task t3 = Draft(b, other, "2026-11-30");
  Task t4 = Draft(b, rep, "2026-12-01", "11:00");
  const int64_t i1 = Create(t1)->id, i2 = Create(t2)->id, i3 = Create(t3)->id, i4 = Create(t4)->id;

  TaskQuery by_team;
  by_team.assignee_team_id = team;
  EXPECT_EQ(AllIds(by_team), (std::vector<int64_t>{i1, i4, i2}));
  EXPECT_EQ(*tasks().CountTasks(by_team), 3);
  TaskQuery scoped;  // customers owned by `other`
  scoped.scope = {VisibilityScope::Kind::kOwner, other};
  EXPECT_EQ(AllIds(scoped), (std::vector<int64_t>{i3, i4}));
  TaskQuery team_scope;  // customers owned by the team
  team_scope.scope = {VisibilityScope::Kind::kTeam, team};
  EXPECT_EQ(AllIds(team_scope), (std::vector<int64_t>{i1, i2}));
  EXPECT_EQ(*tasks().CountTasks(team_scope), 2);
  TaskQuery care;
  care.kind = "care";
  EXPECT_EQ(AllIds(care), (std::vector<int64_t>{i2}));
  TaskQuery by_customer;
  by_customer.customer_id = b;
  EXPECT_EQ(AllIds(by_customer), (std::vector<int64_t>{i3, i4}));

  // At 2026-12-01 10:00: t3 (yesterday) and t1 (09:00) are overdue; t4 (11:00)
  // and t2 (no time) are not yet.
  TaskQuery overdue;
  overdue.due_before = DueMoment{"2026-12-01", "10:00"};
  EXPECT_EQ(AllIds(overdue), (std::vector<int64_t>{i3, i1}));
  TaskQuery later;
  later.due_not_before = DueMoment{"2026-12-01", "10:00"};
  later.due_to = "2026-12-01";
  EXPECT_EQ(AllIds(later), (std::vector<int64_t>{i4, i2}));
  // At 09:00 sharp t1 is not overdue yet.
  overdue.due_before = DueMoment{"2026-12-01", "09:00"};
  EXPECT_EQ(*tasks().CountTasks(overdue), 1);

  ASSERT_TRUE(tasks().FinishTask(i3, 1, "done", "", 5000, rep, Audit("task", "complete")).ok());
  TaskQuery open;
  open.status = "open";
  EXPECT_EQ(*tasks().CountTasks(open), 3);
  open.status = "done";
  EXPECT_EQ(AllIds(open), (std::vector<int64_t>{i3}));
  open.status = "closed";
  EXPECT_EQ(tasks().ListTasks(open).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(TaskStoreTest, FinishRulesAndVersions) {
  const int64_t rep = User_("rep");
  const int64_t a = Customer_("A", rep);
  const int64_t t1 = Create(Draft(a, rep, "2026-12-01"))->id;
  const int64_t t2 = Create(Draft(a, rep, "2026-12-02"))->id;

  EXPECT_EQ(tasks().FinishTask(t1, 2, "done", "", 4000, rep, Audit("task", "complete")).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(tasks().FinishTask(t1, 1, "open", "", 4000, rep, Audit("task", "complete")).status().code(),
            StatusCode::kInvalidArgument);
  auto done = tasks().FinishTask(t1, 1, "done", "客户已确认", 4000, rep, Audit("task", "complete"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->version, 2);
  EXPECT_EQ(done->completed_at, 4000);
  EXPECT_EQ(done->completed_by, rep);
  EXPECT_EQ(done->completion_note, "客户已确认");
  EXPECT_EQ(done->updated_at, 4000);
  EXPECT_EQ(*tasks().GetTask(t1), *done);
  // Done again with the current version: answered as it is.
  auto again = tasks().FinishTask(t1, 2, "done", "other", 5000, rep, Audit("task", "complete"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *done);
  // A stale version is a conflict even when the status matches.
  EXPECT_EQ(tasks().FinishTask(t1, 1, "done", "", 5000, rep, Audit("task", "complete")).status().code(),
            StatusCode::kConflict);
  // A done task cannot be cancelled; a cancelled one cannot be completed.
  EXPECT_EQ(tasks().FinishTask(t1, 2, "cancelled", "", 5000, rep, Audit("task", "cancel")).status().code(),
            StatusCode::kFailedPrecondition);
  auto cancelled = tasks().FinishTask(t2, 1, "cancelled", "不需要了", 5000, std::nullopt, Audit("task", "cancel"));
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, "cancelled");
  EXPECT_FALSE(cancelled->completed_by.has_value());
  EXPECT_EQ(tasks().FinishTask(t2, 2, "done", "", 6000, rep, Audit("task", "complete")).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tasks().FinishTask(99999, 1, "done", "", 4000, rep, Audit("task", "complete")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->ListAudit({"task", t1, "", 10})->items.size(), 2u);
}

TEST_P(TaskStoreTest, UpdateReplacesEditableFieldsUnderVersion) {
  const int64_t rep = User_("rep");
  const int64_t mate = User_("mate");
  const int64_t a = Customer_("A", rep);
  auto created = Create(Draft(a, rep, "2026-12-01", "09:00"));
  ASSERT_TRUE(created.ok());
  Task edit = *created;
  edit.title = "改期";
  edit.priority = "high";
  edit.due_day = "2026-12-05";
  edit.due_time.reset();
  edit.assignee_user_id = mate;
  edit.note = "周五再打";
  edit.status = "done";  // not editable here
  edit.updated_at = 7000;
  auto updated = tasks().UpdateTask(edit, Audit("task", "update"));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->status, "open");
  EXPECT_EQ(updated->title, "改期");
  EXPECT_EQ(updated->priority, "high");
  EXPECT_FALSE(updated->due_time.has_value());
  EXPECT_EQ(updated->assignee_user_id, mate);
  EXPECT_EQ(updated->updated_at, 7000);
  EXPECT_EQ(*tasks().GetTask(created->id), *updated);
  // The old version is stale now.
  EXPECT_EQ(tasks().UpdateTask(edit, Audit("task", "update")).status().code(), StatusCode::kConflict);
  Task bad = *updated;
  bad.assignee_user_id = 424242;
  auto r = tasks().UpdateTask(bad, Audit("task", "update"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  bad.assignee_user_id = mate;
  bad.due_time = "25:00";
  EXPECT_EQ(tasks().UpdateTask(bad, Audit("task", "update")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*tasks().GetTask(created->id), *updated);
}

}  // namespace
}  // namespace guanxi
