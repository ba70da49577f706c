#include "retrieval/ProjectionSketch.h"

#include "analysis/FloatProduct.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "io/BinaryArrays.h"

#include <Eigen/Eigenvalues>
#include <QString>

#include <algorithm>
#include <limits>

namespace faultline {

void ProjectionSketch::project(qint64 n, int dim, const RowDecoder &decode, const JobControl *control)
{
    // Rank by q·P(x − mean) = q·Px − q·P mean (a constant per query).
    const int dims = int(m_basis.rows());
    constexpr qint64 kBatch = 4096;
    std::vector<float> projected(size_t(n) * size_t(dims));
    std::vector<float> rows(size_t(kBatch) * size_t(dim));
    for (qint64 begin = 0; begin < n; begin += kBatch) {
        if (control)
            control->checkCancelled();
        const qint64 count = std::min(kBatch, n - begin);
        decode(begin, count, rows.data());
        float *out = projected.data() + begin * dims;
        floatProductTransposed(rows.data(), int(count), m_basis.data(), dims, dim, out);
        for (qint64 r = 0; r < count; ++r)
            Eigen::Map<Eigen::VectorXf>(out + r * dims, dims) -= m_offset;
    }
    m_rows = EmbeddingIndex::buildDotProduct(projected.data(), n, dims);
}

void ProjectionSketch::save(QDataStream &out) const
{
    out << qint32(m_basis.rows()) << qint32(m_basis.cols()) << qint32(m_pool) << m_recall;
    writeArray(out, m_basis.data(), m_basis.size());
    writeArray(out, m_offset.data(), m_offset.size());
}

ProjectionSketch ProjectionSketch::restore(QDataStream &in, qint64 n, int dim, const RowDecoder &decode,
                                           const JobControl *control)
{
    ProjectionSketch sketch;
    qint32 dims = 0, savedDim = 0, pool = 0;
    in >> dims >> savedDim >> pool >> sketch.m_recall;
    std::vector<float> basis, offset;
    const bool read = in.status() == QDataStream::Ok && savedDim == dim && dims >= 1 && dims <= dim
        && readArray(in, basis, qint64(dims) * dim) && readArray(in, offset, dims);
    if (!read || qint64(basis.size()) != qint64(dims) * dim || qint64(offset.size()) != dims || pool < 1 || pool > n)
        throw Error(QStringLiteral("saved projection sketch: damaged, or not of rows of %1 values").arg(dim));
    sketch.m_basis = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(basis.data(), dims, dim);
    sketch.m_offset = Eigen::Map<const Eigen::VectorXf>(offset.data(), dims);
    sketch.m_pool = pool;
    sketch.project(n, dim, decode, control);
    return sketch;
}

ProjectionSketch ProjectionSketch::build(qint64 n, int dim, const RowDecoder &decode, const ExactSearch &exact,
                                         const Options &options)
{
    if (n < 16 || dim < 16)
        throw Error(QStringLiteral("projection sketch: needs at least 16 rows of dimension ≥ 16, got %1 × %2").arg(n).arg(dim));

    // Principal directions of a sample of evenly spaced rows (20,000 pin them down for 512-d).
    const qint64 sampleSize = std::min<qint64>(n, 20000);
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> sample(sampleSize, dim);
    for (qint64 i = 0; i < sampleSize; ++i)
        decode(i * n / sampleSize, 1, sample.row(i).data());
    const Eigen::RowVectorXf mean = sample.colwise().mean();
    sample.rowwise() -= mean;
    const Eigen::MatrixXd covariance = (sample.transpose() * sample).cast<double>() / double(sampleSize);
    sample.resize(0, 0);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    if (solver.info() != Eigen::Success)
        throw Error(QStringLiteral("projection sketch: the eigen-decomposition of the rows' covariance failed"));

    // The calibration queries' exact neighbours (the expensive part: one exact search each).
    const CalibrationQueries calibration = makeCalibrationQueries(n, dim, decode, options.calibrationQueries, options.seed);
    const int k = int(std::min<qint64>(std::max(1, options.calibrationK), n - 1));
    std::vector<std::vector<qint64>> truth(size_t(calibration.count()));
    const auto checkCancelled = [&options] {
        if (options.control)
            options.control->checkCancelled();
    };
    for (int q = 0; q < calibration.count(); ++q) {
        checkCancelled();
        std::vector<qint64> &rows = truth[size_t(q)];
        exact(calibration.vectors.data() + size_t(q) * size_t(dim), k + 1, rows);
        rows.erase(std::remove(rows.begin(), rows.end(), calibration.leftOut[size_t(q)]), rows.end());
        rows.resize(std::min(rows.size(), size_t(k)));
    }

    // Fewer dimensions scan less but need more candidates: of dim / 8 and dim / 4 (multiples of
    // 16, at least 16), or the requested count, keep the one reading fewer bytes per search.
    std::vector<int> choices;
    if (options.dims > 0)
        choices = {std::min(options.dims, dim)};
    else
        for (const int divisor : {8, 4})
            if (const int d = std::max(16, dim / divisor / 16 * 16); choices.empty() || choices.back() != d)
                choices.push_back(d);
    const qint64 maxPool =
        std::clamp<qint64>(options.maxPool > 0 ? options.maxPool : std::min<qint64>(n / 8, qint64(1) << 18), k, n);
    ProjectionSketch best;
    double bestBytes = std::numeric_limits<double>::infinity();
    for (const int dims : choices) {
        ProjectionSketch sketch;
        sketch.m_basis.resize(dims, dim);
        for (int j = 0; j < dims; ++j) // eigenvalues ascending: the leading directions are the last columns
            sketch.m_basis.row(j) = solver.eigenvectors().col(dim - 1 - j).cast<float>().transpose();
        sketch.m_offset = sketch.m_basis * mean.transpose();
        sketch.project(n, dim, decode, options.control);

        // The rank of each exact neighbour among the sketch's candidates (one pass over them,
        // looking each up among the k sorted neighbours).
        std::vector<std::vector<qint64>> ranks(size_t(calibration.count()));
        SearchScratch scratch;
        std::vector<qint64> candidates, wanted;
        for (int q = 0; q < calibration.count(); ++q) {
            checkCancelled();
            sketch.candidates(calibration.vectors.data() + size_t(q) * size_t(dim), int(maxPool), candidates, scratch);
            wanted = truth[size_t(q)];
            std::sort(wanted.begin(), wanted.end());
            std::vector<qint64> &found = ranks[size_t(q)];
            found.assign(wanted.size(), maxPool);
            for (size_t i = 0; i < candidates.size(); ++i)
                if (const auto it = std::lower_bound(wanted.begin(), wanted.end(), candidates[i]);
                    it != wanted.end() && *it == candidates[i])
                    found[size_t(it - wanted.begin())] = qint64(i);
        }
        sketch.m_pool = smallestBudget(ranks, maxPool, options.targetRecall, &sketch.m_recall);
        if (sketch.m_pool == 0)
            continue;
        const double bytes = double(n) * double((dims + 15) / 16 * 16) * 2.0 + double(sketch.m_pool) * double(dim) * 2.0;
        if (bytes < bestBytes) {
            bestBytes = bytes;
            best = std::move(sketch);
        }
    }
    return best;
}

qint64 ProjectionSketch::memoryBytes() const
{
    return qint64(m_basis.size()) * qint64(sizeof(float)) + m_rows.memoryBytes();
}

void ProjectionSketch::candidates(const float *query, int pool, std::vector<qint64> &rows, SearchScratch &scratch,
                                  const std::vector<qint64> *subset) const
{
    const Eigen::VectorXf projected = m_basis * Eigen::Map<const Eigen::VectorXf>(query, m_basis.cols());
    thread_local std::vector<EmbeddingIndex::Neighbor> hits;
    m_rows.nearest(projected.data(), pool, hits, scratch, subset);
    rows.clear();
    for (const EmbeddingIndex::Neighbor &hit : hits)
        rows.push_back(hit.row);
}

} // namespace faultline
