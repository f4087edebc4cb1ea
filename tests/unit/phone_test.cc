#include "domain/phone.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace guanxi {
namespace {

std::string Phone(std::string_view in) {
  auto r = NormalizePhone(in);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}

TEST(NormalizePhone, MobileFormats) {
  EXPECT_EQ(Phone("138 1234 5678"), "+8613812345678");
  EXPECT_EQ(Phone("13812345678"), "+8613812345678");
  EXPECT_EQ(Phone("138-1234-5678"), "+8613812345678");
  EXPECT_EQ(Phone("+86 138 1234 5678"), "+8613812345678");
  EXPECT_EQ(Phone("+86-138-1234-5678"), "+8613812345678");
  EXPECT_EQ(Phone("(+86) 13812345678"), "+8613812345678");
  EXPECT_EQ(Phone("008613812345678"), "+8613812345678");
  EXPECT_EQ(Phone("  13812345678 \t"), "+8613812345678");
}

TEST(NormalizePhone, FullWidth) {
  EXPECT_EQ(Phone("１３８１２３４５６７８"), "+8613812345678");
  EXPECT_EQ(Phone("＋８６\u3000１３８－１２３４－５６７８"), "+8613812345678");
  EXPECT_EQ(Phone("（０１０）６５５２９９８８"), "+861065529988");
}

TEST(NormalizePhone, Landlines) {
  EXPECT_EQ(Phone("+86 10 6552 9988"), "+861065529988");
  EXPECT_EQ(Phone("(010) 6552-9988"), "+861065529988");
  EXPECT_EQ(Phone("010-65529988"), "+861065529988");
  EXPECT_EQ(Phone("0571-88888888"), "+8657188888888");
}

TEST(NormalizePhone, Foreign) {
  EXPECT_EQ(Phone("+1 650 253 0000"), "+16502530000");
  EXPECT_EQ(Phone("+44 20 7946 0958"), "+442079460958");
}

TEST(NormalizePhone, Rejects) {
  for (const char* bad : {"12345", "", "   ", "abc", "1381234567", "138123456789", "+999 123",
                          "1-800-FLOWERS", "138 1234 5678 ext. 12", "\xff\xfe", "1"}) {
    auto r = NormalizePhone(bad);
    EXPECT_FALSE(r.ok()) << bad << " => " << (r.ok() ? *r : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_FALSE(r.status().message().empty());
      ASSERT_EQ(r.status().fields().size(), 1u);
      EXPECT_EQ(r.status().fields()[0].field, "phone");
    }
  }
  EXPECT_EQ(Phone("12345"), "ERROR: not a valid phone number: too short");
  EXPECT_EQ(Phone("abc").find("ERROR: "), 0u);
  EXPECT_NE(Phone(std::string(200, '1')).find("too long"), std::string::npos);
}

TEST(PhoneRegion, ChineseDescriptions) {
  const std::string mobile = PhoneRegion("+8613812345678");
  EXPECT_FALSE(mobile.empty());
  EXPECT_TRUE(mobile.find("省") != std::string::npos || mobile.find("市") != std::string::npos)
      << mobile;
  EXPECT_EQ(PhoneRegion("+861065529988"), "北京市");
  EXPECT_EQ(PhoneRegion("+8657188888888"), "浙江省杭州市");
  EXPECT_EQ(PhoneRegion("+16502530000"), "美国");
}

TEST(PhoneRegion, UnknownIsEmpty) {
  EXPECT_EQ(PhoneRegion(""), "");
  EXPECT_EQ(PhoneRegion("not a number"), "");
  EXPECT_EQ(PhoneRegion("+999123"), "");
  EXPECT_EQ(PhoneRegion("12345"), "");
}

std::string Email(std::string_view in) {
  auto r = NormalizeEmail(in);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}

TEST(NormalizeEmail, Accepts) {
  EXPECT_EQ(Email("wang.li@example.com"), "wang.li@example.com");
  EXPECT_EQ(Email("  Wang.Li@Example.COM \t"), "wang.li@example.com");
  EXPECT_EQ(Email("a+tag@mail.example.cn"), "a+tag@mail.example.cn");
  EXPECT_EQ(Email("\u3000sales@公司.中国\u3000"), "sales@公司.中国");
}

TEST(NormalizeEmail, Rejects) {
  const std::string long_local = std::string(65, 'a') + "@example.com";
  const std::string long_all = "a@" + std::string(250, 'b') + ".com";
  for (const std::string& bad : std::vector<std::string>{"", "   ", "plainaddress", "@example.com", "user@", "user@localhost", "a b@example.com",
        "a@b@example.com", "user@example..com", "user@.example.com", "user@example.com.",
        "user@-example.com", "a\u3000b@example.com", ".user@example.com", "us..er@example.com",
        "user@exa mple.com", "\"quoted\"@example.com", long_local, long_all,
        std::string("\xff@example.com")}) {
    auto r = NormalizeEmail(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      ASSERT_EQ(r.status().fields().size(), 1u);
      EXPECT_EQ(r.status().fields()[0].field, "email");
    }
  }
  // Exactly at the limits is fine.
  EXPECT_TRUE(NormalizeEmail(std::string(64, 'a') + "@example.com").ok());
  const std::string label(63, 'x');
  const std::string max_len = "a@" + label + "." + label + "." + label + "." +
                              std::string(56, 'y') + ".com";
  ASSERT_EQ(max_len.size(), 254u);
  EXPECT_TRUE(NormalizeEmail(max_len).ok());
  EXPECT_FALSE(NormalizeEmail("a@" + std::string(64, 'x') + ".com").ok());  // label > 63
}

}  // namespace
}  // namespace guanxi
