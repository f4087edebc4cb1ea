#include "domain/user.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace guanxi {
namespace {

TEST(Role, WireNames) {
  EXPECT_EQ(RoleNames(), (std::vector<std::string_view>{"admin", "manager", "sales", "service",
                                                        "analyst"}));
  for (auto name : RoleNames()) EXPECT_EQ(ToString(*ParseRole(name)), name);
  EXPECT_EQ(ToString(Role::kAnalyst), "analyst");
  EXPECT_EQ(ParseRole("manager"), Role::kManager);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
}

std::string Login(std::string in) {
  const Status s = NormalizeLogin(in);
  if (!s.ok()) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.fields().size(), 1u);
    if (!s.fields().empty()) {
      EXPECT_EQ(s.fields()[0].field, "login");
    }
    return "ERROR";
  }
  return in;
}

TEST(NormalizeLogin, Accepts) {
  EXPECT_EQ(Login("wangli"), "wangli");
  EXPECT_EQ(Login("  WangLi.Sales "), "wangli.sales");
  EXPECT_EQ(Login("a1"), "a1");
  EXPECT_EQ(Login("9lives_ok-x"), "9lives_ok-x");
  EXPECT_EQ(Login(std::string(64, 'a')), std::string(64, 'a'));
}

TEST(NormalizeLogin, Rejects) {
  for (const std::string& bad : std::vector<std::string>{"", "  ", "a", std::string(65, 'a'), "_admin", ".x", "-x",
                                "wang li", "王丽", "a@b", "a/b", "\xff\xfe"}) {
    EXPECT_EQ(Login(bad), "ERROR") << bad;
  }
  std::string unchanged = " X ";
  EXPECT_FALSE(NormalizeLogin(unchanged).ok());
  EXPECT_EQ(unchanged, " X ");  // left as it was on failure
}

TEST(ValidatePassword, Policy) {
  EXPECT_TRUE(ValidatePassword("12345678").ok());
  EXPECT_TRUE(ValidatePassword("密码密码密码").ok());  // 18 bytes
  EXPECT_TRUE(ValidatePassword(std::string(256, 'p')).ok());
  for (const std::string& bad : {std::string("1234567"), std::string(""), std::string(257, 'p'),
                                std::string("abcdefgh\xff"), std::string("abc\0defgh", 9)}) {
    const Status s = ValidatePassword(bad);
    EXPECT_FALSE(s.ok()) << bad;
    ASSERT_EQ(s.fields().size(), 1u);
    EXPECT_EQ(s.fields()[0].field, "password");
  }
  // Bytes, not characters: three Chinese characters are 9 bytes.
  EXPECT_TRUE(ValidatePassword("密码好").ok());
  EXPECT_FALSE(ValidatePassword("密码").ok());
}

}  // namespace
}  // namespace guanxi
