#include "retrieval/Calibration.h"

#include <Eigen/Core>

#include <algorithm>
#include <random>

namespace faultline {

CalibrationQueries makeCalibrationQueries(qint64 n, int dim, const RowDecoder &decode, int count, quint64 seed,
                                          const std::vector<char> *avoid)
{
    CalibrationQueries queries;
    queries.dim = dim;
    const int total = std::max(CalibrationQueries::kKinds, count / CalibrationQueries::kKinds * CalibrationQueries::kKinds);
    queries.vectors.resize(size_t(total) * size_t(dim));
    queries.leftOut.assign(size_t(total), -1);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss;
    const auto pickRow = [&] {
        qint64 r = qint64(rng() % quint64(n));
        for (int tries = 0; avoid && (*avoid)[size_t(r)] && tries < 64; ++tries)
            r = qint64(rng() % quint64(n));
        return r;
    };
    Eigen::VectorXf row(dim), other(dim), noise(dim);
    for (int q = 0; q < total; ++q) {
        const qint64 r0 = pickRow(), r1 = pickRow();
        decode(r0, 1, row.data());
        decode(r1, 1, other.data());
        for (int c = 0; c < dim; ++c)
            noise[c] = gauss(rng);
        noise.normalize();
        Eigen::Map<Eigen::VectorXf> v(queries.vectors.data() + size_t(q) * size_t(dim), dim);
        switch (CalibrationQueries::kindOf(q)) {
        case 0:
            v = row;
            queries.leftOut[size_t(q)] = r0;
            break;
        case 1:
            v = row + other;
            break;
        case 2:
            v = row + noise;
            break;
        default:
            v = row + 2.0f * noise;
            break;
        }
        if (v.norm() > 0.0f)
            v.normalize();
    }
    return queries;
}

int smallestBudget(const std::vector<std::vector<qint64>> &ranks, qint64 maxBudget, double target, double *recall)
{
    // Per kind: how many neighbours are found at each budget index.
    std::vector<std::vector<qint64>> foundAt(CalibrationQueries::kKinds, std::vector<qint64>(size_t(maxBudget) + 1, 0));
    std::vector<qint64> neighbours(CalibrationQueries::kKinds, 0);
    for (size_t q = 0; q < ranks.size(); ++q) {
        const int kind = CalibrationQueries::kindOf(int(q));
        for (const qint64 rank : ranks[q])
            ++foundAt[size_t(kind)][size_t(std::clamp<qint64>(rank, 0, maxBudget))];
        neighbours[size_t(kind)] += qint64(ranks[q].size());
    }
    qint64 budget = 1;
    for (int kind = 0; kind < CalibrationQueries::kKinds; ++kind) {
        qint64 found = 0, b = 0;
        for (; b < maxBudget; ++b) {
            found += foundAt[size_t(kind)][size_t(b)];
            if (neighbours[size_t(kind)] == 0 || double(found) >= target * double(neighbours[size_t(kind)]))
                break;
        }
        if (b == maxBudget)
            return 0;
        budget = std::max(budget, b + 1);
    }
    if (recall) {
        qint64 found = 0, total = 0;
        for (int kind = 0; kind < CalibrationQueries::kKinds; ++kind) {
            for (qint64 b = 0; b < budget; ++b)
                found += foundAt[size_t(kind)][size_t(b)];
            total += neighbours[size_t(kind)];
        }
        *recall = total > 0 ? double(found) / double(total) : 1.0;
    }
    return int(budget);
}

} // namespace faultline
