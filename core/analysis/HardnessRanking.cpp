#include "analysis/HardnessRanking.h"

#include "analysis/NearestRows.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace faultline {

namespace {

using RowMatrix = DoubleRows;

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
    const std::vector<std::vector<int>> poolNeighbours = nearestByProduct(pool, self, pool, k);

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
            nearestByProduct(outside, std::vector<int>(outsideRows.size(), -1), pool, k);
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
