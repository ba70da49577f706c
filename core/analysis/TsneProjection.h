#pragma once

#include <QtGlobal>
#include <vector>

namespace faultline {

class JobControl;

// Exact t-SNE to 2-D (van der Maaten & Hinton 2008) with scikit-learn's defaults (TSNE in 1.2):
// perplexity 30 (binary search on each row's precision over squared Euclidean distances),
// joint P symmetrised and normalised, PCA initialisation scaled to std 1e-4, 1,000 iterations
// of gradient descent with gains (delta-bar-delta, min gain 0.01), early exaggeration 12 with
// momentum 0.5 for the first 250, then momentum 0.8, learning rate max(n / 12 / 4, 50).
// Exact gradients cost O(n²) per iteration: meant for up to kMaxTsneRows rows (a class), not
// for a whole dataset (Barnes–Hut is not implemented). Deterministic: no random initialisation.
constexpr qint64 kMaxTsneRows = 3000; // five n × n double matrices: 360 MB at 3,000

struct TsneOptions
{
    double perplexity = 30;
    int iterations = 1000;
};

// n rows of dim floats (row-major) → n × 2 coordinates (row-major). Fewer than 3 rows give
// zeros. Throws Error above kMaxTsneRows; JobControl cancels and reports progress.
std::vector<float> tsneProjection(const float *rows, qint64 n, int dim, const TsneOptions &options = {},
                                  JobControl *control = nullptr);

} // namespace faultline
