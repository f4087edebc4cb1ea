#include "domain/search_text.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace guanxi {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v) {
    if (x == s) return true;
  }
  return false;
}

TEST(FoldForSearch, TraditionalToSimplified) {
  EXPECT_EQ(FoldForSearch("客戶關係"), "客户关系");
  EXPECT_EQ(FoldForSearch("杭州雲棲科技"), "杭州云栖科技");
  EXPECT_EQ(FoldForSearch("頭髮"), "头发");
  // Already simplified text is unchanged.
  EXPECT_EQ(FoldForSearch("客户关系管理"), "客户关系管理");
}

TEST(FoldForSearch, FullWidthAndCase) {
  EXPECT_EQ(FoldForSearch("ＡＢＣ１２３"), "abc123");
  EXPECT_EQ(FoldForSearch("Hello WORLD"), "hello world");
  EXPECT_EQ(FoldForSearch("ÉCOLE"), "école");
  EXPECT_EQ(FoldForSearch("Straße"), "strasse");
  EXPECT_EQ(FoldForSearch("杭州雲棲科技 ＡＢＣ"), "杭州云栖科技 abc");
}

TEST(FoldForSearch, WhiteSpace) {
  EXPECT_EQ(FoldForSearch("  a \t\n b  "), "a b");
  EXPECT_EQ(FoldForSearch("客户\u3000\u3000关系"), "客户 关系");  // ideographic space
  EXPECT_EQ(FoldForSearch("a\u00A0b"), "a b");
  EXPECT_EQ(FoldForSearch(std::string("a\0b", 3)), "a b");
  EXPECT_EQ(FoldForSearch(""), "");
  EXPECT_EQ(FoldForSearch(" \t "), "");
}

TEST(FoldForSearch, DropsInvalidUtf8) {
  EXPECT_EQ(FoldForSearch("ab\xff" "cd"), "abcd");
  EXPECT_EQ(FoldForSearch("客\xe6\x88户"), "客户");  // truncated sequence
  EXPECT_EQ(FoldForSearch("\xc0\xaf"), "");         // overlong '/'
}

TEST(FoldForSearch, Idempotent) {
  for (const char* s : {"客戶關係 ＡＢＣ", "Straße", "ﬁ ① 東京", "杭州 云栖"}) {
    const std::string once = FoldForSearch(s);
    EXPECT_EQ(FoldForSearch(once), once) << s;
  }
}

TEST(FoldForSearch, QueryMatchesStoredText) {
  const std::string stored = FoldForSearch("杭州雲棲科技有限公司 ＡＢＣ Trading");
  EXPECT_NE(stored.find(FoldForSearch("云栖")), std::string::npos);
  EXPECT_NE(stored.find(FoldForSearch("abc trading")), std::string::npos);
}

TEST(FoldForSearch, ThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] {
      for (int k = 0; k < 50; ++k) results[i] = FoldForSearch("客戶關係 ＡＢＣ");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "客户关系 abc");
}

TEST(IsValidUtf8, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello"));
  EXPECT_TRUE(IsValidUtf8("客户关系"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(IsValidUtf8, RejectsMalformed) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));  // overlong 4-byte
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));      // surrogate U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xe5\xae"));          // truncated
  EXPECT_FALSE(IsValidUtf8("abc\xe5"));           // truncated at end
  EXPECT_FALSE(IsValidUtf8("\xe5" "a" "\xae"));   // bad continuation
}

TEST(CodePointCount, CountsCodePoints) {
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("客户关系"), 4u);
  EXPECT_EQ(CodePointCount("a客\xf0\x9f\x98\x80"), 3u);
}

TEST(TrimWhitespace, TrimsAsciiAndUnicode) {
  EXPECT_EQ(TrimWhitespace("  abc \t\n"), "abc");
  EXPECT_EQ(TrimWhitespace("\u3000客户\u3000"), "客户");
  EXPECT_EQ(TrimWhitespace("\xef\xbb\xbf" "name\u00A0"), "name");  // BOM, NBSP
  EXPECT_EQ(TrimWhitespace("a b"), "a b");
  EXPECT_EQ(TrimWhitespace("   "), "");
  EXPECT_EQ(TrimWhitespace(""), "");
  EXPECT_EQ(TrimWhitespace(" \xff "), "\xff");  // stops at invalid bytes
}

TEST(ShortGrams, UnigramsAndBigramsWithNonAscii) {
  const auto grams = ShortGrams("杭州ab");
  EXPECT_TRUE(Contains(grams, "杭"));
  EXPECT_TRUE(Contains(grams, "州"));
  EXPECT_TRUE(Contains(grams, "杭州"));
  EXPECT_TRUE(Contains(grams, "州a"));
  EXPECT_FALSE(Contains(grams, "ab"));
  EXPECT_FALSE(Contains(grams, "a"));
  EXPECT_FALSE(Contains(grams, "b"));
  EXPECT_EQ(grams.size(), 4u);
}

TEST(ShortGrams, SortedDistinctNoWhitespace) {
  const auto grams = ShortGrams("客户 客户");
  EXPECT_EQ(grams, (std::vector<std::string>{"客", "客户", "户"}));
  EXPECT_TRUE(std::is_sorted(grams.begin(), grams.end()));
  EXPECT_TRUE(ShortGrams("").empty());
  EXPECT_TRUE(ShortGrams("plain ascii").empty());
}

}  // namespace
}  // namespace guanxi
