// EmbeddingIndex's approximate search (IVF lists from faiss's k-means, issue 15 views 7): recall
// against the exact answer on clustered and on structureless data, exact cosines for what it
// returns, subsets, larger k, the exact fallbacks, determinism. Built without faiss, the index
// must say it is exact and answer exactly.

#include "common/Error.h"
#include "common/JobControl.h"
#include "retrieval/EmbeddingIndex.h"
#include "retrieval/ProjectionSketch.h"

#include <Eigen/Core>
#include <QtTest>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

using namespace faultline;
using Neighbor = EmbeddingIndex::Neighbor;
using Approximation = EmbeddingIndex::Approximation;

namespace {

std::vector<float> unitNoise(std::mt19937 &rng, int dim)
{
    std::normal_distribution<float> normal;
    std::vector<float> v(static_cast<size_t>(dim));
    for (float &x : v)
        x = normal(rng);
    Eigen::Map<Eigen::VectorXf>(v.data(), dim).normalize();
    return v;
}

// n rows around `clusters` random centres (cosine to the centre ≈ 0.9), as CLIP embeddings of
// a dataset's classes sit; clusters = 0: uniform random directions.
std::vector<float> rowsAround(qint64 n, int dim, int clusters, quint32 seed)
{
    std::mt19937 rng(seed);
    std::vector<std::vector<float>> centres;
    for (int c = 0; c < clusters; ++c)
        centres.push_back(unitNoise(rng, dim));
    std::vector<float> rows(size_t(n) * size_t(dim));
    for (qint64 r = 0; r < n; ++r) {
        const std::vector<float> noise = unitNoise(rng, dim);
        for (int c = 0; c < dim; ++c)
            rows[size_t(r * dim + c)] = clusters > 0 ? centres[size_t(r % clusters)][size_t(c)] + 0.5f * noise[size_t(c)]
                                                     : noise[size_t(c)];
    }
    return rows;
}

// An fp16 index of the first n rows.
EmbeddingIndex indexOf(const std::vector<float> &rows, qint64 n, int dim, Approximation approximation)
{
    return EmbeddingIndex::build(rows.data(), n, dim, EmbeddingIndex::Precision::Float16, approximation);
}

// Queries near, middling and far from a row (noise of norm 0.5, 1, 2 around it).
std::vector<Eigen::VectorXf> queriesNear(const std::vector<float> &rows, int dim, int count, quint32 seed)
{
    std::mt19937 rng(seed);
    const qint64 n = qint64(rows.size()) / dim;
    std::vector<Eigen::VectorXf> queries;
    for (int q = 0; q < count; ++q) {
        const qint64 row = qint64(rng() % quint32(n));
        Eigen::VectorXf v = Eigen::Map<const Eigen::VectorXf>(rows.data() + row * dim, dim).normalized();
        const std::vector<float> noise = unitNoise(rng, dim);
        v += (q % 3 == 0 ? 0.5f : q % 3 == 1 ? 1.0f : 2.0f) * Eigen::Map<const Eigen::VectorXf>(noise.data(), dim);
        queries.push_back(v);
    }
    return queries;
}

// Mean share of the exact top-k that the approximate search found; also checks every reported
// cosine against the exact index's value for that row and that results are sorted.
double recallAgainst(const EmbeddingIndex &approximate, const EmbeddingIndex &exact,
                     const std::vector<Eigen::VectorXf> &queries, int k, const std::vector<qint64> *subset = nullptr)
{
    double recall = 0;
    std::vector<Neighbor> got, want;
    for (const Eigen::VectorXf &q : queries) {
        approximate.nearest(q, k, got, subset);
        exact.nearest(q, k, want, subset);
        if (got.size() != want.size())
            return -1.0;
        std::set<qint64> truth;
        for (const Neighbor &w : want)
            truth.insert(w.row);
        int hits = 0;
        for (size_t i = 0; i < got.size(); ++i) {
            hits += truth.count(got[i].row) ? 1 : 0;
            const float cosine = exact.storedRow(got[i].row).dot(q.normalized());
            if (std::abs(cosine - got[i].cosine) > 1e-5f || (i > 0 && got[i - 1].cosine < got[i].cosine))
                return -2.0;
        }
        recall += double(hits) / double(want.size());
    }
    return recall / double(queries.size());
}

} // namespace

class TestApproximateSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clusteredRecall();
    void structurelessRecall();
    void subsets();
    void sketchWithoutClusters();
    void exactFallbacks();
    void deterministic();
    void cancelStopsTheCalibration();
    void savedApproximationRestores();
};

void TestApproximateSearch::clusteredRecall()
{
    const int dim = 48;
    const qint64 n = 30000;
    const std::vector<float> rows = rowsAround(n, dim, 300, 7);
    const EmbeddingIndex exact = indexOf(rows, n, dim, Approximation::Never);
    const EmbeddingIndex index = indexOf(rows, n, dim, Approximation::Always);
    QVERIFY(!exact.approximation().active());
    const EmbeddingIndex::ApproximationInfo info = index.approximation();
#ifdef FAULTLINE_HAVE_FAISS
    // 48 dimensions: no sketch (it needs ≥ 64); the lists, well under half the exact bytes
    QCOMPARE(info.method, EmbeddingIndex::Method::InvertedLists);
    QCOMPARE(info.lists, 346); // 2·√30000, under 30000 / 40
    QVERIFY(info.probes >= 1 && info.probes < info.lists / 4);
    QVERIFY(info.listsRecall >= 0.995);
    QVERIFY(info.listsScannedShare > 0.0 && info.listsScannedShare < 0.25);
    QCOMPARE(info.bytesShare, info.listsScannedShare);
    QVERIFY(!info.declined);
    QCOMPARE(info.sketchDims, 0);
    QVERIFY(info.memoryBytes > n * qint64(sizeof(qint64)));
    QVERIFY(index.memoryBytes() > exact.memoryBytes());
#else
    QVERIFY(!info.active());
#endif
    const std::vector<Eigen::VectorXf> queries = queriesNear(rows, dim, 90, 11);
    const double recall32 = recallAgainst(index, exact, queries, 32);
    QVERIFY2(recall32 >= 0.99, qPrintable(QString::number(recall32)));
    const double recall200 = recallAgainst(index, exact, queries, 200);
    QVERIFY2(recall200 >= 0.99, qPrintable(QString::number(recall200)));
    const double recall1 = recallAgainst(index, exact, queries, 1);
    QVERIFY2(recall1 >= 0.99, qPrintable(QString::number(recall1)));
}

void TestApproximateSearch::structurelessRecall()
{
    // Uniform directions: the calibration must raise the probes and candidates until the target
    // holds, not report a recall it does not have — in 16 dimensions the lists still pay off, in
    // 128 neither generator halves the exact scan's bytes, so the index declines and stays exact.
    for (const int dim : {16, 128}) {
        const qint64 n = 8000;
        const std::vector<float> rows = rowsAround(n, dim, 0, 3);
        const EmbeddingIndex exact = indexOf(rows, n, dim, Approximation::Never);
        const EmbeddingIndex index = indexOf(rows, n, dim, Approximation::Always);
        const EmbeddingIndex::ApproximationInfo info = index.approximation();
        const double recall = recallAgainst(index, exact, queriesNear(rows, dim, 90, 5), 32);
        QVERIFY2(recall >= 0.99, qPrintable(QStringLiteral("%1-d: %2").arg(dim).arg(recall)));
#ifdef FAULTLINE_HAVE_FAISS
        QVERIFY(info.listsRecall >= 0.995);
#endif
        if (dim == 128) {
            QVERIFY(info.declined);
            QVERIFY(!info.active());
            QVERIFY(!index.ivfPartition());
            QCOMPARE(recall, 1.0);
        }
    }
}

void TestApproximateSearch::subsets()
{
    const int dim = 32;
    const qint64 n = 20000;
    const std::vector<float> rows = rowsAround(n, dim, 200, 9);
    const EmbeddingIndex exact = indexOf(rows, n, dim, Approximation::Never);
    const EmbeddingIndex index = indexOf(rows, n, dim, Approximation::Always);
    const std::vector<Eigen::VectorXf> queries = queriesNear(rows, dim, 60, 13);
    // One "class": every third row (6,667 rows, searched through the lists, members only).
    std::vector<qint64> third;
    for (qint64 r = 1; r < n; r += 3)
        third.push_back(r);
    const double recall = recallAgainst(index, exact, queries, 32, &third);
    QVERIFY2(recall >= 0.99, qPrintable(QString::number(recall)));
    std::vector<Neighbor> got;
    index.nearest(queries[0], 32, got, &third);
    for (const Neighbor &g : got)
        QCOMPARE(g.row % 3, qint64(1));
    // A small subset (under 640 rows) is scanned exactly: the exact index's answer, row for row.
    std::vector<qint64> few;
    for (qint64 r = 0; r < n; r += 50)
        few.push_back(r);
    std::vector<Neighbor> want;
    for (const Eigen::VectorXf &q : queries) {
        index.nearest(q, 16, got, &few);
        exact.nearest(q, 16, want, &few);
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i)
            QCOMPARE(got[i].row, want[i].row);
    }
}

void TestApproximateSearch::exactFallbacks()
{
    const int dim = 16;
    const qint64 n = 2000;
    const std::vector<float> rows = rowsAround(n, dim, 20, 21);
    const EmbeddingIndex exact = indexOf(rows, n, dim, Approximation::Never);
    const EmbeddingIndex index = indexOf(rows, n, dim, Approximation::Always);
    // Auto stays exact below approximateMinRows(); Always below 640 rows.
    QVERIFY(!EmbeddingIndex::build(rows.data(), n, dim).approximation().active());
    QVERIFY(!indexOf(rows, 600, dim, Approximation::Always)
                 .approximation().active());
    QVERIFY(EmbeddingIndex::approximateMinRows() == 500000);
    std::vector<Neighbor> got, want;
    // Zero query: every cosine 0, rows 0, 1, 2, … as the exact scan orders ties.
    const Eigen::VectorXf zero = Eigen::VectorXf::Zero(dim);
    index.nearest(zero, 5, got);
    exact.nearest(zero, 5, want);
    QCOMPARE(got.size(), size_t(5));
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].row, want[i].row);
        QCOMPARE(got[i].cosine, 0.0f);
    }
    // k beyond what the probed lists hold, and k beyond n: the exact answer, all n rows.
    const Eigen::VectorXf q = Eigen::Map<const Eigen::VectorXf>(rows.data(), dim);
    index.nearest(q, int(n) + 10, got);
    exact.nearest(q, int(n) + 10, want);
    QCOMPARE(got.size(), size_t(n));
    for (size_t i = 0; i < got.size(); ++i)
        QCOMPARE(got[i].row, want[i].row);
    QVERIFY_THROWS_EXCEPTION(std::exception, index.nearest(q, -1, got));
}

// Embeddings with no clusters but a power-law spectrum (axis j has standard deviation ∝ 1/√j, as
// CLIP's PCA spectrum falls): n rows, plus `extra` unseen ones after them.
std::vector<float> powerLawRows(qint64 n, int dim, quint32 seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    Eigen::VectorXf spread(dim), cone(dim);
    for (int j = 0; j < dim; ++j) {
        spread[j] = 1.0f / std::sqrt(float(j + 1));
        cone[j] = normal(rng);
    }
    spread.normalize();
    cone.normalize();
    std::vector<float> rows(size_t(n) * size_t(dim));
    for (qint64 r = 0; r < n; ++r) {
        Eigen::Map<Eigen::VectorXf> row(rows.data() + r * dim, dim);
        for (int j = 0; j < dim; ++j)
            row[j] = cone[j] + normal(rng) * spread[j];
        row.normalize();
    }
    return rows;
}

void TestApproximateSearch::sketchWithoutClusters()
{
    const int dim = 128;
    const qint64 n = 20000, unseen = 60;
    const std::vector<float> all = powerLawRows(n + unseen, dim, 17);
    const EmbeddingIndex exact = indexOf(all, n, dim, Approximation::Never);
    const auto decode = [&](qint64 begin, qint64 count, float *out) {
        for (qint64 r = begin; r < begin + count; ++r)
            Eigen::Map<Eigen::VectorXf>(out + (r - begin) * dim, dim) = exact.storedRow(r);
    };
    std::vector<Neighbor> hits;
    const auto exactSearch = [&](const float *query, int k, std::vector<qint64> &rows) {
        exact.nearest(query, k, hits);
        rows.clear();
        for (const Neighbor &h : hits)
            rows.push_back(h.row);
    };
    const ProjectionSketch sketch = ProjectionSketch::build(n, dim, decode, exactSearch, ProjectionSketch::Options());
    QVERIFY(sketch.dims() == 16 || sketch.dims() == 32); // 128 / 8 or 128 / 4
    QVERIFY(sketch.pool() >= 32 && sketch.pool() <= n / 8);
    QVERIFY(sketch.calibratedRecall() >= 0.995);

    // Unseen rows, and the same pushed across a "modality gap" (a fixed offset, cosine ≈ 0.5):
    // the sketch's candidates hold their exact top 32.
    std::vector<Eigen::VectorXf> queries;
    Eigen::VectorXf gap = Eigen::Map<const Eigen::VectorXf>(all.data() + 7 * dim, dim);
    gap = Eigen::VectorXf::Ones(dim).normalized() - gap * gap.dot(Eigen::VectorXf::Ones(dim).normalized());
    for (qint64 u = 0; u < unseen; ++u) {
        const Eigen::VectorXf row = Eigen::Map<const Eigen::VectorXf>(all.data() + (n + u) * dim, dim);
        queries.push_back(u % 2 == 0 ? row : Eigen::VectorXf(row + 1.5f * gap.normalized()));
    }
    SearchScratch scratch;
    std::vector<qint64> candidates, truth;
    double found = 0;
    for (const Eigen::VectorXf &q : queries) {
        const Eigen::VectorXf unit = q.normalized();
        exactSearch(unit.data(), 32, truth);
        sketch.candidates(unit.data(), sketch.pool(), candidates, scratch);
        QCOMPARE(int(candidates.size()), sketch.pool());
        const std::set<qint64> pool(candidates.begin(), candidates.end());
        for (const qint64 t : truth)
            found += pool.count(t) ? 1 : 0;
    }
    const double recall = found / double(32 * queries.size());
    QVERIFY2(recall >= 0.99, qPrintable(QString::number(recall)));

    // The index calibrates both generators and keeps the cheaper; whichever it is, searches find
    // ≥ 99 % of the exact neighbours with exact cosines.
    const EmbeddingIndex index = indexOf(all, n, dim, Approximation::Always);
    const EmbeddingIndex::ApproximationInfo info = index.approximation();
    QCOMPARE(info.sketchDims, sketch.dims());
    QCOMPARE(info.sketchPool, sketch.pool());
    QVERIFY(info.active());
    QVERIFY(info.bytesShare <= EmbeddingIndex::kMaxBytesShare);
    QCOMPARE(info.method, EmbeddingIndex::Method::Sketch); // the lists would scan over half the rows here
    const double indexRecall = recallAgainst(index, exact, queries, 32);
    QVERIFY2(indexRecall >= 0.99, qPrintable(QString::number(indexRecall)));
    std::vector<qint64> third;
    for (qint64 r = 2; r < n; r += 3)
        third.push_back(r);
    const double subsetRecall = recallAgainst(index, exact, queries, 32, &third);
    QVERIFY2(subsetRecall >= 0.99, qPrintable(QString::number(subsetRecall)));
    index.nearest(queries[0], 32, hits, &third);
    for (const Neighbor &h : hits)
        QCOMPARE(h.row % 3, qint64(2));
}

void TestApproximateSearch::deterministic()
{
    const int dim = 24;
    const qint64 n = 12000;
    const std::vector<float> rows = rowsAround(n, dim, 100, 31);
    const EmbeddingIndex a = indexOf(rows, n, dim, Approximation::Always);
    const EmbeddingIndex b = indexOf(rows, n, dim, Approximation::Always);
    QCOMPARE(a.approximation().lists, b.approximation().lists);
    QCOMPARE(a.approximation().probes, b.approximation().probes);
    std::vector<Neighbor> ga, gb;
    for (const Eigen::VectorXf &q : queriesNear(rows, dim, 30, 2)) {
        a.nearest(q, 32, ga);
        b.nearest(q, 32, gb);
        QCOMPARE(ga.size(), gb.size());
        for (size_t i = 0; i < ga.size(); ++i)
            QCOMPARE(ga[i].row, gb[i].row);
    }
}

void TestApproximateSearch::cancelStopsTheCalibration()
{
    // The slider calibrates in a job that is cancelled when the class changes: the calibration
    // (lists and sketch) stops with JobCancelled instead of running on for minutes.
    const int dim = 64;
    const qint64 n = 4000;
    const std::vector<float> rows = powerLawRows(n, dim, 5);
    JobControl control;
    control.requestCancel();
    QVERIFY_THROWS_EXCEPTION(JobCancelled, EmbeddingIndex::build(rows.data(), n, dim, EmbeddingIndex::Precision::Float16,
                                                                 Approximation::Always, &control));
    // Not cancelled: the same build completes; exact builds never look at the control.
    JobControl running;
    const EmbeddingIndex::ApproximationInfo done =
        EmbeddingIndex::build(rows.data(), n, dim, EmbeddingIndex::Precision::Float16, Approximation::Always, &running)
            .approximation();
    QVERIFY(done.active() || done.declined); // calibrated to the end either way
    QCOMPARE(EmbeddingIndex::build(rows.data(), n, dim, EmbeddingIndex::Precision::Float16, Approximation::Never, &control)
                 .size(),
             n);
}

// The calibration kept in the project store comes back whole: the same lists or sketch, the same
// answers; bytes of other rows or damaged ones are refused, not half-used.
void TestApproximateSearch::savedApproximationRestores()
{
    struct Case
    {
        std::vector<float> rows;
        qint64 n;
        int dim;
        EmbeddingIndex::Method method;
    };
    const Case cases[] = {{rowsAround(30000, 48, 300, 7), 30000, 48, EmbeddingIndex::Method::InvertedLists},
                          {powerLawRows(20000, 128, 17), 20000, 128, EmbeddingIndex::Method::Sketch}};
    for (const Case &c : cases) {
        const EmbeddingIndex built = indexOf(c.rows, c.n, c.dim, Approximation::Always);
        QCOMPARE(built.approximation().method, c.method);
        const QByteArray saved = built.savedApproximation();
        QVERIFY(!saved.isEmpty());
        const EmbeddingIndex restored =
            EmbeddingIndex::restore(c.rows.data(), c.n, c.dim, EmbeddingIndex::Precision::Float16, saved);
        QCOMPARE(restored.approximation().method, c.method);
        QCOMPARE(restored.approximation().probes, built.approximation().probes);
        QCOMPARE(restored.approximation().sketchPool, built.approximation().sketchPool);
        QCOMPARE(restored.memoryBytes(), built.memoryBytes());
        std::vector<Neighbor> a, b;
        for (const Eigen::VectorXf &q : queriesNear(c.rows, c.dim, 30, 5)) {
            built.nearest(q, 32, a);
            restored.nearest(q, 32, b);
            QCOMPARE(a.size(), b.size());
            for (size_t i = 0; i < a.size(); ++i) {
                QCOMPARE(a[i].row, b[i].row);
                QCOMPARE(a[i].cosine, b[i].cosine);
            }
        }
        // Other rows (row 0 is among those fingerprinted), fewer rows, cut bytes: refused.
        std::vector<float> other = c.rows;
        other[0] += 0.5f;
        const auto refused = [&](const float *rows, qint64 n, const QByteArray &bytes) {
            try {
                EmbeddingIndex::restore(rows, n, c.dim, EmbeddingIndex::Precision::Float16, bytes);
            } catch (const Error &e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        };
        QVERIFY(refused(other.data(), c.n, saved).contains(QLatin1String("other rows")));
        QVERIFY(refused(c.rows.data(), c.n - 1, saved).contains(QLatin1String("other rows")));
        QVERIFY(!refused(c.rows.data(), c.n, saved.left(saved.size() / 2)).isEmpty());
        QVERIFY(refused(c.rows.data(), c.n, QByteArray("not an index")).contains(QLatin1String("damaged")));
    }
    // An index that was never calibrated has nothing to save.
    QVERIFY(indexOf(cases[0].rows, cases[0].n, cases[0].dim, Approximation::Never).savedApproximation().isEmpty());
}

QTEST_GUILESS_MAIN(TestApproximateSearch)
#include "test_approximate_search.moc"
