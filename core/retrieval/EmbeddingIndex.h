#pragma once

#include <Eigen/Core>
#include <QByteArray>
#include <QtGlobal>

#include <memory>
#include <vector>

namespace faultline {

class IvfPartition;
class JobControl;
class SearchScratch;

// Cosine top-k over N embeddings (exact; approximate from 500,000 rows, below), fast enough for an
// interactive slider (the difficulty slider of the GUI: for any slerp(reference, ±direction, α),
// the nearest real images).
//
// Storage: every row is L2-normalised at build time and stored row-major in one contiguous,
// 64-byte-aligned block, each row padded with zeros to a multiple of 16 values (stride()), as
// IEEE fp16 (Eigen::half; 1M × 512 = 1 GiB) or, on request, float32 (for small N, or where
// fp16's ±5e-4 per-component rounding matters). Next to each row the index keeps the float
// reciprocal of the *stored* row's norm, so a reported cosine is the exact cosine between the
// query and the stored (rounded) vector, up to float accumulation (~1e-6); fp16 rounding moves
// cosines of unit vectors by at most ~1e-3 from the float32 values.
//
// Search: one pass over the rows (or a subset of them); dot products of stored rows with the
// normalised float query, in float, with AVX2+F16C+FMA when the CPU has them (runtime check,
// scalar fallback otherwise), memory-bandwidth-bound. Large searches are split into chunks of
// rows taken by the caller and a persistent pool of worker threads (one per further core); each
// keeps its own bounded top-k heap, merged at the end. Nothing is allocated per query beyond
// `out` and the caller's SearchScratch (which grows only when k or the thread count grows).
//
// Approximate search at millions of rows: an index of ≥ approximateMinRows() rows (or any index
// built with Approximation::Always) calibrates two candidate generators on its own rows — an
// IvfPartition (faiss k-means lists: clustered embeddings) and a ProjectionSketch (the rows'
// leading principal components in fp16: embeddings without clusters) — each to ≥ 99.5 % recall@32
// on four kinds of query, and keeps the one that reads fewer bytes per search if that is at most
// half of what the exact scan reads (otherwise it stays exact: approximation().declined). A
// search then re-scores only the candidates, with the same kernels: the cosines it reports are
// exact, and a true neighbour that was not a candidate is the only possible miss. Subsets of
// fewer rows (fewer than 640 with Always) and zero queries are searched exactly; where there
// are fewer than k candidates, so is the whole search.
//
// Order: best first — higher cosine, then lower row index on equal cosines. The cosine with a
// zero vector (zero query, or a row that was zero at build) is 0.
//
// The index is immutable; copies share the stored rows; searching is safe from any number of
// threads, each with its own SearchScratch (concurrent multi-threaded searches take turns on
// the worker pool).
class EmbeddingIndex
{
public:
    enum class Precision { Float16, Float32 };
    // Never: always the exact scan. Auto: an IVF partition from approximateMinRows() rows on.
    // Always: an IVF partition whenever the index has ≥ 640 rows (tests, benchmarks).
    enum class Approximation { Never, Auto, Always };

    enum class Method { Exact, InvertedLists, Sketch };

    struct ApproximationInfo
    {
        Method method = Method::Exact; // what searches use
        bool declined = false;   // calibrated, but neither generator halves the exact scan's bytes
        // Inverted lists (when faiss is built in): lists, probes for k ≤ 32 over all rows (more
        // for larger k and subsets), the share of rows they scan, the recall calibrated.
        int lists = 0;
        int probes = 0;
        double listsScannedShare = 1.0;
        double listsRecall = 0.0;
        // Projection sketch: its dimensions, candidates for k ≤ 32, the recall calibrated.
        int sketchDims = 0;
        int sketchPool = 0;
        double sketchRecall = 0.0;
        double bytesShare = 1.0;  // bytes the chosen method reads per search / the exact scan's
        double buildSeconds = 0.0;
        qint64 memoryBytes = 0;   // of the chosen method, beside the rows
        bool active() const { return method != Method::Exact; }
    };
    static constexpr double kMaxBytesShare = 0.5;

    struct Neighbor
    {
        qint64 row = -1;     // row of the index (the position in `rows` at build time)
        float cosine = 0.0f; // in [−1, 1]
    };

    EmbeddingIndex(); // empty: no rows, dim 0

    // `rows`: n × dim floats, row-major. Each row is L2-normalised (in double); zero rows stay
    // zero. Throws Error when n < 0, dim < 1, rows is null with n > 0, or a value is not finite
    // (naming the row). Without faiss in the build there are no lists (the sketch remains).
    // `control`: the approximate search's calibration (minutes at 10M rows) stops with
    // JobCancelled when it is cancelled.
    static EmbeddingIndex build(const float *rows, qint64 n, int dim,
                                Precision precision = Precision::Float16,
                                Approximation approximation = Approximation::Auto,
                                const JobControl *control = nullptr);
    // The calibrated approximation — its lists or sketch, or the finding that neither pays — as
    // bytes to keep beside the rows it was calibrated on (the project store); empty when the index
    // was never calibrated.
    QByteArray savedApproximation() const;
    // An index of these rows that takes its approximation from savedApproximation()'s bytes
    // instead of calibrating (minutes at millions of rows; restored lists cost nothing, a sketch
    // one projection pass). Throws Error when the bytes are damaged or were saved for other rows
    // (count, size, precision or a fingerprint of the stored rows differ).
    static EmbeddingIndex restore(const float *rows, qint64 n, int dim, Precision precision, const QByteArray &saved,
                                  const JobControl *control = nullptr);
    // Rows stored as given (not normalised): nearest() ranks them by their dot product with the
    // normalised query, and reports it as `cosine`. For sketches (ProjectionSketch). Exact only.
    static EmbeddingIndex buildDotProduct(const float *rows, qint64 n, int dim);
    // 500,000: below it the exact scan answers within ~35 ms (~7 ms per 100,000 rows at 512-d)
    // and calibrating (a minute at 1M rows) would cost more waiting than it saves.
    static qint64 approximateMinRows();
    // Tests: Auto from this many rows (process-wide; ≤ 0 restores 500,000).
    static void setApproximateMinRowsForTesting(qint64 rows);
    ApproximationInfo approximation() const;
    const IvfPartition *ivfPartition() const; // null unless searches use it (benchmarks compare)

    qint64 size() const;
    int dim() const;
    int stride() const;    // values per stored row (dim rounded up to a multiple of 16)
    Precision precision() const;
    qint64 memoryBytes() const; // stored rows + per-row scales + lists or sketch

    // The k nearest rows to `query` (dim() floats; normalised internally) by cosine, best first,
    // into `out` (cleared first; min(k, number of searched rows) entries). With `subset`, only
    // those rows are searched (e.g. one class of one split; any order; a repeated row is
    // reported repeatedly, except by an approximate search: subsets of ≥ approximateMinRows()
    // rows of an approximate index probe its lists, reporting each row once). Throws Error when k < 0, query is null or not finite, or a subset
    // row is out of range.
    void nearest(const float *query, int k, std::vector<Neighbor> &out, SearchScratch &scratch,
                 const std::vector<qint64> *subset = nullptr) const;
    // Same, with a scratch owned by the calling thread (thread_local).
    void nearest(const float *query, int k, std::vector<Neighbor> &out,
                 const std::vector<qint64> *subset = nullptr) const;
    // Same, checking query.size() == dim().
    void nearest(const Eigen::VectorXf &query, int k, std::vector<Neighbor> &out,
                 const std::vector<qint64> *subset = nullptr) const;

    // The stored row as the unit vector the index compares with (decoded, times its scale):
    // the cosine nearest() reports is dot(normalised query, storedRow) up to float rounding.
    Eigen::VectorXf storedRow(qint64 row) const;

    // Whether searches use the AVX2+F16C+FMA kernels (CPU has them and they are not disabled).
    static bool simdActive();
    // Tests: force the portable scalar kernels (process-wide; not while searches run).
    static void setSimdEnabledForTesting(bool enabled);

    struct Data; // implementation detail (EmbeddingIndex.cpp)

private:
    static void scanRows(const Data &d, const qint64 *subset, qint64 total, int kept, SearchScratch &scratch,
                         std::vector<Neighbor> &out);
    static void calibrateApproximation(Data &data, Approximation approximation, const JobControl *control);

    std::shared_ptr<const Data> m_data;
};

// Per-caller search state, reused between queries so that a query allocates nothing: the padded
// normalised query and one top-k heap per participating thread. Not shared between threads
// that search at the same time.
class SearchScratch
{
public:
    SearchScratch();
    ~SearchScratch();
    SearchScratch(const SearchScratch &) = delete;
    SearchScratch &operator=(const SearchScratch &) = delete;

    // At most this many threads (the caller included) per search; 0 (default) = the caller plus
    // every pool worker (one per further core).
    void setMaxThreads(int threads);
    int maxThreads() const { return m_maxThreads; }
    // false: the exact scan even on an approximate index (recall checks, benchmarks).
    void setApproximate(bool approximate) { m_approximate = approximate; }

private:
    friend class EmbeddingIndex;
    std::vector<float> m_query;
    std::vector<float> m_scores;
    std::vector<std::vector<EmbeddingIndex::Neighbor>> m_heaps;
    std::vector<qint64> m_candidates; // approximate search: the probed lists' rows
    std::vector<float> m_listScores;
    std::vector<int> m_listOrder;
    std::vector<quint64> m_members;   // approximate subset search: membership bits, all zero between searches
    std::unique_ptr<SearchScratch> m_inner; // the sketch's own search
    int m_maxThreads = 0;
    bool m_approximate = true;
};

} // namespace faultline
