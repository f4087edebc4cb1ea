#include "analytics/kmeans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace guanxi::analytics {
namespace {

FeatureMatrix Matrix(size_t columns, std::vector<double> values) {
  FeatureMatrix m;
  m.columns = columns;
  m.rows = values.size() / columns;
  m.values = std::move(values);
  return m;
}

// `per_cluster` points around each of four far-apart centres in 3-D, shuffled, with
// the true cluster of each row.
struct Blobs {
  FeatureMatrix matrix;
  std::vector<uint32_t> truth;
};
Blobs MakeBlobs(size_t per_cluster, uint64_t seed) {
  const double centres[4][3] = {{0, 0, 0}, {12, 0, 0}, {0, 12, 0}, {0, 0, 12}};
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<uint32_t> order(4 * per_cluster);
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i % 4);
  std::shuffle(order.begin(), order.end(), rng);
  Blobs b;
  b.matrix.columns = 3;
  b.matrix.rows = order.size();
  for (uint32_t c : order) {
    for (int d = 0; d < 3; ++d) b.matrix.values.push_back(centres[c][d] + noise(rng));
    b.truth.push_back(c);
  }
  return b;
}

TEST(Standardise, MeanZeroPopulationStddevOneLogAndConstantColumns) {
  // Columns: plain 1..4; log1p of (0, e−1, negative → 0, e²−1) = 0, 1, 0, 2; constant 7.
  const double e = std::exp(1.0);
  const FeatureMatrix raw = Matrix(3, {1, 0, 7, 2, e - 1, 7, 3, -5, 7, 4, e * e - 1, 7});
  Standardisation used;
  const FeatureMatrix s = Standardise(raw, {false, true, false}, &used);
  ASSERT_EQ(s.rows, 4u);
  ASSERT_EQ(s.columns, 3u);
  const double sd0 = std::sqrt(1.25);
  EXPECT_NEAR(used.mean[0], 2.5, 1e-12);
  EXPECT_NEAR(used.stddev[0], sd0, 1e-12);
  EXPECT_NEAR(s.at(0, 0), -1.5 / sd0, 1e-12);
  EXPECT_NEAR(s.at(3, 0), 1.5 / sd0, 1e-12);
  const double sd1 = std::sqrt(0.6875);
  EXPECT_NEAR(used.mean[1], 0.75, 1e-12);
  EXPECT_NEAR(used.stddev[1], sd1, 1e-12);
  EXPECT_NEAR(s.at(0, 1), -0.75 / sd1, 1e-12);
  EXPECT_NEAR(s.at(1, 1), 0.25 / sd1, 1e-12);
  EXPECT_NEAR(s.at(2, 1), -0.75 / sd1, 1e-12);
  EXPECT_NEAR(s.at(3, 1), 1.25 / sd1, 1e-12);
  EXPECT_EQ(used.stddev[2], 0.0);
  for (size_t r = 0; r < 4; ++r) EXPECT_EQ(s.at(r, 2), 0.0);
  EXPECT_EQ(used.log_transform, (std::vector<bool>{false, true, false}));
  EXPECT_THROW(Standardise(raw, {true}, nullptr), std::invalid_argument);
  EXPECT_THROW(Standardise(Matrix(1, {1, NAN}), {}), std::invalid_argument);
  EXPECT_THROW(RunKMeans(Matrix(1, {1, INFINITY}), KMeansOptions{.k = 1}), std::invalid_argument);
}

TEST(AdjustedRandIndex, KnownValues) {
  const std::vector<uint32_t> a = {0, 0, 1, 1, 2, 2};
  EXPECT_DOUBLE_EQ(AdjustedRandIndex(a, a), 1.0);
  // Relabelled but the same partition.
  EXPECT_DOUBLE_EQ(AdjustedRandIndex(a, {5, 5, 0, 0, 9, 9}), 1.0);
  // Σ C(n_ij,2) = 1, Σ C(a_i,2) = 2, Σ C(b_j,2) = 1, C(4,2) = 6:
  // (1 − 2/6) / (1.5 − 2/6) = 4/7.
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 1, 1}, {0, 0, 1, 2}), 4.0 / 7.0, 1e-15);
  // Σ C(n_ij,2) = 0, expected 2/3, maximum 2: (0 − 2/3) / (2 − 2/3) = −1/2.
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 1, 1}, {0, 1, 0, 1}), -0.5, 1e-15);
  // Cells 2,1,1,2 → 2; margins 3,3 → 6 and 2,2,2 → 3; C(6,2) = 15:
  // (2 − 1.2) / (4.5 − 1.2) = 8/33.
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 2, 2}), 8.0 / 33.0, 1e-15);
  EXPECT_THROW(AdjustedRandIndex({0, 1}, {0}), std::invalid_argument);
}

TEST(Silhouette, HandExample) {
  // 1-D: cluster 0 = {0, 1}, cluster 1 = {4, 6}.
  // s(0) = (5 − 1)/5, s(1) = (4 − 1)/4, s(4) = (3.5 − 2)/3.5, s(6) = (5.5 − 2)/5.5.
  const FeatureMatrix m = Matrix(1, {0, 1, 4, 6});
  const std::vector<uint32_t> label = {0, 0, 1, 1};
  const double expected = (0.8 + 0.75 + 1.5 / 3.5 + 3.5 / 5.5) / 4;
  EXPECT_NEAR(SilhouetteScore(m, label, 100, 1), expected, 1e-12);
  // A singleton cluster scores 0 for its row; the others see it as a neighbour:
  // s(0) = (4 − 1)/4 with b = min(5, 10) etc.; point 10 alone → 0.
  const FeatureMatrix m2 = Matrix(1, {0, 1, 4, 6, 10});
  const std::vector<uint32_t> label2 = {0, 0, 1, 1, 2};
  const double s0 = (5.0 - 1) / 5, s1 = (4.0 - 1) / 4;
  const double s4 = (3.5 - 2) / 3.5, s6 = (std::min(5.5, 4.0) - 2) / std::min(5.5, 4.0);
  EXPECT_NEAR(SilhouetteScore(m2, label2, 100, 1), (s0 + s1 + s4 + s6 + 0) / 5, 1e-12);
  // Label values need not be 0…k−1.
  EXPECT_NEAR(SilhouetteScore(m, {7, 7, 100000, 100000}, 100, 1), expected, 1e-12);
  // One cluster only: no structure.
  EXPECT_EQ(SilhouetteScore(m, {0, 0, 0, 0}, 100, 1), 0.0);
}

TEST(Silhouette, SampleIsDeterministic) {
  const Blobs b = MakeBlobs(500, 7);
  const double first = SilhouetteScore(b.matrix, b.truth, 300, 42);
  EXPECT_EQ(first, SilhouetteScore(b.matrix, b.truth, 300, 42));
  EXPECT_NE(first, SilhouetteScore(b.matrix, b.truth, 300, 43));
  EXPECT_GT(first, 0.8);  // well separated
}

TEST(KMeans, RecoversSeparatedGaussianClusters) {
  // 20,000 rows: more than one row block, so the threaded assignment is exercised.
  const Blobs b = MakeBlobs(5000, 11);
  const FeatureMatrix s = Standardise(b.matrix, {false, false, false});
  KMeansOptions options;
  options.k = 4;
  options.seed = 3;
  options.restarts = 2;
  const KMeansResult r = RunKMeans(s, options);
  ASSERT_EQ(r.label.size(), s.rows);
  EXPECT_GT(AdjustedRandIndex(r.label, b.truth), 0.95);
  EXPECT_TRUE(r.converged);
  ASSERT_EQ(r.sizes.size(), 4u);
  size_t total = 0;
  for (size_t n : r.sizes) {
    EXPECT_NEAR(static_cast<double>(n), 5000.0, 100.0);
    total += n;
  }
  EXPECT_EQ(total, s.rows);
  ASSERT_EQ(r.centroids.size(), 12u);
  // The WCSS is that of the reported labels and centroids.
  double wcss = 0;
  for (size_t i = 0; i < s.rows; ++i) {
    for (size_t c = 0; c < 3; ++c) {
      const double d = s.at(i, c) - r.centroids[r.label[i] * 3 + c];
      wcss += d * d;
    }
  }
  EXPECT_NEAR(r.wcss, wcss, 1e-6 * wcss);
}

TEST(KMeans, ConvergedLabelsAreTheNearestCentroids) {
  // Overlapping, skewed data (no true clusters): many rows sit near cluster borders,
  // where skipping rows by distance bounds would go wrong first. At convergence every
  // row must be in the cluster of its nearest centroid, and centroids are the means.
  std::mt19937_64 rng(17);
  std::lognormal_distribution<double> skew(0.0, 0.9);
  std::normal_distribution<double> normal(0.0, 1.0);
  FeatureMatrix raw;
  raw.columns = 3;
  raw.rows = 30000;
  for (size_t r = 0; r < raw.rows; ++r) {
    const double a = skew(rng);
    raw.values.push_back(a);
    raw.values.push_back(a + normal(rng));
    raw.values.push_back(normal(rng));
  }
  const FeatureMatrix s = Standardise(raw, {true, false, false});
  KMeansOptions options;
  options.k = 7;
  options.tolerance = 0;  // run until no row changes
  options.max_iterations = 1000;
  const KMeansResult r = RunKMeans(s, options);
  ASSERT_TRUE(r.converged);
  EXPECT_GT(r.iterations, 10);
  std::vector<double> sums(7 * 3, 0.0);
  size_t misplaced = 0;
  for (size_t i = 0; i < s.rows; ++i) {
    double best = 1e300, own = 0;
    for (size_t j = 0; j < 7; ++j) {
      double d = 0;
      for (size_t c = 0; c < 3; ++c) d += std::pow(s.at(i, c) - r.centroids[j * 3 + c], 2);
      best = std::min(best, d);
      if (j == r.label[i]) own = d;
    }
    misplaced += own > best + 1e-12 ? 1 : 0;
    for (size_t c = 0; c < 3; ++c) sums[r.label[i] * 3 + c] += s.at(i, c);
  }
  EXPECT_EQ(misplaced, 0u);
  for (size_t j = 0; j < 7; ++j) {
    ASSERT_GT(r.sizes[j], 0u);
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_NEAR(r.centroids[j * 3 + c], sums[j * 3 + c] / static_cast<double>(r.sizes[j]), 1e-9);
    }
  }
}

TEST(KMeans, SameSeedSameLabels) {
  const Blobs b = MakeBlobs(3000, 5);
  const FeatureMatrix s = Standardise(b.matrix, {});
  KMeansOptions options;
  options.k = 6;  // more clusters than blobs, so the start matters
  options.seed = 9;
  const KMeansResult a = RunKMeans(s, options);
  const KMeansResult c = RunKMeans(s, options);
  EXPECT_EQ(a.label, c.label);
  EXPECT_EQ(a.centroids, c.centroids);
  EXPECT_EQ(a.wcss, c.wcss);
  EXPECT_EQ(a.iterations, c.iterations);
}

TEST(KMeans, FewerDistinctRowsThanClusters) {
  // Two distinct rows, k = 3: one cluster stays empty; nothing breaks.
  const FeatureMatrix m = Matrix(2, {1, 1, 1, 1, 5, 5, 5, 5, 1, 1});
  KMeansOptions options;
  options.k = 3;
  const KMeansResult r = RunKMeans(m, options);
  EXPECT_EQ(r.wcss, 0.0);
  for (uint32_t l : r.label) EXPECT_LT(l, 3u);
  EXPECT_EQ(r.label[0], r.label[1]);
  EXPECT_NE(r.label[0], r.label[2]);
  options.k = 6;
  EXPECT_THROW(RunKMeans(m, options), std::invalid_argument);
}

TEST(KMeans, ChooseKPrefersTheTrueK) {
  const Blobs b = MakeBlobs(1000, 21);
  const FeatureMatrix s = Standardise(b.matrix, {});
  const std::vector<KChoiceRow> rows = ChooseK(s, 2, 6, 800, 1);
  ASSERT_EQ(rows.size(), 5u);
  int best_k = 0;
  double best = -2;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].k, static_cast<int>(i) + 2);
    if (i > 0) {
      EXPECT_LT(rows[i].wcss, rows[i - 1].wcss);
    }
    if (rows[i].silhouette > best) {
      best = rows[i].silhouette;
      best_k = rows[i].k;
    }
  }
  EXPECT_EQ(best_k, 4);
}

TEST(KMeans, StabilityOfSeparatedClustersIsOne) {
  const Blobs b = MakeBlobs(1000, 4);
  const FeatureMatrix s = Standardise(b.matrix, {});
  KMeansOptions options;
  options.k = 4;
  options.restarts = 3;
  EXPECT_GT(ClusterStability(s, options, 3), 0.99);
  EXPECT_THROW(ClusterStability(s, options, 0), std::invalid_argument);
}

TEST(DescribeClusters, MeansAndMediansInOriginalUnits) {
  // Column 0: cluster 0 = {5, 1, 3} → mean 3, median 3; cluster 1 = {10, 2, 7, 4} →
  // mean 5.75, median (4 + 7)/2 = 5.5. Column 1 = 100 × row. Cluster 2 is empty.
  const FeatureMatrix raw = Matrix(2, {5, 0, 10, 100, 1, 200, 2, 300, 3, 400, 7, 500, 4, 600});
  const std::vector<uint32_t> label = {0, 1, 0, 1, 0, 1, 1};
  const std::vector<ClusterProfile> p = DescribeClusters(raw, label, 3);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].size, 3u);
  EXPECT_NEAR(p[0].share, 3.0 / 7.0, 1e-15);
  EXPECT_DOUBLE_EQ(p[0].mean[0], 3.0);
  EXPECT_DOUBLE_EQ(p[0].median[0], 3.0);
  EXPECT_DOUBLE_EQ(p[0].mean[1], 200.0);  // rows 0, 2, 4
  EXPECT_DOUBLE_EQ(p[0].median[1], 200.0);
  EXPECT_EQ(p[1].size, 4u);
  EXPECT_DOUBLE_EQ(p[1].mean[0], 5.75);
  EXPECT_DOUBLE_EQ(p[1].median[0], 5.5);
  EXPECT_DOUBLE_EQ(p[1].median[1], 400.0);  // rows 1, 3, 5, 6 → (300 + 500)/2
  EXPECT_EQ(p[2].size, 0u);
  EXPECT_EQ(p[2].share, 0.0);
  EXPECT_THROW(DescribeClusters(raw, label, 1), std::invalid_argument);
}

}  // namespace
}  // namespace guanxi::analytics
