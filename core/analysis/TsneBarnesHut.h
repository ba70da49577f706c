#pragma once

#include <QtGlobal>
#include <vector>

namespace faultline {

class JobControl;

// The parts of Barnes–Hut t-SNE (van der Maaten 2014; scikit-learn's method="barnes_hut") that
// tsneProjection() uses above kMaxExactTsneRows rows, exposed for their tests.

// Row i's conditional probabilities p(j|i) over `count` squared distances (entry `skip` left at 0:
// the row itself; −1 for none) at the precision whose entropy is log(perplexity) — scikit-learn's
// _binary_search_perplexity; the exact t-SNE uses it too.
void conditionalProbabilities(const double *squaredDistances, qint64 count, qint64 skip, double perplexity, double *out);

// The joint probabilities P over each row's `neighbours` nearest rows (squared Euclidean
// distances): each row's conditional p(j|i) at the precision whose entropy is log(perplexity),
// then P + Pᵀ normalised to sum 1 — a sparse n × n matrix in CSR form (columns sorted per row).
struct SparseAffinities
{
    std::vector<qint64> rowStart; // n + 1 offsets into columns/values
    std::vector<qint64> columns;
    std::vector<double> values;
};
SparseAffinities sparseAffinities(const float *rows, qint64 n, int dim, double perplexity, int neighbours,
                                  JobControl *control = nullptr);

// The KL gradient at embedding y (n × 2, row-major): attraction over P's entries (scaled by
// `exaggeration`), repulsion from a quadtree whose cells are taken as one body when their width
// over their distance is below `angle` (0: every point, the exact repulsion). Writes n × 2.
void barnesHutGradient(const SparseAffinities &p, const double *y, qint64 n, double exaggeration, double angle,
                       double *gradient);

} // namespace faultline
