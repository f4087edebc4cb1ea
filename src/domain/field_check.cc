#include "domain/field_check.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "domain/search_text.h"

namespace guanxi::domain_internal {

bool HasControlChars(std::string_view s, Lines lines) {
  for (int32_t i = 0; i < static_cast<int32_t>(s.size());) {
    UChar32 cp;
    U8_NEXT(s.data(), i, static_cast<int32_t>(s.size()), cp);
    if (cp < 0) return true;
    if (u_charType(cp) != U_CONTROL_CHAR) continue;
    if (lines == Lines::kMulti && (cp == '\t' || cp == '\n' || cp == '\r')) continue;
    return true;
  }
  return false;
}

bool CheckText(FieldErrors& errors, const std::string& field, std::string& value,
               size_t max_chars, bool required, Lines lines) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "is not valid UTF-8");
    return false;
  }
  value = std::string(TrimWhitespace(value));
  if (value.empty()) {
    if (required) {
      errors.Add(field, "is required");
      return false;
    }
    return true;
  }
  if (CodePointCount(value) > max_chars) {
    errors.Add(field, "must be at most " + std::to_string(max_chars) + " characters");
    return false;
  }
  if (HasControlChars(value, lines)) {
    errors.Add(field, "must not contain control characters");
    return false;
  }
  return true;
}

}  // namespace guanxi::domain_internal
