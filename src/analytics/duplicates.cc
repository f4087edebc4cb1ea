#include "analytics/duplicates.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "domain/pinyin.h"
#include "domain/search_text.h"

namespace guanxi {
namespace {

// Evidence weights, combined as independent signals (noisy-or): one shared
// phone or email alone is strong but not proof (a switchboard, a shared
// mailbox); an identical name alone is strong for an organisation, a little
// weaker for a person (common names repeat).
constexpr double kOwnPhoneEvidence = 0.75;
constexpr double kContactPhoneEvidence = 0.6;
constexpr double kOwnEmailEvidence = 0.75;
constexpr double kContactEmailEvidence = 0.6;
constexpr double kOrganizationNameWeight = 0.85;
constexpr double kPersonNameWeight = 0.75;
// Name evidence at which "name" is given as a reason.
constexpr double kNameReasonEvidence = 0.3;
// Names whose syllables differ in two or more places are different names.
constexpr double kTwoEditsSimilarityCap = 0.5;
constexpr double kSamePronunciation = 0.9;
constexpr double kSameSyllablesReordered = 0.8;
// One-syllable-out keys only for names this long: shorter names with one
// differing syllable score below kGuaranteedScore anyway.
constexpr size_t kDeletionKeyMinSyllables = 4;

constexpr std::array<std::string_view, 11> kHanSuffixes = {
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "分公司", "总公司",
    "公司", "集团", "控股", "股份"};
constexpr std::array<std::string_view, 14> kLatinSuffixes = {
    "co", "ltd", "inc", "llc", "corp", "corporation", "limited", "company", "group", "gmbh",
    "plc", "holdings", "holding", "llp"};
constexpr std::array<std::string_view, 84> kRegions = {
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "杭州", "南京",
    "苏州", "无锡", "宁波", "温州", "广州", "深圳", "东莞", "佛山", "珠海", "厦门", "福州", "武汉",
    "长沙", "成都", "西安", "郑州", "济南", "青岛", "大连", "沈阳", "长春", "哈尔滨", "合肥", "南昌",
    "昆明", "贵阳", "南宁", "兰州", "太原", "石家庄", "呼和浩特", "乌鲁木齐", "拉萨", "银川", "西宁",
    "海口", "三亚", "常州", "绍兴", "嘉兴", "金华", "台州", "烟台", "潍坊", "徐州", "南通", "扬州",
    "中山"};
constexpr std::array<std::string_view, 4> kRegionLevels = {"省", "市", "区", "县"};

// A region is only stripped when this much name is left, so 浙江大学 and
// 南京大学 do not both become 大学.
constexpr size_t kMinNameAfterRegion = 3;
constexpr size_t kMinNameAfterSuffix = 2;

// Words of folded text: runs of letters and digits (Han characters included);
// bracketed parts dropped (branch or region notes such as "(中国)").
std::vector<std::string> Words(std::string_view folded, bool drop_brackets) {
  std::vector<std::string> out;
  std::string word;
  int depth = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(folded.data());
  const int32_t n = static_cast<int32_t>(folded.size());
  int32_t i = 0;
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    const bool open = c == '(' || c == '[' || c == 0x3010 /* 【 */;
    const bool close = c == ')' || c == ']' || c == 0x3011 /* 】 */;
    if (drop_brackets && (open || close)) {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
      depth = std::max(0, depth + (open ? 1 : -1));
      continue;
    }
    if (depth > 0) continue;
    if (c >= 0 && u_isalnum(c)) {
      word.append(folded.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

bool StripSuffix(std::string& w, std::string_view suffix, size_t min_left) {
  if (w.size() <= suffix.size() || w.compare(w.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  if (CodePointCount(std::string_view(w).substr(0, w.size() - suffix.size())) < min_left) return false;
  w.resize(w.size() - suffix.size());
  return true;
}

bool StripPrefix(std::string& w, std::string_view prefix, size_t min_left) {
  if (w.size() <= prefix.size() || w.compare(0, prefix.size(), prefix) != 0) return false;
  if (CodePointCount(std::string_view(w).substr(prefix.size())) < min_left) return false;
  w.erase(0, prefix.size());
  return true;
}

bool StripRegionPrefix(std::string& w) {
  for (auto region : kRegions) {
    std::string trial = w;
    if (!StripPrefix(trial, region, kMinNameAfterRegion)) continue;
    for (auto level : kRegionLevels) {
      if (StripPrefix(trial, level, kMinNameAfterRegion)) break;
    }
    w = std::move(trial);
    return true;
  }
  return false;
}

bool StripRegionSuffix(std::string& w) {
  for (auto region : kRegions) {
    for (auto level : kRegionLevels) {
      if (StripSuffix(w, std::string(region) + std::string(level), kMinNameAfterRegion)) return true;
    }
    if (StripSuffix(w, region, kMinNameAfterRegion)) return true;
  }
  return false;
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string Concat(std::string_view syllables) {
  std::string out;
  for (char c : syllables) if (c != ' ') out += c;
  return out;
}

std::string SortedSyllables(std::string_view syllables) {
  auto parts = Split(syllables);
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

size_t TokenDistance(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int ThreadCount(int requested, size_t work) {
  int t = requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  constexpr size_t kMinRowsPerThread = 4096;
  t = static_cast<int>(std::min<size_t>(static_cast<size_t>(t), std::max<size_t>(1, work / kMinRowsPerThread)));
  return std::max(1, t);
}

// Runs fn(begin, end, part) over [0, n) split into `threads` parts.
void ParallelFor(size_t n, int threads, const std::function<void(size_t, size_t, int)>& fn) {
  if (threads <= 1) {
    fn(0, n, 0);
    return;
  }
  std::vector<std::thread> pool;
  const size_t step = (n + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
  for (int t = 0; t < threads; ++t) {
    const size_t begin = std::min(n, step * static_cast<size_t>(t));
    const size_t end = std::min(n, begin + step);
    pool.emplace_back([&fn, begin, end, t] { fn(begin, end, t); });
  }
  for (auto& th : pool) th.join();
}

// Sorts (row, value) contact entries by row and fills the offsets.
void IndexByRow(const std::vector<std::pair<uint32_t, std::string>>& entries, size_t rows,
                std::vector<uint32_t>& offset, std::vector<std::string_view>& values) {
  std::vector<uint32_t> order;
  order.reserve(entries.size());
  for (uint32_t k = 0; k < entries.size(); ++k) {
    if (entries[k].first < rows && !entries[k].second.empty()) order.push_back(k);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return entries[x].first < entries[y].first; });
  offset.assign(rows + 1, 0);
  for (uint32_t k : order) ++offset[entries[k].first + 1];
  for (size_t r = 0; r < rows; ++r) offset[r + 1] += offset[r];
  values.clear();
  values.reserve(order.size());
  for (uint32_t k : order) values.push_back(entries[k].second);
}

bool Shares(std::string_view own_a, const std::string_view* a, size_t na,
            std::string_view own_b, const std::string_view* b, size_t nb) {
  auto has = [](std::string_view v, std::string_view own, const std::string_view* list, size_t n) {
    if (v.empty()) return false;
    if (v == own) return true;
    for (size_t k = 0; k < n; ++k) if (list[k] == v) return true;
    return false;
  };
  if (has(own_a, own_b, b, nb)) return true;
  for (size_t k = 0; k < na; ++k) if (has(a[k], own_b, b, nb)) return true;
  return false;
}

uint64_t KeyHash(char kind, std::string_view value) {
  return std::hash<std::string_view>()(value) * 31 + static_cast<uint64_t>(kind);
}

}  // namespace

std::vector<std::string> ReasonNames(uint8_t reasons) {
  std::vector<std::string> out;
  if (reasons & kReasonPhone) out.push_back("phone");
  if (reasons & kReasonEmail) out.push_back("email");
  if (reasons & kReasonName) out.push_back("name");
  return out;
}

std::string StripCompanyName(std::string_view folded) {
  std::vector<std::string> words = Words(folded, true);
  while (words.size() > 1 &&
         std::find(kLatinSuffixes.begin(), kLatinSuffixes.end(), words.back()) != kLatinSuffixes.end()) {
    words.pop_back();
  }
  if (words.empty()) return "";
  for (bool again = true; again;) {
    again = false;
    for (auto suffix : kHanSuffixes) {
      // "云栖科技 (中国) 有限公司": the suffix is a word of its own.
      if (words.size() > 1 && words.back() == suffix) {
        words.pop_back();
        again = true;
        break;
      }
      if (StripSuffix(words.back(), suffix, kMinNameAfterSuffix)) { again = true; break; }
    }
  }
  if (words.size() == 1) {
    StripRegionSuffix(words.back());
    // 浙江省杭州市…: a province and then a city.
    if (StripRegionPrefix(words.front())) StripRegionPrefix(words.front());
  } else if (std::find(kRegions.begin(), kRegions.end(), words.front()) != kRegions.end()) {
    words.erase(words.begin());
  }
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

NameForm NormaliseName(std::string_view name, bool organization) {
  const std::string folded = FoldForSearch(name);
  std::string spaced;
  if (organization) {
    spaced = StripCompanyName(folded);
  } else {
    for (const auto& w : Words(folded, false)) {
      if (!spaced.empty()) spaced += ' ';
      spaced += w;
    }
  }
  NameForm f;
  f.compact = Concat(spaced);
  for (const auto& s : NameSyllables(spaced)) {
    if (!f.syllables.empty()) f.syllables += ' ';
    f.syllables += s;
  }
  return f;
}

namespace {

// Concat(a) == Concat(b) without building either (the brute-force reference
// and large blocks call this millions of times).
bool SameIgnoringSpaces(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  for (;;) {
    while (i < a.size() && a[i] == ' ') ++i;
    while (j < b.size() && b[j] == ' ') ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i++] != b[j++]) return false;
  }
}

}  // namespace

double NameSimilarity(const NameForm& a, const NameForm& b) {
  if (a.compact.empty() || b.compact.empty() || a.syllables.empty() || b.syllables.empty()) return 0;
  if (a.compact == b.compact) return 1;
  if (SameIgnoringSpaces(a.syllables, b.syllables)) return kSamePronunciation;
  auto sa = Split(a.syllables), sb = Split(b.syllables);
  if (sa.size() >= 2 && SortedSyllables(a.syllables) == SortedSyllables(b.syllables)) return kSameSyllablesReordered;
  const size_t d = TokenDistance(sa, sb);
  const double sim = 1.0 - static_cast<double>(d) / static_cast<double>(std::max(sa.size(), sb.size()));
  return d >= 2 ? std::min(sim, kTwoEditsSimilarityCap) : sim;
}

DuplicateScorer::DuplicateScorer(const DuplicateColumns& cols, int threads) : cols_(cols) {
  const size_t n = cols.size();
  forms_.resize(n);
  ParallelFor(n, ThreadCount(threads, n), [&](size_t begin, size_t end, int) {
    for (size_t r = begin; r < end; ++r) forms_[r] = NormaliseName(cols.name[r], cols.organization[r]);
  });
  IndexByRow(cols.contact_phone, n, phone_offset_, contact_phones_);
  IndexByRow(cols.contact_email, n, email_offset_, contact_emails_);
}

DuplicatePair DuplicateScorer::Score(uint32_t i, uint32_t j) const {
  DuplicatePair p;
  p.a = cols_.id[i];
  p.b = cols_.id[j];
  if (p.a > p.b) std::swap(p.a, p.b);
  double keep = 1.0;  // product of (1 - evidence)
  auto evidence = [&](const std::vector<std::string>& own, const std::vector<uint32_t>& offset,
                      const std::vector<std::string_view>& values, double own_weight, double contact_weight,
                      uint8_t reason) {
    if (!own[i].empty() && own[i] == own[j]) {
      keep *= 1 - own_weight;
      p.reasons |= reason;
      return;
    }
    const std::string_view* vi = values.data() + offset[i];
    const std::string_view* vj = values.data() + offset[j];
    if (Shares(own[i], vi, offset[i + 1] - offset[i], own[j], vj, offset[j + 1] - offset[j])) {
      keep *= 1 - contact_weight;
      p.reasons |= reason;
    }
  };
  evidence(cols_.phone, phone_offset_, contact_phones_, kOwnPhoneEvidence, kContactPhoneEvidence, kReasonPhone);
  evidence(cols_.email, email_offset_, contact_emails_, kOwnEmailEvidence, kContactEmailEvidence, kReasonEmail);
  const double sim = NameSimilarity(forms_[i], forms_[j]);
  const double weight = cols_.organization[i] && cols_.organization[j] ? kOrganizationNameWeight : kPersonNameWeight;
  const double name = weight * sim * sim;
  keep *= 1 - name;
  if (name >= kNameReasonEvidence) p.reasons |= kReasonName;
  p.score = std::round((1 - keep) * 10000) / 10000;
  return p;
}

std::vector<DuplicatePair> FindDuplicates(const DuplicateColumns& cols, const DuplicateOptions& opt) {
  const size_t n = cols.size();
  const int threads = ThreadCount(opt.threads, n);
  DuplicateScorer scorer(cols, opt.threads);

  // Blocking keys of each row, as (hash, row).
  auto row_keys = [&](uint32_t r, std::vector<uint64_t>& out) {
    const NameForm& f = scorer.forms_[r];
    if (!f.syllables.empty()) {
      out.push_back(KeyHash('y', Concat(f.syllables)));
      auto parts = Split(f.syllables);
      if (parts.size() >= 2) out.push_back(KeyHash('s', SortedSyllables(f.syllables)));
      if (parts.size() >= kDeletionKeyMinSyllables) {
        out.push_back(KeyHash('d', f.syllables));
        for (size_t skip = 0; skip < parts.size(); ++skip) {
          std::string k;
          for (size_t q = 0; q < parts.size(); ++q) {
            if (q == skip) continue;
            if (!k.empty()) k += ' ';
            k += parts[q];
          }
          out.push_back(KeyHash('d', k));
        }
      }
    }
    if (!cols.phone[r].empty()) out.push_back(KeyHash('p', cols.phone[r]));
    for (uint32_t k = scorer.phone_offset_[r]; k < scorer.phone_offset_[r + 1]; ++k) {
      out.push_back(KeyHash('p', scorer.contact_phones_[k]));
    }
    if (!cols.email[r].empty()) out.push_back(KeyHash('e', cols.email[r]));
    for (uint32_t k = scorer.email_offset_[r]; k < scorer.email_offset_[r + 1]; ++k) {
      out.push_back(KeyHash('e', scorer.contact_emails_[k]));
    }
  };

  std::optional<uint32_t> focus;
  std::unordered_set<uint64_t> focus_keys;
  if (opt.only_id) {
    for (uint32_t r = 0; r < n; ++r) if (cols.id[r] == *opt.only_id) focus = r;
    if (!focus) return {};
    std::vector<uint64_t> k;
    row_keys(*focus, k);
    focus_keys.insert(k.begin(), k.end());
  }

  std::vector<std::vector<std::pair<uint64_t, uint32_t>>> parts(static_cast<size_t>(threads));
  ParallelFor(n, threads, [&](size_t begin, size_t end, int t) {
    std::vector<uint64_t> k;
    auto& out = parts[static_cast<size_t>(t)];
    for (size_t r = begin; r < end; ++r) {
      k.clear();
      row_keys(static_cast<uint32_t>(r), k);
      std::sort(k.begin(), k.end());
      k.erase(std::unique(k.begin(), k.end()), k.end());
      for (uint64_t h : k) {
        if (focus && !focus_keys.count(h)) continue;
        out.emplace_back(h, static_cast<uint32_t>(r));
      }
    }
  });
  std::vector<std::pair<uint64_t, uint32_t>> keys;
  size_t total = 0;
  for (const auto& p : parts) total += p.size();
  keys.reserve(total);
  for (auto& p : parts) {
    keys.insert(keys.end(), p.begin(), p.end());
    std::vector<std::pair<uint64_t, uint32_t>>().swap(p);
  }
  std::sort(keys.begin(), keys.end());

  std::vector<uint64_t> candidates;
  for (size_t g = 0; g < keys.size();) {
    size_t e = g + 1;
    while (e < keys.size() && keys[e].first == keys[g].first) ++e;
    if (e - g >= 2 && e - g <= opt.max_block) {
      for (size_t x = g; x < e; ++x) {
        for (size_t y = x + 1; y < e; ++y) {
          const uint32_t i = keys[x].second, j = keys[y].second;
          if (focus && i != *focus && j != *focus) continue;
          candidates.push_back((static_cast<uint64_t>(i) << 32) | j);
        }
      }
    }
    g = e;
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  const int score_threads = ThreadCount(opt.threads, candidates.size());
  std::vector<std::vector<DuplicatePair>> found(static_cast<size_t>(score_threads));
  ParallelFor(candidates.size(), score_threads, [&](size_t begin, size_t end, int t) {
    for (size_t c = begin; c < end; ++c) {
      DuplicatePair p = scorer.Score(static_cast<uint32_t>(candidates[c] >> 32),
                                     static_cast<uint32_t>(candidates[c] & 0xffffffffu));
      if (p.score >= opt.min_score && p.a != p.b) found[static_cast<size_t>(t)].push_back(p);
    }
  });
  std::vector<DuplicatePair> out;
  for (auto& f : found) out.insert(out.end(), f.begin(), f.end());
  std::sort(out.begin(), out.end(), [](const DuplicatePair& x, const DuplicatePair& y) {
    if (x.score != y.score) return x.score > y.score;
    if (x.a != y.a) return x.a < y.a;
    return x.b < y.b;
  });
  return out;
}

}  // namespace guanxi
