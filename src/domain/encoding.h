// Byte-string encodings used for tokens, cursors and hashes. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace guanxi {

// URL-safe base64 (RFC 4648 §5) without padding.
std::string Base64UrlEncode(std::string_view bytes);
// nullopt when `text` has a character outside the URL-safe alphabet.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Lower-case hex, two digits a byte.
std::string HexEncode(std::string_view bytes);
// nullopt for an odd length or a character other than 0-9a-f.
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace guanxi
