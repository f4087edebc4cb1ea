#include "analytics/tiers.h"

#include <algorithm>
#include <cstddef>

namespace guanxi::analytics {
namespace {

constexpr size_t kTierCount = 4;
constexpr size_t kQuadrantCount = 4;

struct Names {
  const char* key;
  const char* zh;
  const char* en;
};
// Indexed by ValueTier.
constexpr Names kTierNames[kTierCount] = {
    {"strategic", "战略客户", "Strategic"},
    {"important", "重要客户", "Important"},
    {"general", "一般客户", "General"},
    {"potential", "潜在客户", "Potential"},
};
// Indexed by AttackDefend.
constexpr Names kQuadrantNames[kQuadrantCount] = {
    {"acquire", "获取", "Acquire"},
    {"retain", "保留", "Retain"},
    {"maintain", "维持", "Maintain"},
    {"abandon", "放弃", "Abandon"},
};

// The median of the values, the mean of the two middle ones (rounded half up) for an
// even count. Reorders `values`.
int64_t Median(std::vector<int64_t>& values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const int64_t upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const int64_t lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  // lower + (upper − lower + 1) / 2 cannot overflow where (lower + upper) could.
  return lower + (upper - lower + 1) / 2;
}

}  // namespace

const char* ValueTierKey(ValueTier t) { return kTierNames[static_cast<size_t>(t)].key; }
const char* ValueTierNameZh(ValueTier t) { return kTierNames[static_cast<size_t>(t)].zh; }
const char* ValueTierNameEn(ValueTier t) { return kTierNames[static_cast<size_t>(t)].en; }

std::optional<ValueTier> ParseValueTier(std::string_view key) {
  for (size_t i = 0; i < kTierCount; ++i) {
    if (key == kTierNames[i].key) return static_cast<ValueTier>(i);
  }
  return std::nullopt;
}

TierResult AssignValueTiers(const std::vector<int64_t>& profit_fen,
                            const std::vector<bool>& has_purchase, const TierOptions& options) {
  const size_t n = profit_fen.size();
  TierResult out;
  out.tier.assign(n, ValueTier::kPotential);
  out.counts.assign(kTierCount, 0);
  out.profit_fen.assign(kTierCount, 0);

  std::vector<std::pair<int64_t, uint32_t>> buyers;  // (profit, customer), best first
  for (size_t i = 0; i < n; ++i) {
    if (i < has_purchase.size() && has_purchase[i]) {
      buyers.emplace_back(profit_fen[i], static_cast<uint32_t>(i));
    }
  }
  std::sort(buyers.begin(), buyers.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  const double buyer_count = static_cast<double>(buyers.size());
  const double strategic_cut = options.strategic_share * buyer_count;
  const double important_cut = options.important_share * buyer_count;
  // Walk tie groups: G (customers with strictly greater profit) is the group's start.
  for (size_t b = 0; b < buyers.size();) {
    size_t e = b + 1;
    while (e < buyers.size() && buyers[e].first == buyers[b].first) ++e;
    const double greater = static_cast<double>(b);
    const ValueTier tier = greater < strategic_cut   ? ValueTier::kStrategic
                           : greater < important_cut ? ValueTier::kImportant
                                                     : ValueTier::kGeneral;
    for (size_t i = b; i < e; ++i) out.tier[buyers[i].second] = tier;
    b = e;
  }
  for (size_t i = 0; i < n; ++i) {
    const auto t = static_cast<size_t>(out.tier[i]);
    ++out.counts[t];
    out.profit_fen[t] += profit_fen[i];
  }
  return out;
}

const char* AttackDefendKey(AttackDefend q) { return kQuadrantNames[static_cast<size_t>(q)].key; }
const char* AttackDefendNameZh(AttackDefend q) { return kQuadrantNames[static_cast<size_t>(q)].zh; }
const char* AttackDefendNameEn(AttackDefend q) { return kQuadrantNames[static_cast<size_t>(q)].en; }

std::optional<AttackDefend> ParseAttackDefend(std::string_view key) {
  for (size_t i = 0; i < kQuadrantCount; ++i) {
    if (key == kQuadrantNames[i].key) return static_cast<AttackDefend>(i);
  }
  return std::nullopt;
}

AttackDefendResult ClassifyAttackDefend(const std::vector<int64_t>& potential_fen,
                                        const std::vector<int64_t>& revenue_fen,
                                        const AttackDefendOptions& options) {
  const size_t n = potential_fen.size();
  AttackDefendResult out;
  out.quadrant.assign(n, std::nullopt);
  out.share.assign(n, 0.0);
  out.counts.assign(kQuadrantCount, 0);
  if (options.potential_threshold_fen) {
    out.potential_threshold_fen = *options.potential_threshold_fen;
  } else {
    std::vector<int64_t> with_potential;
    for (int64_t p : potential_fen) {
      if (p > 0) with_potential.push_back(p);
    }
    out.potential_threshold_fen = with_potential.empty() ? 0 : Median(with_potential);
  }
  for (size_t i = 0; i < n; ++i) {
    const int64_t potential = potential_fen[i];
    if (potential <= 0) continue;
    const int64_t revenue = i < revenue_fen.size() ? revenue_fen[i] : 0;
    const double share = static_cast<double>(revenue) / static_cast<double>(potential);
    out.share[i] = share;
    const bool high_potential = potential >= out.potential_threshold_fen;
    const bool high_share = share >= options.share_threshold;
    const AttackDefend q = high_potential
                               ? (high_share ? AttackDefend::kRetain : AttackDefend::kAcquire)
                               : (high_share ? AttackDefend::kMaintain : AttackDefend::kAbandon);
    out.quadrant[i] = q;
    ++out.counts[static_cast<size_t>(q)];
  }
  return out;
}

}  // namespace guanxi::analytics
