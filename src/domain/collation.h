// Sort keys for names, so lists sort as Chinese readers expect: by pinyin for
// Chinese, alphabetically for Latin (ICU's "zh" collation). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace guanxi {

// A byte string whose memcmp order is the zh collation order of `text` (UTF-8).
std::string NameSortKey(std::string_view text);

}  // namespace guanxi
