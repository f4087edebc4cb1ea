// The purchase and basket CSV parsers: formats, quoting, BOM, CRLF, exact fen, column
// names, datetime offsets → local day, errors with line numbers, and the two-thread
// split giving the same result as one thread.
#include "analytics/transactions_csv.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

namespace guanxi::analytics {
namespace {

int32_t Day(const char* iso) { return *DayFromIso(iso); }

TransactionsCsv Parse(const std::string& text, TransactionsCsvOptions o = {}) {
  return ParseTransactionsCsv(text, o);
}

TEST(TransactionsCsv, ParsesRowsIntoDenseCustomersInOrderOfFirstAppearance) {
  auto csv = Parse("customer_id,ts,amount\nb,2026-11-30,12.5\na,20261129,3\nb,2026-11-01,0.07\n");
  ASSERT_EQ(csv.error_count, 0u);
  EXPECT_TRUE(csv.has_amount);
  ASSERT_EQ(csv.tx.size(), 3u);
  EXPECT_EQ(csv.tx.customer_keys, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(csv.tx.customer, (std::vector<uint32_t>{0, 1, 0}));
  EXPECT_EQ(csv.tx.day, (std::vector<int32_t>{Day("2026-11-30"), Day("2026-11-29"), Day("2026-11-01")}));
  EXPECT_EQ(csv.tx.amount_fen, (std::vector<int64_t>{1250, 300, 7}));
}

TEST(TransactionsCsv, AmountsAreExactFen) {
  int64_t fen = -1;
  EXPECT_TRUE(ParseYuanToFen("0.1", &fen));
  EXPECT_EQ(fen, 10);
  EXPECT_TRUE(ParseYuanToFen("19.99", &fen));
  EXPECT_EQ(fen, 1999);
  EXPECT_TRUE(ParseYuanToFen("0", &fen));
  EXPECT_EQ(fen, 0);
  EXPECT_TRUE(ParseYuanToFen("123456789012345.67", &fen));
  EXPECT_EQ(fen, 12345678901234567);
  for (const char* bad : {"", "1.234", "-1", "+1", "1.", ".5", "1,5", "1e3", " 1", "abc", "1234567890123456"}) {
    EXPECT_FALSE(ParseYuanToFen(bad, &fen)) << bad;
  }
}

TEST(TransactionsCsv, DatesAndDatetimesBecomeShanghaiDays) {
  int32_t d = 0;
  ASSERT_TRUE(ParseCsvDay("2026-11-30", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-11-30"));
  ASSERT_TRUE(ParseCsvDay("20240229", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2024-02-29"));
  // 16:00 UTC is midnight in Shanghai: the next day.
  ASSERT_TRUE(ParseCsvDay("2026-11-30T16:00:00Z", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-12-01"));
  ASSERT_TRUE(ParseCsvDay("2026-11-30T15:59:59Z", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-11-30"));
  ASSERT_TRUE(ParseCsvDay("2026-11-30T23:30:00+08:00", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-11-30"));
  // 20:00 in New York (−05:00) is 09:00 the next day in Shanghai.
  ASSERT_TRUE(ParseCsvDay("2026-11-30T20:00:00-05:00", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-12-01"));
  ASSERT_TRUE(ParseCsvDay("2026-11-30T01:00+0900", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-11-30"));
  ASSERT_TRUE(ParseCsvDay("2026-01-01T00:30:00.250Z", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-01-01"));
  // Without an offset the time is local: the date is the day.
  ASSERT_TRUE(ParseCsvDay("2026-11-30 23:59:59", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2026-11-30"));
  // Before 1970: floor division.
  ASSERT_TRUE(ParseCsvDay("1969-12-31T15:00:00Z", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, -1);
  ASSERT_TRUE(ParseCsvDay("1969-12-31T16:00:00Z", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, 0);
  // Outside the parser's table of months (1900…2199): the general formula.
  ASSERT_TRUE(ParseCsvDay("1899-12-31", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("1900-01-01") - 1);
  ASSERT_TRUE(ParseCsvDay("22000301", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2199-12-31") + 31 + 28 + 1);  // 2200 is not a leap year
  ASSERT_TRUE(ParseCsvDay("2199-12-31", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2199-12-31"));
  ASSERT_TRUE(ParseCsvDay("2000-02-29", kDefaultUtcOffsetSeconds, &d));
  EXPECT_EQ(d, Day("2000-02-29"));
  for (const char* bad : {"2026-02-29", "1900-02-29", "2100-02-29", "2200-02-29", "2026-13-01", "20261301", "2026-11-31", "2026/11/30", "2026-11-3",
                          "2026-11-30T25:00:00Z", "2026-11-30T10:00:00+8", "2026-11-30X10:00", "",
                          "2026-11-30T10:00:00ZZ", "2026-11-30T10"}) {
    EXPECT_FALSE(ParseCsvDay(bad, kDefaultUtcOffsetSeconds, &d)) << bad;
  }
}

TEST(TransactionsCsv, QuotedFieldsBomCrlfBlankLinesAndExtraColumns) {
  std::string text =
      "\xEF\xBB\xBF"
      "note,customer_id,amount,ts\r\n"
      "\"a, \"\"x\"\"\r\nmore\",\"Acme, \"\"Ltd\"\"\",\"5.00\",2026-11-30\r\n"
      "\r\n"
      "plain,\"云栖\",1,2026-11-29\r\n"
      "last,\"Acme, \"\"Ltd\"\"\",2.5,2026-11-28";  // no final line end
  auto csv = Parse(text);
  ASSERT_EQ(csv.error_count, 0u) << csv.errors[0].message;
  EXPECT_EQ(csv.tx.customer_keys, (std::vector<std::string>{"Acme, \"Ltd\"", "云栖"}));
  EXPECT_EQ(csv.tx.customer, (std::vector<uint32_t>{0, 1, 0}));
  EXPECT_EQ(csv.tx.amount_fen, (std::vector<int64_t>{500, 100, 250}));
  EXPECT_EQ(csv.tx.day.back(), Day("2026-11-28"));
}

TEST(TransactionsCsv, ColumnNamesCanBeOverridden) {
  TransactionsCsvOptions o;
  o.customer_column = "buyer";
  o.ts_column = "when";
  o.amount_column = "paid";
  auto csv = Parse("paid,when,buyer\n9.90,2026-11-30T10:00:00+08:00,u1\n", o);
  ASSERT_EQ(csv.error_count, 0u);
  EXPECT_EQ(csv.tx.customer_keys, (std::vector<std::string>{"u1"}));
  EXPECT_EQ(csv.tx.amount_fen, (std::vector<int64_t>{990}));
  auto missing = Parse("customer_id,ts,amount\nx,2026-11-30,1\n", o);
  ASSERT_EQ(missing.error_count, 1u);
  EXPECT_EQ(missing.errors[0].line, 1);
  EXPECT_NE(missing.errors[0].message.find("\"buyer\""), std::string::npos);
  EXPECT_NE(missing.errors[0].message.find("\"when\""), std::string::npos);
  EXPECT_NE(missing.errors[0].message.find("\"paid\""), std::string::npos);
}

TEST(TransactionsCsv, AmountColumnOptionalWhenNotRequired) {
  TransactionsCsvOptions o;
  o.amount_required = false;
  auto csv = Parse("customer_id,ts\nx,2026-11-30\n", o);
  ASSERT_EQ(csv.error_count, 0u);
  EXPECT_FALSE(csv.has_amount);
  EXPECT_EQ(csv.tx.amount_fen, (std::vector<int64_t>{0}));
  EXPECT_EQ(Parse("customer_id,ts\nx,2026-11-30\n").error_count, 1u);
}

TEST(TransactionsCsv, ErrorsCarryPhysicalLineNumbersAndNothingIsReturned) {
  std::string text =
      "customer_id,ts,amount\n"            // 1
      "a,2026-11-30,1\n"                   // 2
      "b,2026-02-30,1\n"                   // 3 bad date
      "\"c\nd\",2026-11-30,1\n"            // 4-5 (quoted line break)
      "e,2026-11-30,1.005\n"               // 6 three decimals
      "f,2026-11-30\n"                     // 7 too few columns
      ",2026-11-30,1\n"                    // 8 empty customer
      "g,2026-11-30,-3\n";                 // 9 negative
  auto csv = Parse(text);
  ASSERT_EQ(csv.error_count, 5u);
  ASSERT_EQ(csv.errors.size(), 5u);
  EXPECT_EQ(csv.errors[0].line, 3);
  EXPECT_NE(csv.errors[0].message.find("ts: invalid date or time \"2026-02-30\""), std::string::npos);
  EXPECT_EQ(csv.errors[1].line, 6);
  EXPECT_NE(csv.errors[1].message.find("amount"), std::string::npos);
  EXPECT_EQ(csv.errors[2].line, 7);
  EXPECT_NE(csv.errors[2].message.find("expected at least 3 columns, found 2"), std::string::npos);
  EXPECT_EQ(csv.errors[3].line, 8);
  EXPECT_EQ(csv.errors[4].line, 9);
  EXPECT_EQ(csv.tx.size(), 0u);
  EXPECT_TRUE(csv.tx.customer_keys.empty());

  TransactionsCsvOptions o;
  o.max_errors = 2;
  auto capped = Parse(text, o);
  EXPECT_EQ(capped.error_count, 5u);
  EXPECT_EQ(capped.errors.size(), 2u);
}

TEST(TransactionsCsv, MalformedQuotesAndEmptyFile) {
  auto bad = Parse("customer_id,ts,amount\n\"a\"x,2026-11-30,1\nb,2026-11-30,1\n\"open,2026-11-30,1\n");
  ASSERT_EQ(bad.error_count, 2u);
  EXPECT_EQ(bad.errors[0].line, 2);
  EXPECT_NE(bad.errors[0].message.find("malformed quoted field"), std::string::npos);
  EXPECT_EQ(bad.errors[1].line, 4);
  auto empty = Parse("");
  ASSERT_EQ(empty.error_count, 1u);
  EXPECT_EQ(empty.errors[0].line, 1);
  auto header_only = Parse("customer_id,ts,amount\n");
  EXPECT_EQ(header_only.error_count, 0u);
  EXPECT_EQ(header_only.tx.size(), 0u);
}

// A buffer large enough for the two-thread split, with quoted line breaks placed so the
// split lands inside a quoted field for some sizes: same columns as one thread.
TEST(TransactionsCsv, TwoThreadsGiveTheSameResultAsOne) {
  std::mt19937 rng(7);
  for (int variant = 0; variant < 3; ++variant) {
    std::string text = "customer_id,ts,amount,note\n";
    const int rows = 260000;
    for (int i = 0; i < rows; ++i) {
      char line[128];
      int customer = static_cast<int>(rng() % 5000);
      bool quoted_note = variant == 2 || (variant == 1 && i % 3 == 0);
      std::snprintf(line, sizeof line, "C%05d,2026-%02d-%02d,%u.%02u,%s\n", customer, 1 + static_cast<int>(rng() % 12),
                    1 + static_cast<int>(rng() % 28), static_cast<unsigned>(rng() % 1000),
                    static_cast<unsigned>(rng() % 100), quoted_note ? "\"multi\nline, note\"" : "plain");
      text += line;
    }
    TransactionsCsvOptions serial;
    serial.parallel = false;
    auto one = ParseTransactionsCsv(text, serial);
    auto two = ParseTransactionsCsv(text, TransactionsCsvOptions{});
    ASSERT_EQ(one.error_count, 0u);
    ASSERT_EQ(two.error_count, 0u);
    EXPECT_EQ(one.tx.size(), static_cast<size_t>(rows));
    EXPECT_EQ(one.tx.customer, two.tx.customer);
    EXPECT_EQ(one.tx.day, two.tx.day);
    EXPECT_EQ(one.tx.amount_fen, two.tx.amount_fen);
    EXPECT_EQ(one.tx.customer_keys, two.tx.customer_keys);
  }
}

// Parses `text` from a temporary file mapped read-only, releasing parsed pages.
TransactionsCsv ParseMappedFile(const std::string& text) {
  char path[] = "/tmp/guanxi_csv_test_XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  void* m = mmap(nullptr, text.size(), PROT_READ, MAP_PRIVATE, fd, 0);
  EXPECT_NE(m, MAP_FAILED);
  TransactionsCsvOptions o;
  o.release_parsed_pages = true;
  TransactionsCsv csv = ParseTransactionsCsv(std::string_view(static_cast<const char*>(m), text.size()), o);
  EXPECT_EQ(std::string_view(static_cast<const char*>(m), 11), "customer_id");  // reads back from the file
  munmap(m, text.size());
  close(fd);
  unlink(path);
  return csv;
}

// Pages of a file mapping are released behind the parser: the result is unchanged, and an
// error's line is still found (counting lines reads released pages back from the file).
TEST(TransactionsCsv, ReleasingParsedPagesOfAFileMappingKeepsTheResult) {
  const int rows = 1800000;  // ~40 MiB: more than one release step in each half
  std::string text = "customer_id,ts,amount\n";
  text.reserve(rows * 24);
  char line[64];
  for (int i = 0; i < rows; ++i) {
    int len = std::snprintf(line, sizeof line, "K%d,2026-11-%02d,2\n", i % 70001, 10 + i % 20);
    text.append(line, static_cast<size_t>(len));
  }
  auto mapped = ParseMappedFile(text);
  auto plain = ParseTransactionsCsv(text, TransactionsCsvOptions{});
  ASSERT_EQ(mapped.error_count, 0u);
  EXPECT_EQ(mapped.tx.size(), static_cast<size_t>(rows));
  EXPECT_EQ(mapped.tx.customer_keys.size(), 70001u);
  EXPECT_EQ(mapped.tx.customer_keys, plain.tx.customer_keys);
  EXPECT_EQ(mapped.tx.customer, plain.tx.customer);
  EXPECT_EQ(mapped.tx.day, plain.tx.day);

  // The same file with the third-last row's day made invalid (same length).
  size_t at = text.size();
  for (int k = 0; k < 3; ++k) at = text.rfind('\n', at - 1);
  size_t month = text.rfind("-11-", at - 1);
  text.replace(month, 4, "-02-");
  text.replace(month + 4, 2, "30");
  auto bad = ParseMappedFile(text);
  ASSERT_EQ(bad.error_count, 1u);
  EXPECT_EQ(bad.errors[0].line, rows - 3 + 2);
}

TEST(TransactionsCsv, LineNumbersOfErrorsInTheSecondHalf) {
  std::string text = "customer_id,ts,amount\n";
  const int rows = 300000;
  for (int i = 0; i < rows; ++i) text += i == rows - 10 ? "x,2026-13-01,1\n" : "x,2026-11-30,1\n";
  auto csv = ParseTransactionsCsv(text, TransactionsCsvOptions{});
  ASSERT_EQ(csv.error_count, 1u);
  EXPECT_EQ(csv.errors[0].line, rows - 10 + 2);
}

TEST(BasketsCsv, GroupsOrderLinesIntoDistinctItemBaskets) {
  auto csv = ParseBasketsCsv(
      "order_id,customer_id,item\n"
      "o1,c1,milk\n"
      "o2,c2,bread\n"
      "o1,c1,bread\n"
      "o1,c1,milk\n"  // a repeated item counts once
      "\"o3\",c1,\"egg, large\"\n",
      BasketsCsvOptions{});
  ASSERT_EQ(csv.error_count, 0u);
  const Baskets& b = csv.baskets;
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.item_keys, (std::vector<std::string>{"milk", "bread", "egg, large"}));
  EXPECT_EQ(b.customer_keys, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(b.offsets, (std::vector<uint32_t>{0, 2, 3, 4}));
  EXPECT_EQ(b.items, (std::vector<uint32_t>{0, 1, 1, 2}));
  EXPECT_EQ(b.basket_customer, (std::vector<uint32_t>{0, 1, 0}));
}

TEST(BasketsCsv, ColumnOverridesAndErrors) {
  BasketsCsvOptions o;
  o.order_column = "ord";
  o.item_column = "sku";
  auto ok = ParseBasketsCsv("sku,ord,customer_id\nA,1,c\nB,1,c\n", o);
  ASSERT_EQ(ok.error_count, 0u);
  EXPECT_EQ(ok.baskets.size(), 1u);
  auto bad = ParseBasketsCsv("order_id,customer_id,item\n1,c,A\n1,d,B\n2,c,\n", BasketsCsvOptions{});
  ASSERT_EQ(bad.error_count, 2u);
  EXPECT_EQ(bad.errors[0].line, 3);
  EXPECT_NE(bad.errors[0].message.find("names two customers"), std::string::npos);
  EXPECT_EQ(bad.errors[1].line, 4);
  auto missing = ParseBasketsCsv("order,customer_id,item\n", BasketsCsvOptions{});
  ASSERT_EQ(missing.error_count, 1u);
  EXPECT_NE(missing.errors[0].message.find("\"order_id\""), std::string::npos);
}

}  // namespace
}  // namespace guanxi::analytics
