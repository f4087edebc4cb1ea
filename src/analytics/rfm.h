// RFM scoring (recency, frequency, monetary) and the eight RFM classes Chinese
// practitioners use (重要价值客户 … 一般挽留客户).
//
// Quintile rule (deterministic, ties share a score): among the n customers scored,
//   score = 1 + floor(5 · L / n)
// where L is the number of customers with a strictly worse value (for R: a larger
// recency; for F and M: a smaller value). The best value always gets 5 when n ≥ 5,
// equal values always get equal scores, and each score holds at most ⌈n/5⌉ customers
// unless ties force more.
// Class rule: a dimension is "high" when the customer's score is strictly above the mean
// score of that dimension over the customers scored.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analytics/transactions.h"

namespace guanxi::analytics {

enum class RfmClass : uint8_t {
  kImportantValue,        // 重要价值客户  R↑ F↑ M↑
  kImportantDevelopment,  // 重要发展客户  R↑ F↓ M↑
  kImportantRetention,    // 重要保持客户  R↓ F↑ M↑
  kImportantWinBack,      // 重要挽留客户  R↓ F↓ M↑
  kGeneralValue,          // 一般价值客户  R↑ F↑ M↓
  kGeneralDevelopment,    // 一般发展客户  R↑ F↓ M↓
  kGeneralRetention,      // 一般保持客户  R↓ F↑ M↓
  kGeneralWinBack,        // 一般挽留客户  R↓ F↓ M↓
};
inline constexpr int kRfmClassCount = 8;
const char* RfmClassKey(RfmClass c);      // "important_value", …, "general_win_back"
const char* RfmClassNameZh(RfmClass c);   // "重要价值客户", …
const char* RfmClassNameEn(RfmClass c);   // "Important value", …
std::optional<RfmClass> ParseRfmClass(std::string_view key);
RfmClass RfmClassOf(bool r_high, bool f_high, bool m_high);

// Scores of one column by the quintile rule; `higher_is_better` false for recency.
// Only entries with include[i] true are scored (others get 0); `include` may be empty
// meaning all.
std::vector<uint8_t> QuintileScores(const std::vector<double>& values, bool higher_is_better,
                                    const std::vector<bool>& include = {});

// R = recency_days, F = purchases, M = total_fen of the summary; customers without a
// purchase are not scored (scores 0, class absent).
struct RfmResult {
  std::vector<uint8_t> r, f, m;            // 1..5, 0 = not scored
  std::vector<std::optional<RfmClass>> rfm_class;
  double mean_r = 0, mean_f = 0, mean_m = 0;  // mean scores used by the class rule
  size_t scored = 0;
  std::vector<size_t> cell_counts;   // 125 cells, index (r−1)·25 + (f−1)·5 + (m−1)
  std::vector<size_t> class_counts;  // kRfmClassCount
};
RfmResult ScoreRfm(const CustomerSummary& summary);

}  // namespace guanxi::analytics
