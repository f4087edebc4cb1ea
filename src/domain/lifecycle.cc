#include "domain/lifecycle.h"

#include <array>
#include <string>

namespace guanxi {
namespace {

constexpr std::array<std::string_view, 8> kRungNames = {
    "suspect", "prospect", "first_time_buyer", "repeat_buyer", "client", "member", "advocate", "partner"};

}  // namespace

std::string_view ToString(LadderRung r) { return kRungNames[static_cast<size_t>(r)]; }

std::optional<LadderRung> ParseLadderRung(std::string_view s) {
  for (size_t i = 0; i < kRungNames.size(); ++i) {
    if (kRungNames[i] == s) return static_cast<LadderRung>(i);
  }
  return std::nullopt;
}

const std::vector<std::string_view>& LadderRungNames() {
  static const std::vector<std::string_view> names(kRungNames.begin(), kRungNames.end());
  return names;
}

bool IsMemberTag(std::string_view tag) {
  std::string lower(tag);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower == "member" || tag.find("会员") != std::string_view::npos;
}

}  // namespace guanxi
