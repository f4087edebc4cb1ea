// Duplicate detection: pinyin, company-name stripping, scores and blocking
// (checked against a brute-force comparison of every pair).
#include "analytics/duplicates.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "domain/pinyin.h"
#include "domain/search_text.h"

namespace guanxi {
namespace {

TEST(PinyinTest, HanCharactersGiveTonelessSyllables) {
  EXPECT_EQ(HanPinyin(U'张'), "zhang");
  EXPECT_EQ(HanPinyin(U'伟'), "wei");
  EXPECT_EQ(HanPinyin(U'a'), "");
  EXPECT_EQ(NameSyllables(FoldForSearch("張偉")), (std::vector<std::string>{"zhang", "wei"}));
  EXPECT_EQ(NameSyllables("zhang wei"), (std::vector<std::string>{"zhang", "wei"}));
}

TEST(DuplicatesTest, SimplifiedTraditionalAndLatinNamesMatch) {
  const NameForm a = NormaliseName("张伟", false);
  EXPECT_EQ(a.syllables, "zhang wei");
  EXPECT_DOUBLE_EQ(NameSimilarity(a, NormaliseName("張偉", false)), 1.0);
  EXPECT_GE(NameSimilarity(a, NormaliseName("Zhang Wei", false)), 0.9);
  EXPECT_GE(NameSimilarity(a, NormaliseName("zhangwei", false)), 0.9);
  EXPECT_GE(NameSimilarity(a, NormaliseName("ＺＨＡＮＧ　ＷＥＩ", false)), 0.9);
  EXPECT_LT(NameSimilarity(a, NormaliseName("李娜", false)), 0.1);
}

TEST(DuplicatesTest, CompanySuffixesAndRegionsAreStripped) {
  EXPECT_EQ(StripCompanyName(FoldForSearch("杭州雲棲科技有限公司")), "云栖科技");
  EXPECT_EQ(StripCompanyName(FoldForSearch("上海市云栖科技股份有限公司")), "云栖科技");
  EXPECT_EQ(StripCompanyName(FoldForSearch("云栖科技（中国）有限责任公司")), "云栖科技");
  EXPECT_EQ(StripCompanyName(FoldForSearch("云栖科技集团")), "云栖科技");
  EXPECT_EQ(StripCompanyName(FoldForSearch("云栖科技杭州分公司")), "云栖科技");
  EXPECT_EQ(StripCompanyName(FoldForSearch("Acme Trading Co., Ltd.")), "acme trading");
  EXPECT_EQ(StripCompanyName(FoldForSearch("Acme Inc")), "acme");
  // Too little would be left: 浙江大学 and 南京大学 stay apart.
  EXPECT_EQ(StripCompanyName(FoldForSearch("浙江大学")), "浙江大学");
  EXPECT_EQ(StripCompanyName(FoldForSearch("公司")), "公司");
  EXPECT_EQ(NormaliseName("杭州雲棲科技有限公司", true).compact, NormaliseName("云栖科技", true).compact);
}

DuplicateColumns Columns(const std::vector<std::tuple<std::string, bool, std::string, std::string>>& rows) {
  DuplicateColumns c;
  int64_t id = 0;
  for (const auto& [name, org, phone, email] : rows) {
    c.id.push_back(++id);
    c.name.push_back(name);
    c.organization.push_back(org);
    c.phone.push_back(phone);
    c.email.push_back(email);
  }
  return c;
}

TEST(DuplicatesTest, ScoresOrderByEvidence) {
  DuplicateColumns c = Columns({
      {"张伟", false, "+8613800000001", "zw@example.com"},   // 1
      {"張偉", false, "+8613800000001", "zw@example.com"},   // 2: same name, phone, email
      {"Zhang Wei", false, "+8613800000001", ""},            // 3: same phone, latin name
      {"李娜", false, "+8613800000001", ""},                 // 4: same phone only
      {"杭州云栖科技有限公司", true, "", ""},                // 5
      {"云栖科技", true, "", ""},                            // 6: same company name
      {"王芳", false, "", ""},                               // 7: unrelated
  });
  DuplicateOptions opt;
  opt.min_score = 0.5;
  opt.threads = 2;
  auto pairs = FindDuplicates(c, opt);
  auto score = [&](int64_t a, int64_t b) {
    for (const auto& p : pairs) if (p.a == a && p.b == b) return p.score;
    return 0.0;
  };
  EXPECT_GT(score(1, 2), score(1, 3));
  EXPECT_GT(score(1, 3), score(1, 4));
  EXPECT_GT(score(5, 6), 0.8);
  EXPECT_EQ(score(1, 7), 0.0);
  ASSERT_FALSE(pairs.empty());
  EXPECT_EQ(pairs.front().a, 1);
  EXPECT_EQ(pairs.front().b, 2);
  EXPECT_EQ(ReasonNames(pairs.front().reasons), (std::vector<std::string>{"phone", "email", "name"}));
  for (size_t i = 1; i < pairs.size(); ++i) EXPECT_GE(pairs[i - 1].score, pairs[i].score);

  opt.only_id = 4;
  auto of4 = FindDuplicates(c, opt);
  ASSERT_EQ(of4.size(), 3u);  // 1, 2, 3 share its phone
  for (const auto& p : of4) EXPECT_TRUE(p.a == 4 || p.b == 4);
}

TEST(DuplicatesTest, ContactPhonesCount) {
  DuplicateColumns c = Columns({{"甲公司", true, "", ""}, {"乙工厂", true, "+862100000000", ""}});
  c.contact_phone.emplace_back(0, "+862100000000");
  DuplicateOptions opt;
  opt.min_score = 0.5;
  auto pairs = FindDuplicates(c, opt);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].reasons, kReasonPhone);
}

// Random names built from a small pool so that exact, homophone, reordered and
// one-character-off names occur; blocking must find every pair the O(n²)
// comparison finds at or above kGuaranteedScore.
TEST(DuplicatesTest, BlockingFindsWhatBruteForceFinds) {
  const std::vector<std::string> surnames = {"张", "章", "王", "李", "刘", "陈", "杨", "黄"};
  const std::vector<std::string> given = {"伟", "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋"};
  const std::vector<std::string> words = {"云", "栖", "科", "技", "华", "信", "达", "通", "电", "子", "贸", "易"};
  const std::vector<std::string> suffixes = {"有限公司", "公司", "集团", "", "股份有限公司"};
  std::mt19937 rng(20261201);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<std::tuple<std::string, bool, std::string, std::string>> rows;
  for (int i = 0; i < 2000; ++i) {
    const bool org = rng() % 2 == 0;
    std::string name;
    if (org) {
      if (rng() % 4 == 0) name += "杭州";
      const int len = 3 + static_cast<int>(rng() % 4);
      for (int k = 0; k < len; ++k) name += pick(words);
      name += pick(suffixes);
    } else {
      name = pick(surnames) + pick(given);
      if (rng() % 2) name += pick(given);
    }
    std::string phone = rng() % 3 == 0 ? "+86138" + std::to_string(rng() % 500) : "";
    std::string email = rng() % 4 == 0 ? "u" + std::to_string(rng() % 400) + "@example.com" : "";
    rows.emplace_back(name, org, phone, email);
  }
  DuplicateColumns c = Columns(rows);
  DuplicateOptions opt;
  opt.min_score = kGuaranteedScore;
  opt.max_block = 100000;
  opt.threads = 3;
  std::set<std::pair<int64_t, int64_t>> blocked;
  for (const auto& p : FindDuplicates(c, opt)) blocked.emplace(p.a, p.b);

  DuplicateScorer scorer(c, 1);
  std::set<std::pair<int64_t, int64_t>> brute;
  for (uint32_t i = 0; i < c.size(); ++i) {
    for (uint32_t j = i + 1; j < c.size(); ++j) {
      DuplicatePair p = scorer.Score(i, j);
      if (p.score >= kGuaranteedScore) brute.emplace(p.a, p.b);
    }
  }
  EXPECT_GT(brute.size(), 100u);  // the set does hold duplicates
  EXPECT_EQ(blocked, brute);
}

}  // namespace
}  // namespace guanxi
