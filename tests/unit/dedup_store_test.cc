// DedupStore on both backends: detection columns, dismissals, merge of every
// kind of child row and its exact undo, refusals that change nothing.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>

#include "domain/customer.h"
#include "domain/sales.h"
#include "domain/search_text.h"
#include "store/dedup_store.h"
#include "store/sales_store.h"
#include "store/task_store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::Audit;

class DedupStoreTest : public testing::BackendStoreTest {
 protected:
  DedupStore& dedup() { return store_->Dedup(); }

  int64_t NewCustomer(Customer c) {
    c.created_at = c.updated_at = 1000;
    EXPECT_TRUE(NormalizeCustomer(c).ok());
    auto r = store_->CreateCustomer(c, Audit("customer", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }
  int64_t NewCustomer(const std::string& name, CustomerKind kind = CustomerKind::kOrganization) {
    Customer c;
    c.name = name;
    c.kind = kind;
    return NewCustomer(c);
  }

  // Raw SQL on the test database through its own connection: rows of tables
  // whose stores other areas own, and reads of customer_id columns.
  std::vector<std::vector<std::string>> Sql(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    if (GetParam() == "sqlite") {
      sqlite3* db = nullptr;
      EXPECT_EQ(sqlite3_open(db_->name().c_str(), &db), SQLITE_OK);
      sqlite3_busy_timeout(db, 5000);
      sqlite3_stmt* st = nullptr;
      EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db) << sql;
      while (st && sqlite3_step(st) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
          const auto* t = sqlite3_column_text(st, c);
          row.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
        }
        out.push_back(std::move(row));
      }
      sqlite3_finalize(st);
      sqlite3_close(db);
      return out;
    }
    PGconn* c = PQconnectdb(db_->name().c_str());
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK)
        << PQresultErrorMessage(r) << sql;
    for (int i = 0; i < PQntuples(r); ++i) {
      std::vector<std::string> row;
      for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
      out.push_back(std::move(row));
    }
    PQclear(r);
    PQfinish(c);
    return out;
  }
  int64_t SqlId(const std::string& sql) {
    auto rows = Sql(sql);
    EXPECT_EQ(rows.size(), 1u) << sql;
    return rows.empty() ? 0 : std::stoll(rows[0][0]);
  }
  std::string OwnerOf(const std::string& table, int64_t id) {
    auto rows = Sql("SELECT customer_id FROM " + table + " WHERE id = " + std::to_string(id));
    return rows.empty() ? "gone" : rows[0][0];
  }
  std::vector<std::string> Actions(int64_t customer) {
    AuditQuery q;
    q.entity = "customer";
    q.entity_id = customer;
    q.limit = 100;
    auto page = store_->ListAudit(q);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> out;
    if (page.ok()) for (const auto& a : page->items) out.push_back(a.action);
    return out;
  }
  static long Count(const std::vector<std::string>& v, const std::string& x) {
    return std::count(v.begin(), v.end(), x);
  }
  MergeRequest Request(int64_t survivor, int64_t merged, UnixSeconds at = 5000) {
    MergeRequest r;
    r.survivor_id = survivor;
    r.merged_id = merged;
    r.at = at;
    r.score = 0.9;
    r.undo_until = at + 7 * 86400;
    return r;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, DedupStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(DedupStoreTest, MergeMovesEveryRowAndUndoRestoresExactly) {
  const int64_t rep = User_("rep");
  Customer s0;
  s0.name = "云栖科技";
  s0.tags = {"vip"};
  const int64_t s = NewCustomer(s0);
  Customer m0;
  m0.name = "杭州雲棲科技有限公司";
  m0.phone = "+8657188886666";
  m0.email = "info@yunqi.example";
  m0.industry = "软件";
  m0.tags = {"vip", "华东"};
  m0.care_dates = {CareDate{"anniversary", "合作纪念日", "03-15"}};
  const int64_t m = NewCustomer(m0);

  Contact ct;
  ct.customer_id = m;
  ct.name = "李娜";
  ct.phone = "+8613900001111";
  ct.created_at = ct.updated_at = 1000;
  auto contact = store_->CreateContact(ct, Audit("contact", "create"));
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  Task t;
  t.customer_id = m;
  t.title = "回访";
  t.due_day = "2026-12-03";
  t.created_at = 3000;
  auto task = store_->Tasks().CreateTask(t, Audit("task", "create"));
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  Order o;
  o.customer_id = m;
  o.ordered_at = 2000;
  o.total = 12300;
  o.created_at = o.updated_at = 2000;
  auto order = store_->Sales().CreateOrder(o, Audit("order", "create"));
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  const std::string mid = std::to_string(m), sid = std::to_string(s);
  const int64_t interaction = SqlId(
      "INSERT INTO interaction(version, customer_id, channel, direction, at, subject, created_at, updated_at) "
      "VALUES (1, " + mid + ", 'phone', 'outbound', 1500, '电话', 1500, 1500) RETURNING id");
  const int64_t lifecycle = SqlId("INSERT INTO lifecycle_history(customer_id, at, field, to_value, source) VALUES (" +
                                  mid + ", 1500, 'stage', 'formation', 'derived') RETURNING id");
  const int64_t owner = SqlId("INSERT INTO owner_history(customer_id, at, to_user_id, reason) VALUES (" + mid +
                              ", 1500, " + std::to_string(rep) + ", 'assign') RETURNING id");
  const int64_t j1 = SqlId("INSERT INTO journey(version, name, trigger, created_at, updated_at) "
                           "VALUES (1, '新客关怀', 'manual', 1, 1) RETURNING id");
  const int64_t j2 = SqlId("INSERT INTO journey(version, name, trigger, created_at, updated_at) "
                           "VALUES (1, '生日关怀', 'manual', 1, 1) RETURNING id");
  auto enroll = [&](int64_t journey, const std::string& customer) {
    return SqlId("INSERT INTO journey_enrollment(journey_id, customer_id, start_day, status, enrolled_at) VALUES (" +
                 std::to_string(journey) + ", " + customer + ", '2026-11-01', 'active', 1500) RETURNING id");
  };
  const int64_t s_in_j1 = enroll(j1, sid);
  const int64_t m_in_j1 = enroll(j1, mid);
  const int64_t m_in_j2 = enroll(j2, mid);

  auto merged = dedup().Merge(Request(s, m), Audit("customer", "merge"));
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_GT(merged->id, 0);
  EXPECT_EQ(merged->survivor_id, s);

  auto contacts = store_->ListContacts(s);
  ASSERT_TRUE(contacts.ok());
  ASSERT_EQ(contacts->size(), 1u);
  EXPECT_EQ((*contacts)[0].id, contact->id);
  EXPECT_EQ(OwnerOf("task", task->id), sid);
  EXPECT_EQ(OwnerOf("sales_order", order->id), sid);
  EXPECT_EQ(OwnerOf("interaction", interaction), sid);
  EXPECT_EQ(OwnerOf("lifecycle_history", lifecycle), sid);
  EXPECT_EQ(OwnerOf("owner_history", owner), sid);
  EXPECT_EQ(OwnerOf("journey_enrollment", s_in_j1), sid);
  EXPECT_EQ(OwnerOf("journey_enrollment", m_in_j2), sid);
  // Both were in j1: the survivor's enrollment stays, the merged one's ends.
  EXPECT_EQ(OwnerOf("journey_enrollment", m_in_j1), mid);
  EXPECT_EQ(Sql("SELECT status, left_reason FROM journey_enrollment WHERE id = " + std::to_string(m_in_j1)),
            (std::vector<std::vector<std::string>>{{"left", "merged"}}));

  auto survivor = store_->GetCustomer(s);
  ASSERT_TRUE(survivor.ok());
  EXPECT_EQ(survivor->phone, "+8657188886666");
  EXPECT_EQ(survivor->email, "info@yunqi.example");
  EXPECT_EQ(survivor->industry, "软件");
  EXPECT_EQ(survivor->tags, (std::vector<std::string>{"vip", "华东"}));
  EXPECT_EQ(survivor->care_dates.size(), 1u);
  EXPECT_EQ(survivor->version, 2);
  auto gone = store_->GetCustomer(m);
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->archived);
  // The survivor is found by the phone it took over and by the tag it gained.
  CustomerQuery by_phone;
  by_phone.search = FoldForSearch("88886666");
  auto found = store_->ListCustomers(by_phone);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].id, s);
  CustomerQuery by_tag;
  by_tag.tag = "华东";
  auto tagged = store_->ListCustomers(by_tag);
  ASSERT_TRUE(tagged.ok());
  ASSERT_EQ(tagged->items.size(), 1u);
  EXPECT_EQ(tagged->items[0].id, s);
  EXPECT_EQ(Count(Actions(s), "merge"), 1);
  EXPECT_EQ(Count(Actions(m), "merge"), 1);

  // Merging the merged customer again is refused.
  const int64_t third = NewCustomer("第三家");
  auto again = dedup().Merge(Request(third, m), Audit("customer", "merge"));
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_FALSE(again.status().fields().empty());
  EXPECT_EQ(again.status().fields()[0].field, "merged_id");

  auto undone = dedup().Undo(merged->id, 6000, rep, Audit("customer", "merge_undo"));
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  EXPECT_EQ(undone->undone_at, 6000);
  EXPECT_EQ(undone->undone_by, rep);
  contacts = store_->ListContacts(m);
  ASSERT_TRUE(contacts.ok());
  EXPECT_EQ(contacts->size(), 1u);
  EXPECT_EQ(OwnerOf("task", task->id), mid);
  EXPECT_EQ(OwnerOf("sales_order", order->id), mid);
  EXPECT_EQ(OwnerOf("interaction", interaction), mid);
  EXPECT_EQ(OwnerOf("lifecycle_history", lifecycle), mid);
  EXPECT_EQ(OwnerOf("owner_history", owner), mid);
  EXPECT_EQ(OwnerOf("journey_enrollment", s_in_j1), sid);
  EXPECT_EQ(OwnerOf("journey_enrollment", m_in_j2), mid);
  EXPECT_EQ(Sql("SELECT status, left_reason, ended_at FROM journey_enrollment WHERE id = " + std::to_string(m_in_j1)),
            (std::vector<std::vector<std::string>>{{"active", "", "NULL"}}));
  survivor = store_->GetCustomer(s);
  ASSERT_TRUE(survivor.ok());
  EXPECT_EQ(survivor->phone, "");
  EXPECT_EQ(survivor->email, "");
  EXPECT_EQ(survivor->industry, "");
  EXPECT_EQ(survivor->tags, std::vector<std::string>{"vip"});
  EXPECT_TRUE(survivor->care_dates.empty());
  gone = store_->GetCustomer(m);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->archived);
  found = store_->ListCustomers(by_phone);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].id, m);
  EXPECT_EQ(Count(Actions(s), "merge_undo"), 1);
  EXPECT_EQ(Count(Actions(m), "merge_undo"), 1);
  EXPECT_EQ(dedup().Undo(merged->id, 6001, rep, Audit("customer", "merge_undo")).status().code(),
            StatusCode::kFailedPrecondition);
  // Search indexes, tag rows and grams stayed consistent through both rewrites.
  auto integrity = store_->IntegrityCheck();
  ASSERT_TRUE(integrity.ok());
  EXPECT_EQ(*integrity, "ok");
  auto listed = dedup().ListMerges(MergeQuery{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].undone_at.has_value());
}

TEST_P(DedupStoreTest, RefusedMergesChangeNothing) {
  const int64_t a = NewCustomer("甲公司");
  const int64_t b = NewCustomer("乙公司");
  Contact ct;
  ct.customer_id = b;
  ct.name = "王芳";
  ct.created_at = ct.updated_at = 1000;
  ASSERT_TRUE(store_->CreateContact(ct, Audit("contact", "create")).ok());

  auto self = dedup().Merge(Request(a, a), Audit("customer", "merge"));
  EXPECT_EQ(self.status().code(), StatusCode::kInvalidArgument);
  ASSERT_FALSE(self.status().fields().empty());
  EXPECT_EQ(self.status().fields()[0].field, "merged_id");
  EXPECT_EQ(dedup().Merge(Request(a, 999999), Audit("customer", "merge")).status().code(), StatusCode::kNotFound);

  auto archived = store_->GetCustomer(a);
  ASSERT_TRUE(archived.ok());
  archived->archived = true;
  ASSERT_TRUE(store_->UpdateCustomer(*archived, Audit("customer", "archive")).ok());
  auto into_archived = dedup().Merge(Request(a, b), Audit("customer", "merge"));
  EXPECT_EQ(into_archived.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_FALSE(into_archived.status().fields().empty());
  EXPECT_EQ(into_archived.status().fields()[0].field, "id");
  auto from_archived = dedup().Merge(Request(b, a), Audit("customer", "merge"));
  EXPECT_EQ(from_archived.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(from_archived.status().fields()[0].field, "merged_id");

  auto contacts = store_->ListContacts(b);
  ASSERT_TRUE(contacts.ok());
  EXPECT_EQ(contacts->size(), 1u);
  auto still = store_->GetCustomer(b);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->version, 1);
  EXPECT_FALSE(still->archived);
  auto merges = dedup().ListMerges(MergeQuery{});
  ASSERT_TRUE(merges.ok());
  EXPECT_TRUE(merges->empty());
  EXPECT_EQ(Count(Actions(b), "merge"), 0);

  // After the window an undo is refused and the merge stays.
  const int64_t c = NewCustomer("丙公司");
  auto done = dedup().Merge(Request(b, c, 5000), Audit("customer", "merge"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto late = dedup().Undo(done->id, 5000 + 8 * 86400, std::nullopt, Audit("customer", "merge_undo"));
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  auto merged = store_->GetCustomer(c);
  ASSERT_TRUE(merged.ok());
  EXPECT_TRUE(merged->archived);
}

TEST_P(DedupStoreTest, ColumnsAndDismissals) {
  const int64_t rep = User_("rep2");
  Customer mine;
  mine.name = "张伟";
  mine.kind = CustomerKind::kIndividual;
  mine.phone = "+8613800000001";
  mine.email = "ZW@Example.com";
  mine.owner_user_id = rep;
  const int64_t a = NewCustomer(mine);
  const int64_t b = NewCustomer("云栖科技");
  const int64_t archived = NewCustomer("已归档公司");
  auto c = store_->GetCustomer(archived);
  ASSERT_TRUE(c.ok());
  c->archived = true;
  ASSERT_TRUE(store_->UpdateCustomer(*c, Audit("customer", "archive")).ok());
  Contact ct;
  ct.customer_id = b;
  ct.name = "联系人";
  ct.phone = "+8613800000009";
  ct.email = "boss@yunqi.example";
  ct.created_at = ct.updated_at = 1000;
  ASSERT_TRUE(store_->CreateContact(ct, Audit("contact", "create")).ok());

  auto all = dedup().ReadColumns(VisibilityScope{});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->id, (std::vector<int64_t>{a, b}));
  EXPECT_EQ(all->name[0], "张伟");
  EXPECT_FALSE(all->organization[0]);
  EXPECT_TRUE(all->organization[1]);
  EXPECT_EQ(all->phone[0], "+8613800000001");
  EXPECT_EQ(all->email[0], "zw@example.com");
  ASSERT_EQ(all->contact_phone.size(), 1u);
  EXPECT_EQ(all->contact_phone[0], (std::pair<uint32_t, std::string>{1, "+8613800000009"}));
  ASSERT_EQ(all->contact_email.size(), 1u);
  auto own = dedup().ReadColumns(VisibilityScope{VisibilityScope::Kind::kOwner, rep});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->id, std::vector<int64_t>{a});

  EXPECT_TRUE(dedup().Dismiss(b, a, 7000, rep, Audit("customer", "dismiss_duplicate")).ok());
  EXPECT_TRUE(dedup().Dismiss(a, b, 7001, rep, Audit("customer", "dismiss_duplicate")).ok());  // again: no-op
  auto dismissed = dedup().ListDismissals();
  ASSERT_TRUE(dismissed.ok());
  EXPECT_EQ(*dismissed, (std::vector<std::pair<int64_t, int64_t>>{{a, b}}));
  EXPECT_EQ(dedup().Dismiss(a, 999999, 7002, rep, Audit("customer", "dismiss_duplicate")).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Count(Actions(a), "dismiss_duplicate"), 1);
}

}  // namespace
}  // namespace guanxi
