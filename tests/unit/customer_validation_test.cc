#include <gtest/gtest.h>

#include <map>
#include <string>

#include "domain/customer.h"

namespace guanxi {
namespace {

// field -> message of a failed Status.
std::map<std::string, std::string> Fields(const Status& s) {
  std::map<std::string, std::string> out;
  for (const auto& f : s.fields()) out[f.field] = f.message;
  return out;
}

Customer ValidCustomer() {
  Customer c;
  c.kind = CustomerKind::kOrganization;
  c.name = "杭州云栖科技有限公司";
  c.industry = "软件";
  c.province = "浙江省";
  c.city = "杭州市";
  c.source = "referral";
  c.phone = "0571-88888888";
  c.email = "Info@Yunqi.Example.CN";
  c.tags = {"重点", "软件"};
  c.care_dates = {{"anniversary", "公司成立日", "2008-05-20"}, {"birthday", "董事长生日", "02-29"}};
  c.notes = "第一行\n第二行";
  return c;
}

TEST(Vocabularies, RoundTrip) {
  for (auto v : {CustomerKind::kOrganization, CustomerKind::kIndividual}) {
    EXPECT_EQ(ParseCustomerKind(ToString(v)), v);
  }
  for (auto name : CustomerKindNames()) EXPECT_EQ(ToString(*ParseCustomerKind(name)), name);
  for (auto name : RelationshipNames()) EXPECT_EQ(ToString(*ParseRelationship(name)), name);
  for (auto name : RelationshipLevelNames()) {
    EXPECT_EQ(ToString(*ParseRelationshipLevel(name)), name);
  }
  for (auto name : LifecycleStageNames()) EXPECT_EQ(ToString(*ParseLifecycleStage(name)), name);
  for (auto name : CompanySizeNames()) EXPECT_EQ(ToString(*ParseCompanySize(name)), name);
  for (auto name : PersonalityNames()) EXPECT_EQ(ToString(*ParsePersonality(name)), name);
}

TEST(Vocabularies, WireNames) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(CustomerKindNames(), (V{"organization", "individual"}));
  EXPECT_EQ(RelationshipNames(), (V{"non", "potential", "target", "current", "lost"}));
  EXPECT_EQ(RelationshipLevelNames(),
            (V{"basic", "passive", "responsible", "proactive", "partner"}));
  EXPECT_EQ(LifecycleStageNames(), (V{"exploration", "formation", "stability", "decline", "lost"}));
  EXPECT_EQ(CompanySizeNames(), (V{"micro", "small", "medium", "large", "enterprise"}));
  EXPECT_EQ(PersonalityNames(), (V{"analytical", "organized", "relational", "visionary"}));
  EXPECT_EQ(CustomerSourceNames(), (V{"advertising", "self_developed", "referral", "exhibition",
                                      "online", "canvassing", "directory", "other"}));
  EXPECT_EQ(ToString(Relationship::kCurrent), "current");
  EXPECT_EQ(ToString(RelationshipLevel::kPartner), "partner");
  EXPECT_EQ(ToString(LifecycleStage::kLost), "lost");
  EXPECT_EQ(ToString(CompanySize::kEnterprise), "enterprise");
  EXPECT_EQ(ToString(Personality::kOrganized), "organized");
  EXPECT_EQ(ParseRelationship("current"), Relationship::kCurrent);
  EXPECT_EQ(ParseRelationship("Current"), std::nullopt);
  EXPECT_EQ(ParseCustomerKind(""), std::nullopt);
  EXPECT_EQ(ParsePersonality("organised"), std::nullopt);
  EXPECT_EQ(ParseCompanySize("huge"), std::nullopt);
  EXPECT_EQ(ParseLifecycleStage("decline"), LifecycleStage::kDecline);
}

TEST(IsValidCareDate, Formats) {
  EXPECT_TRUE(IsValidCareDate("01-01"));
  EXPECT_TRUE(IsValidCareDate("02-29"));
  EXPECT_TRUE(IsValidCareDate("12-31"));
  EXPECT_TRUE(IsValidCareDate("2024-02-29"));
  EXPECT_TRUE(IsValidCareDate("2000-02-29"));
  EXPECT_TRUE(IsValidCareDate("1900-01-01"));
  EXPECT_TRUE(IsValidCareDate("2100-12-31"));
  EXPECT_FALSE(IsValidCareDate("02-30"));
  EXPECT_FALSE(IsValidCareDate("04-31"));
  EXPECT_FALSE(IsValidCareDate("13-01"));
  EXPECT_FALSE(IsValidCareDate("00-10"));
  EXPECT_FALSE(IsValidCareDate("01-00"));
  EXPECT_FALSE(IsValidCareDate("2023-02-29"));
  EXPECT_FALSE(IsValidCareDate("1900-02-29"));
  EXPECT_FALSE(IsValidCareDate("1899-12-31"));
  EXPECT_FALSE(IsValidCareDate("2101-01-01"));
  EXPECT_FALSE(IsValidCareDate("2024-1-01"));
  EXPECT_FALSE(IsValidCareDate("2024/01/01"));
  EXPECT_FALSE(IsValidCareDate("1-1"));
  EXPECT_FALSE(IsValidCareDate("+1-01"));
  EXPECT_FALSE(IsValidCareDate(" 01-01"));
  EXPECT_FALSE(IsValidCareDate(""));
  EXPECT_FALSE(IsValidCareDate("2024-01-01T00:00"));
}

TEST(NormalizeCustomer, AcceptsAndNormalizes) {
  Customer c = ValidCustomer();
  c.name = "  \u3000杭州云栖科技有限公司\t";
  c.phone = " 0571-88888888 ";
  c.tags = {" 重点 ", "软件", "重点", "vip"};
  c.source = " referral ";
  c.care_dates[0].kind = " anniversary ";
  c.care_dates[0].date = " 2008-05-20 ";
  const Status s = NormalizeCustomer(c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.name, "杭州云栖科技有限公司");
  EXPECT_EQ(c.phone, "+8657188888888");
  EXPECT_EQ(c.email, "info@yunqi.example.cn");
  EXPECT_EQ(c.source, "referral");
  EXPECT_EQ(c.tags, (std::vector<std::string>{"重点", "软件", "vip"}));
  EXPECT_EQ(c.care_dates[0], (CareDate{"anniversary", "公司成立日", "2008-05-20"}));
  EXPECT_EQ(c.notes, "第一行\n第二行");
}

TEST(NormalizeCustomer, EmptyOptionalFieldsAreFine) {
  Customer c;
  c.name = "张三";
  c.kind = CustomerKind::kIndividual;
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_EQ(c.phone, "");
  EXPECT_EQ(c.email, "");
  EXPECT_TRUE(c.tags.empty());
}

TEST(NormalizeCustomer, CollectsAllFieldErrors) {
  Customer c = ValidCustomer();
  c.name = "   ";
  c.phone = "12345";
  c.email = "not-an-email";
  c.source = "tv";
  c.city = std::string(101, 'x');
  c.tags = {"ok", "ok2", "  ", std::string(51, 't')};
  c.care_dates = {{"wedding", "", "2024-02-30"}, {"birthday", "", "05-20"}};
  const Customer before = c;
  const Status s = NormalizeCustomer(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "invalid customer");
  const auto f = Fields(s);
  EXPECT_EQ(f.size(), 9u) << s.ToString();
  EXPECT_EQ(f.count("name"), 1u);
  EXPECT_EQ(f.count("phone"), 1u);
  EXPECT_EQ(f.count("email"), 1u);
  EXPECT_EQ(f.count("source"), 1u);
  EXPECT_EQ(f.count("city"), 1u);
  EXPECT_EQ(f.count("tags/2"), 1u);
  EXPECT_EQ(f.count("tags/3"), 1u);
  EXPECT_EQ(f.count("care_dates/0/kind"), 1u);
  EXPECT_EQ(f.count("care_dates/0/date"), 1u);
  EXPECT_EQ(f.at("name"), "is required");
  EXPECT_EQ(f.at("phone"), "not a valid phone number: too short");
  // On failure the customer is left as it was.
  EXPECT_EQ(c.name, before.name);
  EXPECT_EQ(c.tags, before.tags);
}

TEST(NormalizeCustomer, Lengths) {
  Customer c = ValidCustomer();
  c.name = std::string(kMaxNameChars, 'a');
  EXPECT_TRUE(NormalizeCustomer(c).ok());
  // Limits count code points, not bytes: 200 Chinese characters are 600 bytes.
  c = ValidCustomer();
  std::string name;
  for (size_t i = 0; i < kMaxNameChars; ++i) name += "客";
  c.name = name;
  EXPECT_TRUE(NormalizeCustomer(c).ok());
  c.name = name + "户";
  EXPECT_EQ(Fields(NormalizeCustomer(c)).count("name"), 1u);

  c = ValidCustomer();
  c.notes = std::string(kMaxNotesChars + 1, 'n');
  c.industry = std::string(kMaxShortTextChars + 1, 'i');
  c.province = std::string(kMaxShortTextChars + 1, 'p');
  c.external_id = std::string(kMaxShortTextChars + 1, 'e');
  const auto f = Fields(NormalizeCustomer(c));
  EXPECT_EQ(f.size(), 4u);
  EXPECT_EQ(f.count("notes"), 1u);
  EXPECT_EQ(f.count("industry"), 1u);
  EXPECT_EQ(f.count("province"), 1u);
  EXPECT_EQ(f.count("external_id"), 1u);
}

TEST(NormalizeCustomer, TagAndCareDateCounts) {
  Customer c = ValidCustomer();
  c.tags.clear();
  for (size_t i = 0; i < kMaxTags; ++i) c.tags.push_back("t" + std::to_string(i));
  c.tags.push_back("t0");  // a duplicate does not count
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_EQ(c.tags.size(), kMaxTags);
  c.tags.push_back("one-too-many");
  EXPECT_EQ(Fields(NormalizeCustomer(c)).count("tags"), 1u);

  c = ValidCustomer();
  c.care_dates.assign(kMaxCareDates + 1, CareDate{"other", "", "01-01"});
  EXPECT_EQ(Fields(NormalizeCustomer(c)).count("care_dates"), 1u);

  c = ValidCustomer();
  c.care_dates = {{"other", std::string(101, 'l'), "01-01"}, {"other", "", ""}};
  const auto f = Fields(NormalizeCustomer(c));
  EXPECT_EQ(f.count("care_dates/0/label"), 1u);
  EXPECT_EQ(f.count("care_dates/1/date"), 1u);
}

TEST(NormalizeCustomer, InvalidUtf8AndControlChars) {
  Customer c = ValidCustomer();
  c.name = "bad\xff";
  c.industry = "\xc0\xaf";
  c.notes = "ok\xed\xa0\x80";
  c.tags = {"fine", "\xe5\xae"};
  c.care_dates[1].label = "\xf8";
  const auto f = Fields(NormalizeCustomer(c));
  EXPECT_EQ(f.size(), 5u);
  EXPECT_EQ(f.at("name"), "is not valid UTF-8");
  EXPECT_EQ(f.at("industry"), "is not valid UTF-8");
  EXPECT_EQ(f.at("notes"), "is not valid UTF-8");
  EXPECT_EQ(f.at("tags/1"), "is not valid UTF-8");
  EXPECT_EQ(f.at("care_dates/1/label"), "is not valid UTF-8");

  c = ValidCustomer();
  c.name = "a\x01" "b";
  c.city = std::string("a\0b", 3);
  c.notes = "tabs\tand\r\nnewlines are fine";
  const auto g = Fields(NormalizeCustomer(c));
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.count("name"), 1u);
  EXPECT_EQ(g.count("city"), 1u);
}

TEST(NormalizeCustomer, OwnerMustBePositive) {
  Customer c = ValidCustomer();
  c.owner_user_id = 0;
  EXPECT_EQ(Fields(NormalizeCustomer(c)).count("owner_user_id"), 1u);
  c.owner_user_id = 7;
  EXPECT_TRUE(NormalizeCustomer(c).ok());
}

TEST(NormalizeContact, AcceptsAndNormalizes) {
  Contact c;
  c.customer_id = 3;
  c.name = " 王丽 ";
  c.title = "采购经理";
  c.phone = "+86 138 1234 5678";
  c.email = "Wang.Li@Example.com";
  c.wechat = "wangli_88";
  c.birthday = "1985-07-14";
  ASSERT_TRUE(NormalizeContact(c).ok());
  EXPECT_EQ(c.name, "王丽");
  EXPECT_EQ(c.phone, "+8613812345678");
  EXPECT_EQ(c.email, "wang.li@example.com");
}

TEST(NormalizeContact, CollectsAllFieldErrors) {
  Contact c;
  c.customer_id = 0;
  c.name = "";
  c.phone = "abc";
  c.email = "x@y";
  c.birthday = "02-30";
  c.title = std::string(101, 't');
  c.wechat = "\xff";
  const Status s = NormalizeContact(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  const auto f = Fields(s);
  EXPECT_EQ(f.size(), 7u) << s.ToString();
  for (const char* field : {"customer_id", "name", "phone", "email", "birthday", "title", "wechat"}) {
    EXPECT_EQ(f.count(field), 1u) << field;
  }
}

}  // namespace
}  // namespace guanxi

namespace guanxi {
namespace {

TEST(Province, ShortTraditionalAndFullNamesBecomeTheFullName) {
  EXPECT_EQ(CanonicalProvince("浙江"), "浙江省");
  EXPECT_EQ(CanonicalProvince("浙江省"), "浙江省");
  EXPECT_EQ(CanonicalProvince("北京"), "北京市");
  EXPECT_EQ(CanonicalProvince("廣西"), "广西壮族自治区");
  EXPECT_EQ(CanonicalProvince("新疆"), "新疆维吾尔自治区");
  EXPECT_EQ(CanonicalProvince("香港"), "香港特别行政区");
  EXPECT_FALSE(CanonicalProvince("杭州"));
  EXPECT_FALSE(CanonicalProvince("California"));
  EXPECT_EQ(ProvinceNames().size(), 34u);
}

TEST(Province, NormalizeCustomerStoresFullNameAndRejectsUnknown) {
  Customer c;
  c.name = "杭州云栖科技有限公司";
  c.province = " 浙江 ";
  ASSERT_TRUE(NormalizeCustomer(c).ok());
  EXPECT_EQ(c.province, "浙江省");
  c.province = "火星";
  Status s = NormalizeCustomer(c);
  ASSERT_FALSE(s.ok());
  ASSERT_EQ(s.fields().size(), 1u);
  EXPECT_EQ(s.fields()[0].field, "province");
  EXPECT_EQ(c.province, "火星");  // unchanged on failure
}

}  // namespace
}  // namespace guanxi
