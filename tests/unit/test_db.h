// A fresh SQLite store in its own temp directory, removed afterwards.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "service/clock.h"
#include "store/store.h"

namespace guanxi::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "guanxi-unit-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::unique_ptr<Store> OpenTestStore(const std::string& path) {
  SqliteOptions o;
  o.path = path;
  o.synchronous = "normal";
  auto s = OpenSqliteStore(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixSeconds t = 1'780'000'000) : now_(t) {}
  UnixSeconds Now() const override { return now_; }
  void Advance(int64_t seconds) { now_ += seconds; }

 private:
  UnixSeconds now_;
};

}  // namespace guanxi::testing
