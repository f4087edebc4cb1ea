// Time as a dependency, so tests can fake it (session expiry, rate limits).
#pragma once

#include <chrono>

#include "domain/customer.h"

namespace guanxi {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixSeconds Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixSeconds Now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace guanxi
