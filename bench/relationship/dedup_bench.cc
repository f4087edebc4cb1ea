// Times FindDuplicates over synthetic customers (default 1,000,000): Chinese
// person and company names from small pools (so names repeat, as real ones
// do), a phone on a third, an email on a quarter, and 2% planted duplicates
// (traditional script, pinyin spelling, legal suffix added, same phone).
//
//   dedup_bench [rows] [threads]
//
// Not in CMake (GUANXI_BENCH lists its programs); build against a build tree
// (one command line):
//   g++ -std=c++20 -O2 -Isrc bench/relationship/dedup_bench.cc -o dedup_bench
//     build/release/libguanxi_analytics.a build/release/libguanxi_domain.a
//     $(pkg-config --libs icu-uc icu-i18n opencc) -lphonenumber -lgeocoding -lpthread
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "analytics/duplicates.h"

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  const std::vector<std::string> surnames = {"张", "王", "李", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                             "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                             "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"};
  const std::vector<std::string> given = {"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳",
                                          "杰", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
                                          "玉", "兰", "萍", "红", "鹏", "辉", "建", "国", "文", "斌",
                                          "志", "海", "春", "晓", "丽", "颖", "宇", "浩", "晨", "欣",
                                          "婷", "雪", "琳", "博", "思", "雨", "嘉", "怡", "子", "轩",
                                          "梓", "涵", "佳", "俊", "峰", "林", "松", "云", "飞", "燕"};
  const std::vector<std::string> words = {"云", "栖", "科", "技", "华", "信", "达", "通", "电", "子", "贸",
                                          "易", "新", "材", "料", "智", "能", "网", "络", "医", "药", "食",
                                          "品", "机", "械", "制", "造", "物", "流", "金", "融", "服", "务"};
  const std::vector<std::string> regions = {"", "", "杭州", "上海", "北京", "深圳"};
  const std::vector<std::string> suffixes = {"有限公司", "股份有限公司", "集团", "", "科技有限公司"};
  std::mt19937_64 rng(42);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
  guanxi::DuplicateColumns c;
  for (size_t i = 0; i < rows; ++i) {
    const bool org = rng() % 3 == 0;
    std::string name;
    if (org) {
      name = pick(regions);
      const int len = 3 + static_cast<int>(rng() % 4);
      for (int k = 0; k < len; ++k) name += pick(words);
      name += pick(suffixes);
    } else {
      name = pick(surnames) + pick(given) + (rng() % 3 ? pick(given) : "");
    }
    std::string phone = rng() % 3 == 0 ? "+861" + std::to_string(3000000000ULL + rng() % 900000000ULL) : "";
    std::string email = rng() % 4 == 0 ? "u" + std::to_string(rng() % 100000000) + "@example.com" : "";
    if (i > 0 && rng() % 50 == 0) {  // a planted duplicate of an earlier row
      const size_t of = rng() % i;
      name = c.name[of] + (c.organization[of] ? "有限公司" : "");
      phone = c.phone[of];
    }
    c.id.push_back(static_cast<int64_t>(i + 1));
    c.name.push_back(std::move(name));
    c.organization.push_back(org);
    c.phone.push_back(std::move(phone));
    c.email.push_back(std::move(email));
  }
  guanxi::DuplicateOptions opt;
  opt.min_score = 0.8;
  opt.threads = threads;
  const auto t0 = std::chrono::steady_clock::now();
  auto pairs = guanxi::FindDuplicates(c, opt);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("rows %zu threads %d pairs>=%.2f %zu seconds %.2f\n", rows, threads, opt.min_score, pairs.size(), s);
  return 0;
}
