#include "analytics/kmeans.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>

namespace guanxi::analytics {
namespace {

// Rows are processed in fixed blocks whose partial results are reduced in block
// order, so every floating-point sum (and so every label) is the same whatever the
// number of threads.
constexpr size_t kBlockRows = 8192;

size_t BlockCount(size_t rows) { return (rows + kBlockRows - 1) / kBlockRows; }

// Calls fn(block) for every block, spreading blocks over the hardware threads.
// Blocks are independent: fn writes only the outputs of its own block.
void ForEachBlock(size_t blocks, const std::function<void(size_t)>& fn) {
  const size_t threads =
      std::min<size_t>(blocks, std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 1) {
    for (size_t b = 0; b < blocks; ++b) fn(b);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  const auto work = [&](size_t first) {
    for (size_t b = first; b < blocks; b += threads) fn(b);
  };
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& th : pool) th.join();
}

// A uniform integer in [0, n) without modulo bias; written out (rather than
// std::uniform_int_distribution) so the sequence is the same on every standard library.
uint64_t UniformBelow(std::mt19937_64& rng, uint64_t n) {
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  uint64_t v = rng();
  while (v >= limit) v = rng();
  return v % n;
}

// A uniform double in [0, 1) from the top 53 bits.
double Uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Squared Euclidean distance; `Cols` > 0 fixes the width at compile time so the common
// narrow feature sets (RFM: 3 columns) get an unrolled loop.
template <size_t Cols>
inline double SquaredDistance(const double* x, const double* y, size_t cols) {
  const size_t n = Cols > 0 ? Cols : cols;
  double d = 0;
  for (size_t c = 0; c < n; ++c) {
    const double diff = x[c] - y[c];
    d += diff * diff;
  }
  return d;
}

// Per-row state of Hamerly's algorithm (2010): the assigned centroid, an upper bound
// on the distance to it and a lower bound on the distance to every other centroid.
// A row whose upper bound is below max(lower bound, half the distance from its
// centroid to the nearest other one) cannot change cluster and is not rescanned, which
// skips most distance computations after the first few iterations with the same result
// as plain Lloyd iterations (up to exact distance ties).
//
// The bounds are stored relative to the centroids' cumulative drift (upper − drift of
// its centroid, lower + the cumulative largest drift of the other centroids), so a row
// that is skipped is only read, never written, and its features are not touched at
// all: the per-cluster sums are updated by the rows that change cluster. A skipped row
// costs ~20 bytes of memory traffic instead of a pass over its features.
struct RowBounds {
  std::vector<uint32_t> label;
  std::vector<double> upper, lower;
};

// What the assignment step needs to know about the current centroids.
struct CentroidGeometry {
  const double* centroids;
  size_t k;
  std::vector<double> half_gap;     // per centroid: ½ distance to the nearest other one
  std::vector<double> drift;        // per centroid: Σ distance moved by the updates so far
  std::vector<double> other_drift;  // per centroid: Σ over updates of the largest move of
                                    // any other centroid (how far a lower bound can fall)
};

// A block's changes to the per-cluster sums (rows that joined minus rows that left).
struct BlockPartial {
  std::vector<double> sums;     // k × columns
  std::vector<double> squares;  // k: Σ |x|²
  std::vector<int64_t> counts;  // k
  size_t changed = 0;
};

// Assigns the rows of one block to their nearest centroid (lowest index on ties when
// rescanned) and records the block's changes to the per-cluster sums.
template <size_t Cols>
void AssignBlock(const FeatureMatrix& m, const CentroidGeometry& g, size_t block, RowBounds& rb,
                 BlockPartial& out) {
  const size_t cols = Cols > 0 ? Cols : m.columns;
  const size_t k = g.k;
  const size_t begin = block * kBlockRows;
  const size_t end = std::min(m.rows, begin + kBlockRows);
  out.sums.assign(k * cols, 0.0);
  out.squares.assign(k, 0.0);
  out.counts.assign(k, 0);
  out.changed = 0;
  const double* data = m.values.data();
  const double* cent = g.centroids;
  for (size_t r = begin; r < end; ++r) {
    const uint32_t a = rb.label[r];
    const double* x = data + r * cols;
    if (a < k) {
      const double limit = std::max(g.half_gap[a], rb.lower[r] - g.other_drift[a]);
      if (rb.upper[r] + g.drift[a] <= limit) continue;
      const double exact = std::sqrt(SquaredDistance<Cols>(x, cent + a * cols, cols));
      rb.upper[r] = exact - g.drift[a];
      if (exact <= limit) continue;
    }
    uint32_t best = 0;
    double best_d = SquaredDistance<Cols>(x, cent, cols);
    double second_d = std::numeric_limits<double>::infinity();
    for (size_t j = 1; j < k; ++j) {
      const double d = SquaredDistance<Cols>(x, cent + j * cols, cols);
      if (d < best_d) {
        second_d = best_d;
        best_d = d;
        best = static_cast<uint32_t>(j);
      } else if (d < second_d) {
        second_d = d;
      }
    }
    rb.upper[r] = std::sqrt(best_d) - g.drift[best];
    rb.lower[r] = std::sqrt(second_d) + g.other_drift[best];
    if (a == best) continue;
    rb.label[r] = best;
    ++out.changed;
    double norm = 0;
    for (size_t c = 0; c < cols; ++c) norm += x[c] * x[c];
    double* to = out.sums.data() + best * cols;
    for (size_t c = 0; c < cols; ++c) to[c] += x[c];
    out.squares[best] += norm;
    ++out.counts[best];
    if (a < k) {
      double* from = out.sums.data() + a * cols;
      for (size_t c = 0; c < cols; ++c) from[c] -= x[c];
      out.squares[a] -= norm;
      --out.counts[a];
    }
  }
}

using AssignFn = void (*)(const FeatureMatrix&, const CentroidGeometry&, size_t, RowBounds&,
                          BlockPartial&);

AssignFn PickAssign(size_t cols) {
  switch (cols) {
    case 1:
      return &AssignBlock<1>;
    case 2:
      return &AssignBlock<2>;
    case 3:
      return &AssignBlock<3>;
    case 4:
      return &AssignBlock<4>;
    case 5:
      return &AssignBlock<5>;
    case 6:
      return &AssignBlock<6>;
    default:
      return &AssignBlock<0>;
  }
}

// Half the distance from each centroid to its nearest other centroid (∞ when k = 1).
std::vector<double> HalfGaps(const std::vector<double>& centroids, size_t k, size_t cols) {
  std::vector<double> gap(k, std::numeric_limits<double>::infinity());
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = i + 1; j < k; ++j) {
      const double d =
          std::sqrt(SquaredDistance<0>(&centroids[i * cols], &centroids[j * cols], cols)) / 2;
      gap[i] = std::min(gap[i], d);
      gap[j] = std::min(gap[j], d);
    }
  }
  return gap;
}

const double* Row(const FeatureMatrix& m, size_t r) { return m.values.data() + r * m.columns; }

// Updates dist[r] = min(dist[r], |x_r − c|²) and returns per-block sums of dist.
void UpdateNearest(const FeatureMatrix& m, const double* c, std::vector<double>& dist,
                   std::vector<double>& block_sum) {
  const size_t blocks = BlockCount(m.rows);
  block_sum.assign(blocks, 0.0);
  ForEachBlock(blocks, [&](size_t b) {
    const size_t end = std::min(m.rows, (b + 1) * kBlockRows);
    double s = 0;
    for (size_t r = b * kBlockRows; r < end; ++r) {
      dist[r] = std::min(dist[r], SquaredDistance<0>(Row(m, r), c, m.columns));
      s += dist[r];
    }
    block_sum[b] = s;
  });
}

// k-means++ (Arthur & Vassilvitskii 2007): the first centre uniformly, each next one
// with probability proportional to the squared distance to the nearest chosen centre.
std::vector<double> SeedPlusPlus(const FeatureMatrix& m, size_t k, std::mt19937_64& rng) {
  const size_t cols = m.columns;
  std::vector<double> centroids(k * cols);
  std::vector<double> dist(m.rows, std::numeric_limits<double>::infinity());
  std::vector<double> block_sum;
  size_t pick = UniformBelow(rng, m.rows);
  for (size_t j = 0; j < k; ++j) {
    if (j > 0) {
      double total = 0;
      for (double s : block_sum) total += s;
      if (total <= 0) {
        // Every row already sits on a centre (fewer distinct rows than k).
        pick = UniformBelow(rng, m.rows);
      } else {
        double target = Uniform01(rng) * total;
        size_t b = 0;
        while (b + 1 < block_sum.size() && target >= block_sum[b]) target -= block_sum[b++];
        const size_t end = std::min(m.rows, (b + 1) * kBlockRows);
        pick = end - 1;
        for (size_t r = b * kBlockRows; r < end; ++r) {
          if (dist[r] > 0 && target < dist[r]) {
            pick = r;
            break;
          }
          target -= dist[r];
        }
        // Rounding can walk past the last positive weight: take the last one instead.
        while (dist[pick] <= 0 && pick > b * kBlockRows) --pick;
      }
    }
    std::copy_n(Row(m, pick), cols, centroids.begin() + static_cast<ptrdiff_t>(j * cols));
    if (j + 1 < k) UpdateNearest(m, centroids.data() + j * cols, dist, block_sum);
  }
  return centroids;
}

// Moves each empty cluster's centre onto the row farthest from its own centre
// (distinct rows for distinct clusters, lowest row on ties), the usual repair that
// also lowers the WCSS.
void ReseedEmpty(const FeatureMatrix& m, const std::vector<uint32_t>& label,
                 const std::vector<int64_t>& counts, const std::vector<double>& old_centroids,
                 std::vector<double>& centroids) {
  const size_t cols = m.columns;
  std::vector<size_t> empty;
  for (size_t j = 0; j < counts.size(); ++j) {
    if (counts[j] == 0) empty.push_back(j);
  }
  if (empty.empty()) return;
  std::vector<double> dist(m.rows);
  ForEachBlock(BlockCount(m.rows), [&](size_t b) {
    const size_t end = std::min(m.rows, (b + 1) * kBlockRows);
    for (size_t r = b * kBlockRows; r < end; ++r) {
      dist[r] = SquaredDistance<0>(Row(m, r), old_centroids.data() + label[r] * cols, cols);
    }
  });
  std::vector<size_t> order(m.rows);
  for (size_t r = 0; r < m.rows; ++r) order[r] = r;
  const size_t take = std::min(empty.size(), m.rows);
  std::partial_sort(
      order.begin(), order.begin() + static_cast<ptrdiff_t>(take), order.end(),
      [&](size_t a, size_t b) { return dist[a] > dist[b] || (dist[a] == dist[b] && a < b); });
  for (size_t i = 0; i < take; ++i) {
    std::copy_n(Row(m, order[i]), cols,
                centroids.begin() + static_cast<ptrdiff_t>(empty[i] * cols));
  }
}

// One k-means++ start followed by Lloyd iterations.
KMeansResult RunOnce(const FeatureMatrix& m, const KMeansOptions& options, std::mt19937_64& rng) {
  const size_t k = static_cast<size_t>(options.k);
  const size_t cols = m.columns;
  const size_t blocks = BlockCount(m.rows);
  const AssignFn assign = PickAssign(cols);

  KMeansResult result;
  result.centroids = SeedPlusPlus(m, k, rng);
  RowBounds rb;
  // An impossible label so that the first pass scans and counts every row.
  rb.label.assign(m.rows, std::numeric_limits<uint32_t>::max());
  rb.upper.assign(m.rows, 0.0);
  rb.lower.assign(m.rows, 0.0);
  std::vector<BlockPartial> partial(blocks);
  // Per-cluster Σx, Σ|x|² and size of the current labelling, kept up to date from the
  // blocks' changes, added in block order so the result does not depend on threads.
  std::vector<double> sums(k * cols, 0.0);
  std::vector<double> squares(k, 0.0);
  std::vector<int64_t> counts(k, 0);
  CentroidGeometry g;
  g.k = k;
  g.drift.assign(k, 0.0);
  g.other_drift.assign(k, 0.0);
  std::vector<double> moved(k);
  double previous = std::numeric_limits<double>::infinity();

  for (int it = 1; it <= std::max(1, options.max_iterations); ++it) {
    g.centroids = result.centroids.data();
    g.half_gap = HalfGaps(result.centroids, k, cols);
    ForEachBlock(blocks, [&](size_t b) { assign(m, g, b, rb, partial[b]); });
    size_t changed = 0;
    for (const BlockPartial& p : partial) {
      if (p.changed == 0) continue;
      for (size_t i = 0; i < sums.size(); ++i) sums[i] += p.sums[i];
      for (size_t j = 0; j < k; ++j) {
        squares[j] += p.squares[j];
        counts[j] += p.counts[j];
      }
      changed += p.changed;
    }
    // WCSS about the centroids just used: Σ_j Σ|x|² − 2 c_j·S_j + n_j |c_j|², which
    // needs no per-row distance (most rows were not rescanned).
    double wcss = 0;
    for (size_t j = 0; j < k; ++j) {
      const double* c = &result.centroids[j * cols];
      double dot = 0, norm = 0;
      for (size_t d = 0; d < cols; ++d) {
        dot += c[d] * sums[j * cols + d];
        norm += c[d] * c[d];
      }
      wcss += squares[j] - 2 * dot + static_cast<double>(counts[j]) * norm;
    }
    wcss = std::max(wcss, 0.0);
    result.iterations = it;
    const bool any_empty = std::find(counts.begin(), counts.end(), 0) != counts.end();
    const bool small_drop = it > 1 && previous - wcss <= options.tolerance * previous;
    const std::vector<double> used = result.centroids;
    for (size_t j = 0; j < k; ++j) {
      if (counts[j] == 0) continue;
      for (size_t c = 0; c < cols; ++c) {
        result.centroids[j * cols + c] = sums[j * cols + c] / static_cast<double>(counts[j]);
      }
    }
    if (changed == 0 || (small_drop && !any_empty)) {
      result.converged = true;
      break;
    }
    previous = wcss;
    ReseedEmpty(m, rb.label, counts, used, result.centroids);
    // The largest and second largest move give each centroid the largest move of the
    // others.
    size_t top = 0;
    double first = 0, second = 0;
    for (size_t j = 0; j < k; ++j) {
      moved[j] = std::sqrt(SquaredDistance<0>(&used[j * cols], &result.centroids[j * cols], cols));
      g.drift[j] += moved[j];
      if (moved[j] > first) {
        second = first;
        first = moved[j];
        top = j;
      } else if (moved[j] > second) {
        second = moved[j];
      }
    }
    for (size_t j = 0; j < k; ++j) g.other_drift[j] += j == top ? second : first;
  }

  // Report the WCSS about the final centroids (the means of the final labelling),
  // which is what a caller compares between runs.
  result.label = std::move(rb.label);
  std::vector<double> block_wcss(blocks, 0.0);
  ForEachBlock(blocks, [&](size_t b) {
    const size_t end = std::min(m.rows, (b + 1) * kBlockRows);
    double s = 0;
    for (size_t r = b * kBlockRows; r < end; ++r) {
      s += SquaredDistance<0>(Row(m, r), result.centroids.data() + result.label[r] * cols, cols);
    }
    block_wcss[b] = s;
  });
  result.wcss = 0;
  for (double s : block_wcss) result.wcss += s;
  result.sizes.assign(counts.begin(), counts.end());
  return result;
}

void CheckMatrix(const FeatureMatrix& m) {
  if (m.columns == 0) throw std::invalid_argument("k-means: the feature matrix has no columns");
  if (m.values.size() != m.rows * m.columns) {
    throw std::invalid_argument("k-means: values size is not rows × columns");
  }
  for (double v : m.values) {
    if (!std::isfinite(v)) throw std::invalid_argument("k-means: a feature value is not finite");
  }
}

}  // namespace

FeatureMatrix Standardise(const FeatureMatrix& raw, const std::vector<bool>& log_transform,
                          Standardisation* used) {
  if (raw.values.size() != raw.rows * raw.columns) {
    throw std::invalid_argument("standardise: values size is not rows × columns");
  }
  if (!log_transform.empty() && log_transform.size() != raw.columns) {
    throw std::invalid_argument("standardise: log_transform needs one flag per column");
  }
  for (double v : raw.values) {
    if (!std::isfinite(v))
      throw std::invalid_argument("standardise: a feature value is not finite");
  }
  FeatureMatrix out = raw;
  Standardisation s;
  s.mean.assign(raw.columns, 0.0);
  s.stddev.assign(raw.columns, 0.0);
  s.log_transform.assign(raw.columns, false);
  for (size_t c = 0; c < raw.columns; ++c) {
    const bool log = !log_transform.empty() && log_transform[c];
    s.log_transform[c] = log;
    if (log) {
      for (size_t r = 0; r < raw.rows; ++r) {
        double& v = out.values[r * raw.columns + c];
        v = std::log1p(std::max(v, 0.0));
      }
    }
    // Two passes (mean, then squared deviations) to avoid the cancellation of Σx² − n·x̄².
    double sum = 0;
    for (size_t r = 0; r < raw.rows; ++r) sum += out.values[r * raw.columns + c];
    const double mean = raw.rows > 0 ? sum / static_cast<double>(raw.rows) : 0.0;
    double squares = 0;
    for (size_t r = 0; r < raw.rows; ++r) {
      const double d = out.values[r * raw.columns + c] - mean;
      squares += d * d;
    }
    const double sd = raw.rows > 0 ? std::sqrt(squares / static_cast<double>(raw.rows)) : 0.0;
    s.mean[c] = mean;
    s.stddev[c] = sd;
    for (size_t r = 0; r < raw.rows; ++r) {
      double& v = out.values[r * raw.columns + c];
      v = sd > 0 ? (v - mean) / sd : 0.0;
    }
  }
  if (used != nullptr) *used = std::move(s);
  return out;
}

KMeansResult RunKMeans(const FeatureMatrix& standardised, const KMeansOptions& options) {
  CheckMatrix(standardised);
  if (options.k < 1) throw std::invalid_argument("k-means: k must be at least 1");
  if (standardised.rows < static_cast<size_t>(options.k)) {
    throw std::invalid_argument("k-means: fewer rows than clusters");
  }
  std::mt19937_64 rng(options.seed);
  KMeansResult best;
  for (int restart = 0; restart < std::max(1, options.restarts); ++restart) {
    KMeansResult run = RunOnce(standardised, options, rng);
    if (restart == 0 || run.wcss < best.wcss) best = std::move(run);
  }
  return best;
}

double SilhouetteScore(const FeatureMatrix& standardised, const std::vector<uint32_t>& label,
                       size_t sample, uint64_t seed) {
  CheckMatrix(standardised);
  if (label.size() != standardised.rows) {
    throw std::invalid_argument("silhouette: one label per row is needed");
  }
  const size_t n = standardised.rows;
  const size_t s = std::min(sample, n);
  // Selection sampling (Knuth's algorithm S): a uniform sample in row order, no index array.
  std::vector<size_t> rows;
  rows.reserve(s);
  if (s == n) {
    for (size_t r = 0; r < n; ++r) rows.push_back(r);
  } else {
    std::mt19937_64 rng(seed);
    for (size_t r = 0; r < n && rows.size() < s; ++r) {
      if (UniformBelow(rng, n - r) < s - rows.size()) rows.push_back(r);
    }
  }
  // Labels of the sample renumbered 0…k−1, so any label values are fine.
  std::vector<uint32_t> distinct;
  for (size_t r : rows) distinct.push_back(label[r]);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const size_t k = distinct.size();
  // The silhouette is undefined for a single cluster; 0 says "no structure".
  if (k < 2) return 0.0;
  std::vector<uint32_t> cluster(s);
  std::vector<size_t> size(k, 0);
  for (size_t i = 0; i < s; ++i) {
    cluster[i] = static_cast<uint32_t>(
        std::lower_bound(distinct.begin(), distinct.end(), label[rows[i]]) - distinct.begin());
    ++size[cluster[i]];
  }

  // dist_sum[i × k + c] = Σ distance from sampled row i to the sampled rows of cluster c.
  std::vector<double> dist_sum(s * k, 0.0);
  const size_t cols = standardised.columns;
  for (size_t i = 0; i < s; ++i) {
    const double* xi = Row(standardised, rows[i]);
    for (size_t j = i + 1; j < s; ++j) {
      const double d = std::sqrt(SquaredDistance<0>(xi, Row(standardised, rows[j]), cols));
      dist_sum[i * k + cluster[j]] += d;
      dist_sum[j * k + cluster[i]] += d;
    }
  }
  double total = 0;
  for (size_t i = 0; i < s; ++i) {
    const uint32_t li = cluster[i];
    // A row alone in its cluster scores 0 (Rousseeuw's convention).
    if (size[li] < 2) continue;
    const double a = dist_sum[i * k + li] / static_cast<double>(size[li] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (uint32_t c = 0; c < k; ++c) {
      if (c == li) continue;
      b = std::min(b, dist_sum[i * k + c] / static_cast<double>(size[c]));
    }
    const double denom = std::max(a, b);
    if (denom > 0) total += (b - a) / denom;
  }
  return total / static_cast<double>(s);
}

double AdjustedRandIndex(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("adjusted Rand index: labellings differ in length");
  const size_t n = a.size();
  if (n < 2) return 1.0;
  // Contingency table via sorted (a, b) pairs: no assumption on how large labels are.
  std::vector<uint64_t> pairs(n);
  for (size_t i = 0; i < n; ++i) pairs[i] = (static_cast<uint64_t>(a[i]) << 32) | b[i];
  std::sort(pairs.begin(), pairs.end());
  const auto choose2 = [](double x) { return x * (x - 1) / 2; };
  double sum_cells = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && pairs[j] == pairs[i]) ++j;
    sum_cells += choose2(static_cast<double>(j - i));
    i = j;
  }
  const auto sum_margins = [&](const std::vector<uint32_t>& labels) {
    std::vector<uint32_t> sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j < n && sorted[j] == sorted[i]) ++j;
      sum += choose2(static_cast<double>(j - i));
      i = j;
    }
    return sum;
  };
  const double sum_a = sum_margins(a);
  const double sum_b = sum_margins(b);
  const double expected = sum_a * sum_b / choose2(static_cast<double>(n));
  const double maximum = (sum_a + sum_b) / 2;
  // Both labellings one cluster, or both all singletons: identical partitions.
  if (maximum == expected) return 1.0;
  return (sum_cells - expected) / (maximum - expected);
}

std::vector<KChoiceRow> ChooseK(const FeatureMatrix& standardised, int k_min, int k_max,
                                size_t sample, uint64_t seed) {
  if (k_min < 1 || k_max < k_min) throw std::invalid_argument("choose k: need 1 ≤ k_min ≤ k_max");
  std::vector<KChoiceRow> rows;
  for (int k = k_min; k <= k_max; ++k) {
    KMeansOptions options;
    options.k = k;
    options.seed = seed;
    const KMeansResult run = RunKMeans(standardised, options);
    rows.push_back({k, run.wcss, SilhouetteScore(standardised, run.label, sample, seed)});
  }
  return rows;
}

std::vector<ClusterProfile> DescribeClusters(const FeatureMatrix& raw,
                                             const std::vector<uint32_t>& label, int k) {
  if (raw.values.size() != raw.rows * raw.columns) {
    throw std::invalid_argument("describe clusters: values size is not rows × columns");
  }
  if (label.size() != raw.rows)
    throw std::invalid_argument("describe clusters: one label per row is needed");
  if (k < 1) throw std::invalid_argument("describe clusters: k must be at least 1");
  const size_t kk = static_cast<size_t>(k);
  // Rows grouped by cluster (counting sort) so each cluster's column is gathered once.
  std::vector<size_t> start(kk + 1, 0);
  for (uint32_t l : label) {
    if (l >= kk) throw std::invalid_argument("describe clusters: a label is not below k");
    ++start[l + 1];
  }
  for (size_t j = 0; j < kk; ++j) start[j + 1] += start[j];
  std::vector<size_t> order(raw.rows);
  std::vector<size_t> next(start.begin(), start.end() - 1);
  for (size_t r = 0; r < raw.rows; ++r) order[next[label[r]]++] = r;

  std::vector<ClusterProfile> profiles(kk);
  std::vector<double> values;
  for (size_t j = 0; j < kk; ++j) {
    ClusterProfile& p = profiles[j];
    p.cluster = static_cast<uint32_t>(j);
    p.size = start[j + 1] - start[j];
    p.share = raw.rows > 0 ? static_cast<double>(p.size) / static_cast<double>(raw.rows) : 0.0;
    // An empty cluster reports zeros: NaN would not survive JSON.
    p.mean.assign(raw.columns, 0.0);
    p.median.assign(raw.columns, 0.0);
    if (p.size == 0) continue;
    for (size_t c = 0; c < raw.columns; ++c) {
      values.clear();
      double sum = 0;
      for (size_t i = start[j]; i < start[j + 1]; ++i) {
        const double v = raw.at(order[i], c);
        values.push_back(v);
        sum += v;
      }
      p.mean[c] = sum / static_cast<double>(p.size);
      const size_t mid = p.size / 2;
      std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid), values.end());
      double median = values[mid];
      if (p.size % 2 == 0) {
        // Even count: the mean of the two middle values; the lower one is the largest
        // of the part nth_element left before `mid`.
        const double lower =
            *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid));
        median = (lower + median) / 2;
      }
      p.median[c] = median;
    }
  }
  return profiles;
}

double ClusterStability(const FeatureMatrix& standardised, const KMeansOptions& options, int runs) {
  if (runs < 1) throw std::invalid_argument("cluster stability: runs must be at least 1");
  const KMeansResult base = RunKMeans(standardised, options);
  double total = 0;
  for (int i = 1; i <= runs; ++i) {
    KMeansOptions other = options;
    other.seed = options.seed + static_cast<uint64_t>(i);
    total += AdjustedRandIndex(base.label, RunKMeans(standardised, other).label);
  }
  return total / runs;
}

}  // namespace guanxi::analytics
