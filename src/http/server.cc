// HttpServer: Boost.Beast/Asio implementation of server.h.
//
// Layout:
//  - one io_context run by options.threads threads;
//  - one acceptor on its own strand;
//  - one Session per connection (shared_from_this) on its own strand. A session
//    reads a request (header first, so "Expect: 100-continue" can be answered),
//    calls the handler synchronously on the strand, writes the response in one
//    write and loops (keep-alive) or closes.
//  - a registry of live sessions (weak_ptrs under a mutex) so Shutdown can reach
//    every connection.
#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace guanxi::http {

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// How long a connection we are closing after an error response keeps being
// drained (so unread request bytes do not turn our close into a RST that
// destroys the response before the client reads it).
constexpr std::chrono::seconds kLingerTime{2};
// After the grace period, how long Shutdown waits for force-closed sessions to
// unwind before stopping the io_context outright.
constexpr std::chrono::milliseconds kForceCloseWait{500};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

void AppendJsonEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
}

HttpResponse Problem(int status, std::string_view title, std::string_view detail) {
  std::string body = "{\"type\":\"about:blank\",\"title\":\"";
  AppendJsonEscaped(body, title);
  body += "\",\"status\":";
  body += std::to_string(status);
  body += ",\"detail\":\"";
  AppendJsonEscaped(body, detail);
  body += "\"}";
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = std::move(body);
  return r;
}

// One line for a log: control characters replaced so the line stays a line.
std::string OneLine(std::string_view s, size_t max_len = 512) {
  std::string out;
  out.reserve(std::min(s.size(), max_len));
  for (char ch : s.substr(0, max_len)) {
    out += (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ? '?' : ch;
  }
  if (s.size() > max_len) out += "...";
  return out;
}

// Splits the request target into decoded path and query pairs. Returns false
// (with a reason) when the target cannot be accepted.
bool ParseTarget(std::string_view target, HttpRequest& req, std::string& why) {
  // absolute-form ("http://host/path?q") → origin-form.
  bool absolute = false;
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() < scheme.size()) continue;
    bool match = true;
    for (size_t i = 0; i < scheme.size() && match; ++i) match = AsciiLower(target[i]) == scheme[i];
    if (!match) continue;
    target.remove_prefix(scheme.size());
    const size_t rest = target.find_first_of("/?");
    target = rest == std::string_view::npos ? std::string_view() : target.substr(rest);
    absolute = true;
    break;
  }
  std::string_view raw_path = target;
  std::string_view raw_query;
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    raw_path = target.substr(0, q);
    raw_query = target.substr(q + 1);
  }
  if (const size_t h = raw_query.find('#'); h != std::string_view::npos) {
    raw_query = raw_query.substr(0, h);
  }
  if (absolute && raw_path.empty()) raw_path = "/";
  if (raw_path.empty() || raw_path.front() != '/') {
    why = "request target must start with '/'";
    return false;
  }
  if (!PercentDecode(raw_path, false, req.path)) {
    why = "malformed percent-escape in path";
    return false;
  }
  if (req.path.find('\0') != std::string::npos) {
    why = "path contains NUL";
    return false;
  }
  while (!raw_query.empty()) {
    const size_t amp = raw_query.find('&');
    const std::string_view piece = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    std::string name, value;
    if (!PercentDecode(piece.substr(0, eq), true, name) ||
        (eq != std::string_view::npos && !PercentDecode(piece.substr(eq + 1), true, value))) {
      why = "malformed percent-escape in query";
      return false;
    }
    req.query.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public helpers

std::string_view HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

const std::string* HttpRequest::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

bool PercentDecode(std::string_view s, bool plus_as_space, std::string& out) {
  out.clear();
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;  // fewer than two characters follow
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>((hi << 4) | lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Server internals

namespace {

class Session;

struct ServerCore {
  ServerOptions options;
  Handler handler;

  // Counters and the session registry are declared before the io_context so
  // they outlive it: destroying the io_context destroys pending handlers, which
  // may destroy the last Session references, which touch these.
  std::atomic<int64_t> in_flight{0};  // inside the handler
  std::atomic<int64_t> active{0};     // inside the handler or writing its response
  std::atomic<int64_t> spared{0};     // shutting down, but a request has arrived: read and answer it
  std::atomic<int64_t> open_connections{0};
  std::atomic<bool> stopping{false};

  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  std::mutex state_mu;
  std::condition_variable state_cv;
  enum class State { kIdle, kRunning, kStopping, kDone } state = State::kIdle;

  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  std::optional<net::thread_pool> blocking_pool;  // handlers of requests that change data

  ServerCore(ServerOptions o, Handler h)
      : options(std::move(o)), handler(std::move(h)), ioc(std::max(1, options.threads)) {}

  void DoAccept();
  void OnAccept(error_code ec, tcp::socket socket);
  void DrainBacklog();
  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s);
  std::vector<std::shared_ptr<Session>> LiveSessions();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore* server, tcp::socket&& socket) : server_(server), stream_(std::move(socket)) {
    server_->open_connections.fetch_add(1);
    error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_address_ = ep.address().to_string();
  }

  ~Session() {
    server_->Unregister(this);
    server_->open_connections.fetch_sub(1);
  }

  void Run() {
    // Start on the session's strand.
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoReadHeader(); });
  }

  // Shutdown step 1: close now unless a response is being produced; in that
  // case the response goes out with "Connection: close" and the session closes.
  // A connection whose request bytes have already arrived (read in part, or
  // waiting in the socket) is not idle: the client sent it before shutdown, so
  // it is read and answered ("Connection: close") rather than dropped.
  void CloseWhenIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->busy_) return;
      if (self->HasPendingInput()) self->Spare();
      else self->CloseNow();
    });
  }

  // Shutdown step 2 (grace over): close no matter what.
  void ForceClose() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->CloseNow(); });
  }

 private:
  bool HasPendingInput() {
    if (closed_) return false;
    if (buffer_.size() > 0 || (parser_ && parser_->got_some())) return true;
    error_code ec;
    return stream_.socket().available(ec) > 0 && !ec;
  }

  void Spare() {
    if (spared_) return;
    spared_ = true;
    server_->spared.fetch_add(1);
  }

  void Unspare() {
    if (!spared_) return;
    spared_ = false;
    server_->spared.fetch_sub(1);
  }

  void CloseNow() {
    Unspare();
    if (closed_) return;
    closed_ = true;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  void DoReadHeader() {
    if (closed_) return;
    if (server_->stopping.load()) {
      if (!HasPendingInput()) {
        CloseNow();
        return;
      }
      Spare();
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(server_->options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(server_->options.max_body_bytes);
    stream_.expires_after(server_->options.idle_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, size_t) { self->OnReadHeader(ec); });
  }

  void OnReadHeader(error_code ec) {
    if (closed_) return;  // closed by Shutdown while the completion was queued
    if (ec) {
      OnReadError(ec);
      return;
    }
    const auto& req = parser_->get();
    if (parser_->is_done()) {
      OnRequest();
      return;
    }
    // Expect: 100-continue (only meaningful for HTTP/1.1).
    const auto expect = req[bhttp::field::expect];
    if (req.version() >= 11 && beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(server_->options.idle_timeout);
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](error_code wec, size_t) {
                         if (wec) {
                           self->CloseNow();
                           return;
                         }
                         self->DoReadBody();
                       });
      return;
    }
    DoReadBody();
  }

  void DoReadBody() {
    if (closed_) return;
    stream_.expires_after(server_->options.idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](error_code ec, size_t) {
                        if (ec) {
                          self->OnReadError(ec);
                          return;
                        }
                        self->OnRequest();
                      });
  }

  void OnReadError(error_code ec) {
    if (closed_) return;
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec.category() != bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
      // Client went away, timeout, cancellation by Shutdown, socket error.
      CloseNow();
      return;
    }
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    if (ec == bhttp::error::header_limit) {
      SendErrorAndClose(Problem(431, "Request Header Fields Too Large",
                                "request header exceeds " +
                                    std::to_string(server_->options.max_header_bytes) + " bytes"),
                        version);
    } else if (ec == bhttp::error::body_limit) {
      SendErrorAndClose(Problem(413, "Payload Too Large",
                                "request body exceeds " +
                                    std::to_string(server_->options.max_body_bytes) + " bytes"),
                        version);
    } else {
      SendErrorAndClose(Problem(400, "Bad Request", "malformed HTTP request: " + ec.message()),
                        version);
    }
  }

  void OnRequest() {
    if (closed_) return;
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.remote_address = remote_address_;
    req.headers.reserve(static_cast<size_t>(std::distance(msg.begin(), msg.end())));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = AsciiLower(c);
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    const bool head = msg.method() == bhttp::verb::head;
    const bool keep_alive = msg.keep_alive();
    const unsigned version = msg.version();

    std::string why;
    if (!ParseTarget(req.target, req, why)) {
      SendErrorAndClose(Problem(400, "Bad Request", why), version);
      return;
    }
    req.body = std::move(msg.body());

    busy_ = true;
    server_->active.fetch_add(1);
    server_->in_flight.fetch_add(1);
    Unspare();
    const bool reads_only = msg.method() == bhttp::verb::get || head ||
                            msg.method() == bhttp::verb::options;
    if (reads_only || !server_->blocking_pool) {
      HttpResponse res = CallHandler(*server_, req);
      server_->in_flight.fetch_sub(1);
      // `active` stays raised until the response is written.
      WriteResponse(std::move(res), version, keep_alive, head, /*counted=*/true, /*linger=*/false);
      return;
    }
    // A write waits for its transaction to commit; waiting on a blocking-pool
    // thread keeps the I/O threads serving reads, and lets many writes wait at
    // once so that they are committed together.
    auto shared_req = std::make_shared<HttpRequest>(std::move(req));
    net::post(*server_->blocking_pool, [self = shared_from_this(), shared_req, version, keep_alive] {
      auto res = std::make_shared<HttpResponse>(CallHandler(*self->server_, *shared_req));
      self->server_->in_flight.fetch_sub(1);
      net::post(self->stream_.get_executor(), [self, res, version, keep_alive] {
        self->WriteResponse(std::move(*res), version, keep_alive, /*head=*/false, /*counted=*/true,
                            /*linger=*/false);
      });
    });
  }

  static HttpResponse CallHandler(ServerCore& server, const HttpRequest& req) {
    try {
      return server.handler(req);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "guanxi http: handler threw for %s %s: %s\n",
                   OneLine(req.method).c_str(), OneLine(req.target).c_str(),
                   OneLine(e.what()).c_str());
    } catch (...) {
      std::fprintf(stderr, "guanxi http: handler threw for %s %s: unknown exception\n",
                   OneLine(req.method).c_str(), OneLine(req.target).c_str());
    }
    return Problem(500, "Internal Server Error", "the server failed to handle the request");
  }

  void SendErrorAndClose(HttpResponse res, unsigned version) {
    busy_ = true;
    WriteResponse(std::move(res), version, /*keep_alive=*/false, /*head=*/false,
                  /*counted=*/false, /*linger=*/true);
  }

  void WriteResponse(HttpResponse&& r, unsigned version, bool keep_alive, bool head, bool counted,
                     bool linger) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version == 10 ? 10 : 11);
    int status = r.status;
    if (status < 100 || status > 999) status = 500;
    res->result(static_cast<unsigned>(status));
    res->set(bhttp::field::server, "guanxi");
    const bool no_body = (status >= 100 && status < 200) || status == 204 || status == 304;
    if (!no_body && !r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) {
      // Framing headers belong to the server; CR/LF would split the header.
      if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
          beast::iequals(name, "connection") || name.empty() ||
          name.find_first_of("\r\n:") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        continue;
      }
      res->insert(name, value);
    }
    if (no_body) {
      r.body.clear();
      res->prepare_payload();
    } else if (head) {
      res->content_length(r.body.size());
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    const bool keep = keep_alive && !server_->stopping.load();
    res->keep_alive(keep);

    stream_.expires_after(server_->options.idle_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep, counted, linger](
                           error_code ec, size_t) { self->OnWrite(ec, keep, counted, linger); });
  }

  void OnWrite(error_code ec, bool keep, bool counted, bool linger) {
    busy_ = false;
    if (counted) server_->active.fetch_sub(1);
    if (ec) {
      CloseNow();
      return;
    }
    if (keep && !server_->stopping.load()) {
      DoReadHeader();
      return;
    }
    if (linger && !server_->stopping.load()) {
      // Half-close and drain what the client still sends, so our close does
      // not reset the connection before it has read the error response.
      error_code sec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, sec);
      if (sec) {
        CloseNow();
        return;
      }
      stream_.expires_after(kLingerTime);
      DoDrain();
      return;
    }
    error_code sec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, sec);
    CloseNow();
  }

  void DoDrain() {
    if (closed_) return;
    stream_.async_read_some(net::buffer(drain_buf_),
                            [self = shared_from_this()](error_code ec, size_t) {
                              if (ec) {
                                self->CloseNow();
                                return;
                              }
                              self->DoDrain();
                            });
  }

  ServerCore* server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_address_;
  bool busy_ = false;    // strand-only: a response is being produced or written
  bool spared_ = false;  // strand-only: counted in server_->spared
  bool closed_ = false;  // strand-only
  char drain_buf_[4096];
};

void ServerCore::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mu);
  sessions.emplace(s.get(), s);
}

void ServerCore::Unregister(Session* s) {
  std::lock_guard lock(sessions_mu);
  sessions.erase(s);
}

std::vector<std::shared_ptr<Session>> ServerCore::LiveSessions() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(sessions_mu);
  out.reserve(sessions.size());
  for (auto& [ptr, weak] : sessions) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void ServerCore::DoAccept() {
  if (stopping.load() || !acceptor || !acceptor->is_open()) return;
  acceptor->async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void ServerCore::OnAccept(error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;
  if (stopping.load() && ec) return;
  if (ec) {
    // E.g. EMFILE: back off briefly instead of spinning.
    std::fprintf(stderr, "guanxi http: accept failed: %s\n", ec.message().c_str());
    if (!accept_retry) accept_retry.emplace(acceptor->get_executor());
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([this](error_code tec) {
      if (!tec) DoAccept();
    });
    return;
  }
  error_code opt_ec;
  socket.set_option(tcp::no_delay(true), opt_ec);
  auto session = std::make_shared<Session>(this, std::move(socket));
  Register(session);  // before Run(), which checks `stopping` on the strand
  session->Run();
  DoAccept();
}

void ServerCore::DrainBacklog() {
  // Connections the kernel completed but we had not accepted yet: take them, so
  // requests their clients already sent are answered instead of reset.
  error_code ec;
  acceptor->non_blocking(true, ec);
  if (ec) return;
  for (;;) {
    tcp::socket socket(net::make_strand(ioc));
    acceptor->accept(socket, ec);
    if (ec) return;  // would_block: the backlog is empty
    error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    auto session = std::make_shared<Session>(this, std::move(socket));
    Register(session);
    session->Run();
  }
}

}  // namespace

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

// ---------------------------------------------------------------------------
// HttpServer

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  bool running;
  {
    std::lock_guard lock(impl_->state_mu);
    running = impl_->state == Impl::State::kRunning;
  }
  if (running) Shutdown(std::chrono::milliseconds(0));
}

uint16_t HttpServer::Start(std::string* error) {
  auto fail = [&](const std::string& what, const error_code& ec) -> uint16_t {
    if (error) *error = what + ": " + ec.message();
    impl_->acceptor.reset();
    return 0;
  };
  {
    std::lock_guard lock(impl_->state_mu);
    if (impl_->state != Impl::State::kIdle) {
      if (error) *error = "server already started";
      return 0;
    }
  }
  Impl& s = *impl_;
  error_code ec;
  tcp::resolver resolver(s.ioc);
  const auto results =
      resolver.resolve(s.options.host, std::to_string(s.options.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return fail("cannot resolve " + s.options.host, ec);
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();

  s.acceptor.emplace(net::make_strand(s.ioc));
  s.acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("open", ec);
  s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR", ec);
  s.acceptor->bind(endpoint, ec);
  if (ec) {
    return fail("bind " + s.options.host + ":" + std::to_string(s.options.port), ec);
  }
  s.acceptor->listen(std::max(1, s.options.listen_backlog), ec);
  if (ec) return fail("listen", ec);
  const uint16_t port = s.acceptor->local_endpoint(ec).port();
  if (ec) return fail("local_endpoint", ec);

  if (s.options.blocking_threads > 0) {
    s.blocking_pool.emplace(static_cast<size_t>(s.options.blocking_threads));
  }
  s.work.emplace(net::make_work_guard(s.ioc));
  // The acceptor lives on a strand; start accepting there.
  net::post(s.acceptor->get_executor(), [&s] { s.DoAccept(); });
  const int n = std::max(1, s.options.threads);
  s.threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
  {
    std::lock_guard lock(s.state_mu);
    s.state = Impl::State::kRunning;
  }
  return port;
}

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  Impl& s = *impl_;
  {
    std::unique_lock lock(s.state_mu);
    switch (s.state) {
      case Impl::State::kIdle:
        s.state = Impl::State::kDone;
        s.state_cv.notify_all();
        return;
      case Impl::State::kStopping:
        s.state_cv.wait(lock, [&] { return s.state == Impl::State::kDone; });
        return;
      case Impl::State::kDone:
        return;
      case Impl::State::kRunning:
        s.state = Impl::State::kStopping;
        break;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  s.stopping.store(true);

  // 1. Stop accepting. The acceptor lives on its strand, so the close is posted
  //    there; wait for it (bounded by the grace period, in case every I/O thread
  //    is stuck in a handler) so a connect made after this point is refused
  //    rather than left in the backlog.
  {
    struct Done {
      std::mutex mu;
      std::condition_variable cv;
      bool closed = false;
    };
    auto done = std::make_shared<Done>();
    net::post(s.acceptor->get_executor(), [&s, done] {
      error_code ec;
      s.DrainBacklog();
      s.acceptor->close(ec);
      if (s.accept_retry) s.accept_retry->cancel();
      std::lock_guard lock(done->mu);
      done->closed = true;
      done->cv.notify_all();
    });
    std::unique_lock lock(done->mu);
    done->cv.wait_until(lock, deadline, [&] { return done->closed; });
  }

  // 2. Close idle connections now; busy ones answer with "Connection: close".
  for (auto& session : s.LiveSessions()) session->CloseWhenIdle();

  // 3. Let in-flight requests finish, up to the grace period.
  while ((s.active.load() > 0 || s.spared.load() > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  // 4. Close whatever is left and stop. Handlers already running on the
  //    blocking pool finish (their writes commit); queued ones are dropped.
  for (auto& session : s.LiveSessions()) session->ForceClose();
  if (s.blocking_pool) {
    s.blocking_pool->stop();
    s.blocking_pool->join();
  }
  s.work.reset();
  const auto force_deadline = std::chrono::steady_clock::now() + kForceCloseWait;
  while (s.open_connections.load() > 0 && std::chrono::steady_clock::now() < force_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  s.ioc.stop();
  for (auto& t : s.threads) {
    if (t.joinable()) t.join();
  }
  s.threads.clear();
  {
    // No I/O thread is left: safe to touch the acceptor directly (a no-op
    // unless step 1 timed out).
    error_code ec;
    s.acceptor->close(ec);
  }

  {
    std::lock_guard lock(s.state_mu);
    s.state = Impl::State::kDone;
  }
  s.state_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->state_mu);
  impl_->state_cv.wait(lock, [&] { return impl_->state == Impl::State::kDone; });
}

int64_t HttpServer::InFlight() const { return impl_->in_flight.load(); }

int64_t HttpServer::OpenConnections() const { return impl_->open_connections.load(); }

}  // namespace guanxi::http
