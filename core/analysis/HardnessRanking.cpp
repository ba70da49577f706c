#include "analysis/HardnessRanking.h"

#include "analysis/FloatProduct.h"

#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace faultline {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kBlockRows = 256;      // query rows per similarity block (256 × |P| doubles)
constexpr int kCandidateMargin = 8;  // float candidates re-ranked in double beyond k
constexpr int kScanChunk = 32;       // similarities skipped together when none can enter the heap

// Unit rows of (x − mean) / scale (scale null: no division); zero rows stay zero.
RowMatrix unitRows(const EmbeddingRows &embeddings, const std::vector<int> &rows, const Eigen::VectorXd &mean,
                   const Eigen::VectorXd *scale)
{
    RowMatrix out(Eigen::Index(rows.size()), embeddings.cols());
    for (size_t i = 0; i < rows.size(); ++i) {
        auto row = out.row(Eigen::Index(i));
        row = embeddings.row(rows[i]).cast<double>() - mean.transpose();
        if (scale)
            row = (row.array() / scale->transpose().array()).matrix();
        const double norm = row.norm();
        if (norm > 0)
            row /= norm;
    }
    return out;
}

// The largest of n values; eight independent lanes, so the compiler emits packed max
// instructions (one running maximum is a serial dependency chain it may not reorder).
float chunkMaximum(const float *values, int n)
{
    float lane[8];
    int i = 0;
    if (n >= 8) {
        std::copy(values, values + 8, lane);
        for (i = 8; i + 8 <= n; i += 8)
            for (int l = 0; l < 8; ++l)
                lane[l] = lane[l] > values[i + l] ? lane[l] : values[i + l];
    } else {
        std::fill(lane, lane + 8, values[0]);
    }
    for (; i < n; ++i)
        lane[0] = lane[0] > values[i] ? lane[0] : values[i];
    return *std::max_element(lane, lane + 8);
}

// For each query row, the k pool rows with the largest dot product (equal values: the lower pool
// index first), excluding the query's own pool index (self[q], −1 for none). Similarities are
// computed in float by blocks, then the best k + margin candidates are re-ranked in double.
std::vector<std::vector<int>> nearestInPool(const RowMatrix &queries, const std::vector<int> &self,
                                            const RowMatrix &pool, int k)
{
    using FloatRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const FloatRows poolF = pool.cast<float>();
    const int q = int(queries.rows()), p = int(pool.rows()), dim = int(pool.cols());
    std::vector<std::vector<int>> neighbours(static_cast<size_t>(q));
    std::vector<int> blocks((q + kBlockRows - 1) / kBlockRows);
    std::iota(blocks.begin(), blocks.end(), 0);
    QtConcurrent::blockingMap(blocks, [&](int block) {
        const int first = block * kBlockRows, count = std::min(kBlockRows, q - first);
        const FloatRows queriesF = queries.middleRows(first, count).cast<float>();
        std::vector<float> similarity(static_cast<size_t>(count) * static_cast<size_t>(p));
        floatProductTransposed(queriesF.data(), count, poolF.data(), p, dim, similarity.data());
        std::vector<std::pair<float, int>> heap; // the best `wanted` so far, the worst on top
        for (int r = 0; r < count; ++r) {
            const int query = first + r;
            const int skip = self[size_t(query)];
            const int wanted = std::min<int>(p - (skip >= 0 && skip < p ? 1 : 0), k + kCandidateMargin);
            // Larger similarity first, equal ones by lower pool index: a strict order, so the
            // best `wanted` are one set whichever way they are picked.
            const auto better = [](const std::pair<float, int> &a, const std::pair<float, int> &b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            };
            heap.clear();
            const float *row = similarity.data() + static_cast<size_t>(r) * static_cast<size_t>(p);
            for (int start = 0; start < p && wanted > 0; start += kScanChunk) {
                const int end = std::min(p, start + kScanChunk);
                // Once the heap is full almost every chunk holds nothing better than its worst:
                // skip it on its maximum (a reduction the compiler vectorises) instead of
                // comparing each value. Strictly less only: an equal value may still win on index.
                if (int(heap.size()) == wanted && chunkMaximum(row + start, end - start) < heap.front().first)
                    continue;
                for (int j = start; j < end; ++j) {
                    if (j == skip)
                        continue;
                    const std::pair<float, int> candidate{row[j], j};
                    if (int(heap.size()) < wanted) {
                        heap.push_back(candidate);
                        std::push_heap(heap.begin(), heap.end(), better);
                    } else if (row[j] >= heap.front().first && better(candidate, heap.front())) {
                        std::pop_heap(heap.begin(), heap.end(), better);
                        heap.back() = candidate;
                        std::push_heap(heap.begin(), heap.end(), better);
                    }
                }
            }
            std::vector<std::pair<double, int>> exact;
            exact.reserve(heap.size());
            for (const auto &entry : heap)
                exact.push_back({queries.row(query).dot(pool.row(entry.second)), entry.second});
            std::sort(exact.begin(), exact.end(),
                      [](const auto &a, const auto &b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
            std::vector<int> &mine = neighbours[size_t(query)];
            for (int i = 0; i < std::min<int>(k, int(exact.size())); ++i)
                mine.push_back(exact[size_t(i)].second);
        }
    });
    return neighbours;
}

// One space's diffused, z-scored decision values for every row of the class (steps 1–4).
std::vector<double> diffusedScores(const RowMatrix &space, const std::vector<int> &poolRows,
                                   const std::vector<int> &outsideRows, const std::vector<double> &decision,
                                   const HardnessOptions &options)
{
    const int p = int(poolRows.size());
    const int k = std::min(options.neighbours, p - 1);
    RowMatrix pool(p, space.cols());
    for (int i = 0; i < p; ++i)
        pool.row(i) = space.row(poolRows[size_t(i)]);
    std::vector<int> self(static_cast<size_t>(p));
    std::iota(self.begin(), self.end(), 0);
    const std::vector<std::vector<int>> poolNeighbours = nearestInPool(pool, self, pool, k);

    std::vector<double> d(static_cast<size_t>(p)), x(static_cast<size_t>(p)), next(static_cast<size_t>(p));
    for (int i = 0; i < p; ++i)
        d[size_t(i)] = x[size_t(i)] = decision[size_t(poolRows[size_t(i)])];
    const auto neighbourMean = [](const std::vector<int> &of, const std::vector<double> &values) {
        double sum = 0;
        for (int j : of)
            sum += values[size_t(j)];
        return of.empty() ? 0.0 : sum / double(of.size());
    };
    for (int t = 0; t < options.iterations; ++t) {
        for (int i = 0; i < p; ++i)
            next[size_t(i)] = (1 - options.alpha) * d[size_t(i)] + options.alpha * neighbourMean(poolNeighbours[size_t(i)], x);
        std::swap(x, next);
    }

    std::vector<double> out(decision.size());
    for (int i = 0; i < p; ++i)
        out[size_t(poolRows[size_t(i)])] = x[size_t(i)];
    if (!outsideRows.empty()) {
        RowMatrix outside(Eigen::Index(outsideRows.size()), space.cols());
        for (size_t i = 0; i < outsideRows.size(); ++i)
            outside.row(Eigen::Index(i)) = space.row(outsideRows[i]);
        const std::vector<std::vector<int>> outsideNeighbours =
            nearestInPool(outside, std::vector<int>(outsideRows.size(), -1), pool, k);
        for (size_t i = 0; i < outsideRows.size(); ++i)
            out[size_t(outsideRows[i])] = (1 - options.alpha) * decision[size_t(outsideRows[i])]
                                          + options.alpha * neighbourMean(outsideNeighbours[i], x);
    }
    // z-score by the pool's mean and population standard deviation
    double mean = 0, variance = 0;
    for (double v : x)
        mean += v;
    mean /= p;
    for (double v : x)
        variance += (v - mean) * (v - mean);
    double std = std::sqrt(variance / p);
    if (std == 0)
        std = 1;
    for (double &v : out)
        v = (v - mean) / std;
    return out;
}

} // namespace

std::optional<std::vector<double>> classHardness(const AnalysisData &data, const EmbeddingWhitener &whitener,
                                                 const ClassResult &result, std::optional<Split> whitenedOn,
                                                 const HardnessOptions &options)
{
    if (!result.ok)
        return std::nullopt;
    // Positions within the class: the pool (outside the whitening split) and the rest.
    std::vector<int> poolRows, outsideRows;
    for (size_t i = 0; i < result.rows.size(); ++i)
        (whitenedOn && data.split[size_t(result.rows[i])] == *whitenedOn ? outsideRows : poolRows).push_back(int(i));
    if (poolRows.size() < 2)
        return result.decisionValues;
    if (int(poolRows.size()) > options.maxPool)
        return std::nullopt;

    // Three neighbourhoods: the SVM's whitened space (it sees directions whitening brings out),
    // the space centred on the whitening mean (the embedding's own geometry), and the space
    // centred on the class's own pool (a subgroup that is a cluster within the class).
    const EmbeddingRows embeddings = data.vectors();
    Eigen::VectorXd classMean = Eigen::VectorXd::Zero(embeddings.cols());
    for (int i : poolRows)
        classMean += embeddings.row(result.rows[size_t(i)]).cast<double>().transpose();
    classMean /= double(poolRows.size());
    const RowMatrix spaces[] = {unitRows(embeddings, result.rows, whitener.mean(), &whitener.stddev()),
                                unitRows(embeddings, result.rows, whitener.mean(), nullptr),
                                unitRows(embeddings, result.rows, classMean, nullptr)};
    std::vector<double> hardness(result.rows.size(), 0.0);
    for (const RowMatrix &space : spaces) {
        const std::vector<double> z = diffusedScores(space, poolRows, outsideRows, result.decisionValues, options);
        for (size_t i = 0; i < z.size(); ++i)
            hardness[i] += z[i];
    }
    for (double &h : hardness)
        h /= 3;
    return hardness;
}

} // namespace faultline
