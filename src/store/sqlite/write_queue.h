// The single writer: every write runs on one thread that owns the read-write
// connection. Writes queued while a transaction is open are gathered into the
// next one (group commit): one BEGIN IMMEDIATE … COMMIT carries up to
// `max_batch` jobs, each inside its own SAVEPOINT so that one job's failure rolls
// back only that job. A job's caller is answered after the COMMIT has returned,
// so an acknowledged write is durable at the configured synchronous level.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "domain/status.h"
#include "store/sqlite/connection.h"

namespace guanxi::sqlite {

class WriteQueue {
 public:
  using Job = std::function<Status(Connection&)>;

  WriteQueue(std::unique_ptr<Connection> writer, int max_batch);
  ~WriteQueue();

  // Runs `job` in a write transaction and blocks until it has committed (or
  // failed). Thread-safe. After Stop() it answers Unavailable.
  Status Run(Job job);

  // Commits everything queued so far, then stops the thread. Idempotent.
  void Stop();

  // Called from inside a job (on the writer thread): runs `fn` after every job
  // of the current batch, just before COMMIT, and only if the calling job
  // succeeds. Used for FTS5 writes: FTS5 flushes its pending terms at every
  // SAVEPOINT once it is part of a transaction, so touching it last keeps the
  // per-job savepoints cheap and lets a whole batch go into one FTS segment.
  // If a deferred write fails, every job of the batch fails.
  void DeferToBatchEnd(Job fn);

  // Runs `fn` on the writer connection outside any transaction, between batches
  // (checkpoints, backups).
  Status RunExclusive(const std::function<Status(Connection&)>& fn);

 private:
  struct Pending {
    Job job;
    bool exclusive = false;
    std::promise<Status> done;
  };
  void Loop();
  void RunBatch(std::deque<std::unique_ptr<Pending>>& batch);

  std::unique_ptr<Connection> writer_;
  int max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Pending>> queue_;
  std::vector<Job> deferred_;  // writer thread only
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace guanxi::sqlite
