#include "store/sqlite/write_queue.h"

#include <utility>

namespace guanxi::sqlite {

WriteQueue::WriteQueue(std::unique_ptr<Connection> writer, int max_batch)
    : writer_(std::move(writer)), max_batch_(max_batch < 1 ? 1 : max_batch) {
  thread_ = std::thread([this] { Loop(); });
}

WriteQueue::~WriteQueue() { Stop(); }

Status WriteQueue::Run(Job job) {
  auto p = std::make_unique<Pending>();
  p->job = std::move(job);
  auto fut = p->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("the database is closing");
    queue_.push_back(std::move(p));
  }
  cv_.notify_one();
  return fut.get();
}

Status WriteQueue::RunExclusive(const std::function<Status(Connection&)>& fn) {
  auto p = std::make_unique<Pending>();
  p->job = fn;
  p->exclusive = true;
  auto fut = p->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("the database is closing");
    queue_.push_back(std::move(p));
  }
  cv_.notify_one();
  return fut.get();
}

void WriteQueue::DeferToBatchEnd(Job fn) { deferred_.push_back(std::move(fn)); }

void WriteQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WriteQueue::Loop() {
  for (;;) {
    std::deque<std::unique_ptr<Pending>> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      if (queue_.front()->exclusive) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      } else {
        while (!queue_.empty() && !queue_.front()->exclusive &&
               static_cast<int>(batch.size()) < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (batch.front()->exclusive) {
      Status s = batch.front()->job(*writer_);
      batch.front()->done.set_value(std::move(s));
      continue;
    }
    RunBatch(batch);
  }
}

void WriteQueue::RunBatch(std::deque<std::unique_ptr<Pending>>& batch) {
  deferred_.clear();
  Status begin = writer_->Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (auto& p : batch) p->done.set_value(begin);
    return;
  }
  std::vector<Status> results;
  results.reserve(batch.size());
  // A lone job needs no SAVEPOINT: if it fails the whole transaction is rolled
  // back. (Savepoints also make SQLite keep a statement journal that each later
  // statement walks, which turns one large job, a bulk load, quadratic.)
  const bool lone = batch.size() == 1;
  for (auto& p : batch) {
    const size_t deferred_before = deferred_.size();
    Status s = lone ? Status::Ok() : writer_->Exec("SAVEPOINT job");
    if (s.ok()) {
      s = p->job(*writer_);
      if (lone) {
        // Nothing to release; a failure rolls back below.
      } else if (s.ok()) {
        s = writer_->Exec("RELEASE job");
      } else {
        (void)writer_->Exec("ROLLBACK TO job");
        (void)writer_->Exec("RELEASE job");
      }
    }
    if (!s.ok()) deferred_.resize(deferred_before);
    results.push_back(std::move(s));
  }
  Status end;
  if (lone && !results.front().ok()) {
    end = results.front();
  } else {
    for (auto& fn : deferred_) {
      end = fn(*writer_);
      if (!end.ok()) break;
    }
    if (end.ok()) end = writer_->Exec("COMMIT");
  }
  deferred_.clear();
  if (!end.ok()) {
    (void)writer_->Exec("ROLLBACK");
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->done.set_value(results[i].ok() ? end : std::move(results[i]));
    }
    return;
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(std::move(results[i]));
}

}  // namespace guanxi::sqlite
