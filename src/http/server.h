// The HTTP/1.1 server (Boost.Beast underneath; no Beast type appears here so this
// header stays light). It parses requests, enforces limits, calls one Handler per
// request on an I/O thread and writes the answer.
//
//   HttpServer server(options, [](const HttpRequest& r) { return HttpResponse::Text(200, "hi"); });
//   auto port = server.Start();            // binds and listens; port 0 picks a free one
//   ...
//   server.Shutdown(std::chrono::seconds(10));  // stop accepting, drain in-flight, close
//
// Limits enforced by the server itself, before the handler runs:
//  - header block larger than options.max_header_bytes → 431;
//  - body larger than options.max_body_bytes → 413 problem+json;
//  - malformed HTTP → 400 and the connection closes;
//  - idle keep-alive connections close after options.idle_timeout.
// The handler may block: GET/HEAD run on one of options.threads I/O threads,
// other methods on the blocking pool (options.blocking_threads).
// Thread safety: Start/Shutdown from one controlling thread; the handler is
// called concurrently from several threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guanxi::http {

struct HttpRequest {
  std::string method;        // "GET", "POST", ...
  std::string target;        // as sent: "/api/v1/customers?q=%E5%AE%A2"
  std::string path;          // percent-decoded path without the query: "/api/v1/customers"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;  // "127.0.0.1"

  // First header with this lower-case name, or "" when absent.
  std::string_view Header(std::string_view lower_name) const;
  // First query parameter with this name, or nullptr when absent.
  const std::string* Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Text(int status, std::string body);
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port
  int threads = 4;  // I/O threads; GET and HEAD handlers run on them
  // Handlers of other methods (which wait for a durable commit) run on a pool of
  // this many threads, so waiting writes neither hold the I/O threads nor
  // limit how many writes are committed together. 0 runs them on the I/O threads.
  int blocking_threads = 64;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::seconds idle_timeout{60};
  int listen_backlog = 1024;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Returns the bound port, or 0 and
  // fills `error` when binding fails.
  uint16_t Start(std::string* error);

  // Stops accepting, lets in-flight requests finish (up to `grace`), then closes
  // every connection and joins the threads. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  // Blocks until Shutdown has completed.
  void Wait();

  // Requests currently being handled (for /metrics).
  int64_t InFlight() const;
  // Open connections (for /metrics).
  int64_t OpenConnections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-decodes `s` ('+' stays '+'; in a query string call with plus_as_space).
// Returns false on a malformed escape.
bool PercentDecode(std::string_view s, bool plus_as_space, std::string& out);

}  // namespace guanxi::http
