// Text folding for search, so that 客戶/客户, Ａ/A and ＡＢＣ/abc meet.
//
//   std::string k = FoldForSearch("杭州雲棲科技 ＡＢＣ");  // "杭州云栖科技 abc"
//   auto grams = ShortGrams(k);   // unigrams and bigrams that contain a non-ASCII char
//
// Folding applies, in order: Unicode NFKC (full-width to half-width, compatibility
// forms), traditional to simplified Chinese (OpenCC t2s), lower case (ASCII and
// Unicode simple case folding), and collapses runs of white space to one space.
// The same function folds stored text and queries, so a query matches when its
// folded form is a substring of the folded stored text.
//
// Thread-safe: the OpenCC converter is created once and is read-only after that.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guanxi {

// Folds UTF-8 text as described above. Invalid UTF-8 sequences are dropped.
std::string FoldForSearch(std::string_view text);

// Number of Unicode code points in valid UTF-8 `s`.
size_t CodePointCount(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool IsValidUtf8(std::string_view s);

// `s` without leading and trailing white space: ASCII and Unicode White_Space
// (U+3000 ideographic space, NBSP ...) and the invisible U+FEFF / U+200B. Stops at
// the first invalid UTF-8 byte from either end.
std::string_view TrimWhitespace(std::string_view s);

// The distinct 1- and 2-code-point substrings of folded `text` that contain at
// least one non-ASCII code point and no white space: the keys of the short-query
// index (queries of 1–2 characters, which the trigram index cannot serve).
std::vector<std::string> ShortGrams(std::string_view folded_text);

}  // namespace guanxi
