#pragma once

#include "retrieval/Calibration.h"
#include "retrieval/EmbeddingIndex.h"

#include <Eigen/Core>

#include <vector>

class QDataStream;

namespace faultline {

class JobControl;

// A low-dimensional sketch of an index's rows for approximate search where the rows have no
// cluster structure for inverted lists to exploit: each row's projection on the `dims` leading
// principal directions of the rows (Eigen's eigen-decomposition of a sample's covariance), kept
// in fp16. A search scans the sketch — dims instead of dim values per row — for the `pool` best
// candidates, which the caller re-scores exactly: the cosines it reports are exact, and a true
// neighbour ranked below the pool by its sketch is the only possible miss.
//
// `pool()` is calibrated at build (retrieval/Calibration): the smallest candidate count holding
// ≥ `targetRecall` of the exact neighbours of every kind of calibration query; 0 (and dims() 0)
// when even `maxPool` candidates do not: the sketch is then of no use.
class ProjectionSketch
{
public:
    // The exact top-k rows of a unit query (the index's own exact scan).
    using ExactSearch = std::function<void(const float *query, int k, std::vector<qint64> &rows)>;

    struct Options
    {
        int dims = 0;          // 0: the cheaper of dim / 8 and dim / 4 (multiples of 16, ≥ 16)
        int calibrationK = 32;
        double targetRecall = 0.995;
        int calibrationQueries = 128; // 32 of each kind
        qint64 maxPool = 0;    // 0: n / 8, at most 262,144
        quint64 seed = 1;
        const JobControl *control = nullptr; // checked between queries and batches
    };

    ProjectionSketch() = default;
    // Throws Error when n < 16 or dim < 16.
    static ProjectionSketch build(qint64 n, int dim, const RowDecoder &decode, const ExactSearch &exact,
                                  const Options &options);

    int dims() const { return int(m_basis.rows()); }
    int pool() const { return m_pool; }
    double calibratedRecall() const { return m_recall; }
    qint64 memoryBytes() const;

    // The basis and calibration as bytes (kept in the project store) and back; restoring projects
    // the rows again (one pass) but skips the eigen-decomposition and the calibration. restore()
    // throws Error when the bytes are damaged or not of rows of dim values.
    void save(QDataStream &out) const;
    static ProjectionSketch restore(QDataStream &in, qint64 n, int dim, const RowDecoder &decode,
                                    const JobControl *control = nullptr);

    // The `pool` rows (of `subset`, when given) whose sketches score highest for `query` (dim
    // floats, unit), best first, into `rows` (cleared first). `scratch`: the caller's, not the one
    // of the search this serves.
    void candidates(const float *query, int pool, std::vector<qint64> &rows, SearchScratch &scratch,
                    const std::vector<qint64> *subset = nullptr) const;

private:
    // Every row's projection on the basis, centred (minus the projected mean, m_offset).
    void project(qint64 n, int dim, const RowDecoder &decode, const JobControl *control);

    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m_basis; // dims × dim
    Eigen::VectorXf m_offset; // dims: the basis times the rows' mean
    EmbeddingIndex m_rows; // n × dims projections of the centred rows, ranked by dot product
    int m_pool = 0;
    double m_recall = 0.0;
};

} // namespace faultline
