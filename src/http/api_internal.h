// Internal to src/http: helpers shared by the API's route files
// (api.cc, api_customers.cc, api_admin.cc). Not a public header.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.h"
#include "domain/customer_json.h"
#include "domain/json_input.h"
#include "domain/status.h"
#include "http/api.h"
#include "http/problem.h"
#include "http/router.h"
#include "http/server.h"

namespace guanxi::http::internal {

inline constexpr char kSessionCookie[] = "gx_session";

// A positive decimal id, or nullopt.
std::optional<int64_t> ParseId(std::string_view s);
HttpResponse JsonOk(int status, std::string body);
HttpResponse NoContent();
// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name);
void AddETag(HttpResponse& r, int64_t version);
bool IsJsonContentType(std::string_view ct);
// "text/csv" with optional parameters (POST /orders/import; api_orders.cc).
bool IsCsvContentType(std::string_view ct);
// Read every writable field present in `in` onto the record.
void ReadCustomerFields(JsonObjectReader& in, Customer& c);
void ReadContactFields(JsonObjectReader& in, Contact& c);
// The request body as a JSON object (InvalidArgument → answer 400).
Result<JsonObjectReader> ParseBody(const HttpRequest& r);
// The first path parameter as an id.
std::optional<int64_t> IdParam(const PathParams& p);
HttpResponse BadId();
// The version in If-Match: FailedPrecondition when absent, InvalidArgument when malformed.
Result<int64_t> IfMatch(const HttpRequest& r);
// 428 for a missing If-Match, 400 for a malformed one.
HttpResponse IfMatchProblem(const Status& s);
HttpResponse ContactResponse(int status, const Contact& c);

// Builds a JSON document with a writer: JsonDoc([&](JsonWriter& w) { ... }).
template <typename Fn>
std::string JsonDoc(Fn&& fn) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  fn(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// A list answer {"items":[...],"next":cursor|null}; `write_item` writes one item.
template <typename Items, typename WriteItem>
std::string PageJson(const Items& items, WriteItem&& write_item,
                     const std::optional<std::string>& next = std::nullopt) {
  return JsonDoc([&](JsonWriter& w) {
    w.StartObject();
    w.Key("items");
    w.StartArray();
    for (const auto& item : items) write_item(w, item);
    w.EndArray();
    w.Key("next");
    if (next) WriteString(w, *next); else w.Null();
    w.EndObject();
  });
}

// The body of POST and GET /api/v1/session: {"user":{...},"csrf_token":"..."}.
std::string SessionJson(const User& user, const std::string& csrf_token);

// Customer names shown beside customer ids in one answer: a list page's names
// are read in one store call (Load), a single record's on first use (Name).
class CustomerNameBook {
 public:
  explicit CustomerNameBook(Store& store) : store_(store) {}
  // Reads the names of those of `ids` not known yet, in one store call.
  void Load(const std::vector<int64_t>& ids);
  // The name of customer `id`, "" when it does not exist.
  const std::string& Name(int64_t id);

 private:
  Store& store_;
  std::map<int64_t, std::string> names_;
};

// Marks fields a client may send back but not change; each present one is an error.
void RejectReadOnly(JsonObjectReader& in, std::initializer_list<const char*> fields);

}  // namespace guanxi::http::internal

namespace guanxi::http {

template <typename Fn>
RouteHandler Api::Authed(Fn fn) {
  return [this, fn](const HttpRequest& r, const PathParams& p) -> HttpResponse {
    bool unsafe = r.method != "GET" && r.method != "HEAD";
    auto principal = Authenticate(r, unsafe);
    if (!principal.ok()) {
      auto resp = ProblemFrom(principal.status());
      if (resp.status == 401) resp.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"guanxi\"");
      return resp;
    }
    return fn(r, p, *principal);
  };
}

}  // namespace guanxi::http
