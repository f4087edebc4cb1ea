// Writes synthetic transactions (customer_id,ts,amount) drawn from BG/NBD + Gamma-Gamma
// until at least --rows rows are written. First purchases are spread uniformly over the
// year before --start-span-end; every customer is observed until --end.
//
//   guanxi_bench_gen --rows 10000000 --out tx.csv [--seed 7]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "btyd_simulation.h"

namespace {

// Civil date of a day number (days since 1970-01-01), Howard Hinnant's algorithm.
void CivilFromDays(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
}

}  // namespace

int main(int argc, char** argv) {
  long long rows = 1000000;
  uint64_t seed = 7;
  const char* out_path = nullptr;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--out") == 0) out_path = argv[i + 1];
  }
  if (out_path == nullptr || rows <= 0) {
    std::fprintf(stderr, "usage: guanxi_bench_gen --rows N --out FILE [--seed S]\n");
    return 2;
  }
  std::FILE* out = std::fopen(out_path, "wb");
  if (out == nullptr) {
    std::perror(out_path);
    return 1;
  }
  std::vector<char> buffer(1 << 22);
  std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
  std::fputs("customer_id,ts,amount\n", out);

  constexpr int64_t kFirstDay = 19723;  // 2024-01-01
  constexpr int64_t kSpan = 365;        // first purchases during 2024
  constexpr int64_t kEndDay = 20634;    // 2026-06-30
  guanxi::bench::BtydSimulator sim({}, seed);
  std::mt19937_64 start_rng(seed ^ 0x9e3779b97f4a7c15ULL);
  std::uniform_int_distribution<int64_t> start(0, kSpan - 1);
  guanxi::bench::SimulatedCustomer c;
  long long written = 0, customers = 0;
  while (written < rows) {
    const int64_t first = kFirstDay + start(start_rng);
    sim.Next(static_cast<double>(kEndDay - first) / 7.0, c);
    ++customers;
    for (size_t k = 0; k < c.day_offsets.size() && written < rows; ++k) {
      int y;
      unsigned m, d;
      CivilFromDays(first + c.day_offsets[k], y, m, d);
      const int64_t fen = c.amounts_fen[k];
      std::fprintf(out, "C%lld,%04d-%02u-%02u,%lld.%02lld\n", customers, y, m, d,
                   static_cast<long long>(fen / 100), static_cast<long long>(fen % 100));
      ++written;
    }
  }
  std::fclose(out);
  std::fprintf(stderr, "wrote %lld rows for %lld customers\n", written, customers);
  return 0;
}
