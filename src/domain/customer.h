// The customer archive's value types: Customer (organisation or individual) and
// Contact, with the classification vocabularies of METHODOLOGY.md §1 and their
// validation. No I/O; every function here is pure and thread-safe.
// NormalizeCustomer stores provinces by their full names (see CanonicalProvince).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace guanxi {

// Seconds since the Unix epoch, UTC. Display code converts to Asia/Shanghai.
using UnixSeconds = int64_t;

enum class CustomerKind { kOrganization, kIndividual };
// 客户与企业的关系
enum class Relationship { kNon, kPotential, kTarget, kCurrent, kLost };
// 客户关系类型 (five kinds)
enum class RelationshipLevel { kBasic, kPassive, kResponsible, kProactive, kPartner };
// 客户生命周期
enum class LifecycleStage { kExploration, kFormation, kStability, kDecline, kLost };
// 规模 of an organisation, by head count.
enum class CompanySize { kMicro, kSmall, kMedium, kLarge, kEnterprise };
// 全脑四象限 personality quadrant of a contact.
enum class Personality { kAnalytical, kOrganized, kRelational, kVisionary };

// Wire names ("organization", "current", ...) and their parsers. Parsers return
// nullopt for an unknown name.
std::string_view ToString(CustomerKind v);
std::string_view ToString(Relationship v);
std::string_view ToString(RelationshipLevel v);
std::string_view ToString(LifecycleStage v);
std::string_view ToString(CompanySize v);
std::string_view ToString(Personality v);
std::optional<CustomerKind> ParseCustomerKind(std::string_view s);
std::optional<Relationship> ParseRelationship(std::string_view s);
std::optional<RelationshipLevel> ParseRelationshipLevel(std::string_view s);
std::optional<LifecycleStage> ParseLifecycleStage(std::string_view s);
std::optional<CompanySize> ParseCompanySize(std::string_view s);
std::optional<Personality> ParsePersonality(std::string_view s);

// The wire names of each vocabulary in order, for the API spec and the UI.
const std::vector<std::string_view>& CustomerKindNames();
const std::vector<std::string_view>& RelationshipNames();
const std::vector<std::string_view>& RelationshipLevelNames();
const std::vector<std::string_view>& LifecycleStageNames();
const std::vector<std::string_view>& CompanySizeNames();
const std::vector<std::string_view>& PersonalityNames();
// 来源: the sources the methodology names; `source` accepts these keys only.
const std::vector<std::string_view>& CustomerSourceNames();
// The 34 province-level regions by their full names (浙江省, 北京市, 广西壮族自治区 ...).
const std::vector<std::string_view>& ProvinceNames();
// The full name for a full or short name, in simplified or traditional script
// ("浙江" → "浙江省", "廣西" → "广西壮族自治区"); nullopt when it names none.
std::optional<std::string> CanonicalProvince(std::string_view input);

// A dated occasion worth a care touch (birthday, founding anniversary ...).
struct CareDate {
  std::string kind;   // "birthday" | "anniversary" | "other"
  std::string label;  // free text, e.g. "董事长生日"
  std::string date;   // "MM-DD" (yearly) or "YYYY-MM-DD"
  bool operator==(const CareDate&) const = default;
};

struct Customer {
  int64_t id = 0;
  int64_t version = 0;
  CustomerKind kind = CustomerKind::kOrganization;
  std::string name;
  std::string industry;
  std::optional<CompanySize> size;
  std::string province;
  std::string city;
  std::string source;  // one of CustomerSourceNames(), or empty
  std::optional<int64_t> owner_user_id;
  Relationship relationship = Relationship::kPotential;
  RelationshipLevel relationship_level = RelationshipLevel::kBasic;
  LifecycleStage lifecycle_stage = LifecycleStage::kExploration;
  std::vector<std::string> tags;
  std::vector<CareDate> care_dates;
  std::string phone;  // E.164 once validated, e.g. "+8613812345678"
  std::string email;  // lower-cased (whole address), see NormalizeEmail
  std::string notes;
  std::string external_id;  // the key of an imported record; unique when set
  bool archived = false;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
  // 采购潜力: the estimated yearly wallet in fen (0 … kMaxPurchasePotential), the
  // attack/defend analysis's potential; nullopt when unknown.
  std::optional<int64_t> purchase_potential;
};

// Largest purchase_potential accepted: 10^15 fen (10 trillion yuan).
inline constexpr int64_t kMaxPurchasePotential = 1'000'000'000'000'000;

struct Contact {
  int64_t id = 0;
  int64_t version = 0;
  int64_t customer_id = 0;
  std::string name;
  std::string title;  // 职务
  std::string phone;
  std::string email;
  std::string wechat;
  std::optional<Personality> personality;
  std::string birthday;  // "MM-DD" or "YYYY-MM-DD", or empty
  std::string notes;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};

// Field limits shared by validation, the API spec and the UI.
inline constexpr size_t kMaxNameChars = 200;
inline constexpr size_t kMaxShortTextChars = 100;
inline constexpr size_t kMaxNotesChars = 10000;
inline constexpr size_t kMaxTags = 50;
inline constexpr size_t kMaxCareDates = 50;

// Validates and normalises a customer in place: trims text, checks lengths and
// vocabularies, normalises phone (default region CN) to E.164 and email to lower
// case, de-duplicates tags. On failure returns InvalidArgument naming every wrong field.
Status NormalizeCustomer(Customer& c);
Status NormalizeContact(Contact& c);

// Checks a care or birthday date: "MM-DD" or "YYYY-MM-DD", a real calendar day.
bool IsValidCareDate(std::string_view s);

}  // namespace guanxi
