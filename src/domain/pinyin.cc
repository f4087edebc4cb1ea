#include "domain/pinyin.h"

#include <unicode/translit.h>
#include <unicode/uscript.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>

namespace guanxi {
namespace {

// CJK Unified Ideographs Extension A through the basic block: nearly every
// character of a name. Characters outside it go through a locked map.
constexpr char32_t kTableFirst = 0x3400;
constexpr char32_t kTableLast = 0x9FFF;
constexpr size_t kTableSize = kTableLast - kTableFirst + 1;

class PinyinCache {
 public:
  const std::string& Get(char32_t cp) {
    if (cp >= kTableFirst && cp <= kTableLast) {
      const size_t i = cp - kTableFirst;
      if (ready_[i].load(std::memory_order_acquire)) return table_[i];
      std::lock_guard<std::mutex> lock(mu_);
      if (!ready_[i].load(std::memory_order_relaxed)) {
        table_[i] = Transliterate(cp);
        ready_[i].store(true, std::memory_order_release);
      }
      return table_[i];
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto it = other_.find(cp);
    if (it == other_.end()) it = other_.emplace(cp, Transliterate(cp)).first;
    return it->second;  // std::map nodes are stable
  }

 private:
  // Called with mu_ held: ICU transliterators are not safe for concurrent use.
  std::string Transliterate(char32_t cp) {
    if (!translit_) {
      UErrorCode status = U_ZERO_ERROR;
      translit_.reset(icu::Transliterator::createInstance("Han-Latin; Latin-ASCII", UTRANS_FORWARD, status));
      if (U_FAILURE(status)) translit_.reset();
      if (!translit_) return "";
    }
    if (u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_SCRIPT) != USCRIPT_HAN) return "";
    icu::UnicodeString u(static_cast<UChar32>(cp));
    translit_->transliterate(u);
    std::string out;
    for (int32_t i = 0; i < u.length(); ++i) {
      const char16_t c = u.charAt(i);
      if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += static_cast<char>(c);
    }
    return out;
  }

  std::mutex mu_;
  std::unique_ptr<icu::Transliterator> translit_;
  std::array<std::string, kTableSize> table_;
  std::array<std::atomic<bool>, kTableSize> ready_{};
  std::map<char32_t, std::string> other_;
};

PinyinCache& Cache() {
  static PinyinCache* const cache = new PinyinCache();  // never destroyed: used from any thread until exit
  return *cache;
}

bool IsAsciiAlnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

const std::string& HanPinyin(char32_t cp) { return Cache().Get(cp); }

std::vector<std::string> NameSyllables(std::string_view folded) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(std::move(word));
    word.clear();
  };
  const auto* s = reinterpret_cast<const uint8_t*>(folded.data());
  const int32_t n = static_cast<int32_t>(folded.size());
  int32_t i = 0;
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) { flush(); continue; }
    const auto cp = static_cast<char32_t>(c);
    if (IsAsciiAlnum(cp)) {
      word += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
      continue;
    }
    flush();
    if (u_getIntPropertyValue(c, UCHAR_SCRIPT) == USCRIPT_HAN) {
      const std::string& p = HanPinyin(cp);
      if (!p.empty()) { out.push_back(p); continue; }
    }
    if (u_isalpha(c) || u_isdigit(c)) {
      std::string one;
      char buf[4];
      int32_t len = 0;
      UBool err = false;
      U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, c, err);
      if (!err) one.assign(buf, static_cast<size_t>(len));
      if (!one.empty()) out.push_back(std::move(one));
    }
  }
  flush();
  return out;
}

}  // namespace guanxi
