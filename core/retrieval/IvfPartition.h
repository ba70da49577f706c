#pragma once

#include "retrieval/Calibration.h"

#include <vector>

class QDataStream;

namespace faultline {

class JobControl;

// An inverted-file (IVF) partition of an embedding index's rows, for approximate nearest-neighbour
// search over millions of rows: k-means centroids on the unit sphere (faiss's k-means, spherical,
// its assignments computed with oneDNN's sgemm rather than the netlib BLAS faiss links) and, per
// centroid ("list"), the rows nearest to it. A query probes its `probes` nearest centroids and
// the caller scans only their rows, exactly, with its own fp16 kernel: what comes back are exact
// cosines, and the only error is a true neighbour whose list was not probed.
//
// `probes()` is calibrated at build (retrieval/Calibration): the smallest probe count whose lists
// hold ≥ `targetRecall` of the exact neighbours of every kind of calibration query, drawn from
// rows outside the k-means sample.
class IvfPartition
{
public:
    struct Options
    {
        int lists = 0;              // 0: 2·√n; at most 4096 and n / 40 (k-means wants ≥ 39 rows per list)
        int calibrationK = 32;
        double targetRecall = 0.995;
        int calibrationQueries = 128; // 32 of each kind
        quint64 seed = 1;
        const JobControl *control = nullptr; // checked between passes and batches
    };

    IvfPartition() = default;
    // Throws Error when n < 16 or dim < 1.
    static IvfPartition build(qint64 n, int dim, const RowDecoder &decode, const Options &options);

    int lists() const { return int(m_offsets.empty() ? 0 : m_offsets.size() - 1); }
    int probes() const { return m_probes; }
    // The share of all rows that `probes()` lists hold on average over the calibration queries:
    // what a search scans (the exact scan: 1).
    double scannedShare() const { return m_scannedShare; }
    double calibratedRecall() const { return m_recall; }
    qint64 memoryBytes() const;
    // lists() × dim unit centroids, row-major (e.g. a faiss IVF index's trained quantizer).
    const std::vector<float> &centroids() const { return m_centroids; }

    // The partition and its calibration as bytes (kept in the project store beside the run) and
    // back: restoring skips the k-means and the calibration. restore() throws Error when the bytes
    // are damaged or do not partition n rows of dim.
    void save(QDataStream &out) const;
    static IvfPartition restore(QDataStream &in, qint64 n, int dim);

    // Appends to `rows` the rows of the `probes` lists whose centroids are nearest to `query`
    // (dim floats, unit length), nearest list first; `scores` and `order` are the caller's scratch.
    void candidates(const float *query, int probes, std::vector<qint64> &rows, std::vector<float> &scores,
                    std::vector<int> &order) const;

private:
    int m_dim = 0;
    std::vector<float> m_centroids;  // lists × dim, unit rows
    std::vector<qint64> m_offsets;   // lists + 1: list l holds m_rows[m_offsets[l], m_offsets[l+1])
    std::vector<qint64> m_rows;      // every row once, grouped by list
    int m_probes = 1;
    double m_recall = 0.0;
    double m_scannedShare = 1.0;
};

} // namespace faultline
