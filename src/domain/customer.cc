#include "domain/customer.h"

#include <array>
#include <utility>

#include "domain/field_check.h"
#include "domain/phone.h"
#include "domain/search_text.h"

namespace guanxi {
namespace {

using namespace domain_internal;  // NOLINT(google-build-using-namespace): shared checks

// ---- Vocabularies ----------------------------------------------------------

constexpr std::array<std::string_view, 2> kKindNames = {"organization", "individual"};
constexpr std::array<std::string_view, 5> kRelationshipNames = {"non", "potential", "target",
                                                                "current", "lost"};
constexpr std::array<std::string_view, 5> kLevelNames = {"basic", "passive", "responsible",
                                                         "proactive", "partner"};
constexpr std::array<std::string_view, 5> kStageNames = {"exploration", "formation", "stability",
                                                         "decline", "lost"};
constexpr std::array<std::string_view, 5> kSizeNames = {"micro", "small", "medium", "large",
                                                        "enterprise"};
constexpr std::array<std::string_view, 4> kPersonalityNames = {"analytical", "organized",
                                                               "relational", "visionary"};

// ---- Field checks ----------------------------------------------------------

constexpr size_t kMaxTagChars = 50;
constexpr size_t kMaxCareLabelChars = 100;

void CheckPhone(FieldErrors& errors, const std::string& field, std::string& value) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "is not valid UTF-8");
    return;
  }
  value = std::string(TrimWhitespace(value));
  if (value.empty()) return;
  Result<std::string> phone = NormalizePhone(value);
  if (!phone.ok()) {
    errors.Add(field, phone.status().message());
    return;
  }
  value = std::move(phone).value();
}

void CheckEmail(FieldErrors& errors, const std::string& field, std::string& value) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "is not valid UTF-8");
    return;
  }
  value = std::string(TrimWhitespace(value));
  if (value.empty()) return;
  Result<std::string> email = NormalizeEmail(value);
  if (!email.ok()) {
    errors.Add(field, email.status().message());
    return;
  }
  value = std::move(email).value();
}

void CheckDate(FieldErrors& errors, const std::string& field, std::string& value, bool required) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "is not valid UTF-8");
    return;
  }
  value = std::string(TrimWhitespace(value));
  if (value.empty()) {
    if (required) errors.Add(field, "is required");
    return;
  }
  if (!IsValidCareDate(value)) {
    errors.Add(field, "must be a real date as MM-DD or YYYY-MM-DD (year 1900-2100)");
  }
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Parses a non-empty run of ASCII digits (the caller fixes the width).
bool ParseDigits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return !s.empty();
}

bool IsValidMonthDay(int month, int day, int year /* 0: any year, Feb 29 allowed */) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int max_day = kDays[static_cast<size_t>(month - 1)];
  if (month == 2 && year != 0 && !IsLeapYear(year)) max_day = 28;
  return day <= max_day;
}

}  // namespace

// ---- Vocabularies ----------------------------------------------------------

std::string_view ToString(CustomerKind v) { return NameOf(kKindNames, v); }
std::string_view ToString(Relationship v) { return NameOf(kRelationshipNames, v); }
std::string_view ToString(RelationshipLevel v) { return NameOf(kLevelNames, v); }
std::string_view ToString(LifecycleStage v) { return NameOf(kStageNames, v); }
std::string_view ToString(CompanySize v) { return NameOf(kSizeNames, v); }
std::string_view ToString(Personality v) { return NameOf(kPersonalityNames, v); }

std::optional<CustomerKind> ParseCustomerKind(std::string_view s) {
  return ParseName<CustomerKind>(kKindNames, s);
}
std::optional<Relationship> ParseRelationship(std::string_view s) {
  return ParseName<Relationship>(kRelationshipNames, s);
}
std::optional<RelationshipLevel> ParseRelationshipLevel(std::string_view s) {
  return ParseName<RelationshipLevel>(kLevelNames, s);
}
std::optional<LifecycleStage> ParseLifecycleStage(std::string_view s) {
  return ParseName<LifecycleStage>(kStageNames, s);
}
std::optional<CompanySize> ParseCompanySize(std::string_view s) {
  return ParseName<CompanySize>(kSizeNames, s);
}
std::optional<Personality> ParsePersonality(std::string_view s) {
  return ParseName<Personality>(kPersonalityNames, s);
}

const std::vector<std::string_view>& CustomerKindNames() {
  static const std::vector<std::string_view> names = ToVector(kKindNames);
  return names;
}
const std::vector<std::string_view>& RelationshipNames() {
  static const std::vector<std::string_view> names = ToVector(kRelationshipNames);
  return names;
}
const std::vector<std::string_view>& RelationshipLevelNames() {
  static const std::vector<std::string_view> names = ToVector(kLevelNames);
  return names;
}
const std::vector<std::string_view>& LifecycleStageNames() {
  static const std::vector<std::string_view> names = ToVector(kStageNames);
  return names;
}
const std::vector<std::string_view>& CompanySizeNames() {
  static const std::vector<std::string_view> names = ToVector(kSizeNames);
  return names;
}
const std::vector<std::string_view>& PersonalityNames() {
  static const std::vector<std::string_view> names = ToVector(kPersonalityNames);
  return names;
}
const std::vector<std::string_view>& CustomerSourceNames() {
  static const std::vector<std::string_view> names = {
      "advertising", "self_developed", "referral", "exhibition",
      "online",      "canvassing",     "directory", "other"};
  return names;
}

const std::vector<std::string_view>& ProvinceNames() {
  static const std::vector<std::string_view> names = {
      "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
      "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
      "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省",
      "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
      "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区", "台湾省"};
  return names;
}

std::optional<std::string> CanonicalProvince(std::string_view input) {
  std::string folded = FoldForSearch(input);  // 廣東 → 广东, full-width forms folded
  static constexpr std::string_view kSuffixes[] = {
      "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"};
  for (std::string_view full : ProvinceNames()) {
    if (folded == full) return std::string(full);
    for (std::string_view suffix : kSuffixes) {
      if (full.size() > suffix.size() && full.substr(full.size() - suffix.size()) == suffix &&
          folded == full.substr(0, full.size() - suffix.size())) {
        return std::string(full);
      }
    }
  }
  return std::nullopt;
}

// ---- Dates -----------------------------------------------------------------

bool IsValidCareDate(std::string_view s) {
  int year = 0, month = 0, day = 0;
  if (s.size() == 5) {  // MM-DD
    if (s[2] != '-') return false;
    if (!ParseDigits(s.substr(0, 2), &month) || !ParseDigits(s.substr(3, 2), &day)) return false;
    return IsValidMonthDay(month, day, 0);
  }
  if (s.size() == 10) {  // YYYY-MM-DD
    if (s[4] != '-' || s[7] != '-') return false;
    if (!ParseDigits(s.substr(0, 4), &year) || !ParseDigits(s.substr(5, 2), &month) ||
        !ParseDigits(s.substr(8, 2), &day)) {
      return false;
    }
    if (year < 1900 || year > 2100) return false;
    return IsValidMonthDay(month, day, year);
  }
  return false;
}

// ---- Customer and contact --------------------------------------------------

Status NormalizeCustomer(Customer& customer) {
  Customer c = customer;  // `customer` changes only when every field is valid
  FieldErrors errors;

  CheckText(errors, "name", c.name, kMaxNameChars, /*required=*/true);
  CheckText(errors, "industry", c.industry, kMaxShortTextChars, false);
  CheckText(errors, "province", c.province, kMaxShortTextChars, false);
  if (!c.province.empty() && IsValidUtf8(c.province) &&
      CodePointCount(c.province) <= kMaxShortTextChars) {
    if (auto full = CanonicalProvince(TrimWhitespace(c.province))) {
      c.province = *full;
    } else {
      errors.Add("province", "is not a province-level region of China (e.g. 浙江省 or 浙江)");
    }
  }
  CheckText(errors, "city", c.city, kMaxShortTextChars, false);
  CheckText(errors, "external_id", c.external_id, kMaxShortTextChars, false);
  CheckText(errors, "notes", c.notes, kMaxNotesChars, false, Lines::kMulti);
  if (c.purchase_potential && (*c.purchase_potential < 0 || *c.purchase_potential > kMaxPurchasePotential)) {
    errors.Add("purchase_potential", "must be between 0 and 10^15 fen");
  }

  if (IsValidUtf8(c.source)) {
    c.source = std::string(TrimWhitespace(c.source));
    if (!c.source.empty()) {
      const auto& sources = CustomerSourceNames();
      bool known = false;
      for (std::string_view s : sources) known = known || s == c.source;
      if (!known) {
        std::string list;
        for (std::string_view s : sources) list += (list.empty() ? "" : ", ") + std::string(s);
        errors.Add("source", "must be one of: " + list);
      }
    }
  } else {
    errors.Add("source", "is not valid UTF-8");
  }

  if (c.owner_user_id.has_value() && *c.owner_user_id <= 0) {
    errors.Add("owner_user_id", "must be a positive user id");
  }

  CheckPhone(errors, "phone", c.phone);
  CheckEmail(errors, "email", c.email);

  // Tags: trimmed, non-empty, short; duplicates dropped keeping the first.
  std::vector<std::string> tags;
  tags.reserve(c.tags.size());
  for (size_t i = 0; i < c.tags.size(); ++i) {
    std::string tag = c.tags[i];
    const std::string field = "tags/" + std::to_string(i);
    if (!CheckText(errors, field, tag, kMaxTagChars, /*required=*/true)) continue;
    bool seen = false;
    for (const auto& t : tags) seen = seen || t == tag;
    if (!seen) tags.push_back(std::move(tag));
  }
  if (tags.size() > kMaxTags) {
    errors.Add("tags", "must have at most " + std::to_string(kMaxTags) + " tags");
  }
  c.tags = std::move(tags);

  if (c.care_dates.size() > kMaxCareDates) {
    errors.Add("care_dates", "must have at most " + std::to_string(kMaxCareDates) + " dates");
  }
  for (size_t i = 0; i < c.care_dates.size(); ++i) {
    CareDate& d = c.care_dates[i];
    const std::string prefix = "care_dates/" + std::to_string(i) + "/";
    if (CheckText(errors, prefix + "kind", d.kind, kMaxShortTextChars, /*required=*/true) &&
        d.kind != "birthday" && d.kind != "anniversary" && d.kind != "other") {
      errors.Add(prefix + "kind", "must be one of: birthday, anniversary, other");
    }
    CheckText(errors, prefix + "label", d.label, kMaxCareLabelChars, false);
    CheckDate(errors, prefix + "date", d.date, /*required=*/true);
  }

  if (!errors.empty()) return std::move(errors).ToStatus("invalid customer");
  customer = std::move(c);
  return Status::Ok();
}

Status NormalizeContact(Contact& contact) {
  Contact c = contact;  // `contact` changes only when every field is valid
  FieldErrors errors;

  if (c.customer_id <= 0) errors.Add("customer_id", "must be a positive customer id");
  CheckText(errors, "name", c.name, kMaxNameChars, /*required=*/true);
  CheckText(errors, "title", c.title, kMaxShortTextChars, false);
  CheckPhone(errors, "phone", c.phone);
  CheckEmail(errors, "email", c.email);
  CheckText(errors, "wechat", c.wechat, kMaxShortTextChars, false);
  CheckDate(errors, "birthday", c.birthday, /*required=*/false);
  CheckText(errors, "notes", c.notes, kMaxNotesChars, false, Lines::kMulti);

  if (!errors.empty()) return std::move(errors).ToStatus("invalid contact");
  contact = std::move(c);
  return Status::Ok();
}

}  // namespace guanxi
