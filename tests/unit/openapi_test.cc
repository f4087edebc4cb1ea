// Tests that src/http/openapi.json (served at /api/v1/openapi.json) is valid JSON,
// names every route the Api registers and nothing else, and is internally
// consistent: unique operationIds, responses everywhere, every $ref resolvable.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/customer.h"
#include "domain/user.h"
#include "http/api.h"
#include "service/auth_service.h"
#include "service/clock.h"
#include "service/customer_service.h"
#include "service/user_service.h"
#include "store/store.h"

namespace guanxi::http {
namespace {

using MethodPath = std::pair<std::string, std::string>;

// The HTTP methods an OpenAPI path item may hold.
const std::vector<std::string>& OperationKeys() {
  static const std::vector<std::string> keys = {"get",     "put",  "post",  "delete",
                                                "options", "head", "patch", "trace"};
  return keys;
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string Describe(const std::set<MethodPath>& s) {
  std::string out;
  for (const auto& [m, p] : s) out += "  " + m + " " + p + "\n";
  return out.empty() ? "  (none)\n" : out;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "guanxi-openapi-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    SqliteOptions o;
    o.path = dir_ + "/guanxi.db";
    o.synchronous = "normal";
    auto store = OpenSqliteStore(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auth_ = std::make_unique<AuthService>(*store_, clock_);
    customers_ = std::make_unique<CustomerService>(*store_, clock_);
    users_ = std::make_unique<UserService>(*store_, clock_);
    orders_ = std::make_unique<OrderService>(*store_, clock_);
    pipeline_ = std::make_unique<PipelineService>(*store_, clock_);
    analytics_ = std::make_unique<AnalyticsService>(*store_, clock_);
    tasks_ = std::make_unique<TaskService>(*store_, clock_);
    relationship_ = std::make_unique<RelationshipServices>(*store_, clock_, *tasks_);
    api_ = std::make_unique<Api>(*store_, clock_, *auth_, *customers_, *users_, *orders_, *pipeline_,
                                 *analytics_, *tasks_, *relationship_, ApiOptions{});

    spec_.Parse(Api::OpenApiJson().data(), Api::OpenApiJson().size());
    ASSERT_FALSE(spec_.HasParseError())
        << "openapi.json is not valid JSON: error " << spec_.GetParseError() << " at byte "
        << spec_.GetErrorOffset();
    ASSERT_TRUE(spec_.IsObject());
  }

  void TearDown() override {
    api_.reset();
    users_.reset();
    customers_.reset();
    auth_.reset();
    if (store_) store_->Close();
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  const rapidjson::Value& Paths() {
    static const rapidjson::Value kEmpty(rapidjson::kObjectType);
    auto it = spec_.FindMember("paths");
    return it != spec_.MemberEnd() && it->value.IsObject() ? it->value : kEmpty;
  }

  // Calls `fn(method, path, operation)` for every operation in the spec.
  template <typename Fn>
  void ForEachOperation(Fn&& fn) {
    for (auto& path : Paths().GetObject()) {
      if (!path.value.IsObject()) continue;
      for (const auto& key : OperationKeys()) {
        auto op = path.value.FindMember(key.c_str());
        if (op == path.value.MemberEnd()) continue;
        fn(Upper(key), std::string(path.name.GetString(), path.name.GetStringLength()), op->value);
      }
    }
  }

  std::string dir_;
  SystemClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<CustomerService> customers_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<PipelineService> pipeline_;
  std::unique_ptr<AnalyticsService> analytics_;
  std::unique_ptr<TaskService> tasks_;
  std::unique_ptr<RelationshipServices> relationship_;
  std::unique_ptr<Api> api_;
  rapidjson::Document spec_;
};

TEST_F(OpenApiTest, IsOpenApi31) {
  auto it = spec_.FindMember("openapi");
  ASSERT_NE(it, spec_.MemberEnd());
  ASSERT_TRUE(it->value.IsString());
  EXPECT_STREQ(it->value.GetString(), "3.1.0");
  ASSERT_TRUE(spec_.HasMember("info"));
  ASSERT_TRUE(spec_["info"].IsObject());
  EXPECT_TRUE(spec_["info"].HasMember("title"));
  EXPECT_TRUE(spec_["info"].HasMember("version"));
  ASSERT_TRUE(spec_.HasMember("paths"));
  EXPECT_TRUE(spec_["paths"].IsObject());
  ASSERT_TRUE(spec_.HasMember("components"));
  EXPECT_TRUE(spec_["components"].IsObject());
}

TEST_F(OpenApiTest, PathsMatchRouterRoutes) {
  std::set<MethodPath> spec_ops;
  ForEachOperation([&](const std::string& method, const std::string& path, const rapidjson::Value&) {
    spec_ops.emplace(method, path);
  });
  std::set<MethodPath> routes = {{"GET", "/healthz"}, {"GET", "/metrics"}};
  for (const auto& r : api_->router().routes()) routes.emplace(r.method, r.pattern);

  std::set<MethodPath> missing_from_spec, not_in_router;
  for (const auto& r : routes) {
    if (!spec_ops.count(r)) missing_from_spec.insert(r);
  }
  for (const auto& o : spec_ops) {
    if (!routes.count(o)) not_in_router.insert(o);
  }
  EXPECT_TRUE(missing_from_spec.empty() && not_in_router.empty())
      << "routes missing from openapi.json:\n"
      << Describe(missing_from_spec) << "operations in openapi.json with no route:\n"
      << Describe(not_in_router);
  EXPECT_EQ(spec_ops.size(), routes.size());
}

TEST_F(OpenApiTest, OperationsHaveUniqueIdsAndResponses) {
  std::set<std::string> ids;
  int operations = 0;
  ForEachOperation([&](const std::string& method, const std::string& path,
                       const rapidjson::Value& op) {
    ++operations;
    SCOPED_TRACE(method + " " + path);
    ASSERT_TRUE(op.IsObject());
    auto id = op.FindMember("operationId");
    ASSERT_NE(id, op.MemberEnd()) << "no operationId";
    ASSERT_TRUE(id->value.IsString());
    std::string name(id->value.GetString(), id->value.GetStringLength());
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(ids.insert(name).second) << "duplicate operationId " << name;
    auto responses = op.FindMember("responses");
    ASSERT_NE(responses, op.MemberEnd()) << "no responses";
    ASSERT_TRUE(responses->value.IsObject());
    EXPECT_GT(responses->value.MemberCount(), 0u) << "no responses";
  });
  EXPECT_GT(operations, 0);
}

// Every {name} in a path template is declared as a path parameter (on the path
// item or the operation), directly or through a $ref.
TEST_F(OpenApiTest, PathTemplateParametersAreDeclared) {
  auto declared_path_params = [&](const rapidjson::Value& holder, std::set<std::string>& out) {
    auto ps = holder.FindMember("parameters");
    if (ps == holder.MemberEnd() || !ps->value.IsArray()) return;
    for (const auto& p : ps->value.GetArray()) {
      const rapidjson::Value* v = &p;
      if (p.IsObject() && p.HasMember("$ref") && p["$ref"].IsString()) {
        std::string ref = p["$ref"].GetString();
        v = ref.rfind("#", 0) == 0 ? rapidjson::Pointer(ref.substr(1).c_str()).Get(spec_) : nullptr;
      }
      if (v && v->IsObject() && v->HasMember("in") && v->HasMember("name") &&
          std::string((*v)["in"].GetString()) == "path") {
        out.insert((*v)["name"].GetString());
      }
    }
  };
  for (auto& path : Paths().GetObject()) {
    std::string tmpl = path.name.GetString();
    std::set<std::string> wanted;
    for (size_t i = tmpl.find('{'); i != std::string::npos; i = tmpl.find('{', i + 1)) {
      wanted.insert(tmpl.substr(i + 1, tmpl.find('}', i) - i - 1));
    }
    std::set<std::string> from_item;
    declared_path_params(path.value, from_item);
    ForEachOperation([&](const std::string& method, const std::string& p,
                         const rapidjson::Value& op) {
      if (p != tmpl) return;
      std::set<std::string> got = from_item;
      declared_path_params(op, got);
      for (const auto& w : wanted) {
        EXPECT_TRUE(got.count(w)) << method << " " << p << " does not declare path parameter " << w;
      }
    });
  }
}

TEST_F(OpenApiTest, EveryRefResolvesToAComponent) {
  std::vector<std::string> refs;
  std::vector<std::string> bad;
  auto walk = [&](auto& self, const rapidjson::Value& v) -> void {
    if (v.IsObject()) {
      for (auto& m : v.GetObject()) {
        if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == "$ref") {
          if (!m.value.IsString()) {
            bad.push_back("(a $ref that is not a string)");
            continue;
          }
          refs.emplace_back(m.value.GetString(), m.value.GetStringLength());
        } else {
          self(self, m.value);
        }
      }
    } else if (v.IsArray()) {
      for (const auto& e : v.GetArray()) self(self, e);
    }
  };
  walk(walk, spec_);
  EXPECT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    if (ref.rfind("#/components/", 0) != 0) {
      bad.push_back(ref + " (not a local component reference)");
      continue;
    }
    rapidjson::Pointer pointer(ref.substr(1).c_str());
    if (!pointer.IsValid() || pointer.Get(spec_) == nullptr) bad.push_back(ref);
  }
  std::string list;
  for (const auto& b : bad) list += "  " + b + "\n";
  EXPECT_TRUE(bad.empty()) << "unresolved $refs:\n" << list;
}

// The vocabularies in the spec are the domain's wire names, in order.
TEST_F(OpenApiTest, EnumsMatchDomainVocabularies) {
  const std::vector<std::pair<const char*, const std::vector<std::string_view>*>> vocabularies = {
      {"CustomerKind", &CustomerKindNames()},
      {"Relationship", &RelationshipNames()},
      {"RelationshipLevel", &RelationshipLevelNames()},
      {"LifecycleStage", &LifecycleStageNames()},
      {"CompanySize", &CompanySizeNames()},
      {"Personality", &PersonalityNames()},
      {"CustomerSource", &CustomerSourceNames()},
      {"Role", &RoleNames()},
  };
  for (const auto& [name, names] : vocabularies) {
    SCOPED_TRACE(name);
    const rapidjson::Value* e =
        rapidjson::Pointer((std::string("/components/schemas/") + name + "/enum").c_str()).Get(spec_);
    ASSERT_NE(e, nullptr);
    ASSERT_TRUE(e->IsArray());
    std::vector<std::string> got;
    for (const auto& v : e->GetArray()) got.emplace_back(v.IsString() ? v.GetString() : "(not a string)");
    std::vector<std::string> want(names->begin(), names->end());
    EXPECT_EQ(got, want);
  }
}

TEST_F(OpenApiTest, IsServedAtApiV1OpenApiJson) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/api/v1/openapi.json";
  r.path = "/api/v1/openapi.json";
  HttpResponse resp = api_->Handle(r);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.content_type, "application/json");
  EXPECT_EQ(resp.body, Api::OpenApiJson());
}

}  // namespace
}  // namespace guanxi::http
