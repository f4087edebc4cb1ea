// Helpers the domain's validation functions share: collecting every wrong field
// of a record, checking text fields, and mapping enum values to wire names.
// Internal to src/domain (not used above it).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace guanxi::domain_internal {

// The enum value whose wire name is `s` (names are indexed by the enum's value).
template <typename E, size_t N>
std::optional<E> ParseName(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, E v) {
  const auto i = static_cast<size_t>(v);
  return i < N ? names[i] : std::string_view("unknown");
}

template <size_t N>
std::vector<std::string_view> ToVector(const std::array<std::string_view, N>& a) {
  return {a.begin(), a.end()};
}

enum class Lines { kSingle, kMulti };

// True when `s` (valid UTF-8) holds a control character; multi-line text may
// hold tab, line feed and carriage return.
bool HasControlChars(std::string_view s, Lines lines);

// Every wrong field of one record, turned into one InvalidArgument.
class FieldErrors {
 public:
  void Add(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return errors_.empty(); }
  Status ToStatus(const char* what) && {
    if (errors_.empty()) return Status::Ok();
    return Status::InvalidArgument(what, std::move(errors_));
  }

 private:
  std::vector<FieldError> errors_;
};

// Trims `value` in place and checks UTF-8, presence, length and control
// characters. Returns true when the field is fine.
bool CheckText(FieldErrors& errors, const std::string& field, std::string& value,
               size_t max_chars, bool required, Lines lines = Lines::kSingle);

}  // namespace guanxi::domain_internal
