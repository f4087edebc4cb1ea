// Times the model fits at several sizes: BG/NBD + Gamma-Gamma on N simulated customers'
// (x, t_x, T, m_x), and k-means (k = 8) on N customers × 3 standardised features.
// Prints one JSON object per line: {"n":…,"bgnbd_s":…,"gamma_gamma_s":…,"kmeans_s":…, …}.
//
//   guanxi_bench_fit 100000 1000000 10000000
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "analytics/bgnbd.h"
#include "analytics/gamma_gamma.h"
#include "analytics/kmeans.h"
#include "btyd_simulation.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  using guanxi::analytics::BtydData;
  for (int i = 1; i < argc; ++i) {
    const size_t n = std::strtoull(argv[i], nullptr, 10);
    BtydData data;
    data.unit = guanxi::analytics::TimeUnit::kWeek;
    data.customer.resize(n);
    data.x.resize(n);
    data.t_x.resize(n);
    data.T.resize(n);
    data.m_x.resize(n);
    guanxi::analytics::FeatureMatrix features;
    features.rows = n;
    features.columns = 3;
    features.values.resize(n * 3);
    features.names = {"recency", "frequency", "monetary"};
    guanxi::bench::BtydSimulator sim({}, 11 + i);
    std::mt19937_64 rng(99 + i);
    std::uniform_int_distribution<int> age_days(7, 52 * 7);
    guanxi::bench::SimulatedCustomer c;
    for (size_t k = 0; k < n; ++k) {
      const int age = age_days(rng);
      sim.Next(age / 7.0, c);
      // Same-day purchases merge, as BtydStatistics does.
      int last = c.day_offsets[0], distinct = 1;
      double repeat_sum = 0, total = static_cast<double>(c.amounts_fen[0]);
      for (size_t j = 1; j < c.day_offsets.size(); ++j) {
        total += static_cast<double>(c.amounts_fen[j]);
        if (c.day_offsets[j] > age) break;
        if (c.day_offsets[j] != last) ++distinct;
        last = c.day_offsets[j];
        repeat_sum += static_cast<double>(c.amounts_fen[j]);
      }
      data.customer[k] = static_cast<uint32_t>(k);
      data.x[k] = distinct - 1;
      data.t_x[k] = last / 7.0;
      data.T[k] = age / 7.0;
      data.m_x[k] = distinct > 1 ? repeat_sum / 100.0 / (distinct - 1) : 0.0;
      features.values[k * 3 + 0] = age - last;
      features.values[k * 3 + 1] = distinct;
      features.values[k * 3 + 2] = total / 100.0;
    }
    auto t0 = std::chrono::steady_clock::now();
    const auto bg = guanxi::analytics::FitBgNbd(data);
    const double bg_s = Seconds(t0);
    t0 = std::chrono::steady_clock::now();
    const auto gg = guanxi::analytics::FitGammaGamma(data);
    const double gg_s = Seconds(t0);
    t0 = std::chrono::steady_clock::now();
    const auto standardised = guanxi::analytics::Standardise(features, {false, true, true});
    guanxi::analytics::KMeansOptions options;
    options.k = 8;
    const auto km = guanxi::analytics::RunKMeans(standardised, options);
    const double km_s = Seconds(t0);
    std::printf(
        "{\"n\":%zu,\"bgnbd_s\":%.3f,\"bgnbd_iterations\":%d,\"bgnbd_converged\":%s,"
        "\"r\":%.4f,\"alpha\":%.4f,\"a\":%.4f,\"b\":%.4f,"
        "\"gamma_gamma_s\":%.3f,\"p\":%.4f,\"q\":%.4f,\"gamma\":%.4f,"
        "\"kmeans_s\":%.3f,\"kmeans_iterations\":%d}\n",
        n, bg_s, bg.diagnostics.iterations, bg.diagnostics.converged ? "true" : "false",
        bg.params.r, bg.params.alpha, bg.params.a, bg.params.b, gg_s, gg.params.p, gg.params.q,
        gg.params.gamma, km_s, km.iterations);
    std::fflush(stdout);
  }
  return 0;
}
