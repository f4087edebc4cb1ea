// Thread-safe log Γ for the analytics layer: glibc's lgamma writes the global `signgam`,
// so concurrent fits must use the reentrant lgamma_r.
#pragma once

#include <cmath>

namespace guanxi::analytics {

// log |Γ(x)|; the models only call it with x > 0.
inline double LogGamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

}  // namespace guanxi::analytics
