// Output of the `guanxi analyze` commands: CSV rows written through a large buffer
// (per-customer files reach millions of rows), the --out file written under a temporary
// name and renamed when complete (a failed run leaves nothing), and the JSON number
// conventions of the contract (yuan with 2 decimals for sums of fen, null for what a
// model does not cover).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/analyze_input.h"
#include "domain/customer_json.h"

namespace guanxi::cli::analyze {

// Fen as yuan text with 2 decimals: -12345 → "-123.45".
std::string YuanText(int64_t fen);

// JSON helpers: a non-finite double is written as null (RapidJSON would fail on it).
void WriteNumber(JsonWriter& w, double v);
void WriteNumberMember(JsonWriter& w, const char* key, double v);  // key, then the number
void WriteYuan(JsonWriter& w, int64_t fen);        // a number with 2 decimals
void WriteYuanDouble(JsonWriter& w, double yuan);  // rounded to 2 decimals
void PrintJson(const rapidjson::StringBuffer& buf);  // to stdout with a newline

// Comma-separated rows into a FILE* through a 1 MiB buffer.
class CsvWriter {
 public:
  explicit CsvWriter(std::FILE* f) : file_(f) { buf_.reserve(kBufferBytes + 4096); }
  ~CsvWriter() { Flush(); }
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  CsvWriter& Text(std::string_view s);   // quoted when it holds , " CR or LF
  CsvWriter& Int(int64_t v);
  CsvWriter& Double(double v);           // shortest round-trip form; empty if not finite
  CsvWriter& Fixed(double v, int decimals);
  CsvWriter& Yuan(int64_t fen);
  CsvWriter& Empty();
  void EndRow();
  // Writes out the buffer; false when the file reported an error.
  bool Flush();

 private:
  static constexpr size_t kBufferBytes = 1 << 20;
  void Separator() {
    if (!at_row_start_) buf_.push_back(',');
    at_row_start_ = false;
  }
  std::FILE* file_;
  std::string buf_;
  bool at_row_start_ = true;
  bool failed_ = false;
};

// The --out file: rows go to "<path>.tmp-<pid>" and Commit() renames it into place.
// Destroyed without a successful Commit(), the temporary file is removed.
class OutFile {
 public:
  explicit OutFile(std::string path);
  ~OutFile();
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;

  // Empty string when the temporary file is open, else why not.
  const std::string& open_error() const { return open_error_; }
  CsvWriter& csv() { return *csv_; }
  // Flushes, closes and renames; empty string on success, else why not.
  std::string Commit();

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
  std::string open_error_;
  std::unique_ptr<CsvWriter> csv_;
  bool committed_ = false;
};

// Writes the per-customer rows to `path` (when given) through rows(CsvWriter&); returns 0,
// or 1 after printing why (and nothing is left behind).
template <typename Rows>
int WriteOut(const std::optional<std::string>& path, Rows&& rows) {
  if (!path) return 0;
  OutFile out(*path);
  if (!out.open_error().empty()) return DataError(out.open_error());
  rows(out.csv());
  if (std::string error = out.Commit(); !error.empty()) return DataError(error);
  return 0;
}

// The command's report on stdout: rows(CsvWriter&) with --format csv, else the JSON object
// whose members members(JsonWriter&) writes. Returns 0 (the exit code).
template <typename Rows, typename Members>
int PrintReport(const Common& c, Rows&& rows, Members&& members) {
  if (c.format == "csv") {
    CsvWriter csv(stdout);
    rows(csv);
    return 0;
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  members(w);
  w.EndObject();
  PrintJson(buf);
  return 0;
}

}  // namespace guanxi::cli::analyze
