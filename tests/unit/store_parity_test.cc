// What the two backends must agree on beyond single calls: shared counters,
// change notices, concurrent edits, copying between them, and search results
// for the same data (compared id for id).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "domain/search_text.h"
#include "store/store.h"
#include "test_db.h"

namespace guanxi {
namespace {

using testing::TestDatabase;

Customer Named(const std::string& name, const std::string& notes = "", int64_t t = 1000) {
  Customer c;
  c.kind = CustomerKind::kOrganization;
  c.name = name;
  c.notes = notes;
  c.created_at = c.updated_at = t;
  EXPECT_TRUE(NormalizeCustomer(c).ok());
  return c;
}

using testing::Audit;

std::vector<int64_t> SearchIds(Store& s, const std::string& q) {
  CustomerQuery query;
  query.search = FoldForSearch(q);
  query.limit = 500;
  query.archived = CustomerQuery::Archived::kAll;
  std::vector<int64_t> ids;
  for (;;) {
    auto page = s.ListCustomers(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    for (const auto& c : page->items) ids.push_back(c.id);
    if (!page->next) break;
    query.after = *page->next;
  }
  return ids;
}

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    GX_SKIP_WITHOUT_BACKEND(GetParam());
    db_ = std::make_unique<TestDatabase>(GetParam());
    store_ = db_->Open();
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    if (store_) store_->Close();
  }
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(BackendTest, RateEventsAreCountedPerKeyAndCleared) {
  ASSERT_TRUE(store_->RecordRateEvent("login:a", 100).ok());
  ASSERT_TRUE(store_->RecordRateEvent("login:a", 150).ok());
  ASSERT_TRUE(store_->RecordRateEvent("login:b", 160).ok());
  EXPECT_EQ(*store_->RateEvents("login:a", 0), (std::vector<UnixSeconds>{100, 150}));
  EXPECT_EQ(*store_->RateEvents("login:a", 100), (std::vector<UnixSeconds>{150}));
  ASSERT_TRUE(store_->ClearRateEvents("login:a", 0).ok());
  EXPECT_TRUE(store_->RateEvents("login:a", 0)->empty());
  EXPECT_EQ(store_->RateEvents("login:b", 0)->size(), 1u);
  ASSERT_TRUE(store_->ClearRateEvents("", 160).ok());  // everything at or before 160
  EXPECT_TRUE(store_->RateEvents("login:b", 0)->empty());
}

// Many threads edit one customer from the same version: exactly one wins, the
// others get Conflict, and the audit log has one update.
TEST_P(BackendTest, ConcurrentEditsOfOneVersionLetExactlyOneWin) {
  auto c = store_->CreateCustomer(Named("争抢公司"), Audit("customer", "create"));
  ASSERT_TRUE(c.ok());
  std::atomic<int> ok{0}, conflict{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Customer edit = *c;
      edit.notes = "edit " + std::to_string(t);
      auto r = store_->UpdateCustomer(edit, Audit("customer", "update"));
      if (r.ok()) ++ok;
      else if (r.status().code() == StatusCode::kConflict) ++conflict;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 7);
  EXPECT_EQ(store_->GetCustomer(c->id)->version, 2);
  AuditQuery q;
  q.entity = "customer";
  q.entity_id = c->id;
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->items.size(), 2u);  // create + the one update
}

TEST_P(BackendTest, ChangesToUsersAreAnnounced) {
  std::mutex mu;
  std::vector<std::string> heard;
  store_->OnChange([&](const std::string& entity, int64_t id) {
    std::lock_guard<std::mutex> lock(mu);
    heard.push_back(entity + ":" + std::to_string(id));
  });
  User u;
  u.login = "notify.me";
  u.display_name = "通知";
  u.role = Role::kSales;
  u.password_hash = "x";
  auto created = store_->CreateUser(u, Audit("user", "create"));
  ASSERT_TRUE(created.ok());
  User renamed = *created;
  renamed.display_name = "改名";
  ASSERT_TRUE(store_->UpdateUser(renamed, Audit("user", "update")).ok());
  const std::string want = "user:" + std::to_string(created->id);
  for (int i = 0; i < 100; ++i) {  // PostgreSQL delivers through the listening connection
    {
      std::lock_guard<std::mutex> lock(mu);
      if (std::find(heard.begin(), heard.end(), want) != heard.end()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  store_->Close();  // stops delivery before `heard` goes out of scope
  EXPECT_NE(std::find(heard.begin(), heard.end(), want), heard.end());
}

TEST_P(BackendTest, ImportRefusesADatabaseThatHoldsData) {
  ASSERT_TRUE(store_->CreateCustomer(Named("已有数据"), Audit("customer", "create")).ok());
  TestDatabase other(GetParam());
  auto source = other.Open();
  ASSERT_TRUE(source);
  Status s = CopyStore(*source, *store_, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*store_->CountCustomers(), 1);
  source->Close();
}

// The data every cross-backend test loads: Chinese, traditional and
// full-width text, ties, tags, contacts, users, an archived row.
void LoadParityData(Store& s) {
  User u;
  u.login = "owner.one";
  u.display_name = "一号";
  u.role = Role::kSales;
  u.password_hash = "h";
  auto owner = s.CreateUser(u, Audit("user", "create"));
  ASSERT_TRUE(owner.ok());
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"杭州云栖科技有限公司", "老客户 VIP"},    {"雲棲資訊股份有限公司", "繁體名稱"},
      {"ＡＢＣ贸易（深圳）有限公司", "全角字母"}, {"abc trading co", "half width"},
      {"北京科技大学", ""},                       {"云南白药集团", "医药"},
      {"上海张江高科", "Zhangjiang 高科技园区"}, {"王伟", "个人客户 王先生"},
      {"王小明", ""},                             {"100% 纯棉_服饰", "special % _ chars"},
  };
  int t = 2000;
  for (const auto& [name, notes] : rows) {
    Customer c = Named(name, notes, t);
    t += (t % 3 == 0) ? 0 : 1;  // some tied timestamps
    c.owner_user_id = owner->id;
    c.tags = {"重点", name.size() % 2 ? "华东" : "华北"};
    auto created = s.CreateCustomer(c, Audit("customer", "create"));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    Contact ct;
    ct.customer_id = created->id;
    ct.name = "联系人" + name;
    ASSERT_TRUE(s.CreateContact(ct, Audit("contact", "create")).ok());
  }
  // An update and an archive, so versions and flags differ from defaults.
  auto first = s.GetCustomer(1);
  ASSERT_TRUE(first.ok());
  Customer edit = *first;
  edit.notes = "更新后的备注 雲";
  edit.archived = true;
  ASSERT_TRUE(s.UpdateCustomer(edit, Audit("customer", "update")).ok());
}

const std::vector<std::string> kParityQueries = {
    "云栖", "雲棲", "云", "科技", "有限公司", "ABC", "abc", "ａｂｃ", "王", "王伟", "高科", "vip",
    "%", "_", "100%", "纯棉_服", "trading co", "科技 杭州", "不存在的公司", "z", "zh"};

TEST(StoreParityTest, SameDataGivesSameSearchResultsOnBothBackends) {
  if (testing::TestPostgresBase().empty()) GTEST_SKIP() << "GUANXI_TEST_PG is not set";
  TestDatabase lite("sqlite"), pg("postgresql");
  auto a = lite.Open();
  auto b = pg.Open();
  ASSERT_TRUE(a && b);
  LoadParityData(*a);
  LoadParityData(*b);
  for (const auto& q : kParityQueries) {
    auto ids_a = SearchIds(*a, q);
    EXPECT_EQ(ids_a, SearchIds(*b, q)) << "query " << q;
  }
  // Sanity: the queries do find things (a broken index on both would agree too).
  EXPECT_EQ(SearchIds(*a, "雲棲").size(), 2u);
  EXPECT_EQ(SearchIds(*a, "ａｂｃ").size(), 2u);
  EXPECT_EQ(SearchIds(*a, "王").size(), 2u);
  EXPECT_EQ(SearchIds(*a, "%").size(), 1u);
  // Every sort and its pages agree too.
  for (auto sort : {CustomerSort::kNameAsc, CustomerSort::kNameDesc, CustomerSort::kUpdatedDesc,
                    CustomerSort::kCreatedAsc}) {
    std::vector<int64_t> ids[2];
    Store* stores[2] = {a.get(), b.get()};
    for (int k = 0; k < 2; ++k) {
      CustomerQuery q;
      q.sort = sort;
      q.limit = 3;
      q.tag = "重点";
      for (;;) {
        auto page = stores[k]->ListCustomers(q);
        ASSERT_TRUE(page.ok());
        for (const auto& c : page->items) ids[k].push_back(c.id);
        if (!page->next) break;
        q.after = *page->next;
      }
    }
    EXPECT_EQ(ids[0], ids[1]);
    EXPECT_EQ(ids[0].size(), 9u);  // the archived one is left out
  }
  a->Close();
  b->Close();
}

// SQLite → PostgreSQL → SQLite keeps every row and every derived index.
TEST(StoreParityTest, CopyRoundTripKeepsEverything) {
  if (testing::TestPostgresBase().empty()) GTEST_SKIP() << "GUANXI_TEST_PG is not set";
  TestDatabase first("sqlite"), middle("postgresql"), last("sqlite");
  auto a = first.Open();
  auto b = middle.Open();
  auto c = last.Open();
  ASSERT_TRUE(a && b && c);
  LoadParityData(*a);
  ASSERT_TRUE(a->RecordRateEvent("addr:1.2.3.4", 5).ok());
  std::vector<TableCopyReport> r1, r2;
  ASSERT_TRUE(CopyStore(*a, *b, &r1).ok());
  ASSERT_TRUE(CopyStore(*b, *c, &r2).ok());
  ASSERT_EQ(r1.size(), PortableTables().size());
  for (size_t i = 0; i < r1.size(); ++i) {
    EXPECT_TRUE(r1[i].matches()) << r1[i].table;
    EXPECT_EQ(r1[i].source_checksum, r2[i].destination_checksum) << r1[i].table;
  }
  EXPECT_EQ(r1[4].table, "customer");
  EXPECT_EQ(r1[4].source_rows, 10);
  for (const auto& q : kParityQueries) {
    auto ids = SearchIds(*a, q);
    EXPECT_EQ(ids, SearchIds(*b, q)) << q;
    EXPECT_EQ(ids, SearchIds(*c, q)) << q;
  }
  EXPECT_EQ(*b->IntegrityCheck(), "ok");
  EXPECT_EQ(*c->IntegrityCheck(), "ok");
  // Ids continue after the copied ones on the new backend.
  auto next = b->CreateCustomer(Named("复制后新建"), Audit("customer", "create"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, 11);
  a->Close();
  b->Close();
  c->Close();
}

}  // namespace
}  // namespace guanxi
