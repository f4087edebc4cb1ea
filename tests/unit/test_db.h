// Fresh stores for unit tests: an SQLite file in its own temp directory, or a
// new database on the PostgreSQL cluster named by GUANXI_TEST_PG (the test
// script starts one); both removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "domain/sales.h"
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

// The base URL of the test PostgreSQL cluster, or "" when none is running.
inline std::string TestPostgresBase() {
  const char* v = std::getenv("GUANXI_TEST_PG");
  return v ? v : "";
}

// Runs one statement on the cluster's maintenance database.
inline bool RunOnCluster(const std::string& sql) {
  PGconn* c = PQconnectdb(TestPostgresBase().c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) ADD_FAILURE() << PQresultErrorMessage(r);
    PQclear(r);
  } else {
    ADD_FAILURE() << PQerrorMessage(c);
  }
  PQfinish(c);
  return ok;
}

// A database of one backend ("sqlite" or "postgresql") for one test.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend) : backend_(backend) {
    if (backend_ == "sqlite") {
      name_ = dir_.File("t.db");
      return;
    }
    static std::atomic<int> counter{0};
    std::string db = "gx_unit_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    if (!RunOnCluster("CREATE DATABASE " + db)) return;
    db_name_ = db;
    std::string base = TestPostgresBase();
    name_ = base.substr(0, base.rfind('/') + 1) + db;
  }
  ~TestDatabase() {
    if (!db_name_.empty()) RunOnCluster("DROP DATABASE " + db_name_ + " WITH (FORCE)");
  }
  // The --db value: a file path or a URL.
  const std::string& name() const { return name_; }
  std::string File(const std::string& file) const { return dir_.File(file); }

  std::unique_ptr<Store> Open() const {
    if (backend_ == "sqlite") return OpenTestStore(name_);
    PostgresOptions o;
    o.url = name_;
    o.pool_size = 8;
    auto s = OpenPostgresStore(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

 private:
  std::string backend_;
  TempDir dir_;
  std::string name_;
  std::string db_name_;
};

// Skips a PostgreSQL-parameterised test when no cluster is available.
#define GX_SKIP_WITHOUT_BACKEND(backend)                                        \
  if ((backend) == "postgresql" && ::guanxi::testing::TestPostgresBase().empty()) \
  GTEST_SKIP() << "GUANXI_TEST_PG is not set (scripts/test.sh starts a cluster)"

class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixSeconds t = 1'780'000'000) : now_(t) {}
  UnixSeconds Now() const override { return now_; }
  void Advance(int64_t seconds) { now_ += seconds; }

 private:
  UnixSeconds now_;
};

// An audit entry for writes made by tests.
inline AuditEntry Audit(const char* entity, const char* action) {
  AuditEntry a;
  a.at = 1000;
  a.user_login = "test";
  a.entity = entity;
  a.action = action;
  return a;
}

// `hour`:00 Asia/Shanghai on `day` ("YYYY-MM-DD"), as UTC seconds.
inline UnixSeconds At(const std::string& day, int hour = 10) {
  return StartOfBusinessDay(day) + hour * 3600;
}

// A store test run on both backends (the behaviour is the contract): a fresh store per
// test, and the users every store test starts from.
class BackendStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    GX_SKIP_WITHOUT_BACKEND(GetParam());
    db_ = std::make_unique<TestDatabase>(GetParam());
    store_ = db_->Open();
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    if (store_) store_->Close();
    store_.reset();
  }
  int64_t User_(const std::string& login, std::optional<int64_t> team = std::nullopt) {
    User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = "x";
    u.team_id = team;
    auto r = store_->CreateUser(u, Audit("user", "create"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace guanxi::testing
