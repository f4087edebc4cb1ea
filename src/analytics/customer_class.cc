#include "analytics/customer_class.h"

#include <algorithm>

#include "analytics/rfm.h"
#include "analytics/tiers.h"
#include "domain/customer.h"
#include "domain/search_text.h"

namespace guanxi::analytics {

const std::vector<std::string_view>& ClassKindNames() {
  static const std::vector<std::string_view> kNames = {"all", "tier", "rfm_class", "relationship_level", "tag"};
  return kNames;
}

std::string_view ToString(ClassKind k) { return ClassKindNames()[static_cast<size_t>(k)]; }

std::optional<ClassKind> ParseClassKind(std::string_view s) {
  const auto& names = ClassKindNames();
  auto it = std::find(names.begin(), names.end(), s);
  if (it == names.end()) return std::nullopt;
  return static_cast<ClassKind>(it - names.begin());
}

bool Matches(const ClassRule& rule, const ClassFacts& facts) {
  switch (rule.kind) {
    case ClassKind::kAll: return true;
    case ClassKind::kTier: return facts.tier == rule.value;
    case ClassKind::kRfmClass: return facts.rfm_class == rule.value;
    case ClassKind::kRelationshipLevel: return facts.relationship_level == rule.value;
    case ClassKind::kTag:
      return std::find(facts.tags.begin(), facts.tags.end(), rule.value) != facts.tags.end();
  }
  return false;
}

Status ValidateClassRule(const ClassRule& rule, const std::string& field_prefix) {
  const std::string field = field_prefix + "class_value";
  bool ok = true;
  std::string expected;
  switch (rule.kind) {
    case ClassKind::kAll:
      ok = rule.value.empty();
      expected = "must be empty for class_kind all";
      break;
    case ClassKind::kTier:
      ok = ParseValueTier(rule.value).has_value();
      expected = "must be a value tier (strategic, important, general, potential)";
      break;
    case ClassKind::kRfmClass:
      ok = ParseRfmClass(rule.value).has_value();
      expected = "must be an RFM class key (important_value … general_win_back)";
      break;
    case ClassKind::kRelationshipLevel:
      ok = ParseRelationshipLevel(rule.value).has_value();
      expected = "must be a relationship level (basic, passive, responsible, proactive, partner)";
      break;
    case ClassKind::kTag: {
      size_t chars = CodePointCount(rule.value);
      ok = chars >= 1 && chars <= kMaxShortTextChars;
      expected = "must be a tag of 1 to 100 characters";
      break;
    }
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument("invalid class rule", {{field, expected}});
}

}  // namespace guanxi::analytics
