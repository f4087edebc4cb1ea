// Tests for the Beast-based HttpServer: real server on 127.0.0.1:0, real sockets.
#include <gtest/gtest.h>

#include <condition_variable>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "http/server.h"

namespace guanxi::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A raw, synchronous client connection.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void Send(std::string_view raw) { net::write(socket_, net::buffer(raw.data(), raw.size())); }

  // Reads one response; `head` when it answers a HEAD request.
  bhttp::response<bhttp::string_body> Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  bhttp::response<bhttp::string_body> Roundtrip(std::string_view raw, bool head = false) {
    Send(raw);
    return Read(head);
  }

  // True when the server closed the connection (EOF or reset) with no more data.
  bool ReadsEof() {
    if (buffer_.size() > 0) return false;
    char c;
    boost::system::error_code ec;
    socket_.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  // Reads raw bytes until `n` bytes or EOF.
  std::string ReadRaw(size_t n) {
    std::string out(n, '\0');
    boost::system::error_code ec;
    const size_t got = net::read(socket_, net::buffer(out), ec);
    out.resize(got);
    return out;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

std::string Get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" + std::string(extra) +
         "\r\n";
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ =
        std::make_unique<HttpServer>(options, [this](const HttpRequest& r) { return Handle(r); });
    std::string error;
    port_ = server_->Start(&error);
    ASSERT_NE(port_, 0) << error;
    ASSERT_TRUE(error.empty()) << error;
  }

  void TearDown() override {
    if (server_) server_->Shutdown(milliseconds(1000));
  }

  HttpResponse Handle(const HttpRequest& r) {
    {
      std::lock_guard lock(mu_);
      last_ = r;
      ++calls_;
    }
    if (r.path == "/slow") {
      std::this_thread::sleep_for(milliseconds(300));
      return HttpResponse::Text(200, "slow done");
    }
    if (r.path == "/throw") throw std::runtime_error("boom");
    if (r.path == "/created") {
      HttpResponse res = HttpResponse::Json(201, "{\"id\":7}");
      res.headers.emplace_back("Location", "/things/7");
      return res;
    }
    if (r.path == "/empty") return HttpResponse{204, "application/json", "", {}};
    if (r.path == "/echo") return HttpResponse::Text(200, r.body);
    if (r.path == "/wait-for-get") {
      // Blocks until a GET to /release has been answered (or 5 s pass).
      std::unique_lock lock(mu_);
      bool released = release_cv_.wait_for(lock, milliseconds(5000), [this] { return released_; });
      return HttpResponse::Text(released ? 201 : 504, released ? "released" : "timed out");
    }
    if (r.path == "/release") {
      {
        std::lock_guard lock(mu_);
        released_ = true;
      }
      release_cv_.notify_all();
      return HttpResponse::Text(200, "released");
    }
    return HttpResponse::Text(200, "hello " + r.path);
  }

  HttpRequest Last() {
    std::lock_guard lock(mu_);
    return last_;
  }
  int Calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::mutex mu_;
  HttpRequest last_;
  int calls_ = 0;
  std::condition_variable release_cv_;
  bool released_ = false;
};

TEST(PercentDecodeTest, DecodesAndRejects) {
  std::string out;
  EXPECT_TRUE(PercentDecode("/a%20b", false, out));
  EXPECT_EQ(out, "/a b");
  EXPECT_TRUE(PercentDecode("a+b", false, out));
  EXPECT_EQ(out, "a+b");
  EXPECT_TRUE(PercentDecode("a+b", true, out));
  EXPECT_EQ(out, "a b");
  EXPECT_TRUE(PercentDecode("%E5%AE%a2", false, out));
  EXPECT_EQ(out, "\xE5\xAE\xA2");
  EXPECT_TRUE(PercentDecode("", false, out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(PercentDecode("%", false, out));
  EXPECT_FALSE(PercentDecode("%2", false, out));
  EXPECT_FALSE(PercentDecode("a%zz", false, out));
  EXPECT_FALSE(PercentDecode("%g0", true, out));
}

TEST(HttpResponseTest, Helpers) {
  const HttpResponse t = HttpResponse::Text(404, "nope");
  EXPECT_EQ(t.status, 404);
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(t.body, "nope");
  const HttpResponse j = HttpResponse::Json(201, "{}");
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.content_type, "application/json");
  EXPECT_EQ(j.body, "{}");
}

TEST(HttpRequestTest, HeaderAndQueryLookups) {
  HttpRequest r;
  r.headers = {{"x-a", "1"}, {"x-a", "2"}};
  r.query = {{"q", "v"}, {"q", "w"}};
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("x-b"), "");
  ASSERT_NE(r.Query("q"), nullptr);
  EXPECT_EQ(*r.Query("q"), "v");
  EXPECT_EQ(r.Query("z"), nullptr);
}

TEST_F(HttpServerTest, SimpleGet) {
  StartServer();
  Client c(port_);
  auto res = c.Roundtrip(Get("/hello"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hello /hello");
  EXPECT_EQ(res[bhttp::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(res[bhttp::field::server], "guanxi");
  EXPECT_EQ(res[bhttp::field::content_length], "12");
  EXPECT_EQ(Last().method, "GET");
  EXPECT_EQ(Last().remote_address, "127.0.0.1");
}

TEST_F(HttpServerTest, StatusAndExtraHeaders) {
  StartServer();
  Client c(port_);
  auto res = c.Roundtrip(Get("/created"));
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), "{\"id\":7}");
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res[bhttp::field::location], "/things/7");
  auto empty = c.Roundtrip(Get("/empty"));
  EXPECT_EQ(empty.result_int(), 204);
  EXPECT_EQ(empty.body(), "");
}

TEST_F(HttpServerTest, DecodesPathQueryAndHeaders) {
  StartServer();
  Client c(port_);
  auto res =
      c.Roundtrip(Get("/a%20b?q=%E5%AE%A2%E6%88%B7&x=1+2&flag&&e=", "X-Custom-Thing: Value\r\n"));
  EXPECT_EQ(res.result_int(), 200);
  const HttpRequest r = Last();
  EXPECT_EQ(r.target, "/a%20b?q=%E5%AE%A2%E6%88%B7&x=1+2&flag&&e=");
  EXPECT_EQ(r.path, "/a b");
  ASSERT_NE(r.Query("q"), nullptr);
  EXPECT_EQ(*r.Query("q"), "客户");
  ASSERT_NE(r.Query("x"), nullptr);
  EXPECT_EQ(*r.Query("x"), "1 2");
  ASSERT_NE(r.Query("flag"), nullptr);
  EXPECT_EQ(*r.Query("flag"), "");
  ASSERT_NE(r.Query("e"), nullptr);
  EXPECT_EQ(*r.Query("e"), "");
  ASSERT_EQ(r.query.size(), 4u);
  EXPECT_EQ(r.query[0].first, "q");
  EXPECT_EQ(r.query[1].first, "x");
  EXPECT_EQ(r.Header("x-custom-thing"), "Value");
  EXPECT_EQ(r.Header("host"), "localhost");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(res.body(), "hello /a b");
}

// Writes that wait (here: for a GET) run on the blocking pool, so a GET is still
// answered by the only I/O thread while they wait.
TEST_F(HttpServerTest, WaitingWritesDoNotHoldTheIoThreads) {
  ServerOptions o;
  o.threads = 1;
  o.blocking_threads = 4;
  StartServer(o);
  std::vector<std::unique_ptr<Client>> writers;
  for (int i = 0; i < 3; ++i) {
    writers.push_back(std::make_unique<Client>(port_));
    writers.back()->Send("POST /wait-for-get HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  }
  while (server_->InFlight() < 3) std::this_thread::sleep_for(milliseconds(2));
  Client reader(port_);
  EXPECT_EQ(reader.Roundtrip(Get("/release")).result_int(), 200);
  for (auto& w : writers) {
    auto res = w->Read();
    EXPECT_EQ(res.result_int(), 201);
    EXPECT_EQ(res.body(), "released");
  }
}

TEST_F(HttpServerTest, PostBodyIsPassed) {
  StartServer();
  Client c(port_);
  auto res = c.Roundtrip(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 11\r\n\r\n{\"a\":\"b c\"}");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "{\"a\":\"b c\"}");
  EXPECT_EQ(Last().method, "POST");
  EXPECT_EQ(Last().Header("content-type"), "application/json");
}

TEST_F(HttpServerTest, ChunkedBodyIsPassed) {
  StartServer();
  Client c(port_);
  auto res = c.Roundtrip(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "abcde");
}

TEST_F(HttpServerTest, BadEscapesInPathGive400) {
  StartServer();
  for (const char* target : {"/a%zz", "/a%2", "/a%00b", "/x?q=%G1"}) {
    Client c(port_);
    auto res = c.Roundtrip(Get(target));
    EXPECT_EQ(res.result_int(), 400) << target;
    EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json") << target;
    EXPECT_TRUE(c.ReadsEof()) << target;
  }
  EXPECT_EQ(Calls(), 0);
}

TEST_F(HttpServerTest, BodyOverLimitGives413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  StartServer(o);
  {
    Client c(port_);
    const std::string body(1024 * 1024, 'x');
    auto res = c.Roundtrip("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
    EXPECT_EQ(res.body(),
              "{\"type\":\"about:blank\",\"title\":\"Payload Too Large\",\"status\":413,"
              "\"detail\":\"request body exceeds 1024 bytes\"}");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.ReadsEof());
  }
  {
    // Chunked bodies are limited too.
    Client c(port_);
    const std::string chunk(1000, 'y');
    auto res = c.Roundtrip(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3e8\r\n" +
        chunk + "\r\n3e8\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(res.result_int(), 413);
  }
  {
    // Exactly at the limit is fine.
    Client c(port_);
    const std::string body(1024, 'z');
    auto res = c.Roundtrip("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" + body);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), body);
  }
  EXPECT_EQ(Calls(), 1);
}

TEST_F(HttpServerTest, HeaderOverLimitGives431) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  StartServer(o);
  Client c(port_);
  auto res = c.Roundtrip(Get("/", "X-Big: " + std::string(4096, 'a') + "\r\n"));
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(Calls(), 0);
}

TEST_F(HttpServerTest, MalformedRequestLineGives400AndCloses) {
  StartServer();
  Client c(port_);
  auto res = c.Roundtrip("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_NE(res.body().find("\"status\":400"), std::string::npos);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(Calls(), 0);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequests) {
  StartServer();
  Client c(port_);
  auto r1 = c.Roundtrip(Get("/one"));
  EXPECT_EQ(r1.result_int(), 200);
  EXPECT_EQ(r1.body(), "hello /one");
  EXPECT_TRUE(r1.keep_alive());
  auto r2 = c.Roundtrip(Get("/two"));
  EXPECT_EQ(r2.result_int(), 200);
  EXPECT_EQ(r2.body(), "hello /two");
  // Pipelined: both requests sent before reading.
  c.Send(Get("/three") + Get("/four"));
  EXPECT_EQ(c.Read().body(), "hello /three");
  EXPECT_EQ(c.Read().body(), "hello /four");
  EXPECT_EQ(server_->OpenConnections(), 1);
  EXPECT_EQ(Calls(), 4);
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10AreHonoured) {
  StartServer();
  {
    Client c(port_);
    auto res = c.Roundtrip(Get("/bye", "Connection: close\r\n"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.ReadsEof());
  }
  {
    Client c(port_);
    auto res = c.Roundtrip("GET /old HTTP/1.0\r\n\r\n");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.version(), 10);
    EXPECT_EQ(res.body(), "hello /old");
    EXPECT_TRUE(c.ReadsEof());
  }
  {
    Client c(port_);
    auto res = c.Roundtrip("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_TRUE(res.keep_alive());
    auto res2 = c.Roundtrip("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(res2.body(), "hello /again");
  }
}

TEST_F(HttpServerTest, HeadHasNoBody) {
  StartServer();
  Client c(port_);
  auto res = c.Roundtrip("HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\n", /*head=*/true);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[bhttp::field::content_length], "12");  // length of "hello /thing"
  EXPECT_EQ(res.body(), "");
  // The connection is still in sync: the next response is parsed correctly.
  auto next = c.Roundtrip(Get("/next"));
  EXPECT_EQ(next.body(), "hello /next");
}

TEST_F(HttpServerTest, HandlerExceptionGives500) {
  StartServer();
  Client c(port_);
  auto res = c.Roundtrip(Get("/throw"));
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_NE(res.body().find("\"status\":500"), std::string::npos);
  EXPECT_EQ(res.body().find("boom"), std::string::npos);  // no internals leaked
  // The connection survives.
  EXPECT_EQ(c.Roundtrip(Get("/ok")).body(), "hello /ok");
  EXPECT_EQ(server_->InFlight(), 0);
}

TEST_F(HttpServerTest, ExpectContinue) {
  StartServer();
  Client c(port_);
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  const std::string interim = c.ReadRaw(25);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("hello");
  auto res = c.Read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hello");
}

TEST_F(HttpServerTest, IdleTimeoutClosesConnection) {
  ServerOptions o;
  o.idle_timeout = std::chrono::seconds(1);
  StartServer(o);
  Client c(port_);
  EXPECT_EQ(c.Roundtrip(Get("/x")).result_int(), 200);
  const auto t0 = Clock::now();
  EXPECT_TRUE(c.ReadsEof());
  const auto waited = Clock::now() - t0;
  EXPECT_GE(waited, milliseconds(800));
  EXPECT_LT(waited, milliseconds(3000));
}

TEST_F(HttpServerTest, CountsConnectionsAndInFlight) {
  StartServer();
  EXPECT_EQ(server_->OpenConnections(), 0);
  EXPECT_EQ(server_->InFlight(), 0);
  auto slow = std::async(std::launch::async, [this] {
    Client c(port_);
    return c.Roundtrip(Get("/slow")).result_int();
  });
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (server_->InFlight() == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(1));
  EXPECT_EQ(server_->InFlight(), 1);
  EXPECT_EQ(server_->OpenConnections(), 1);
  EXPECT_EQ(slow.get(), 200);
  EXPECT_EQ(server_->InFlight(), 0);
  const auto deadline2 = Clock::now() + std::chrono::seconds(2);
  while (server_->OpenConnections() != 0 && Clock::now() < deadline2)
    std::this_thread::sleep_for(milliseconds(1));
  EXPECT_EQ(server_->OpenConnections(), 0);
}

TEST_F(HttpServerTest, ShutdownDrainsInFlightRequest) {
  StartServer();
  auto slow = std::async(std::launch::async, [this] {
    Client c(port_);
    auto res = c.Roundtrip(Get("/slow"));
    return std::make_pair(res.result_int(), res.keep_alive());
  });
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (server_->InFlight() == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(1));
  ASSERT_EQ(server_->InFlight(), 1);

  std::atomic<bool> waited{false};
  std::thread waiter([&] {
    server_->Wait();
    waited = true;
  });
  const auto t0 = Clock::now();
  server_->Shutdown(std::chrono::seconds(5));
  const auto took = Clock::now() - t0;
  waiter.join();
  EXPECT_TRUE(waited.load());
  EXPECT_LT(took, std::chrono::seconds(2));

  const auto [status, keep_alive] = slow.get();
  EXPECT_EQ(status, 200);
  EXPECT_FALSE(keep_alive);  // answered with Connection: close
  EXPECT_EQ(server_->InFlight(), 0);
  EXPECT_EQ(server_->OpenConnections(), 0);

  // No longer accepting.
  EXPECT_THROW(Client c(port_), boost::system::system_error);

  // Idempotent.
  server_->Shutdown(std::chrono::seconds(5));
  server_->Wait();
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionsDoNotDelayShutdown) {
  StartServer();
  Client a(port_);
  Client b(port_);
  EXPECT_EQ(a.Roundtrip(Get("/a")).result_int(), 200);
  EXPECT_EQ(b.Roundtrip(Get("/b")).result_int(), 200);
  // A third connection that never sent anything.
  Client idle(port_);
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (server_->OpenConnections() < 3 && Clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(1));
  EXPECT_EQ(server_->OpenConnections(), 3);

  const auto t0 = Clock::now();
  server_->Shutdown(std::chrono::seconds(5));
  const auto took = Clock::now() - t0;
  EXPECT_LT(took, milliseconds(1000));
  EXPECT_TRUE(a.ReadsEof());
  EXPECT_TRUE(b.ReadsEof());
  EXPECT_TRUE(idle.ReadsEof());
  EXPECT_EQ(server_->OpenConnections(), 0);
}

TEST_F(HttpServerTest, ShutdownWithoutConnectionsAndDestructor) {
  StartServer();
  const auto t0 = Clock::now();
  server_->Shutdown(std::chrono::seconds(5));
  EXPECT_LT(Clock::now() - t0, milliseconds(500));
  // A second server destroyed while running shuts down by itself.
  auto other = std::make_unique<HttpServer>(ServerOptions{.port = 0},
                                            [](const HttpRequest&) { return HttpResponse{}; });
  std::string error;
  EXPECT_NE(other->Start(&error), 0);
  other.reset();
}

TEST_F(HttpServerTest, BindFailureIsReported) {
  StartServer();
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = port_;
  HttpServer second(o, [](const HttpRequest&) { return HttpResponse{}; });
  std::string error;
  EXPECT_EQ(second.Start(&error), 0);
  EXPECT_FALSE(error.empty());
  second.Shutdown(milliseconds(0));
  second.Wait();  // returns: never started counts as shut down
}

}  // namespace
}  // namespace guanxi::http
