// Keyset-pagination cursors: the sort key and id of the last row of a page,
// encoded as an opaque URL-safe string. Clients pass them back verbatim.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi {

std::string EncodeCursor(const std::vector<std::string>& parts);
// nullopt when `cursor` is not one this code produced with `expected_parts` parts.
std::optional<std::vector<std::string>> DecodeCursor(std::string_view cursor, size_t expected_parts);

}  // namespace guanxi
