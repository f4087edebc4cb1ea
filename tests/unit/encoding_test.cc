#include "domain/encoding.h"

#include <gtest/gtest.h>

namespace guanxi {
namespace {

TEST(Encoding, Base64UrlRoundTripsAndUsesTheUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode("hello"), "aGVsbG8");  // RFC 4648 base64 without padding
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff", 2)), "-_8");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(all)), all);
  EXPECT_EQ(Base64UrlDecode(""), "");
  EXPECT_FALSE(Base64UrlDecode("ab+c"));
  EXPECT_FALSE(Base64UrlDecode("ab=="));
}

TEST(Encoding, HexRoundTripsAndRejectsMalformed) {
  EXPECT_EQ(HexEncode(std::string("\x00\x7f\xff", 3)), "007fff");
  EXPECT_EQ(HexDecode("007fff"), std::string("\x00\x7f\xff", 3));
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
  EXPECT_FALSE(HexDecode("AB"));
}

}  // namespace
}  // namespace guanxi
