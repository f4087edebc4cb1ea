// k-means clustering for customer segmentation: k-means++ start, Lloyd iterations on
// standardised features, a report to choose k, and a stability figure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace guanxi::analytics {

// Row-major feature matrix: rows × columns, one row per customer.
struct FeatureMatrix {
  size_t rows = 0;
  size_t columns = 0;
  std::vector<double> values;     // rows * columns
  std::vector<std::string> names; // column names, for reports
  double at(size_t r, size_t c) const { return values[r * columns + c]; }
};

// Standardises each column to mean 0, standard deviation 1 (a constant column to 0).
// When log_transform[c] is true, log1p(max(v, 0)) is taken first (skewed money/counts).
struct Standardisation {
  std::vector<double> mean, stddev;
  std::vector<bool> log_transform;
};
FeatureMatrix Standardise(const FeatureMatrix& raw, const std::vector<bool>& log_transform,
                          Standardisation* used = nullptr);

struct KMeansOptions {
  int k = 4;
  uint64_t seed = 1;
  int max_iterations = 100;
  double tolerance = 1e-6;  // stop when the relative drop of the WCSS is below this
  int restarts = 1;         // best of n k-means++ starts by WCSS
};
struct KMeansResult {
  std::vector<uint32_t> label;     // per row, 0..k−1
  std::vector<double> centroids;   // k × columns, in the standardised space
  std::vector<size_t> sizes;
  double wcss = 0;                 // within-cluster sum of squares (standardised space)
  int iterations = 0;
  bool converged = false;
};
// Multi-threaded assignment step; deterministic for a given seed and thread count 1…n.
KMeansResult RunKMeans(const FeatureMatrix& standardised, const KMeansOptions& options);

// Mean silhouette of a labelling on a deterministic sample of at most `sample` rows.
double SilhouetteScore(const FeatureMatrix& standardised, const std::vector<uint32_t>& label,
                       size_t sample, uint64_t seed);
// Adjusted Rand index of two labellings of the same rows.
double AdjustedRandIndex(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

// For k = k_min…k_max: WCSS and silhouette (sample of `sample` rows).
struct KChoiceRow {
  int k = 0;
  double wcss = 0;
  double silhouette = 0;
};
std::vector<KChoiceRow> ChooseK(const FeatureMatrix& standardised, int k_min, int k_max,
                                size_t sample, uint64_t seed);

// Cluster profile in original units: size, share and per-feature mean and median.
struct ClusterProfile {
  uint32_t cluster = 0;
  size_t size = 0;
  double share = 0;
  std::vector<double> mean;    // per column, original units
  std::vector<double> median;
};
std::vector<ClusterProfile> DescribeClusters(const FeatureMatrix& raw,
                                             const std::vector<uint32_t>& label, int k);

// Stability: mean adjusted Rand index between the labelling with `options.seed` and
// runs with `runs` other seeds.
double ClusterStability(const FeatureMatrix& standardised, const KMeansOptions& options, int runs);

}  // namespace guanxi::analytics
