#include "store/cursor.h"

#include "domain/encoding.h"


namespace guanxi {
namespace {
constexpr char kSeparator = '\x1f';
}  // namespace

std::string EncodeCursor(const std::vector<std::string>& parts) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) joined.push_back(kSeparator);
    joined += parts[i];
  }
  return Base64UrlEncode(joined);
}

std::optional<std::vector<std::string>> DecodeCursor(std::string_view cursor, size_t expected_parts) {
  if (cursor.empty() || cursor.size() > 4096) return std::nullopt;
  auto raw = Base64UrlDecode(cursor);
  if (!raw) return std::nullopt;
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t pos = raw->find(kSeparator, start);
    parts.push_back(raw->substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  if (parts.size() != expected_parts) return std::nullopt;
  return parts;
}

}  // namespace guanxi
