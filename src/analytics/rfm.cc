#include "analytics/rfm.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

namespace guanxi::analytics {
namespace {

constexpr int kQuintiles = 5;
constexpr size_t kCells = 125;

struct ClassNames {
  const char* key;
  const char* zh;
  const char* en;
};
// Indexed by RfmClass.
constexpr ClassNames kClassNames[kRfmClassCount] = {
    {"important_value", "重要价值客户", "Important value"},
    {"important_development", "重要发展客户", "Important development"},
    {"important_retention", "重要保持客户", "Important retention"},
    {"important_win_back", "重要挽留客户", "Important win-back"},
    {"general_value", "一般价值客户", "General value"},
    {"general_development", "一般发展客户", "General development"},
    {"general_retention", "一般保持客户", "General retention"},
    {"general_win_back", "一般挽留客户", "General win-back"},
};

uint8_t ScoreOf(size_t worse, size_t n) {
  return static_cast<uint8_t>(1 + (kQuintiles * worse) / n);
}

// Scores the (value, index) pairs, sorted ascending by value, among n scored entries.
// A tie group [b, e) has b entries strictly smaller and n − e strictly larger.
template <typename T>
void ScoreSorted(const std::vector<std::pair<T, uint32_t>>& sorted, bool higher_is_better,
                 std::vector<uint8_t>& scores) {
  const size_t n = sorted.size();
  for (size_t b = 0; b < n;) {
    size_t e = b + 1;
    while (e < n && sorted[e].first == sorted[b].first) ++e;
    const uint8_t s = ScoreOf(higher_is_better ? b : n - e, n);
    for (size_t i = b; i < e; ++i) scores[sorted[i].second] = s;
    b = e;
  }
}

// The quintile rule on an integer column for the entries with scored(i) true. Small
// value ranges (recency days, purchase counts) are ranked by a histogram in O(n + range)
// instead of a sort.
template <typename T, typename Scored>
std::vector<uint8_t> ScoreIntegers(const std::vector<T>& values, bool higher_is_better,
                                   Scored scored) {
  std::vector<uint8_t> scores(values.size(), 0);
  size_t n = 0;
  T lo = 0, hi = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!scored(i)) continue;
    if (n == 0 || values[i] < lo) lo = values[i];
    if (n == 0 || values[i] > hi) hi = values[i];
    ++n;
  }
  if (n == 0) return scores;
  const auto range = static_cast<unsigned long long>(hi) - static_cast<unsigned long long>(lo);
  if (range < 4 * static_cast<unsigned long long>(n) + 1024) {
    std::vector<size_t> count(static_cast<size_t>(range) + 1, 0);
    for (size_t i = 0; i < values.size(); ++i) {
      if (scored(i)) ++count[static_cast<size_t>(values[i] - lo)];
    }
    // Turn counts into scores in place: L = entries strictly below (or above).
    std::vector<uint8_t> score_of(count.size(), 0);
    size_t below = 0;
    for (size_t v = 0; v < count.size(); ++v) {
      const size_t above = n - below - count[v];
      score_of[v] = ScoreOf(higher_is_better ? below : above, n);
      below += count[v];
    }
    for (size_t i = 0; i < values.size(); ++i) {
      if (scored(i)) scores[i] = score_of[static_cast<size_t>(values[i] - lo)];
    }
    return scores;
  }
  std::vector<std::pair<T, uint32_t>> sorted;
  sorted.reserve(n);
  for (size_t i = 0; i < values.size(); ++i) {
    if (scored(i)) sorted.emplace_back(values[i], static_cast<uint32_t>(i));
  }
  std::sort(sorted.begin(), sorted.end());
  ScoreSorted(sorted, higher_is_better, scores);
  return scores;
}

}  // namespace

const char* RfmClassKey(RfmClass c) { return kClassNames[static_cast<int>(c)].key; }
const char* RfmClassNameZh(RfmClass c) { return kClassNames[static_cast<int>(c)].zh; }
const char* RfmClassNameEn(RfmClass c) { return kClassNames[static_cast<int>(c)].en; }

std::optional<RfmClass> ParseRfmClass(std::string_view key) {
  for (int i = 0; i < kRfmClassCount; ++i) {
    if (key == kClassNames[i].key) return static_cast<RfmClass>(i);
  }
  return std::nullopt;
}

RfmClass RfmClassOf(bool r_high, bool f_high, bool m_high) {
  // The enum lists M high first, then R, then F, each high before low.
  const int index = (m_high ? 0 : 4) + (r_high ? 0 : 2) + (f_high ? 0 : 1);
  return static_cast<RfmClass>(index);
}

std::vector<uint8_t> QuintileScores(const std::vector<double>& values, bool higher_is_better,
                                    const std::vector<bool>& include) {
  std::vector<uint8_t> scores(values.size(), 0);
  // NaN has no rank: such entries are left unscored like excluded ones.
  std::vector<std::pair<double, uint32_t>> sorted;
  sorted.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!include.empty() && (i >= include.size() || !include[i])) continue;
    if (std::isnan(values[i])) continue;
    sorted.emplace_back(values[i], static_cast<uint32_t>(i));
  }
  std::sort(sorted.begin(), sorted.end());
  ScoreSorted(sorted, higher_is_better, scores);
  return scores;
}

RfmResult ScoreRfm(const CustomerSummary& summary) {
  const size_t n = summary.size();
  const auto bought = [&summary](size_t i) { return summary.purchases[i] > 0; };
  RfmResult out;
  out.r = ScoreIntegers(summary.recency_days, /*higher_is_better=*/false, bought);
  out.f = ScoreIntegers(summary.purchases, /*higher_is_better=*/true, bought);
  out.m = ScoreIntegers(summary.total_fen, /*higher_is_better=*/true, bought);
  out.rfm_class.assign(n, std::nullopt);
  out.cell_counts.assign(kCells, 0);
  out.class_counts.assign(kRfmClassCount, 0);

  uint64_t sum_r = 0, sum_f = 0, sum_m = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!bought(i)) continue;
    ++out.scored;
    sum_r += out.r[i];
    sum_f += out.f[i];
    sum_m += out.m[i];
  }
  if (out.scored == 0) return out;
  const double scored = static_cast<double>(out.scored);
  out.mean_r = static_cast<double>(sum_r) / scored;
  out.mean_f = static_cast<double>(sum_f) / scored;
  out.mean_m = static_cast<double>(sum_m) / scored;
  for (size_t i = 0; i < n; ++i) {
    if (!bought(i)) continue;
    const RfmClass c =
        RfmClassOf(out.r[i] > out.mean_r, out.f[i] > out.mean_f, out.m[i] > out.mean_m);
    out.rfm_class[i] = c;
    ++out.class_counts[static_cast<size_t>(c)];
    const size_t cell = (size_t{out.r[i]} - 1) * 25 + (size_t{out.f[i]} - 1) * 5 + (out.m[i] - 1);
    ++out.cell_counts[cell];
  }
  return out;
}

}  // namespace guanxi::analytics
