#include "domain/user.h"

#include <array>

#include "domain/search_text.h"

namespace guanxi {
namespace {

constexpr std::array<std::string_view, 5> kRoleNames = {"admin", "manager", "sales", "service",
                                                        "analyst"};
constexpr size_t kMinLogin = 2;
constexpr size_t kMaxLogin = 64;
constexpr size_t kMinPassword = 8;
constexpr size_t kMaxPassword = 256;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string_view ToString(Role r) {
  const auto i = static_cast<size_t>(r);
  return i < kRoleNames.size() ? kRoleNames[i] : std::string_view("unknown");
}

std::optional<Role> ParseRole(std::string_view s) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == s) return static_cast<Role>(i);
  }
  return std::nullopt;
}

const std::vector<std::string_view>& RoleNames() {
  static const std::vector<std::string_view> names(kRoleNames.begin(), kRoleNames.end());
  return names;
}

Status NormalizeLogin(std::string& login) {
  if (!IsValidUtf8(login)) return Status::InvalidField("login", "is not valid UTF-8");
  std::string s(TrimWhitespace(login));
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (s.empty()) return Status::InvalidField("login", "is required");
  if (s.size() < kMinLogin || s.size() > kMaxLogin) {
    return Status::InvalidField("login", "must be 2 to 64 characters long");
  }
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '.' && c != '_' && c != '-') {
      return Status::InvalidField(
          "login", "may contain only letters a-z, digits 0-9, '.', '_' and '-'");
    }
  }
  if (!IsLowerAlnum(s.front())) {
    return Status::InvalidField("login", "must start with a letter or a digit");
  }
  login = std::move(s);
  return Status::Ok();
}

Status ValidatePassword(std::string_view password) {
  if (password.size() < kMinPassword) {
    return Status::InvalidField("password", "must be at least 8 bytes long");
  }
  if (password.size() > kMaxPassword) {
    return Status::InvalidField("password", "must be at most 256 bytes long");
  }
  if (!IsValidUtf8(password)) return Status::InvalidField("password", "is not valid UTF-8");
  if (password.find('\0') != std::string_view::npos) {
    return Status::InvalidField("password", "must not contain NUL characters");
  }
  return Status::Ok();
}

}  // namespace guanxi
