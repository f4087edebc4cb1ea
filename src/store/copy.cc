// CopyStore: one backend's rows into another, verified by reading them back.
// The export runs on its own thread and hands chunks over a small bounded
// queue, so memory stays at a few chunks whatever the database's size.
#include <openssl/evp.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "domain/encoding.h"
#include "store/store.h"

namespace guanxi {
namespace {

constexpr int kChunkRows = 5000;
constexpr size_t kQueueChunks = 4;

// Row count and SHA-256 of each table's rows, in the order they stream by.
class TableDigests {
 public:
  void Add(const TableRows& chunk) {
    auto& d = digests_[chunk.table];
    if (!d.ctx) {
      d.ctx.reset(EVP_MD_CTX_new());
      EVP_DigestInit_ex(d.ctx.get(), EVP_sha256(), nullptr);
    }
    for (const auto& row : chunk.rows) {
      for (const auto& v : row) {
        // Length-prefixed, with NULL distinct from "", so no two rows collide by framing.
        unsigned char tag = v ? 1 : 0;
        EVP_DigestUpdate(d.ctx.get(), &tag, 1);
        if (!v) continue;
        uint64_t n = v->size();
        EVP_DigestUpdate(d.ctx.get(), &n, sizeof n);
        EVP_DigestUpdate(d.ctx.get(), v->data(), v->size());
      }
    }
    d.rows += static_cast<int64_t>(chunk.rows.size());
  }
  int64_t Rows(const std::string& table) const {
    auto it = digests_.find(table);
    return it == digests_.end() ? 0 : it->second.rows;
  }
  std::string Checksum(const std::string& table) {
    auto& d = digests_[table];
    if (!d.ctx) {
      d.ctx.reset(EVP_MD_CTX_new());
      EVP_DigestInit_ex(d.ctx.get(), EVP_sha256(), nullptr);
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(d.ctx.get(), out, &len);
    d.ctx.reset();
    return HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
  }

 private:
  struct Digest {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{nullptr, &EVP_MD_CTX_free};
    int64_t rows = 0;
  };
  std::map<std::string, Digest> digests_;
};

// A bounded hand-over of chunks from the exporting thread to the importer.
class ChunkQueue {
 public:
  // Blocks while full; false when the consumer has gone away.
  bool Push(TableRows chunk) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return q_.size() < kQueueChunks || abandoned_; });
    if (abandoned_) return false;
    q_.push_back(std::move(chunk));
    cv_.notify_all();
    return true;
  }
  void Finish(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    producer_status_ = std::move(s);
    cv_.notify_all();
  }
  void Abandon() {
    std::lock_guard<std::mutex> lock(mu_);
    abandoned_ = true;
    cv_.notify_all();
  }
  // The next chunk, nullopt at a clean end, or the producer's failure.
  Result<std::optional<TableRows>> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !q_.empty() || done_; });
    if (!q_.empty()) {
      TableRows c = std::move(q_.front());
      q_.pop_front();
      cv_.notify_all();
      return std::optional<TableRows>(std::move(c));
    }
    if (!producer_status_.ok()) return producer_status_;
    return std::optional<TableRows>();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<TableRows> q_;
  bool done_ = false;
  bool abandoned_ = false;
  Status producer_status_;
};

}  // namespace

Status CopyStore(Store& from, Store& to, std::vector<TableCopyReport>* report) {
  TableDigests sent;
  ChunkQueue queue;
  std::thread producer([&] {
    Status s = from.ExportTables(kChunkRows, [&](const TableRows& chunk) -> Status {
      sent.Add(chunk);
      if (!queue.Push(chunk)) return Status::Unavailable("the destination stopped reading");
      return Status::Ok();
    });
    queue.Finish(std::move(s));
  });
  Status imported = to.ImportTables([&] { return queue.Pop(); });
  queue.Abandon();
  producer.join();
  GX_RETURN_IF_ERROR(imported);

  TableDigests landed;
  GX_RETURN_IF_ERROR(to.ExportTables(kChunkRows, [&](const TableRows& chunk) {
    landed.Add(chunk);
    return Status::Ok();
  }));
  std::vector<std::string> differing;
  for (const std::string& table : PortableTables()) {
    TableCopyReport r;
    r.table = table;
    r.source_rows = sent.Rows(table);
    r.destination_rows = landed.Rows(table);
    r.source_checksum = sent.Checksum(table);
    r.destination_checksum = landed.Checksum(table);
    if (!r.matches()) differing.push_back(table);
    if (report) report->push_back(std::move(r));
  }
  if (!differing.empty()) {
    std::string list;
    for (const auto& t : differing) list += (list.empty() ? "" : ", ") + t;
    return Status::Internal("the copy differs from the source in: " + list);
  }
  return Status::Ok();
}

}  // namespace guanxi
