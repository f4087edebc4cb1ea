#include "cli/analyze_output.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "service/analytics_writers.h"

namespace guanxi::cli::analyze {

namespace {

// Fen as yuan text into buf (≥ 32 bytes); returns the end. Per-customer files print
// millions of these, so no printf.
char* FormatYuan(char* buf, int64_t fen) {
  const uint64_t magnitude = fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  char* p = buf;
  if (fen < 0) *p++ = '-';
  p = std::to_chars(p, buf + 30, magnitude / 100).ptr;
  const unsigned cents = static_cast<unsigned>(magnitude % 100);
  *p++ = '.';
  *p++ = static_cast<char>('0' + cents / 10);
  *p++ = static_cast<char>('0' + cents % 10);
  return p;
}

}  // namespace

std::string YuanText(int64_t fen) {
  char buf[32];
  return std::string(buf, FormatYuan(buf, fen));
}

void WriteNumber(JsonWriter& w, double v) { analytics_writers::WriteNumber(w, v); }

void WriteNumberMember(JsonWriter& w, const char* key, double v) {
  w.Key(key);
  WriteNumber(w, v);
}

void WriteYuan(JsonWriter& w, int64_t fen) {
  std::string s = YuanText(fen);
  w.RawValue(s.data(), s.size(), rapidjson::kNumberType);
}

void WriteYuanDouble(JsonWriter& w, double yuan) {
  if (!std::isfinite(yuan)) {
    w.Null();
    return;
  }
  WriteYuan(w, std::llround(yuan * 100));
}

void PrintJson(const rapidjson::StringBuffer& buf) {
  std::fwrite(buf.GetString(), 1, buf.GetSize(), stdout);
  std::fputc('\n', stdout);
}

CsvWriter& CsvWriter::Text(std::string_view s) {
  Separator();
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    buf_.append(s);
    return *this;
  }
  buf_.push_back('"');
  for (char c : s) {
    if (c == '"') buf_.push_back('"');
    buf_.push_back(c);
  }
  buf_.push_back('"');
  return *this;
}

CsvWriter& CsvWriter::Int(int64_t v) {
  Separator();
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf_.append(tmp, r.ptr);
  return *this;
}

CsvWriter& CsvWriter::Double(double v) {
  Separator();
  if (!std::isfinite(v)) return *this;
  char tmp[32];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf_.append(tmp, r.ptr);
  return *this;
}

CsvWriter& CsvWriter::Fixed(double v, int decimals) {
  Separator();
  if (!std::isfinite(v)) return *this;
  char tmp[64];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v, std::chars_format::fixed, decimals);
  buf_.append(tmp, r.ptr);
  return *this;
}

CsvWriter& CsvWriter::Yuan(int64_t fen) {
  Separator();
  char tmp[32];
  buf_.append(tmp, FormatYuan(tmp, fen));
  return *this;
}

CsvWriter& CsvWriter::Empty() {
  Separator();
  return *this;
}

void CsvWriter::EndRow() {
  buf_.push_back('\n');
  at_row_start_ = true;
  if (buf_.size() >= kBufferBytes) Flush();
}

bool CsvWriter::Flush() {
  if (!buf_.empty()) {
    if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) failed_ = true;
    buf_.clear();
  }
  return !failed_;
}

OutFile::OutFile(std::string path) : path_(std::move(path)) {
  temp_ = path_ + ".tmp-" + std::to_string(getpid());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) {
    open_error_ = "cannot write " + path_ + ": " + std::strerror(errno);
    return;
  }
  csv_ = std::make_unique<CsvWriter>(file_);
}

OutFile::~OutFile() {
  csv_.reset();
  if (file_) std::fclose(file_);
  if (!committed_ && !open_error_.empty()) return;
  if (!committed_) std::remove(temp_.c_str());
}

std::string OutFile::Commit() {
  bool ok = csv_->Flush();
  csv_.reset();
  ok = std::fflush(file_) == 0 && ok;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) return "writing " + path_ + " failed";
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    return "cannot rename " + temp_ + " to " + path_ + ": " + std::strerror(errno);
  }
  committed_ = true;
  return "";
}

}  // namespace guanxi::cli::analyze
