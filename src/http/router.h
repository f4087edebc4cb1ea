// Routes "METHOD /path/{param}" patterns to handlers. Parameters are path
// segments; the router passes them as strings in order. Unknown paths answer
// 404, known paths with another method 405 with an Allow header.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/server.h"

namespace guanxi::http {

using PathParams = std::vector<std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/customers/{id}"
  std::vector<std::string> segments;
  RouteHandler handler;
  std::vector<std::string> query_params;  // the query parameters it understands
};

class Router {
 public:
  // `query_params` lists the query parameters the route understands; a request
  // with any other is refused (400) before the handler runs.
  void Add(std::string method, std::string pattern, RouteHandler handler,
           std::vector<std::string> query_params = {});
  // Finds the route; fills `params` and `pattern`. Returns nullptr when none matches,
  // with `allowed` listing the methods that would match the path (for 405).
  const Route* Match(const std::string& method, const std::string& path, PathParams& params,
                     std::vector<std::string>& allowed) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace guanxi::http
