// The order CSV import (service/order_import.h): exact yuan parsing, instants,
// RFC 4180 records read through a source that hands out one byte at a time
// (every record straddles a refill), grouping of line rows, in-file duplicates
// and chunking, against a real SQLite store.
#include "service/order_import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "test_db.h"

namespace guanxi {
namespace {

TEST(ParseYuanTest, ExactFen) {
  EXPECT_EQ(ParseYuan("0"), 0);
  EXPECT_EQ(ParseYuan("12"), 1200);
  EXPECT_EQ(ParseYuan("12.3"), 1230);
  EXPECT_EQ(ParseYuan("12.34"), 1234);
  EXPECT_EQ(ParseYuan("0.01"), 1);
  EXPECT_EQ(ParseYuan(" 7 "), 700);
  EXPECT_EQ(ParseYuan("10000000000"), kMaxMoneyFen);
  for (const char* bad : {"", "12.345", "-1", "+1", "1,000", ".5", "12.", "1e3", "10000000000.01", "abc",
                          "123456789012"}) {
    EXPECT_EQ(ParseYuan(bad), std::nullopt) << bad;
  }
}

TEST(ParseOrderedAtTest, DaysAndInstants) {
  constexpr UnixSeconds kDay = 1795363200;  // 2026-11-23 00:00 +08:00
  EXPECT_EQ(ParseOrderedAt("2026-11-23"), kDay);
  EXPECT_EQ(ParseOrderedAt("20261123"), kDay);
  EXPECT_EQ(ParseOrderedAt("2026-11-23T10:00:00Z"), 1795428000);
  EXPECT_EQ(ParseOrderedAt("2026-11-23T18:00:00+08:00"), 1795428000);
  EXPECT_EQ(ParseOrderedAt("2026-11-23T18:00:00+0800"), 1795428000);
  EXPECT_EQ(ParseOrderedAt("2026-11-23 18:00:00"), 1795428000) << "no zone: business time";
  EXPECT_EQ(ParseOrderedAt("2026-11-23T18:00"), 1795428000);
  EXPECT_EQ(ParseOrderedAt("2026-11-23T10:00:00.250Z"), 1795428000);
  EXPECT_EQ(ParseOrderedAt("2026-11-23T05:00:00-05:00"), 1795428000);
  EXPECT_EQ(ParseOrderedAt("2024-02-29"), 1709136000);
  for (const char* bad : {"", "2026-02-29", "2026-13-01", "2026-11-31", "2026/11/23", "2026-11-23T25:00",
                          "2026-11-23T10:00:00+99:00", "2026-11-23X", "26-11-23", "2026112", "yesterday"}) {
    EXPECT_EQ(ParseOrderedAt(bad), std::nullopt) << bad;
  }
}

class OrderImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenTestStore(dir_.File("import.db"));
    ASSERT_NE(store_, nullptr);
    std::vector<Customer> customers;
    for (const char* ext : {"C1", "C2", "C,3"}) {
      Customer c;
      c.name = std::string("客户") + ext;
      c.external_id = ext;
      customers.push_back(c);
    }
    ASSERT_TRUE(store_->InsertCustomersBulk(customers).ok());
    Product p;
    p.code = "P1";
    p.name = "产品一";
    p.list_price = 1000;
    AuditEntry a;
    a.entity = "product";
    a.action = "create";
    ASSERT_TRUE(store_->Sales().CreateProduct(p, a).ok());
  }

  // Imports `csv` through a source that returns one byte per call.
  OrderImportOutcome Import(const std::string& csv, size_t chunk = 2) {
    size_t at = 0;
    ByteSource one_byte = [&](char* buf, size_t cap) -> size_t {
      if (at == csv.size() || cap == 0) return 0;
      buf[0] = csv[at++];
      return 1;
    };
    OrderImportOptions o;
    o.chunk_orders = chunk;
    auto r = ImportOrdersCsv(store_->Sales(), one_byte, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : OrderImportOutcome{};
  }

  static std::vector<std::pair<int64_t, std::string>> Lines(const OrderImportOutcome& o) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const auto& r : o.rejected) out.emplace_back(r.line_no, r.field);
    return out;
  }

  std::vector<Order> Orders() {
    OrderQuery q;
    q.limit = 200;
    auto page = store_->Sales().ListOrders(q);
    EXPECT_TRUE(page.ok());
    std::vector<Order> out;
    for (const auto& o : page->items) out.push_back(*store_->Sales().GetOrder(o.id));
    std::sort(out.begin(), out.end(), [](const Order& a, const Order& b) { return a.external_id < b.external_id; });
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(OrderImportTest, QuotesBomCrlfAndGroupedLines) {
  const std::string csv =
      "\xEF\xBB\xBF" "order_id,customer_external_id,ordered_at,amount,product_code,quantity,unit_price\r\n"
      "A1,C1,2026-11-23,100.50,,,\r\n"                 // line 2
      "\"A2\",\"C,3\",20261123,\"7\",,,\r\n"           // line 3: quoted, a comma inside
      "A3,C2,2026-11-23,,P1,2,\r\n"                    // line 4: one line, no amount, no price
      "A4,C2,2026-11-23,35.00,P1,3,\r\n"               // line 5: one line priced from the amount
      "A5,C2,2026-11-23,30,P1,1,10\n"                  // line 6: two lines, LF only
      "A5,C2,2026-11-23,,,2,10\n"                      // line 7
      "\n"                                             // line 8: empty, skipped
      "\"A6\",C1,2026-11-23,\"1\",,,\n";               // line 9
  OrderImportOutcome out = Import(csv);
  EXPECT_EQ(out.inserted, 5);
  EXPECT_EQ(out.already_present, 0);
  // A3 has a line without a price and no amount to take it from.
  EXPECT_EQ(Lines(out), (std::vector<std::pair<int64_t, std::string>>{{4, "unit_price"}}));
  std::vector<Order> orders = Orders();
  ASSERT_EQ(orders.size(), 5u);  // A1, A2, A4, A5, A6
  EXPECT_EQ(orders[0].external_id, "A1");
  EXPECT_EQ(orders[0].total, 10050);
  EXPECT_EQ(orders[0].ordered_at, 1795363200);
  EXPECT_EQ(orders[1].external_id, "A2");
  EXPECT_EQ(orders[1].total, 700);
  EXPECT_EQ(orders[2].external_id, "A4");
  ASSERT_EQ(orders[2].lines.size(), 1u);
  // 3500 fen over 3 units: 1167 each less a 1 fen discount adds up exactly.
  EXPECT_EQ(orders[2].lines[0].unit_price, 1167);
  EXPECT_EQ(orders[2].lines[0].discount, 1);
  EXPECT_EQ(orders[2].total, 3500);
  EXPECT_TRUE(orders[2].lines[0].product_id.has_value());
  EXPECT_EQ(orders[3].external_id, "A5");
  ASSERT_EQ(orders[3].lines.size(), 2u);
  EXPECT_EQ(orders[3].total, 3000);
  EXPECT_FALSE(orders[3].lines[1].product_id.has_value());

  // A re-run inserts nothing and counts what is there.
  OrderImportOutcome again = Import(csv, 1000);
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.already_present, 5);
}

TEST_F(OrderImportTest, DuplicatesAndDisagreementsAreRejectedWithLines) {
  const std::string csv =
      "customer_external_id,order_id,ordered_at,amount,product_code,quantity,unit_price,channel,status\n"
      "C1,D1,2026-11-01,10,,,,,\n"            // 2 kept
      "C1,D2,2026-11-01,20,,,,wechat,paid\n"  // 3 kept
      "C1,D1,2026-11-02,10,,,,,\n"            // 4 duplicate of line 2
      "C1,D3,2026-11-01,5,P1,1,5,,\n"         // 5 rejected with 6
      "C2,D3,2026-11-01,5,P1,1,5,,\n"         // 6 another customer for D3
      "C1,D3,2026-11-01,5,P1,1,5,,\n"         // 7 rest of the rejected D3
      "C1,D4,2026-11-01,5,,,,teleport,\n"     // 8 unknown channel
      "\"C1\",\"D5\nX\",2026-11-01,5,,,,,\n"  // 9-10: a quoted id with a newline: refused
      "C9,D6,2026-11-01,5,,,,,\n"             // 11 unknown customer (store)
      "C1,D7,2026-11-01,5,Q9,1,5,,\n"         // 12 unknown product (store)
      "C1,D8,2026-11-01\n";                   // 13 too few fields
  OrderImportOutcome out = Import(csv);
  EXPECT_EQ(out.inserted, 2);  // D1, D2
  EXPECT_EQ(Lines(out), (std::vector<std::pair<int64_t, std::string>>{
                            {4, "order_id"},
                            {5, "order_id"},
                            {6, "customer_external_id"},
                            {7, "order_id"},
                            {8, "channel"},
                            {9, "order_id"},
                            {11, "customer_external_id"},
                            {12, "product_code"},
                            {13, "row"}}));
  std::vector<Order> orders = Orders();
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0].external_id, "D1");
  EXPECT_EQ(orders[0].ordered_at, 1795363200 - 22 * 86400) << "the first occurrence stands";
  EXPECT_EQ(orders[1].channel, OrderChannel::kWechat);
  EXPECT_EQ(orders[1].status, OrderStatus::kPaid);
}

TEST_F(OrderImportTest, HeaderProblemsFailTheWholeImport) {
  auto run = [&](const std::string& csv) {
    size_t at = 0;
    ByteSource src = [&](char* buf, size_t cap) {
      size_t n = std::min(cap, csv.size() - at);
      std::memcpy(buf, csv.data() + at, n);
      at += n;
      return n;
    };
    return ImportOrdersCsv(store_->Sales(), src).status();
  };
  Status s = run("customer_external_id,order_id,ordered_at,amount,colour\nC1,X,2026-11-01,1,red\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.fields().at(0).field, "header");
  EXPECT_NE(s.message().find("colour"), std::string::npos);
  EXPECT_EQ(run("customer_external_id,order_id,ordered_at\n").fields().at(0).field, "header");
  EXPECT_EQ(run("").fields().at(0).field, "file");
  EXPECT_EQ(run("customer_external_id,order_id,ordered_at,amount\n\"C1,X,1,1\n").fields().at(0).field, "file");
  auto count = store_->Sales().CountOrders();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

}  // namespace
}  // namespace guanxi
