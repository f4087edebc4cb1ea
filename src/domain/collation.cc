#include "domain/collation.h"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>
#include <vector>

namespace guanxi {
namespace {

// ICU collators are not thread-safe for use, but clones are cheap: one per thread.
std::unique_ptr<icu::Collator> MakeCollator() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(icu::Locale("zh"), status));
  if (U_FAILURE(status)) return nullptr;
  c->setStrength(icu::Collator::TERTIARY);
  return c;
}

}  // namespace

std::string NameSortKey(std::string_view text) {
  thread_local std::unique_ptr<icu::Collator> collator = MakeCollator();
  if (!collator) return std::string(text);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  std::vector<uint8_t> buf(64 + text.size() * 4);
  int32_t n = collator->getSortKey(u, buf.data(), static_cast<int32_t>(buf.size()));
  if (n > static_cast<int32_t>(buf.size())) {
    buf.resize(n);
    n = collator->getSortKey(u, buf.data(), n);
  }
  // Drop the terminating NUL ICU appends; keys stay prefix-free without it.
  if (n > 0 && buf[n - 1] == 0) --n;
  return std::string(reinterpret_cast<const char*>(buf.data()), n);
}

}  // namespace guanxi
