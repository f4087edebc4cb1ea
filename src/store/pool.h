// A fixed set of database connections shared by threads: Acquire() lends one
// until the lease goes out of scope. Used by both backends (SQLite's read-only
// connections, PostgreSQL's connections). Internal to src/store/.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace guanxi {

template <typename Conn>
class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Conn> c) : pool_(pool), conn_(std::move(c)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    Conn& operator*() { return *conn_; }
    Conn* operator->() { return conn_.get(); }
    // Puts a new connection in place of a broken one.
    void Replace(std::unique_ptr<Conn> c) { conn_ = std::move(c); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  void Add(std::unique_ptr<Conn> c) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(c));
  }

  // Waits for a free connection; nullopt once the pool is closed.
  std::optional<Lease> Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return closed_ || !free_.empty(); });
    if (closed_) return std::nullopt;
    auto c = std::move(free_.back());
    free_.pop_back();
    return std::optional<Lease>(std::in_place, this, std::move(c));
  }

  // Closes the free connections now and the lent ones when they come back.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    free_.clear();
    cv_.notify_all();
  }

 private:
  void Return(std::unique_ptr<Conn> c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!closed_) free_.push_back(std::move(c));
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> free_;
  bool closed_ = false;
};

}  // namespace guanxi
