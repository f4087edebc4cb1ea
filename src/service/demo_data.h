// Deterministic demo data: plausible Chinese customers (organisations and
// individuals) with contacts, for first-login demos and benchmarks.
//
//   DemoDataGenerator gen;                       // default seed
//   DemoCustomer d = gen.Make(42);               // always the same 42nd customer
//   d.customer.created_at = gen.CreatedAt(42, now);
//
// Each record depends only on (seed, index): a counter-based PRNG is seeded from
// them, so records can be generated in any order, in chunks and in parallel, and
// the output is identical across platforms and standard libraries. Every
// generated Customer passes NormalizeCustomer unchanged, and every Contact (once
// its customer_id is set) passes NormalizeContact unchanged. Thread-safe: the
// generator is immutable after construction.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/customer.h"

namespace guanxi {

struct DemoCustomer {
  Customer customer;
  std::vector<Contact> contacts;  // customer_id left 0; individuals have none
};

class DemoDataGenerator {
 public:
  static constexpr uint64_t kDefaultSeed = 20261123;

  explicit DemoDataGenerator(uint64_t seed = kDefaultSeed) : seed_(seed) {}

  // The index-th demo customer. Fills every field except id, version,
  // owner_user_id, created_at and updated_at (left at their defaults);
  // external_id is "DEMO-" followed by the index zero-padded to 8 digits.
  // `index` should be non-negative.
  DemoCustomer Make(int64_t index) const;

  // A creation time for the index-th customer, spread over the ~3 years before
  // `now` (more recent times more likely, on working hours in Asia/Shanghai,
  // mostly on weekdays). Deterministic for (seed, index, now); never after `now`.
  UnixSeconds CreatedAt(int64_t index, UnixSeconds now) const;

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
};

}  // namespace guanxi
