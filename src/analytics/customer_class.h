// Customer classes that rules key on (return-visit plans, public-pool rules):
// all customers, a value tier, an RFM class, a relationship level or a tag.
// Rules are tried in their configured order; the first match applies. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace guanxi::analytics {

enum class ClassKind { kAll, kTier, kRfmClass, kRelationshipLevel, kTag };

std::string_view ToString(ClassKind k);
std::optional<ClassKind> ParseClassKind(std::string_view s);
const std::vector<std::string_view>& ClassKindNames();  // "all", "tier", "rfm_class", "relationship_level", "tag"

struct ClassRule {
  ClassKind kind = ClassKind::kAll;
  std::string value;  // "" for kAll; a tier / RFM class / level key / tag otherwise
};

// What a rule looks at about one customer.
struct ClassFacts {
  std::string tier;                // customer_metric.tier ("strategic" …), "" when none
  std::string rfm_class;           // customer_metric.rfm_class, "" when none
  std::string relationship_level;  // the customer's wire name ("basic" …)
  std::vector<std::string> tags;
};

bool Matches(const ClassRule& rule, const ClassFacts& facts);

// Checks a rule's kind/value pair: kAll takes no value; tier, RFM class and
// relationship level must name a known key; a tag is 1..100 characters.
// InvalidArgument naming `field_prefix + "class_value"` otherwise.
Status ValidateClassRule(const ClassRule& rule, const std::string& field_prefix = "");

}  // namespace guanxi::analytics
