#include "domain/search_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <opencc/SimpleConverter.hpp>
#include <algorithm>
#include <exception>
#include <memory>

namespace guanxi {
namespace {

// Decodes one code point of strict UTF-8 (Unicode Table 3-7) at s[i]. Returns the
// sequence length, or 0 when the bytes at i do not start a well-formed sequence.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const size_t n = s.size() - i;
  const unsigned char c0 = b(i);
  if (c0 < 0x80) {
    *cp = c0;
    return 1;
  }
  const auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (n < 2 || !cont(b(i + 1))) return 0;
    *cp = (char32_t{c0} & 0x1F) << 6 | (b(i + 1) & 0x3F);
    return 2;
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (n < 3) return 0;
    const unsigned char c1 = b(i + 1);
    const unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80;  // no overlongs
    const unsigned char hi = c0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    if (c1 < lo || c1 > hi || !cont(b(i + 2))) return 0;
    *cp = (char32_t{c0} & 0x0F) << 12 | (char32_t{c1} & 0x3F) << 6 | (b(i + 2) & 0x3F);
    return 3;
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (n < 4) return 0;
    const unsigned char c1 = b(i + 1);
    const unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80;  // no overlongs
    const unsigned char hi = c0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    if (c1 < lo || c1 > hi || !cont(b(i + 2)) || !cont(b(i + 3))) return 0;
    *cp = (char32_t{c0} & 0x07) << 18 | (char32_t{c1} & 0x3F) << 12 |
          (char32_t{b(i + 2)} & 0x3F) << 6 | (b(i + 3) & 0x3F);
    return 4;
  }
  return 0;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// White space for folding and grams: the Unicode White_Space property, plus all
// control characters (a NUL or a vertical tab separates words like a space does,
// and OpenCC stops at NUL).
bool IsFoldSpace(char32_t cp) {
  return u_isUWhiteSpace(static_cast<UChar32>(cp)) ||
         u_charType(static_cast<UChar32>(cp)) == U_CONTROL_CHAR;
}

// What TrimWhitespace strips: White_Space plus the invisible BOM / zero-width
// space that spreadsheets and copy-paste leave at the ends of cells.
bool IsTrimSpace(char32_t cp) {
  return cp == 0xFEFF || cp == 0x200B || u_isUWhiteSpace(static_cast<UChar32>(cp));
}

// The t2s converter, created on first use. nullptr when OpenCC could not load its
// configuration; folding then skips the conversion rather than failing.
const opencc::SimpleConverter* T2sConverter() {
  static const std::unique_ptr<opencc::SimpleConverter> converter =
      []() -> std::unique_ptr<opencc::SimpleConverter> {
    for (const char* config : {"/usr/share/opencc/t2s.json", "t2s.json"}) {
      try {
        return std::make_unique<opencc::SimpleConverter>(config);
      } catch (...) {
        // Try the next location.
      }
    }
    return nullptr;
  }();
  return converter.get();
}

// ICU's NFKC singleton, fetched once inside a C++ static initialisation so that
// every later use happens after it (ICU's own lazy init is invisible to TSan).
const icu::Normalizer2* NfkcNormalizer() {
  static const icu::Normalizer2* const nfkc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return nfkc;
}

std::string ConvertT2s(const std::string& text) {
  const opencc::SimpleConverter* converter = T2sConverter();
  if (converter == nullptr) return text;
  try {
    return converter->Convert(text.data(), text.size());
  } catch (...) {
    return text;
  }
}

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    const size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

size_t CodePointCount(std::string_view s) {
  size_t count = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string_view TrimWhitespace(std::string_view s) {
  char32_t cp;
  size_t begin = 0;
  while (begin < s.size()) {
    const size_t len = DecodeUtf8(s, begin, &cp);
    if (len == 0 || !IsTrimSpace(cp)) break;
    begin += len;
  }
  size_t end = s.size();
  while (end > begin) {
    // Find the start of the last code point in [begin, end).
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 &&
           end - start < 4) {
      --start;
    }
    const size_t len = DecodeUtf8(s.substr(0, end), start, &cp);
    if (len != end - start || !IsTrimSpace(cp)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

std::string FoldForSearch(std::string_view text) {
  // Drop invalid UTF-8; control characters become spaces.
  std::string clean;
  clean.reserve(text.size());
  char32_t cp;
  for (size_t i = 0; i < text.size();) {
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      ++i;
      continue;
    }
    if (u_charType(static_cast<UChar32>(cp)) == U_CONTROL_CHAR) {
      clean += ' ';
    } else {
      clean.append(text.substr(i, len));
    }
    i += len;
  }
  if (clean.empty()) return clean;

  // 1. NFKC.
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(clean);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = NfkcNormalizer();
  if (nfkc != nullptr) {
    icu::UnicodeString normalized = nfkc->normalize(u, status);
    if (U_SUCCESS(status)) u = std::move(normalized);
  }

  // 2. Traditional to simplified.
  std::string simplified = ConvertT2s(ToUtf8(u));

  // 3. Case folding.
  u = icu::UnicodeString::fromUTF8(simplified);
  u.foldCase(U_FOLD_CASE_DEFAULT);
  const std::string folded = ToUtf8(u);

  // 4. Collapse white space runs to one ASCII space and trim.
  std::string out;
  out.reserve(folded.size());
  bool pending_space = false;
  for (size_t i = 0; i < folded.size();) {
    const size_t len = DecodeUtf8(folded, i, &cp);
    if (len == 0) {  // cannot happen for ICU output; be safe anyway
      ++i;
      continue;
    }
    if (IsFoldSpace(cp)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out += ' ';
      pending_space = false;
      out.append(folded, i, len);
    }
    i += len;
  }
  return out;
}

std::vector<std::string> ShortGrams(std::string_view folded_text) {
  std::vector<char32_t> cps;
  cps.reserve(folded_text.size());
  char32_t cp;
  for (size_t i = 0; i < folded_text.size();) {
    const size_t len = DecodeUtf8(folded_text, i, &cp);
    if (len == 0) {
      ++i;
      continue;
    }
    cps.push_back(cp);
    i += len;
  }

  std::vector<std::string> grams;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (IsFoldSpace(cps[i])) continue;
    if (cps[i] >= 0x80) {
      std::string g;
      AppendUtf8(g, cps[i]);
      grams.push_back(std::move(g));
    }
    if (i + 1 < cps.size() && !IsFoldSpace(cps[i + 1]) && (cps[i] >= 0x80 || cps[i + 1] >= 0x80)) {
      std::string g;
      AppendUtf8(g, cps[i]);
      AppendUtf8(g, cps[i + 1]);
      grams.push_back(std::move(g));
    }
  }
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  return grams;
}

}  // namespace guanxi
