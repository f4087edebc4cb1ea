#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "domain/search_text.h"
#include "store/cursor.h"
#include "store/store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::OpenTestStore;
using testing::TempDir;

Customer Org(const std::string& name, int64_t t = 1000) {
  Customer c;
  c.kind = CustomerKind::kOrganization;
  c.name = name;
  c.created_at = c.updated_at = t;
  EXPECT_TRUE(NormalizeCustomer(c).ok());
  return c;
}

AuditEntry Audit(const char* action) {
  AuditEntry a;
  a.at = 1000;
  a.user_login = "test";
  a.entity = "customer";
  a.action = action;
  return a;
}

std::vector<std::string> Names(const Page<Customer>& p) {
  std::vector<std::string> out;
  for (const auto& c : p.items) out.push_back(c.name);
  return out;
}

std::vector<std::string> Search(Store& s, const std::string& q) {
  CustomerQuery query;
  query.search = FoldForSearch(q);
  query.limit = 200;
  auto page = s.ListCustomers(query);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  auto names = Names(*page);
  std::sort(names.begin(), names.end());
  return names;
}

// Every store test runs on both backends: the behaviour is the contract.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    GX_SKIP_WITHOUT_BACKEND(GetParam());
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    store_ = db_->Open();
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    if (store_) store_->Close();
    store_.reset();
  }
  std::unique_ptr<Store> Reopen() {
    store_->Close();
    return db_->Open();
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(StoreTest, CreateGetUpdateWithVersionCheck) {
  auto created = store_->CreateCustomer(Org("杭州云栖科技有限公司"), Audit("create"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->version, 1);

  auto got = store_->GetCustomer(created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "杭州云栖科技有限公司");

  Customer edit = *got;
  edit.city = "杭州市";
  auto updated = store_->UpdateCustomer(edit, Audit("update"));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 2);

  Customer stale = *got;  // still version 1
  stale.city = "宁波市";
  auto conflict = store_->UpdateCustomer(stale, Audit("update"));
  EXPECT_EQ(conflict.status().code(), StatusCode::kConflict);
  EXPECT_EQ(store_->GetCustomer(created->id)->city, "杭州市");

  EXPECT_EQ(store_->GetCustomer(999999).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, AuditRowsWrittenWithEachChange) {
  auto c = store_->CreateCustomer(Org("审计测试公司"), Audit("create"));
  ASSERT_TRUE(c.ok());
  Customer edit = *c;
  edit.name = "审计测试二公司";
  ASSERT_TRUE(store_->UpdateCustomer(edit, Audit("update")).ok());
  AuditQuery q;
  q.entity = "customer";
  q.entity_id = c->id;
  auto page = store_->ListAudit(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].action, "update");  // newest first
  EXPECT_NE(page->items[0].before.find("审计测试公司"), std::string::npos);
  EXPECT_NE(page->items[0].after.find("审计测试二公司"), std::string::npos);
  EXPECT_EQ(page->items[1].action, "create");
}

TEST_P(StoreTest, ConcurrentRenamesKeepBothSearchIndexesExact) {
  constexpr int kCustomers = 16;
  std::vector<Customer> created;
  for (int i = 0; i < kCustomers; ++i) {
    auto c = store_->CreateCustomer(Org("旧号" + std::to_string(i) + "公司"), Audit("create"));
    ASSERT_TRUE(c.ok());
    created.push_back(*c);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kCustomers; ++i) {
    threads.emplace_back([&, i] {
      Customer c = created[i];
      c.name = "新号" + std::to_string(i) + "集团";
      EXPECT_TRUE(store_->UpdateCustomer(c, Audit("update")).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(Search(*store_, "旧号").empty());
  EXPECT_TRUE(Search(*store_, "公司").empty());
  EXPECT_EQ(Search(*store_, "新号").size(), static_cast<size_t>(kCustomers));
  EXPECT_EQ(Search(*store_, "新号7集团"), (std::vector<std::string>{"新号7集团"}));
  EXPECT_EQ(*store_->IntegrityCheck(), "ok");
}

TEST_P(StoreTest, ExternalIdIsUnique) {
  Customer a = Org("甲公司");
  a.external_id = "ERP-1";
  ASSERT_TRUE(store_->CreateCustomer(a, Audit("create")).ok());
  Customer b = Org("乙公司");
  b.external_id = "ERP-1";
  auto dup = store_->CreateCustomer(b, Audit("create"));
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  ASSERT_EQ(dup.status().fields().size(), 1u);
  EXPECT_EQ(dup.status().fields()[0].field, "external_id");
  EXPECT_EQ(*store_->CountCustomers(), 1);
}

TEST_P(StoreTest, CustomerNamesReadsExistingIdsInOneCall) {
  auto a = store_->CreateCustomer(Org("甲公司"), Audit("create"));
  auto b = store_->CreateCustomer(Org("乙公司"), Audit("create"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto names = store_->CustomerNames({b->id, a->id, 999999, b->id});
  ASSERT_TRUE(names.ok()) << names.status().message();
  EXPECT_EQ(*names, (std::map<int64_t, std::string>{{a->id, "甲公司"}, {b->id, "乙公司"}}));
  EXPECT_TRUE(store_->CustomerNames({})->empty());
}

TEST_P(StoreTest, SearchFindsShortAndLongChineseSubstrings) {
  for (const char* n : {"杭州云栖科技有限公司", "云南白药集团", "上海栖霞贸易有限公司", "王芳",
                        "ACME Trading"}) {
    ASSERT_TRUE(store_->CreateCustomer(Org(n), Audit("create")).ok());
  }
  EXPECT_EQ(Search(*store_, "栖"), (std::vector<std::string>{"上海栖霞贸易有限公司", "杭州云栖科技有限公司"}));
  EXPECT_EQ(Search(*store_, "云栖"), (std::vector<std::string>{"杭州云栖科技有限公司"}));
  EXPECT_EQ(Search(*store_, "雲棲"), (std::vector<std::string>{"杭州云栖科技有限公司"}));
  EXPECT_EQ(Search(*store_, "有限公司"),
            (std::vector<std::string>{"上海栖霞贸易有限公司", "杭州云栖科技有限公司"}));
  EXPECT_EQ(Search(*store_, "王芳"), (std::vector<std::string>{"王芳"}));
  EXPECT_EQ(Search(*store_, "ａｃｍｅ"), (std::vector<std::string>{"ACME Trading"}));
  EXPECT_EQ(Search(*store_, "me"), (std::vector<std::string>{"ACME Trading"}));
  EXPECT_EQ(Search(*store_, "杭州 科技"), (std::vector<std::string>{"杭州云栖科技有限公司"}));
  EXPECT_TRUE(Search(*store_, "北京").empty());
}

TEST_P(StoreTest, SearchFollowsRenamesAndDeletes) {
  auto c = store_->CreateCustomer(Org("旧名字公司"), Audit("create"));
  ASSERT_TRUE(c.ok());
  Customer edit = *c;
  edit.name = "新名称集团";
  ASSERT_TRUE(store_->UpdateCustomer(edit, Audit("update")).ok());
  EXPECT_TRUE(Search(*store_, "旧名").empty());
  EXPECT_TRUE(Search(*store_, "旧名字").empty());
  EXPECT_EQ(Search(*store_, "新名"), (std::vector<std::string>{"新名称集团"}));
  EXPECT_EQ(Search(*store_, "名称集"), (std::vector<std::string>{"新名称集团"}));
  ASSERT_TRUE(store_->DeleteCustomer(c->id, Audit("delete")).ok());
  EXPECT_TRUE(Search(*store_, "新名").empty());
  EXPECT_TRUE(Search(*store_, "名称集").empty());
}

TEST_P(StoreTest, KeysetPagesCoverEveryRowOnceInEachSort) {
  std::vector<Customer> bulk;
  for (int i = 0; i < 137; ++i) bulk.push_back(Org("客户" + std::to_string(i), 1000 + i % 7));
  ASSERT_TRUE(store_->InsertCustomersBulk(bulk).ok());
  for (auto sort : {CustomerSort::kUpdatedDesc, CustomerSort::kUpdatedAsc, CustomerSort::kNameAsc,
                    CustomerSort::kNameDesc, CustomerSort::kCreatedAsc, CustomerSort::kCreatedDesc}) {
    CustomerQuery q;
    q.sort = sort;
    q.limit = 50;
    std::set<int64_t> seen;
    std::vector<int> sizes;
    for (;;) {
      auto page = store_->ListCustomers(q);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      sizes.push_back(static_cast<int>(page->items.size()));
      for (const auto& c : page->items) EXPECT_TRUE(seen.insert(c.id).second) << "duplicate " << c.id;
      if (!page->next) break;
      q.after = *page->next;
    }
    EXPECT_EQ(seen.size(), 137u);
    EXPECT_EQ(sizes, (std::vector<int>{50, 50, 37}));
  }
}

TEST_P(StoreTest, NameSortIsPinyinOrder) {
  for (const char* n : {"重庆火锅店", "北京烤鸭店", "阿里巴巴", "深圳华强", "Zeta"}) {
    ASSERT_TRUE(store_->CreateCustomer(Org(n), Audit("create")).ok());
  }
  CustomerQuery q;
  q.sort = CustomerSort::kNameAsc;
  auto page = store_->ListCustomers(q);
  ASSERT_TRUE(page.ok());
  auto names = Names(*page);
  // 阿 (a) < 北 (bei) < 重 (chong) < 深 (shen); ICU's zh order puts Han before Latin.
  EXPECT_EQ(names, (std::vector<std::string>{"阿里巴巴", "北京烤鸭店", "重庆火锅店", "深圳华强", "Zeta"}));
}

TEST_P(StoreTest, BadCursorIsInvalidArgumentOnAfter) {
  CustomerQuery q;
  q.after = "not!a!cursor";
  auto page = store_->ListCustomers(q);
  ASSERT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().fields().at(0).field, "after");
}

TEST_P(StoreTest, ScopeLimitsListingToOwnerOrTeam) {
  Team t;
  t.name = "华东";
  auto team = store_->CreateTeam(t, Audit("create"));
  ASSERT_TRUE(team.ok());
  User a;
  a.login = "a";
  a.display_name = "A";
  a.password_hash = "x";
  a.team_id = team->id;
  User b = a;
  b.login = "b";
  b.team_id.reset();
  auto ua = store_->CreateUser(a, Audit("create"));
  auto ub = store_->CreateUser(b, Audit("create"));
  ASSERT_TRUE(ua.ok() && ub.ok());
  Customer ca = Org("甲方公司");
  ca.owner_user_id = ua->id;
  Customer cb = Org("乙方公司");
  cb.owner_user_id = ub->id;
  ASSERT_TRUE(store_->CreateCustomer(ca, Audit("create")).ok());
  ASSERT_TRUE(store_->CreateCustomer(cb, Audit("create")).ok());
  CustomerQuery q;
  q.scope = {VisibilityScope::Kind::kOwner, ub->id};
  EXPECT_EQ(Names(*store_->ListCustomers(q)), (std::vector<std::string>{"乙方公司"}));
  q.scope = {VisibilityScope::Kind::kTeam, team->id};
  EXPECT_EQ(Names(*store_->ListCustomers(q)), (std::vector<std::string>{"甲方公司"}));
  q.scope = {VisibilityScope::Kind::kAll, 0};
  EXPECT_EQ(store_->ListCustomers(q)->items.size(), 2u);
}

TEST_P(StoreTest, ConcurrentWritersAreGroupCommittedAndAllDurable) {
  constexpr int kThreads = 8, kEach = 100;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (store_->CreateCustomer(Org("并发" + std::to_string(t) + "-" + std::to_string(i)),
                                   Audit("create")).ok()) {
          ++ok;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  auto reopened = Reopen();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(*reopened->CountCustomers(), kThreads * kEach);
  EXPECT_EQ(*reopened->IntegrityCheck(), "ok");
}

TEST_P(StoreTest, FailedJobInBatchDoesNotUndoOthers) {
  Customer a = Org("批次甲");
  a.external_id = "X";
  ASSERT_TRUE(store_->CreateCustomer(a, Audit("create")).ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, dup{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Customer c = Org("批次" + std::to_string(t));
      if (t % 2) c.external_id = "X";  // half of them collide
      auto r = store_->CreateCustomer(c, Audit("create"));
      if (r.ok()) ++ok;
      else if (r.status().code() == StatusCode::kAlreadyExists) ++dup;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(dup.load(), 4);
  EXPECT_EQ(*store_->CountCustomers(), 5);
}

TEST_P(StoreTest, DeletingCustomerRemovesContacts) {
  auto c = store_->CreateCustomer(Org("有联系人的公司"), Audit("create"));
  ASSERT_TRUE(c.ok());
  Contact ct;
  ct.customer_id = c->id;
  ct.name = "刘经理";
  auto created = store_->CreateContact(ct, Audit("create"));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(store_->DeleteCustomer(c->id, Audit("delete")).ok());
  EXPECT_EQ(store_->GetContact(created->id).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, MigrationsAreIdempotentAndBackupIsReadable) {
  ASSERT_TRUE(store_->CreateCustomer(Org("备份公司"), Audit("create")).ok());
  ASSERT_TRUE(store_->Backup(db_->File("backup.db")).ok());
  auto again = Reopen();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->CountCustomers(), 1);
  auto backup = OpenTestStore(db_->File("backup.db"));
  ASSERT_TRUE(backup);
  EXPECT_EQ(Search(*backup, "备份"), (std::vector<std::string>{"备份公司"}));
}

TEST(CursorTest, RoundTripsAndRejectsGarbage) {
  auto enc = EncodeCursor({"1700000000", "42"});
  auto dec = DecodeCursor(enc, 2);
  ASSERT_TRUE(dec);
  EXPECT_EQ((*dec)[0], "1700000000");
  EXPECT_EQ((*dec)[1], "42");
  EXPECT_FALSE(DecodeCursor(enc, 1));
  EXPECT_FALSE(DecodeCursor("***", 2));
  EXPECT_FALSE(DecodeCursor("", 1));
}

}  // namespace
}  // namespace guanxi
