// Toneless pinyin of Chinese characters, for matching names across scripts:
// 张伟, 張偉, "Zhang Wei" and "zhangwei" all reach the syllables {zhang, wei}.
//
//   std::vector<std::string> s = NameSyllables(FoldForSearch("張偉"));  // {"zhang", "wei"}
//
// ICU's "Han-Latin; Latin-ASCII" transliterator gives each Han character one
// reading (polyphonic characters get ICU's most common one). Each character is
// transliterated once per process and cached, so a million names cost a table
// lookup per character. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guanxi {

// The toneless lower-case pinyin syllable of Han character `cp`, "" when `cp`
// is not a Han character (or ICU has no reading for it).
const std::string& HanPinyin(char32_t cp);

// The syllables of folded text (FoldForSearch): each Han character gives its
// pinyin syllable, each run of ASCII letters and digits gives one token, any
// other letter (kana, hangul ...) gives itself; everything else separates.
std::vector<std::string> NameSyllables(std::string_view folded);

}  // namespace guanxi
