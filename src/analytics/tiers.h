// Value tiers by the 80/20 rule, and the attack/defend model (攻守模型).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace guanxi::analytics {

// strategic 战略客户 / important 重要客户 / general 一般客户 / potential 潜在客户.
enum class ValueTier : uint8_t { kStrategic, kImportant, kGeneral, kPotential };
const char* ValueTierKey(ValueTier t);      // "strategic" | "important" | "general" | "potential"
const char* ValueTierNameZh(ValueTier t);
const char* ValueTierNameEn(ValueTier t);
std::optional<ValueTier> ParseValueTier(std::string_view key);

struct TierOptions {
  // Cumulative shares of the customers with a purchase, ranked by profit contribution:
  // the top strategic_share are strategic, the rest of the top important_share important
  // (together the 20 % key accounts of the 80/20 rule), the others general.
  double strategic_share = 0.05;
  double important_share = 0.20;
};
// profit[i] is customer i's profit contribution (revenue × margin, in fen);
// has_purchase[i] false → potential. Rule (ties stay together): with n buying customers,
// a customer with G customers of strictly greater profit is strategic if G < strategic·n,
// else important if G < important·n, else general.
struct TierResult {
  std::vector<ValueTier> tier;
  std::vector<size_t> counts;         // per tier, 4 entries
  std::vector<int64_t> profit_fen;    // per tier total, 4 entries
};
TierResult AssignValueTiers(const std::vector<int64_t>& profit_fen,
                            const std::vector<bool>& has_purchase, const TierOptions& options);

// Attack/defend: potential = the customer's estimated wallet (purchase potential, fen),
// share = our revenue in the period ÷ potential.
// high potential ⇔ potential ≥ potential_threshold_fen; high share ⇔ share ≥ share_threshold.
// acquire 获取 (high, low) · retain 保留 (high, high) · maintain 维持 (low, high) ·
// abandon 放弃 (low, low). Customers without a potential (≤ 0) are unclassified.
enum class AttackDefend : uint8_t { kAcquire, kRetain, kMaintain, kAbandon };
const char* AttackDefendKey(AttackDefend q);  // "acquire" | "retain" | "maintain" | "abandon"
const char* AttackDefendNameZh(AttackDefend q);
const char* AttackDefendNameEn(AttackDefend q);
std::optional<AttackDefend> ParseAttackDefend(std::string_view key);

struct AttackDefendOptions {
  // nullopt → the median potential of the customers with one.
  std::optional<int64_t> potential_threshold_fen;
  double share_threshold = 0.5;
};
struct AttackDefendResult {
  std::vector<std::optional<AttackDefend>> quadrant;
  std::vector<double> share;             // revenue ÷ potential; 0 without a potential
  int64_t potential_threshold_fen = 0;   // the threshold used
  std::vector<size_t> counts;            // per quadrant, 4 entries
};
AttackDefendResult ClassifyAttackDefend(const std::vector<int64_t>& potential_fen,
                                        const std::vector<int64_t>& revenue_fen,
                                        const AttackDefendOptions& options);

}  // namespace guanxi::analytics
