// Duplicate-customer detection over columns read in one scan.
//
//   DuplicateColumns cols = ...;                 // store: DedupStore::ReadColumns
//   DuplicateOptions opt;  opt.min_score = 0.8;
//   std::vector<DuplicatePair> pairs = FindDuplicates(cols, opt);
//
// Names are normalised (FoldForSearch: traditional→simplified, full-width→
// half-width, lower case; organisations also lose legal-form suffixes such as
// 有限公司/Co., Ltd., bracketed parts and a leading or trailing province/city)
// and turned into pinyin syllables, so 张伟, 張偉 and "Zhang Wei" meet.
//
// Only customers sharing a blocking key are compared: a phone, an email, the
// pinyin of the name, its syllables in sorted order, and for names of four or
// more syllables each form with one syllable left out. Every pair scoring at
// least kGuaranteedScore shares a key (a name differing in two or more
// syllables caps the name evidence far below it), so the blocking loses no
// pair a brute-force comparison would report at or above that score.
// Keys shared by more than `max_block` customers (a switchboard number, the
// most common names) are skipped: they would produce pairs by the million.
//
// Pure and thread-safe; uses up to `threads` threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guanxi {

// Pairs at or above this score always share a blocking key (see above).
inline constexpr double kGuaranteedScore = 0.5;

// One row per customer; the contact vectors are optional (row index, value).
struct DuplicateColumns {
  std::vector<int64_t> id;
  std::vector<std::string> name;
  std::vector<bool> organization;  // kind == organization
  std::vector<std::string> phone;  // E.164 or ""
  std::vector<std::string> email;  // lower case or ""
  std::vector<std::pair<uint32_t, std::string>> contact_phone;
  std::vector<std::pair<uint32_t, std::string>> contact_email;
  size_t size() const { return id.size(); }
};

enum DuplicateReason : uint8_t { kReasonPhone = 1, kReasonEmail = 2, kReasonName = 4 };

struct DuplicatePair {
  int64_t a = 0;  // a < b
  int64_t b = 0;
  double score = 0;  // 0..1
  uint8_t reasons = 0;  // DuplicateReason bits
};

// "phone", "email", "name" in that order.
std::vector<std::string> ReasonNames(uint8_t reasons);

struct DuplicateOptions {
  double min_score = 0.8;
  size_t max_block = 200;
  int threads = 0;  // 0: the hardware's
  std::optional<int64_t> only_id;  // only pairs with this customer
};

// Pairs with score >= min_score, by score descending, then a, then b.
std::vector<DuplicatePair> FindDuplicates(const DuplicateColumns& cols, const DuplicateOptions& opt);

// --- the parts, exposed for tests and for the brute-force reference ---------

// The comparable form of one customer's name: folded, suffixes stripped for
// organisations, syllables (pinyin of Han characters, ASCII words) joined by ' '.
struct NameForm {
  std::string compact;    // normalised name without spaces
  std::string syllables;  // "zhang wei"
};
NameForm NormaliseName(std::string_view name, bool organization);

// The organisation's name without legal-form suffixes, bracketed parts and a
// leading/trailing region, folded ("杭州雲棲科技有限公司" → "云栖科技").
std::string StripCompanyName(std::string_view folded);

// Name similarity 0..1 of two forms (1 = same name; same pronunciation 0.9 ...).
double NameSimilarity(const NameForm& a, const NameForm& b);

// Scores pairs of rows of `cols` (which must outlive it): the name forms and
// each row's phones and emails (its own and its contacts') prepared once.
class DuplicateScorer {
 public:
  DuplicateScorer(const DuplicateColumns& cols, int threads);
  // Rows i and j (ids in a < b order) with their score and reasons.
  DuplicatePair Score(uint32_t i, uint32_t j) const;
  const NameForm& form(uint32_t row) const { return forms_[row]; }

 private:
  friend std::vector<DuplicatePair> FindDuplicates(const DuplicateColumns&, const DuplicateOptions&);
  const DuplicateColumns& cols_;
  std::vector<NameForm> forms_;
  // Contact values of row r: [offset[r], offset[r + 1]) of the sorted lists.
  std::vector<uint32_t> phone_offset_, email_offset_;
  std::vector<std::string_view> contact_phones_, contact_emails_;
};

}  // namespace guanxi
