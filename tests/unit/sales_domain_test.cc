#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "domain/sales.h"

namespace guanxi {
namespace {

// field -> message of a failed Status.
std::map<std::string, std::string> Fields(const Status& s) {
  std::map<std::string, std::string> out;
  for (const auto& f : s.fields()) out[f.field] = f.message;
  return out;
}

Order ValidOrder() {
  Order o;
  o.customer_id = 7;
  o.ordered_at = 1'790'000'000;
  o.lines = {{std::optional<int64_t>(3), " 企业版年费 ", 2, 150'000, 10'000},
             {std::nullopt, "实施服务", 1, 50'000, 0}};
  o.note = "  第一行\n第二行 ";
  return o;
}

Opportunity ValidOpportunity() {
  Opportunity o;
  o.customer_id = 5;
  o.title = "  杭州云栖 CRM 项目 ";
  o.amount = 12'000'000;
  o.expected_close = "2026-12-15";
  o.stage = "uncover_needs";
  return o;
}

// ------------------------------------------------------------ vocabularies

TEST(SalesVocabulary, RoundTrip) {
  for (auto name : OrderStatusNames()) EXPECT_EQ(ToString(*ParseOrderStatus(name)), name);
  for (auto name : OrderChannelNames()) EXPECT_EQ(ToString(*ParseOrderChannel(name)), name);
  for (auto name : BuyingRoleNames()) EXPECT_EQ(ToString(*ParseBuyingRole(name)), name);
  for (auto name : AttitudeNames()) EXPECT_EQ(ToString(*ParseAttitude(name)), name);
  EXPECT_EQ(ToString(*ParseTargetScope("company")), "company");
  EXPECT_EQ(ParseOrderStatus("Paid"), std::nullopt);
  EXPECT_EQ(ParseOrderChannel(""), std::nullopt);
  EXPECT_EQ(ParseBuyingRole("boss"), std::nullopt);
  EXPECT_EQ(ToString(OrderChannel::kWechat), "wechat");
  EXPECT_EQ(ToString(StageKind::kLost), "lost");
  EXPECT_EQ(OrderStatusNames().size(), 4u);
  EXPECT_EQ(BuyingRoleNames().size(), 7u);
  EXPECT_EQ(PaymentMethodNames().size(), 6u);
  EXPECT_EQ(PlaybookSituationNames().size(), 7u);
  EXPECT_TRUE(CountsAsSale(OrderStatus::kPaid));
  EXPECT_FALSE(CountsAsSale(OrderStatus::kRefunded));
}

// ------------------------------------------------------------------ orders

TEST(SalesOrder, LinesSetTheTotal) {
  Order o = ValidOrder();
  ASSERT_TRUE(NormalizeOrder(o).ok());
  // 2 × 150000 − 10000 + 1 × 50000
  EXPECT_EQ(o.total, 340'000);
  EXPECT_EQ(o.lines[0].description, "企业版年费");
  EXPECT_EQ(o.note, "第一行\n第二行");
}

TEST(SalesOrder, GivenTotalMustMatchLines) {
  Order o = ValidOrder();
  o.total = 340'000;
  EXPECT_TRUE(NormalizeOrder(o).ok());
  o = ValidOrder();
  o.total = 340'001;
  Status s = NormalizeOrder(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s).count("total"), 1u);
  EXPECT_EQ(o.total, 340'001);  // unchanged on error
}

TEST(SalesOrder, WithoutLinesTotalIsRequired) {
  Order o;
  o.customer_id = 1;
  Status s = NormalizeOrder(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(Fields(s).count("total"), 1u);
  o.total = kMaxMoneyFen + 1;
  EXPECT_EQ(Fields(NormalizeOrder(o)).count("total"), 1u);
  o.total = kMaxMoneyFen;
  EXPECT_TRUE(NormalizeOrder(o).ok());
}

TEST(SalesOrder, LineErrorsNameEveryField) {
  Order o = ValidOrder();
  o.customer_id = 0;
  o.lines[0].quantity = 0;
  o.lines[1].unit_price = -1;
  o.lines.push_back({std::optional<int64_t>(-2), "x", 3, 100, 301});
  o.lines.push_back({std::nullopt, "y", 1'000'001, 1, 0});
  Status s = NormalizeOrder(o);
  ASSERT_FALSE(s.ok());
  auto f = Fields(s);
  EXPECT_EQ(f.count("customer_id"), 1u);
  EXPECT_EQ(f.count("lines[0].quantity"), 1u);
  EXPECT_EQ(f.count("lines[1].unit_price"), 1u);
  EXPECT_EQ(f.count("lines[2].product_id"), 1u);
  EXPECT_EQ(f.count("lines[2].discount"), 1u);
  EXPECT_EQ(f.count("lines[3].quantity"), 1u);
  EXPECT_EQ(f.count("total"), 0u);  // no sum claimed over wrong lines
}

TEST(SalesOrder, DiscountMayEqualLineAmount) {
  Order o = ValidOrder();
  o.lines = {{std::nullopt, "赠品", 3, 100, 300}};
  ASSERT_TRUE(NormalizeOrder(o).ok());
  EXPECT_EQ(o.total, 0);
}

TEST(SalesOrder, HugeLinesDoNotOverflow) {
  Order o = ValidOrder();
  // 1e6 × 1e12 = 1e18 fits int64 but is far over the limit.
  o.lines = {{std::nullopt, "big", 1'000'000, kMaxMoneyFen, 0}};
  auto f = Fields(NormalizeOrder(o));
  EXPECT_EQ(f.count("lines[0].unit_price"), 1u);
  // Two lines each at the limit: the sum is over it.
  o.lines = {{std::nullopt, "a", 1, kMaxMoneyFen, 0}, {std::nullopt, "b", 1, 1, 0}};
  f = Fields(NormalizeOrder(o));
  EXPECT_EQ(f.count("total"), 1u);
}

TEST(SalesProduct, Validation) {
  Product p;
  p.code = " GX-PRO-01 ";
  p.name = "关系专业版";
  p.list_price = 99'900;
  ASSERT_TRUE(NormalizeProduct(p).ok());
  EXPECT_EQ(p.code, "GX-PRO-01");
  Product bad;
  bad.list_price = -1;
  auto f = Fields(NormalizeProduct(bad));
  EXPECT_EQ(f.count("code"), 1u);
  EXPECT_EQ(f.count("name"), 1u);
  EXPECT_EQ(f.count("list_price"), 1u);
}

// ----------------------------------------------------------- opportunities

TEST(SalesOpportunity, Valid) {
  Opportunity o = ValidOpportunity();
  ASSERT_TRUE(NormalizeOpportunity(o).ok());
  EXPECT_EQ(o.title, "杭州云栖 CRM 项目");
}

TEST(SalesOpportunity, ErrorsNameTheFields) {
  Opportunity o = ValidOpportunity();
  o.title = "   ";
  o.amount = -5;
  o.expected_close = "2026-02-30";
  o.closed_on = "2026/12/01";
  o.stage = "Bad Stage";
  o.contact_id = 0;
  o.notes = std::string(kMaxNotesChars + 1, 'x');
  Status s = NormalizeOpportunity(o);
  ASSERT_FALSE(s.ok());
  auto f = Fields(s);
  for (const char* field :
       {"title", "amount", "expected_close", "closed_on", "stage", "contact_id", "notes"}) {
    EXPECT_EQ(f.count(field), 1u) << field;
  }
  EXPECT_EQ(o.title, "   ");  // untouched on error
}

TEST(SalesOpportunity, ExpectedCloseRequiredAmountCapped) {
  Opportunity o = ValidOpportunity();
  o.expected_close = "";
  o.amount = kMaxMoneyFen + 1;
  auto f = Fields(NormalizeOpportunity(o));
  EXPECT_EQ(f.count("expected_close"), 1u);
  EXPECT_EQ(f.count("amount"), 1u);
}

// -------------------------------------------------------------------- MAN

TEST(ManAdvice, AllEightCombinations) {
  struct Case {
    bool m, a, n;
    const char* code;
    const char* action;
  };
  const Case cases[] = {
      {true, true, true, "MAN", "pursue"},      {true, true, false, "MAn", "contact"},
      {true, false, true, "MaN", "contact"},    {false, true, true, "mAN", "contact"},
      {false, false, true, "maN", "cultivate"}, {false, true, false, "mAn", "cultivate"},
      {true, false, false, "Man", "cultivate"}, {false, false, false, "man", "stop"},
  };
  std::set<std::string> codes;
  for (const Case& c : cases) {
    ManAdvice a = AdviseMan(c.m, c.a, c.n);
    EXPECT_EQ(a.code, c.code);
    EXPECT_EQ(a.action, c.action) << c.code;
    EXPECT_FALSE(a.advice_zh.empty());
    EXPECT_FALSE(a.advice_en.empty());
    codes.insert(a.code);
  }
  EXPECT_EQ(codes.size(), 8u);
  EXPECT_NE(AdviseMan(true, false, true).advice_en.find("decision maker"), std::string::npos);
  EXPECT_NE(AdviseMan(false, true, true).advice_en.find("financing"), std::string::npos);
  EXPECT_NE(AdviseMan(false, true, true).advice_zh.find("融资"), std::string::npos);
  EXPECT_NE(AdviseMan(true, true, true).advice_en.find("Ideal prospect"), std::string::npos);
  EXPECT_NE(AdviseMan(false, false, false).advice_zh.find("不是客户"), std::string::npos);
}

// ------------------------------------------------------------------ stages

TEST(SalesStages, DefaultsMatchTheMigration) {
  const auto& s = DefaultStages();
  ASSERT_EQ(s.size(), 8u);
  const std::vector<std::pair<std::string, int>> expected = {{"customer_analysis", 500},
                                                             {"build_trust", 1000},
                                                             {"uncover_needs", 2500},
                                                             {"present_value", 5000},
                                                             {"win_commitment", 7500},
                                                             {"collect_payment", 9000},
                                                             {"won", 10000},
                                                             {"lost", 0}};
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].key, expected[i].first);
    EXPECT_EQ(s[i].win_rate_bp, expected[i].second);
    EXPECT_EQ(s[i].position, static_cast<int>(i));
  }
  EXPECT_EQ(s[0].name_zh, "客户分析");
  EXPECT_EQ(s[5].name_en, "Collect payment");
  EXPECT_EQ(s[6].kind, StageKind::kWon);
  EXPECT_EQ(s[7].kind, StageKind::kLost);
  std::vector<Stage> copy = s;
  EXPECT_TRUE(NormalizeStages(copy).ok());
  EXPECT_EQ(copy, s);
}

TEST(SalesStages, RenumbersAndPutsClosedLast) {
  std::vector<Stage> s = {
      {"lost", "输单", "Lost", 0, 9, StageKind::kLost},
      {"qualify", " 资格审查 ", "Qualify", 2000, 5, StageKind::kOpen},
      {"won", "赢单", "Won", 10000, 0, StageKind::kWon},
      {"negotiate", "谈判", "Negotiate", 6000, 1, StageKind::kOpen},
  };
  ASSERT_TRUE(NormalizeStages(s).ok());
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].key, "qualify");
  EXPECT_EQ(s[0].name_zh, "资格审查");
  EXPECT_EQ(s[1].key, "negotiate");
  EXPECT_EQ(s[2].key, "won");
  EXPECT_EQ(s[3].key, "lost");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(s[static_cast<size_t>(i)].position, i);
}

TEST(SalesStages, Errors) {
  std::vector<Stage> s = {
      {"Bad-Key", "甲", "A", 100, 0, StageKind::kOpen},
      {"dup", "乙", "B", 10001, 1, StageKind::kOpen},
      {"dup", "", "C", 100, 2, StageKind::kOpen},
      {"won", "赢单", "Won", 9000, 3, StageKind::kWon},
  };
  const std::vector<Stage> before = s;
  Status st = NormalizeStages(s);
  ASSERT_FALSE(st.ok());
  auto f = Fields(st);
  EXPECT_EQ(f.count("stages[0].key"), 1u);
  EXPECT_EQ(f.count("stages[1].win_rate"), 1u);
  EXPECT_EQ(f.count("stages[2].key"), 1u);  // duplicate
  EXPECT_EQ(f.count("stages[2].name_zh"), 1u);
  EXPECT_EQ(f.count("stages[3].win_rate"), 1u);  // won is fixed at 1
  EXPECT_EQ(f.count("stages"), 1u);              // lost is missing
  EXPECT_EQ(s, before);
  std::vector<Stage> only_closed = {{"won", "赢单", "Won", 10000, 0, StageKind::kWon},
                                    {"lost", "输单", "Lost", 0, 1, StageKind::kLost}};
  EXPECT_EQ(Fields(NormalizeStages(only_closed)).count("stages"), 1u);
}

// ------------------------------------------------------- dates and quarters

TEST(SalesCalendar, ValidDates) {
  EXPECT_TRUE(IsValidDate("2024-02-29"));
  EXPECT_FALSE(IsValidDate("2026-02-29"));
  EXPECT_TRUE(IsValidDate("2000-02-29"));   // divisible by 400
  EXPECT_FALSE(IsValidDate("2100-02-29"));  // divisible by 100
  EXPECT_FALSE(IsValidDate("2026-04-31"));
  EXPECT_FALSE(IsValidDate("2026-13-01"));
  EXPECT_FALSE(IsValidDate("2026-00-10"));
  EXPECT_FALSE(IsValidDate("2026-1-01"));
  EXPECT_FALSE(IsValidDate("2026-01-01T00"));
  EXPECT_FALSE(IsValidDate("20260101"));
  EXPECT_FALSE(IsValidDate(""));
  EXPECT_FALSE(IsValidDate("+026-01-01"));
  EXPECT_TRUE(IsValidDate("2026-12-31"));
  EXPECT_FALSE(IsValidDate("1899-12-31"));
  EXPECT_FALSE(IsValidDate("2101-01-01"));
}

TEST(SalesCalendar, Quarters) {
  auto q = ParseQuarter("2026Q4");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->year, 2026);
  EXPECT_EQ(q->q, 4);
  EXPECT_EQ(q->first_day, "2026-10-01");
  EXPECT_EQ(q->last_day, "2026-12-31");
  EXPECT_EQ(q->Name(), "2026Q4");
  EXPECT_EQ(ParseQuarter("2024Q1")->last_day, "2024-03-31");
  EXPECT_EQ(ParseQuarter("2026Q2")->last_day, "2026-06-30");
  EXPECT_EQ(ParseQuarter("2026Q3")->first_day, "2026-07-01");
  for (const char* bad : {"2026Q0", "2026Q5", "2026-Q4", "26Q4", "2026Q", "Q42026", "", "2026Q44",
                          "2026q4", "1899Q4"}) {
    EXPECT_EQ(ParseQuarter(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(QuarterOf("2026-12-31").Name(), "2026Q4");
  EXPECT_EQ(QuarterOf("2027-01-01").Name(), "2027Q1");
  EXPECT_EQ(QuarterOf("2026-03-31").Name(), "2026Q1");
  EXPECT_EQ(QuarterOf("2026-04-01").Name(), "2026Q2");
  EXPECT_EQ(QuarterOf("2024-02-29").first_day, "2024-01-01");
}

TEST(SalesCalendar, BusinessDayIsUtcPlus8) {
  // 2026-12-31T16:00:00Z = 2027-01-01 00:00 in Shanghai.
  const UnixSeconds new_year = 1'798'732'800;
  EXPECT_EQ(BusinessDay(new_year), "2027-01-01");
  EXPECT_EQ(BusinessDay(new_year - 1), "2026-12-31");
  EXPECT_EQ(StartOfBusinessDay("2027-01-01"), new_year);
  EXPECT_EQ(StartOfBusinessDay("1970-01-01"), -8 * 3600);
  EXPECT_EQ(BusinessDay(0), "1970-01-01");
  EXPECT_EQ(BusinessDay(-8 * 3600 - 1), "1969-12-31");
  EXPECT_EQ(BusinessDay(StartOfBusinessDay("2024-02-29") + 86399), "2024-02-29");
}

TEST(SalesCalendar, WeeksAndDays) {
  EXPECT_EQ(WeekStart("2026-11-30"), "2026-11-30");  // a Monday
  EXPECT_EQ(WeekStart("2026-12-06"), "2026-11-30");  // Sunday belongs to the week before
  EXPECT_EQ(WeekStart("2027-01-01"), "2026-12-28");  // across the year end
  EXPECT_EQ(WeekStart("2024-03-02"), "2024-02-26");  // across a leap day
  EXPECT_EQ(AddDays("2024-02-28", 1), "2024-02-29");
  EXPECT_EQ(AddDays("2026-02-28", 1), "2026-03-01");
  EXPECT_EQ(AddDays("2026-12-31", 1), "2027-01-01");
  EXPECT_EQ(AddDays("2027-01-01", -1), "2026-12-31");
  EXPECT_EQ(AddDays("2026-11-30", -7), "2026-11-23");
  EXPECT_EQ(DaysBetween("2024-02-01", "2024-03-01"), 29);
  EXPECT_EQ(DaysBetween("2026-02-01", "2026-03-01"), 28);
  EXPECT_EQ(DaysBetween("2026-12-31", "2026-01-01"), -364);
  EXPECT_EQ(DaysBetween("2024-01-01", "2025-01-01"), 366);
}

// ------------------------------------------------------------- receivables

TEST(SalesReceivable, InstalmentAndReceiptValidation) {
  Instalment i;
  i.order_id = 4;
  i.due_on = " 2026-12-01 ";
  i.amount = 100;
  ASSERT_TRUE(NormalizeInstalment(i).ok());
  EXPECT_EQ(i.due_on, "2026-12-01");
  Instalment bad;
  bad.opportunity_id = 1;
  bad.order_id = 2;
  bad.due_on = "2026-02-29";
  bad.amount = 0;
  auto f = Fields(NormalizeInstalment(bad));
  EXPECT_EQ(f.count("order_id"), 1u);
  EXPECT_EQ(f.count("due_on"), 1u);
  EXPECT_EQ(f.count("amount"), 1u);

  Receipt r;
  r.opportunity_id = 3;
  r.received_on = "2026-11-30";
  r.amount = 5000;
  r.method = "wechat_pay";
  ASSERT_TRUE(NormalizeReceipt(r).ok());
  r.method = "bitcoin";
  r.amount = -1;
  r.received_on = "";
  f = Fields(NormalizeReceipt(r));
  EXPECT_EQ(f.count("method"), 1u);
  EXPECT_EQ(f.count("amount"), 1u);
  EXPECT_EQ(f.count("received_on"), 1u);
}

// ----------------------------------------------------- buying centre

TEST(SalesBuyingCentre, Validation) {
  BuyingCentreMember m;
  m.opportunity_id = 1;
  m.contact_id = 2;
  m.role = BuyingRole::kDecisionMaker;
  m.influence = 5;
  m.note = " 老板 ";
  ASSERT_TRUE(NormalizeBuyingCentreMember(m).ok());
  EXPECT_EQ(m.note, "老板");
  m.influence = 6;
  m.contact_id = 0;
  m.id = 9;
  m.reports_to = 9;
  auto f = Fields(NormalizeBuyingCentreMember(m));
  EXPECT_EQ(f.count("influence"), 1u);
  EXPECT_EQ(f.count("contact_id"), 1u);
  EXPECT_EQ(f.count("reports_to"), 1u);
  m.influence = 0;
  EXPECT_EQ(Fields(NormalizeBuyingCentreMember(m)).count("influence"), 1u);
}

// ---------------------------------------------------------------- playbook

TEST(PlaybookEntryValidation, Errors) {
  PlaybookEntry e;
  e.stage = "Present Value";
  e.situation = "angry";
  e.kind = "joke";
  e.locale = "fr";
  e.title = " ";
  e.body = "";
  e.position = -1;
  auto f = Fields(NormalizePlaybookEntry(e));
  for (const char* field : {"stage", "situation", "kind", "locale", "title", "body", "position"}) {
    EXPECT_EQ(f.count(field), 1u) << field;
  }
  e = {};
  e.situation = " general ";
  e.kind = "tip";
  e.locale = "zh";
  e.title = "标题";
  e.body = "第一行\n第二行";
  ASSERT_TRUE(NormalizePlaybookEntry(e).ok());
  EXPECT_EQ(e.situation, "general");
}

TEST(PlaybookDefaults, EveryEntryIsValid) {
  const auto& entries = DefaultPlaybook();
  ASSERT_FALSE(entries.empty());
  std::set<std::string> stage_keys = {""};
  for (const Stage& s : DefaultStages()) stage_keys.insert(s.key);
  for (const PlaybookEntry& original : entries) {
    PlaybookEntry e = original;
    Status s = NormalizePlaybookEntry(e);
    EXPECT_TRUE(s.ok()) << original.title << ": " << s.ToString();
    EXPECT_EQ(e.title, original.title);  // already normalised
    EXPECT_EQ(e.body, original.body);
    EXPECT_EQ(stage_keys.count(original.stage), 1u) << original.title;
    EXPECT_NE(original.stage, "won");
    EXPECT_NE(original.stage, "lost");
  }
}

TEST(PlaybookDefaults, EverySituationInBothLanguages) {
  std::set<std::pair<std::string, std::string>> covered;
  for (const PlaybookEntry& e : DefaultPlaybook()) {
    if (e.kind == "objection") covered.insert({e.situation, e.locale});
  }
  for (const char* situation : {"no_need", "have_supplier", "wrong_person", "no_budget",
                                "price_too_high", "unhappy_before"}) {
    for (const char* locale : {"zh", "en"}) {
      EXPECT_EQ(covered.count({situation, locale}), 1u) << situation << " " << locale;
    }
  }
}

TEST(PlaybookDefaults, EveryOpenStageHasTipAndFfab) {
  std::map<std::pair<std::string, std::string>, int> tips, ffabs;
  for (const PlaybookEntry& e : DefaultPlaybook()) {
    if (e.kind == "tip") ++tips[{e.stage, e.locale}];
    if (e.kind != "ffab") continue;
    ++ffabs[{e.stage, e.locale}];
    EXPECT_EQ(e.situation, "general");
    // Four labelled lines, as the web UI shows them.
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= e.body.size()) {
      size_t end = e.body.find('\n', start);
      if (end == std::string::npos) end = e.body.size();
      lines.push_back(e.body.substr(start, end - start));
      start = end + 1;
    }
    ASSERT_EQ(lines.size(), 4u) << e.title;
    const std::vector<std::string> labels =
        e.locale == "zh"
            ? std::vector<std::string>{"特征：", "功能：", "优点：", "利益："}
            : std::vector<std::string>{"Feature: ", "Function: ", "Advantage: ", "Benefit: "};
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(lines[i].rfind(labels[i], 0), 0u) << e.title;
  }
  for (const Stage& s : DefaultStages()) {
    if (s.kind != StageKind::kOpen) continue;
    for (const char* locale : {"zh", "en"}) {
      EXPECT_EQ((tips[{s.key, locale}]), 1) << s.key << " " << locale;
      EXPECT_GE((ffabs[{s.key, locale}]), 3) << s.key << " " << locale;
    }
  }
}

}  // namespace
}  // namespace guanxi
