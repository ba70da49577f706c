#include "retrieval/IvfPartition.h"

#include "analysis/FloatProduct.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "io/BinaryArrays.h"
#include "retrieval/Calibration.h"
#ifdef FAULTLINE_HAVE_FAISS
#include "retrieval/ProductFlatIndex.h"
#endif

#ifdef FAULTLINE_HAVE_FAISS
#include <faiss/Clustering.h>
#endif

#include <QString>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace faultline {

IvfPartition IvfPartition::build(qint64 n, int dim, const RowDecoder &decode, const Options &options)
{
#ifndef FAULTLINE_HAVE_FAISS
    Q_UNUSED(decode);
    Q_UNUSED(options);
    throw Error(QStringLiteral("IVF partition of %1 × %2 rows: this build has no faiss (its k-means)").arg(n).arg(dim));
#else
    if (n < 16 || dim < 1)
        throw Error(QStringLiteral("IVF partition: needs at least 16 rows of dimension ≥ 1, got %1 × %2").arg(n).arg(dim));
    const int lists = int(std::clamp<qint64>(options.lists > 0 ? options.lists : qint64(std::lround(2.0 * std::sqrt(double(n)))),
                                             1, std::max<qint64>(1, std::min<qint64>(4096, n / 40))));

    // Training sample: evenly spaced rows (a store lists a dataset class by class, so this covers
    // every class), at most 40 per list: faiss's k-means needs ≥ 39 for stable centroids.
    const qint64 sampleSize = std::min<qint64>(n, qint64(lists) * 40);
    std::vector<float> sample(size_t(sampleSize) * size_t(dim));
    for (qint64 i = 0; i < sampleSize; ++i)
        decode(i * n / sampleSize, 1, sample.data() + i * dim);

    faiss::ClusteringParameters cp;
    cp.niter = 10;
    cp.spherical = true; // cosine search: centroids on the unit sphere
    cp.max_points_per_centroid = 40;
    cp.seed = int(options.seed);
    if (options.control)
        options.control->checkCancelled();
    faiss::Clustering clustering(dim, lists, cp);
    ProductFlatIndex assign(dim);
    clustering.train(faiss::Index::idx_t(sampleSize), sample.data(), assign);

    IvfPartition partition;
    partition.m_dim = dim;
    partition.m_centroids = clustering.centroids;
    partition.m_centroids.resize(size_t(lists) * size_t(dim));

    // Calibration queries from rows outside the k-means sample where there are any: the
    // centroids are fitted to the sample, so its rows would find their neighbours in fewer lists.
    std::vector<char> inSample(static_cast<size_t>(n), 0);
    for (qint64 i = 0; i < sampleSize; ++i)
        inSample[size_t(i * n / sampleSize)] = 1;
    const CalibrationQueries calibration =
        makeCalibrationQueries(n, dim, decode, options.calibrationQueries, options.seed, &inSample);
    const int queries = calibration.count();
    const int k = int(std::min<qint64>(std::max(1, options.calibrationK), n - 1));
    sample = {};

    // One pass over all rows: each row's nearest centroid, and the calibration queries' exact top-k
    // (a min-heap per query: front = the worst kept).
    std::vector<int> rowList(static_cast<size_t>(n));
    using Hit = std::pair<float, qint64>;
    const auto worse = [](const Hit &a, const Hit &b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
    std::vector<std::vector<Hit>> truth(static_cast<size_t>(queries));
    constexpr qint64 kBatch = 4096;
    std::vector<float> rows(size_t(kBatch) * size_t(dim)), toCentroids(size_t(kBatch) * size_t(lists)),
        toQueries(size_t(queries) * size_t(kBatch));
    for (qint64 begin = 0; begin < n; begin += kBatch) {
        if (options.control)
            options.control->checkCancelled();
        const qint64 count = std::min(kBatch, n - begin);
        decode(begin, count, rows.data());
        floatProductTransposed(rows.data(), int(count), partition.m_centroids.data(), lists, dim, toCentroids.data());
        for (qint64 r = 0; r < count; ++r) {
            const float *s = toCentroids.data() + r * lists;
            rowList[size_t(begin + r)] = int(std::max_element(s, s + lists) - s);
        }
        floatProductTransposed(calibration.vectors.data(), queries, rows.data(), int(count), dim, toQueries.data());
        for (int q = 0; q < queries; ++q) {
            std::vector<Hit> &heap = truth[size_t(q)];
            const float *s = toQueries.data() + size_t(q) * size_t(count);
            for (qint64 r = 0; r < count; ++r) {
                if (begin + r == calibration.leftOut[size_t(q)])
                    continue;
                const Hit hit{s[r], begin + r};
                if (heap.size() < size_t(k)) {
                    heap.push_back(hit);
                    std::push_heap(heap.begin(), heap.end(), worse);
                } else if (worse(hit, heap.front())) {
                    std::pop_heap(heap.begin(), heap.end(), worse);
                    heap.back() = hit;
                    std::push_heap(heap.begin(), heap.end(), worse);
                }
            }
        }
    }

    // The lists as one row array grouped by list (counting sort; rows ascending within a list).
    partition.m_offsets.assign(size_t(lists) + 1, 0);
    for (const int l : rowList)
        ++partition.m_offsets[size_t(l) + 1];
    std::partial_sum(partition.m_offsets.begin(), partition.m_offsets.end(), partition.m_offsets.begin());
    partition.m_rows.resize(static_cast<size_t>(n));
    std::vector<qint64> fill(partition.m_offsets.begin(), partition.m_offsets.end() - 1);
    for (qint64 r = 0; r < n; ++r)
        partition.m_rows[size_t(fill[size_t(rowList[size_t(r)])]++)] = r;

    // Calibration: for each true neighbour, the rank of its list among the query's lists; every
    // kind of query must find the target share of its neighbours within the probed lists.
    std::vector<std::vector<qint64>> ranks(static_cast<size_t>(queries));
    std::vector<float> scores(static_cast<size_t>(lists));
    std::vector<int> rank(static_cast<size_t>(lists)), order(static_cast<size_t>(lists));
    std::vector<std::vector<int>> orders(static_cast<size_t>(queries));
    for (int q = 0; q < queries; ++q) {
        floatProductTransposed(calibration.vectors.data() + size_t(q) * size_t(dim), 1, partition.m_centroids.data(),
                               lists, dim, scores.data());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](int a, int b) {
            return scores[size_t(a)] > scores[size_t(b)] || (scores[size_t(a)] == scores[size_t(b)] && a < b);
        });
        for (int i = 0; i < lists; ++i)
            rank[size_t(order[size_t(i)])] = i;
        for (const Hit &hit : truth[size_t(q)])
            ranks[size_t(q)].push_back(rank[size_t(rowList[size_t(hit.second)])]);
        orders[size_t(q)] = order;
    }
    partition.m_probes = smallestBudget(ranks, lists, options.targetRecall, &partition.m_recall);
    if (partition.m_probes == 0) // unreachable: all lists hold every neighbour
        partition.m_probes = lists;
    qint64 scanned = 0;
    for (const std::vector<int> &queryOrder : orders)
        for (int i = 0; i < partition.m_probes; ++i)
            scanned += partition.m_offsets[size_t(queryOrder[size_t(i)]) + 1] - partition.m_offsets[size_t(queryOrder[size_t(i)])];
    partition.m_scannedShare = double(scanned) / (double(queries) * double(n));
    return partition;
#endif
}

void IvfPartition::save(QDataStream &out) const
{
    out << qint32(m_dim) << qint32(m_probes) << m_recall << m_scannedShare;
    writeArray(out, m_centroids);
    writeArray(out, m_offsets);
    writeArray(out, m_rows);
}

IvfPartition IvfPartition::restore(QDataStream &in, qint64 n, int dim)
{
    IvfPartition p;
    qint32 savedDim = 0, probes = 0;
    in >> savedDim >> probes >> p.m_recall >> p.m_scannedShare;
    const bool read = in.status() == QDataStream::Ok && readArray(in, p.m_centroids, qint64(4096) * dim)
        && readArray(in, p.m_offsets, 4097) && readArray(in, p.m_rows, n);
    const qint64 lists = qint64(p.m_offsets.size()) - 1;
    bool valid = read && savedDim == dim && lists >= 1 && probes >= 1 && probes <= lists
        && qint64(p.m_centroids.size()) == lists * dim && qint64(p.m_rows.size()) == n && p.m_offsets.front() == 0
        && p.m_offsets.back() == n;
    for (qint64 l = 0; valid && l < lists; ++l)
        valid = p.m_offsets[size_t(l)] <= p.m_offsets[size_t(l) + 1];
    for (qint64 r = 0; valid && r < n; ++r)
        valid = p.m_rows[size_t(r)] >= 0 && p.m_rows[size_t(r)] < n;
    if (!valid)
        throw Error(QStringLiteral("saved IVF partition: damaged, or not of these %1 × %2 rows").arg(n).arg(dim));
    p.m_dim = dim;
    p.m_probes = probes;
    return p;
}

qint64 IvfPartition::memoryBytes() const
{
    return qint64(m_centroids.size() * sizeof(float) + m_offsets.size() * sizeof(qint64) + m_rows.size() * sizeof(qint64));
}

void IvfPartition::candidates(const float *query, int probes, std::vector<qint64> &rows, std::vector<float> &scores,
                              std::vector<int> &order) const
{
    const int count = lists();
    probes = std::clamp(probes, 1, count);
    scores.resize(static_cast<size_t>(count));
    order.resize(static_cast<size_t>(count));
    floatProductTransposed(query, 1, m_centroids.data(), count, m_dim, scores.data());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + probes, order.end(), [&](int a, int b) {
        return scores[size_t(a)] > scores[size_t(b)] || (scores[size_t(a)] == scores[size_t(b)] && a < b);
    });
    for (int i = 0; i < probes; ++i) {
        const int list = order[size_t(i)];
        rows.insert(rows.end(), m_rows.begin() + m_offsets[size_t(list)], m_rows.begin() + m_offsets[size_t(list) + 1]);
    }
}

} // namespace faultline
