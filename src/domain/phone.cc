#include "domain/phone.h"

#include <unordered_map>

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <exception>
#include <memory>

#include "domain/search_text.h"

namespace guanxi {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberOfflineGeocoder;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr char kDefaultRegion[] = "CN";
// Longer than any formatted number with an extension; libphonenumber's own
// limit is 250.
constexpr size_t kMaxPhoneInputBytes = 100;
// Fewer national digits than this is never a full number (CN landlines without
// area code have 7-8, the shortest full numbers abroad have 7 or more).
constexpr size_t kMinNationalDigits = 7;
constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxEmailLocalBytes = 64;

// Drops every message, so libphonenumber never writes to stderr.
class SilentLogger : public i18n::phonenumbers::Logger {
 public:
  void WriteLevel() override {}
  void WriteMessage(const std::string& /*msg*/) override {}
};

// The shared PhoneNumberUtil with the silent logger installed before first use.
const PhoneNumberUtil& Util() {
  static PhoneNumberUtil* const util = [] {
    PhoneNumberUtil* u = PhoneNumberUtil::GetInstance();
    u->SetLogger(new SilentLogger());  // takes ownership
    return u;
  }();
  return *util;
}

const PhoneNumberOfflineGeocoder& Geocoder() {
  static const PhoneNumberOfflineGeocoder* const geocoder = [] {
    Util();  // logger first
    return new PhoneNumberOfflineGeocoder();  // lives for the process
  }();
  return *geocoder;
}

// Maps full-width ASCII forms (U+FF01..U+FF5E: ０-９, ＋, （）, －) to ASCII and the
// ideographic and no-break spaces to a space; other text is kept as is.
std::string FoldFullWidth(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c0 = static_cast<unsigned char>(s[i]);
    if (c0 == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80) {  // U+3000
      out += ' ';
      i += 2;
      continue;
    }
    if (c0 == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      out += ' ';  // U+00A0 no-break space
      i += 1;
      continue;
    }
    if (c0 == 0xEF && i + 2 < s.size()) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      const auto c2 = static_cast<unsigned char>(s[i + 2]);
      const unsigned cp = 0xF000u | (c1 & 0x3Fu) << 6 | (c2 & 0x3Fu);
      if ((c1 & 0xC0) == 0x80 && (c2 & 0xC0) == 0x80 && cp >= 0xFF01 && cp <= 0xFF5E) {
        out += static_cast<char>(cp - 0xFF01 + 0x21);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

Status PhoneError(std::string why) { return Status::InvalidField("phone", std::move(why)); }
Status EmailError(std::string why) { return Status::InvalidField("email", std::move(why)); }

}  // namespace

Result<std::string> NormalizePhone(std::string_view input) {
  if (!IsValidUtf8(input)) return PhoneError("not valid UTF-8");
  const std::string text = FoldFullWidth(TrimWhitespace(input));
  if (text.empty()) return PhoneError("phone number is empty");
  if (text.size() > kMaxPhoneInputBytes) return PhoneError("too long to be a phone number");

  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '-' || c == '(' ||
                    c == ')' || c == '.' || c == '/';
    if (!ok) {
      return PhoneError(
          "a phone number may contain only digits, spaces, '+', '-', '.', '/' and parentheses");
    }
  }

  const PhoneNumberUtil& util = Util();
  PhoneNumber number;
  PhoneNumberUtil::ErrorType err;
  try {
    err = util.Parse(text, kDefaultRegion, &number);
  } catch (const std::exception&) {
    return PhoneError("not a valid phone number");
  }
  switch (err) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return PhoneError("not a valid phone number: unknown country calling code");
    case PhoneNumberUtil::NOT_A_NUMBER:
      return PhoneError("not a phone number");
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return PhoneError("not a valid phone number: too short");
    case PhoneNumberUtil::TOO_LONG_NSN:
      return PhoneError("not a valid phone number: too long");
  }
  if (number.has_extension()) {
    return PhoneError("extensions are not supported; put them in the notes");
  }
  if (!util.IsValidNumber(number)) {
    std::string nsn;
    util.GetNationalSignificantNumber(number, &nsn);
    if (nsn.size() < kMinNationalDigits) return PhoneError("not a valid phone number: too short");
    switch (util.IsPossibleNumberWithReason(number)) {
      case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
        return PhoneError("not a valid phone number: too short (add the area code)");
      case PhoneNumberUtil::TOO_SHORT:
        return PhoneError("not a valid phone number: too short");
      case PhoneNumberUtil::TOO_LONG:
        return PhoneError("not a valid phone number: too long");
      case PhoneNumberUtil::INVALID_LENGTH:
        return PhoneError("not a valid phone number: wrong number of digits");
      case PhoneNumberUtil::INVALID_COUNTRY_CODE:
        return PhoneError("not a valid phone number: unknown country calling code");
      default:
        return PhoneError("not a valid phone number (check the digits and the area code)");
    }
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

namespace {

std::string LookUpPhoneRegion(std::string_view e164) {
  const PhoneNumberUtil& util = Util();
  PhoneNumber number;
  try {
    if (util.Parse(std::string(e164), kDefaultRegion, &number) !=
        PhoneNumberUtil::NO_PARSING_ERROR) {
      return "";
    }
    return Geocoder().GetDescriptionForNumber(number, icu::Locale("zh", "CN"));
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

std::string PhoneRegion(std::string_view e164) {
  if (e164.empty() || e164.size() > kMaxPhoneInputBytes || !IsValidUtf8(e164)) return "";
  // Parsing runs libphonenumber's regular expressions, costly on every read of a
  // customer; the answer never changes for a number, so each thread remembers
  // recent ones (bounded: the cache starts over when full).
  constexpr size_t kMaxCached = 65536;
  thread_local std::unordered_map<std::string, std::string> cache;
  std::string key(e164);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::string region = LookUpPhoneRegion(e164);
  if (cache.size() >= kMaxCached) cache.clear();
  cache.emplace(std::move(key), region);
  return region;
}

Result<std::string> NormalizeEmail(std::string_view input) {
  if (!IsValidUtf8(input)) return EmailError("not valid UTF-8");
  const std::string_view text = TrimWhitespace(input);
  if (text.empty()) return EmailError("email address is empty");
  if (text.size() > kMaxEmailBytes) return EmailError("email address is longer than 254 bytes");
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return EmailError("email address must not contain spaces");
  }
  // Non-ASCII white space (U+3000, NBSP ...) inside the address.
  for (int32_t i = 0; i < static_cast<int32_t>(text.size());) {
    UChar32 cp;
    U8_NEXT(text.data(), i, static_cast<int32_t>(text.size()), cp);
    if (cp < 0 || u_isUWhiteSpace(cp) || u_charType(cp) == U_CONTROL_CHAR) {
      return EmailError("email address must not contain spaces");
    }
  }

  const size_t at = text.find('@');
  if (at == std::string_view::npos) return EmailError("email address must contain @");
  if (text.find('@', at + 1) != std::string_view::npos) {
    return EmailError("email address must contain exactly one @");
  }
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty()) return EmailError("email address has nothing before @");
  if (local.size() > kMaxEmailLocalBytes) {
    return EmailError("the part before @ is longer than 64 bytes");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return EmailError("the part before @ has a misplaced dot");
  }
  if (local.find_first_of("()<>[]:;,\"\\") != std::string_view::npos) {
    return EmailError("the part before @ contains an invalid character");
  }
  if (domain.empty()) return EmailError("email address has no domain after @");
  if (domain.find('.') == std::string_view::npos) {
    return EmailError("email domain must contain a dot");
  }
  // Each dot-separated label non-empty and not starting or ending with '-'.
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty()) return EmailError("email domain has an empty label");
    if (label.front() == '-' || label.back() == '-') {
      return EmailError("email domain label must not start or end with '-'");
    }
    bool ascii = true;
    for (char ch : label) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
    if (ascii && label.size() > 63) {
      return EmailError("email domain label is longer than 63 characters");
    }
    for (char ch : label) {
      const auto c = static_cast<unsigned char>(ch);
      const bool ok = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-';
      if (!ok) return EmailError("email domain contains an invalid character");
    }
    start = dot + 1;
  }

  // The whole address is lower-cased (ASCII letters): mailbox names are
  // case-insensitive in practice, and one spelling keeps duplicates findable.
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

}  // namespace guanxi
