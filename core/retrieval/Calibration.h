#pragma once

#include <QtGlobal>

#include <functional>
#include <vector>

namespace faultline {

// What the approximate searches (IvfPartition, ProjectionSketch) calibrate on: queries of four
// kinds built from rows of the index, and the smallest search budget (probed lists, candidates)
// at which every kind finds ≥ the target share of its exact neighbours.

// Writes rows [begin, begin + count) as unit vectors, count × dim floats, to `out`.
using RowDecoder = std::function<void(qint64 begin, qint64 count, float *out)>;

struct CalibrationQueries
{
    static constexpr int kKinds = 4;
    int dim = 0;
    std::vector<float> vectors;   // count × dim, unit
    std::vector<qint64> leftOut;  // per query: a row that is not its own neighbour (−1: none)
    int count() const { return dim > 0 ? int(vectors.size() / size_t(dim)) : 0; }
    static int kindOf(int query) { return query % kKinds; }
};

// `count` queries (rounded down to a multiple of four), kinds in turn: (0) a row itself, left out of
// its own neighbours (an unseen image), (1) the midpoint of two rows (the slider between two
// regions), (2) and (3) a row plus Gaussian noise of norm 1 or 2 (cosine ≈ 0.7 and 0.45 to it:
// text-side queries sit that far from images). Rows are drawn at random, avoiding those marked
// in `avoid` (e.g. a k-means sample, to which the structure was fitted) where possible.
CalibrationQueries makeCalibrationQueries(qint64 n, int dim, const RowDecoder &decode, int count, quint64 seed,
                                          const std::vector<char> *avoid = nullptr);

// ranks[q]: for each exact neighbour of query q, the budget index at which the search finds it
// (e.g. the rank of its list among the query's lists; ≥ maxBudget: never). The smallest budget b
// (1 … maxBudget) at which, for every kind, the share of neighbours with rank < b reaches
// `target`; 0 when some kind does not reach it within maxBudget. `recall` (optional): the share
// over all kinds at that budget.
int smallestBudget(const std::vector<std::vector<qint64>> &ranks, qint64 maxBudget, double target,
                   double *recall = nullptr);

} // namespace faultline
