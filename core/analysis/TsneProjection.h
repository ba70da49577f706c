#pragma once

#include <QtGlobal>
#include <vector>

namespace faultline {

class JobControl;

// t-SNE to 2-D (van der Maaten & Hinton 2008) with scikit-learn's defaults (TSNE in 1.2):
// perplexity 30, PCA initialisation scaled to std 1e-4, 1,000 iterations of gradient descent with
// gains (delta-bar-delta, min gain 0.01), early exaggeration 12 with momentum 0.5 for the first
// 250, then momentum 0.8, learning rate max(n / 12 / 4, 50). Up to kMaxExactTsneRows rows the
// exact method (every pair's affinity and repulsion: O(n²) per iteration); above it Barnes–Hut
// (TsneBarnesHut.h: affinities over the 3·perplexity + 1 nearest rows, repulsion through a
// quadtree with angle 0.5), as scikit-learn's method="barnes_hut". Deterministic: no random
// initialisation.
// Barnes–Hut keeps neighbourhoods as well (tests/benchmarks/bench_tsne.py: the same
// trustworthiness) and is ten times faster already at 2,000 rows; the exact method stays for
// small maps and for parity with scikit-learn's method="exact".
constexpr qint64 kMaxExactTsneRows = 1000; // five n × n double matrices: 40 MB at 1,000
// The exact nearest-neighbour search is O(n²·dim) (about a minute at 50,000 × 512 on two cores)
// and its rows are held in double: 400 MB at 50,000 × 512.
constexpr qint64 kMaxTsneRows = 50000;

struct TsneOptions
{
    double perplexity = 30;
    int iterations = 1000;
    double angle = 0.5; // Barnes–Hut only
};

// n rows of dim floats (row-major) → n × 2 coordinates (row-major). Fewer than 3 rows give
// zeros. Throws Error above kMaxTsneRows; JobControl cancels and reports progress.
std::vector<float> tsneProjection(const float *rows, qint64 n, int dim, const TsneOptions &options = {},
                                  JobControl *control = nullptr);

} // namespace faultline
