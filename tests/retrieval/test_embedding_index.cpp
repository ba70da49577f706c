#include "common/Error.h"
#include "retrieval/EmbeddingIndex.h"
#include "retrieval/Slerp.h"

#include <Eigen/QR>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace faultline;
using Neighbor = EmbeddingIndex::Neighbor;

namespace {

std::vector<float> randomRows(qint64 n, int dim, quint32 seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> rows(size_t(n) * size_t(dim));
    for (float &v : rows)
        v = normal(rng);
    return rows;
}

// Top-k by a double computation over the index's stored vectors, ties by row index.
std::vector<Neighbor> bruteForce(const EmbeddingIndex &index, const float *query, int k,
                                 const std::vector<qint64> *subset = nullptr)
{
    Eigen::VectorXd q = Eigen::Map<const Eigen::VectorXf>(query, index.dim()).cast<double>();
    if (q.norm() > 0)
        q /= q.norm();
    std::vector<qint64> rows;
    if (subset) {
        rows = *subset;
    } else {
        for (qint64 r = 0; r < index.size(); ++r)
            rows.push_back(r);
    }
    std::vector<std::pair<double, qint64>> scored;
    for (const qint64 r : rows)
        scored.emplace_back(index.storedRow(r).cast<double>().dot(q), r);
    std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    std::vector<Neighbor> out;
    for (size_t i = 0; i < scored.size() && int(i) < k; ++i)
        out.push_back({scored[i].second, float(scored[i].first)});
    return out;
}

void expectSame(const std::vector<Neighbor> &got, const std::vector<Neighbor> &want, double tolerance = 1e-5)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        if (got[i].row != want[i].row)
            QFAIL(qPrintable(QStringLiteral("rank %1: row %2 (cos %3), expected row %4 (cos %5)")
                                 .arg(i).arg(got[i].row).arg(got[i].cosine, 0, 'g', 9)
                                 .arg(want[i].row).arg(want[i].cosine, 0, 'g', 9)));
        QVERIFY2(std::abs(double(got[i].cosine) - double(want[i].cosine)) <= tolerance,
                 qPrintable(QStringLiteral("rank %1: cos %2 vs %3").arg(i).arg(got[i].cosine).arg(want[i].cosine)));
    }
}

double angle(const Eigen::VectorXf &a, const Eigen::VectorXf &b)
{
    const double c = a.cast<double>().normalized().dot(b.cast<double>().normalized());
    return std::acos(std::clamp(c, -1.0, 1.0));
}

// Restores the SIMD switch when a test ends.
struct SimdGuard
{
    ~SimdGuard() { EmbeddingIndex::setSimdEnabledForTesting(true); }
};

} // namespace

class TestEmbeddingIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void topKMatchesBruteForce_data();
    void topKMatchesBruteForce();
    void tiesByRowIndex();
    void subsetSearch();
    void kLargerThanN();
    void zeroQuery();
    void zeroRows();
    void normalisesRows();
    void invalidInput();
    void threadCountDoesNotChangeResults();
    void fp16CloseToFloat();

    void slerpEndpoints();
    void slerpPath();
    void slerpParallel();
    void slerpAntipodal();
    void slerpErrors();
    void difficultySignConvention();
};

void TestEmbeddingIndex::topKMatchesBruteForce_data()
{
    QTest::addColumn<qint64>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<bool>("half");
    QTest::addColumn<bool>("simd");
    // 20,000 × 128 fp16 = 5 MiB: large enough for the multi-threaded path.
    for (const bool simd : {true, false}) {
        for (const bool half : {true, false}) {
            const QByteArray suffix = QByteArray(half ? " fp16" : " fp32") + (simd ? " simd" : " scalar");
            QTest::newRow(("3000x100" + suffix).constData()) << qint64(3000) << 100 << half << simd;
            QTest::newRow(("20000x128" + suffix).constData()) << qint64(20000) << 128 << half << simd;
            QTest::newRow(("7x3" + suffix).constData()) << qint64(7) << 3 << half << simd;
        }
    }
}

void TestEmbeddingIndex::topKMatchesBruteForce()
{
    QFETCH(qint64, n);
    QFETCH(int, dim);
    QFETCH(bool, half);
    QFETCH(bool, simd);
    SimdGuard guard;
    EmbeddingIndex::setSimdEnabledForTesting(simd);
    if (simd && !EmbeddingIndex::simdActive())
        QSKIP("this CPU has no AVX2+F16C+FMA");

    const std::vector<float> rows = randomRows(n, dim, 17u + quint32(n));
    const EmbeddingIndex index = EmbeddingIndex::build(
        rows.data(), n, dim, half ? EmbeddingIndex::Precision::Float16 : EmbeddingIndex::Precision::Float32);
    QCOMPARE(index.size(), n);
    QCOMPARE(index.dim(), dim);
    QCOMPARE(index.stride() % 16, 0);

    const std::vector<float> queries = randomRows(5, dim, 99u);
    SearchScratch scratch;
    std::vector<Neighbor> got;
    for (int qi = 0; qi < 5; ++qi) {
        const float *q = queries.data() + qi * dim;
        for (const int k : {1, 10, 32}) {
            index.nearest(q, k, got, scratch);
            expectSame(got, bruteForce(index, q, k));
        }
    }
    // A query that is one of the rows: that row first, cosine ≈ 1.
    index.nearest(rows.data() + 5 * dim, 3, got, scratch);
    QCOMPARE(got.front().row, qint64(5));
    QVERIFY(std::abs(got.front().cosine - 1.0f) < 1e-5f);
}

void TestEmbeddingIndex::tiesByRowIndex()
{
    const int dim = 64;
    const qint64 n = 40000; // 40,000 × 64 fp16 = 5 MiB: several chunks on several threads
    std::vector<float> rows = randomRows(n, dim, 5u);
    const std::vector<qint64> copies = {39999, 7, 20000, 1234, 31000};
    for (const qint64 r : copies)
        std::copy(rows.begin() + 3 * dim, rows.begin() + 4 * dim, rows.begin() + r * dim);
    const EmbeddingIndex index = EmbeddingIndex::build(rows.data(), n, dim);
    std::vector<Neighbor> got;
    index.nearest(rows.data() + 3 * dim, 6, got);
    const std::vector<qint64> expected = {3, 7, 1234, 20000, 31000, 39999};
    QCOMPARE(got.size(), size_t(6));
    for (size_t i = 0; i < 6; ++i) {
        QCOMPARE(got[i].row, expected[i]);
        QCOMPARE(got[i].cosine, got[0].cosine);
    }
    // Truncation at the tie keeps the lowest rows.
    index.nearest(rows.data() + 3 * dim, 3, got);
    QCOMPARE(got[2].row, qint64(1234));
}

void TestEmbeddingIndex::subsetSearch()
{
    const int dim = 96;
    const qint64 n = 30000;
    const std::vector<float> rows = randomRows(n, dim, 3u);
    const EmbeddingIndex index = EmbeddingIndex::build(rows.data(), n, dim);
    std::mt19937 rng(8);
    std::vector<qint64> subset;
    for (qint64 r = 0; r < n; ++r)
        if (rng() % 3 == 0)
            subset.push_back(r);
    std::shuffle(subset.begin(), subset.end(), rng); // any order
    const std::vector<float> queries = randomRows(3, dim, 4u);
    std::vector<Neighbor> got;
    for (int qi = 0; qi < 3; ++qi) {
        const float *q = queries.data() + qi * dim;
        index.nearest(q, 20, got, &subset);
        expectSame(got, bruteForce(index, q, 20, &subset));
        for (const Neighbor &nb : got)
            QVERIFY(std::find(subset.begin(), subset.end(), nb.row) != subset.end());
    }
    // A small subset, and the empty one.
    const std::vector<qint64> few = {10, 3, 29999};
    index.nearest(queries.data(), 10, got, &few);
    expectSame(got, bruteForce(index, queries.data(), 10, &few));
    const std::vector<qint64> none;
    index.nearest(queries.data(), 10, got, &none);
    QVERIFY(got.empty());
    const std::vector<qint64> bad = {1, n};
    QVERIFY_THROWS_EXCEPTION(Error, index.nearest(queries.data(), 10, got, &bad));
    const std::vector<qint64> negative = {-1};
    QVERIFY_THROWS_EXCEPTION(Error, index.nearest(queries.data(), 10, got, &negative));
}

void TestEmbeddingIndex::kLargerThanN()
{
    const int dim = 20;
    const std::vector<float> rows = randomRows(9, dim, 11u);
    const EmbeddingIndex index = EmbeddingIndex::build(rows.data(), 9, dim);
    const std::vector<float> q = randomRows(1, dim, 12u);
    std::vector<Neighbor> got;
    index.nearest(q.data(), 100, got);
    QCOMPARE(got.size(), size_t(9));
    expectSame(got, bruteForce(index, q.data(), 100));
    index.nearest(q.data(), 0, got);
    QVERIFY(got.empty());

    const EmbeddingIndex empty = EmbeddingIndex::build(nullptr, 0, dim);
    empty.nearest(q.data(), 5, got);
    QVERIFY(got.empty());
    const EmbeddingIndex defaulted;
    QCOMPARE(defaulted.size(), qint64(0));
}

void TestEmbeddingIndex::zeroQuery()
{
    const int dim = 32;
    const std::vector<float> rows = randomRows(500, dim, 21u);
    const EmbeddingIndex index = EmbeddingIndex::build(rows.data(), 500, dim);
    const std::vector<float> zero(size_t(dim), 0.0f);
    std::vector<Neighbor> got;
    index.nearest(zero.data(), 4, got);
    // Every cosine is 0: the lowest row indices win.
    QCOMPARE(got.size(), size_t(4));
    for (size_t i = 0; i < 4; ++i) {
        QCOMPARE(got[i].row, qint64(i));
        QCOMPARE(got[i].cosine, 0.0f);
        QVERIFY(!std::signbit(got[i].cosine));
    }
}

void TestEmbeddingIndex::zeroRows()
{
    const float rows[] = {1, 0, 0, 0, -1, 0, 0, 0, 0.5f, 0.5f};
    const EmbeddingIndex index = EmbeddingIndex::build(rows, 5, 2);
    QCOMPARE(index.storedRow(1), Eigen::VectorXf::Zero(2).eval());
    const float q[] = {3, 0};
    std::vector<Neighbor> got;
    index.nearest(q, 5, got);
    QCOMPARE(got.size(), size_t(5));
    const std::vector<qint64> order = {0, 4, 1, 3, 2};
    const std::vector<float> cosines = {1.0f, float(std::sqrt(0.5)), 0.0f, 0.0f, -1.0f};
    for (size_t i = 0; i < 5; ++i) {
        QCOMPARE(got[i].row, order[i]);
        QVERIFY(std::abs(got[i].cosine - cosines[i]) < 1e-3f);
    }
}

void TestEmbeddingIndex::normalisesRows()
{
    const int dim = 50;
    std::vector<float> rows = randomRows(400, dim, 31u);
    const EmbeddingIndex unit = EmbeddingIndex::build(rows.data(), 400, dim, EmbeddingIndex::Precision::Float32);
    for (qint64 r = 0; r < 400; ++r) {
        const float f = 0.01f + float(r % 17) * 3.0f;
        for (int c = 0; c < dim; ++c)
            rows[size_t(r * dim + c)] *= f;
        QVERIFY(std::abs(unit.storedRow(r).norm() - 1.0f) < 1e-6f);
    }
    const EmbeddingIndex scaled = EmbeddingIndex::build(rows.data(), 400, dim, EmbeddingIndex::Precision::Float32);
    const std::vector<float> q = randomRows(1, dim, 32u);
    std::vector<Neighbor> a, b;
    unit.nearest(q.data(), 15, a);
    scaled.nearest(q.data(), 15, b);
    expectSame(a, b, 1e-6);
    // fp16 rows: the stored vector's scale makes it unit length too.
    const EmbeddingIndex half = EmbeddingIndex::build(rows.data(), 400, dim);
    for (qint64 r = 0; r < 400; ++r)
        QVERIFY(std::abs(half.storedRow(r).norm() - 1.0f) < 1e-6f);
    QCOMPARE(half.memoryBytes(), qint64(400) * 64 * 2 + 400 * 4);
}

void TestEmbeddingIndex::invalidInput()
{
    std::vector<float> rows = randomRows(10, 4, 1u);
    rows[6 * 4 + 2] = std::nanf("");
    try {
        EmbeddingIndex::build(rows.data(), 10, 4);
        QFAIL("expected an Error");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QStringLiteral("row 6")), qPrintable(e.message()));
    }
    QVERIFY_THROWS_EXCEPTION(Error, EmbeddingIndex::build(rows.data(), 10, 0));
    QVERIFY_THROWS_EXCEPTION(Error, EmbeddingIndex::build(rows.data(), -1, 4));
    QVERIFY_THROWS_EXCEPTION(Error, EmbeddingIndex::build(nullptr, 3, 4));

    rows[6 * 4 + 2] = 1.0f;
    const EmbeddingIndex index = EmbeddingIndex::build(rows.data(), 10, 4);
    std::vector<Neighbor> got;
    const float inf[] = {1, 0, INFINITY, 0};
    QVERIFY_THROWS_EXCEPTION(Error, index.nearest(inf, 3, got));
    QVERIFY_THROWS_EXCEPTION(Error, index.nearest(rows.data(), -1, got));
    QVERIFY_THROWS_EXCEPTION(Error, index.nearest(nullptr, 3, got));
    QVERIFY_THROWS_EXCEPTION(Error, index.nearest(Eigen::VectorXf::Ones(5), 3, got));
    index.nearest(Eigen::VectorXf::Ones(4), 3, got);
    QCOMPARE(got.size(), size_t(3));
    QVERIFY_THROWS_EXCEPTION(Error, index.storedRow(10));
}

void TestEmbeddingIndex::threadCountDoesNotChangeResults()
{
    const int dim = 512;
    const qint64 n = 12000; // 12 MiB fp16: several chunks
    const std::vector<float> rows = randomRows(n, dim, 41u);
    const EmbeddingIndex index = EmbeddingIndex::build(rows.data(), n, dim);
    const std::vector<float> q = randomRows(1, dim, 42u);
    SearchScratch one, all;
    one.setMaxThreads(1);
    std::vector<Neighbor> a, b;
    for (int repeat = 0; repeat < 20; ++repeat) {
        index.nearest(q.data(), 32, a, one);
        index.nearest(q.data(), 32, b, all);
        QCOMPARE(a.size(), size_t(32));
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].row, b[i].row);
            QCOMPARE(a[i].cosine, b[i].cosine);
        }
    }
    expectSame(a, bruteForce(index, q.data(), 32));
}

void TestEmbeddingIndex::fp16CloseToFloat()
{
    // fp16 storage changes cosines by far less than 1e-3 on unit vectors of CLIP's size.
    const int dim = 512;
    const std::vector<float> rows = randomRows(2000, dim, 51u);
    const EmbeddingIndex half = EmbeddingIndex::build(rows.data(), 2000, dim);
    const EmbeddingIndex full = EmbeddingIndex::build(rows.data(), 2000, dim, EmbeddingIndex::Precision::Float32);
    const std::vector<float> q = randomRows(1, dim, 52u);
    std::vector<Neighbor> a, b;
    half.nearest(q.data(), 2000, a);
    full.nearest(q.data(), 2000, b);
    std::vector<float> byRow(2000);
    for (const Neighbor &nb : b)
        byRow[size_t(nb.row)] = nb.cosine;
    float worst = 0;
    for (const Neighbor &nb : a)
        worst = std::max(worst, std::abs(nb.cosine - byRow[size_t(nb.row)]));
    QVERIFY2(worst < 1e-3f, qPrintable(QString::number(worst)));
}

// ------------------------------------------------------------------------------------------

void TestEmbeddingIndex::slerpEndpoints()
{
    const Eigen::VectorXf a = Eigen::Map<const Eigen::VectorXf>(randomRows(1, 64, 61u).data(), 64) * 3.0f;
    const Eigen::VectorXf b = Eigen::Map<const Eigen::VectorXf>(randomRows(1, 64, 62u).data(), 64) * 0.2f;
    QVERIFY((slerp(a, b, 0.0) - a.normalized()).norm() < 1e-6f);
    QVERIFY((slerp(a, b, 1.0) - b.normalized()).norm() < 1e-6f);
    QVERIFY((slerp(a, b, 1e-9) - a.normalized()).norm() < 1e-6f);
    QVERIFY((slerp(a, b, 1.0 - 1e-9) - b.normalized()).norm() < 1e-6f);
}

void TestEmbeddingIndex::slerpPath()
{
    for (const quint32 seed : {71u, 72u, 73u}) {
        const std::vector<float> raw = randomRows(2, 512, seed);
        const Eigen::VectorXf a = Eigen::Map<const Eigen::VectorXf>(raw.data(), 512);
        Eigen::VectorXf b = Eigen::Map<const Eigen::VectorXf>(raw.data() + 512, 512);
        if (seed == 73u)
            b = -a + 0.05f * b; // nearly antipodal but with a defined great circle
        const double theta = angle(a, b);
        double previousAngle = -1.0, previousCos = -2.0;
        for (int step = 0; step <= 60; ++step) {
            const double alpha = step / 60.0;
            const Eigen::VectorXf v = slerp(a, b, alpha);
            QVERIFY(std::abs(v.norm() - 1.0f) < 1e-6f);
            const double fromAngle = angle(a, v);
            QVERIFY2(std::abs(fromAngle - alpha * theta) < 1e-4, qPrintable(QString::number(fromAngle - alpha * theta)));
            const double toCos = v.cast<double>().dot(b.cast<double>().normalized());
            QVERIFY(fromAngle > previousAngle - 1e-6);
            QVERIFY(toCos > previousCos - 1e-6);
            previousAngle = fromAngle;
            previousCos = toCos;
            // On the great circle: in the plane of a and b.
            Eigen::MatrixXd basis(512, 2);
            basis.col(0) = a.cast<double>();
            basis.col(1) = b.cast<double>();
            const Eigen::VectorXd vd = v.cast<double>();
            const Eigen::VectorXd residual = vd - basis * basis.colPivHouseholderQr().solve(vd);
            QVERIFY(residual.norm() < 1e-5);
        }
    }
}

void TestEmbeddingIndex::slerpParallel()
{
    Eigen::VectorXf a(4);
    a << 1.0f, 2.0f, -2.0f, 4.0f;
    for (const double alpha : {0.0, 0.3, 0.5, 1.0}) {
        const Eigen::VectorXf v = slerp(a, 5.0f * a, alpha);
        QVERIFY((v - a.normalized()).norm() < 1e-6f);
    }
    Eigen::VectorXf b = a;
    b[0] += 1e-6f; // nearly parallel: the lerp fallback, still unit length and between them
    for (int step = 0; step <= 10; ++step) {
        const Eigen::VectorXf v = slerp(a, b, step / 10.0);
        QVERIFY(std::abs(v.norm() - 1.0f) < 1e-6f);
        QVERIFY(v.allFinite());
        QVERIFY((v - a.normalized()).norm() < 1e-5f);
    }
}

void TestEmbeddingIndex::slerpAntipodal()
{
    Eigen::VectorXf a(4);
    a << 0.5f, -0.1f, 0.8f, 0.3f; // smallest |a_i| is i = 1
    const Eigen::VectorXf an = a.normalized();
    Eigen::VectorXd p = -double(an[1]) * an.cast<double>();
    p[1] += 1.0;
    p.normalize();
    double previous = -1.0;
    for (int step = 0; step <= 20; ++step) {
        const double alpha = step / 20.0;
        const Eigen::VectorXf v = slerp(a, -2.0f * a, alpha);
        QVERIFY(std::abs(v.norm() - 1.0f) < 1e-6f);
        const double fromAngle = angle(a, v);
        QVERIFY(std::abs(fromAngle - alpha * M_PI) < 1e-3);
        QVERIFY(fromAngle > previous - 1e-6);
        previous = fromAngle;
    }
    // Halfway: the documented perpendicular p, toward the axis least aligned with `from`.
    QVERIFY((slerp(a, -a, 0.5).cast<double>() - p).norm() < 1e-6);
    QVERIFY((slerp(a, -a, 1.0) + an).norm() < 1e-6f);
    // One dimension has no path between +1 and −1.
    QVERIFY_THROWS_EXCEPTION(Error, slerp(Eigen::VectorXf::Ones(1), -Eigen::VectorXf::Ones(1), 0.5));
    QVERIFY((slerp(Eigen::VectorXf::Ones(1), 3 * Eigen::VectorXf::Ones(1), 0.5) - Eigen::VectorXf::Ones(1)).norm() < 1e-6f);
}

void TestEmbeddingIndex::slerpErrors()
{
    const Eigen::VectorXf a = Eigen::VectorXf::Ones(3);
    QVERIFY_THROWS_EXCEPTION(Error, slerp(a, Eigen::VectorXf::Ones(4), 0.5));
    QVERIFY_THROWS_EXCEPTION(Error, slerp(a, Eigen::VectorXf::Zero(3), 0.5));
    QVERIFY_THROWS_EXCEPTION(Error, slerp(Eigen::VectorXf(), Eigen::VectorXf(), 0.5));
    QVERIFY_THROWS_EXCEPTION(Error, slerp(a, a, -0.1));
    QVERIFY_THROWS_EXCEPTION(Error, slerp(a, a, 1.1));
    QVERIFY_THROWS_EXCEPTION(Error, slerp(a, a, std::nan("")));
    Eigen::VectorXf bad = a;
    bad[1] = std::nanf("");
    QVERIFY_THROWS_EXCEPTION(Error, slerp(a, bad, 0.5));
    QVERIFY_THROWS_EXCEPTION(Error, difficultyVector(a, a, 1.5));
    QVERIFY_THROWS_EXCEPTION(Error, difficultyVector(a, a, std::nan("")));
}

void TestEmbeddingIndex::difficultySignConvention()
{
    const std::vector<float> raw = randomRows(2, 512, 81u);
    const Eigen::VectorXf r = Eigen::Map<const Eigen::VectorXf>(raw.data(), 512) * 2.0f;
    const Eigen::VectorXf v = Eigen::Map<const Eigen::VectorXf>(raw.data() + 512, 512) * 0.5f;
    const Eigen::VectorXd vn = v.cast<double>().normalized();
    QVERIFY((difficultyVector(r, v, 0.0) - r.normalized()).norm() < 1e-6f);
    QVERIFY((difficultyVector(r, v, -1.0) + v.normalized()).norm() < 1e-6f); // hardest: −v
    QVERIFY((difficultyVector(r, v, 1.0) - v.normalized()).norm() < 1e-6f);  // easiest: +v
    QVERIFY((difficultyVector(r, v, -0.3) - slerp(r, -v, 0.3)).norm() < 1e-7f);
    QVERIFY((difficultyVector(r, v, 0.3) - slerp(r, v, 0.3)).norm() < 1e-7f);
    // The alignment with v (the SVM's "easy" side) grows monotonically with the slider.
    double previous = -2.0;
    for (int step = -30; step <= 30; ++step) {
        const double d = step / 30.0;
        const double alignment = difficultyVector(r, v, d).cast<double>().dot(vn);
        QVERIFY2(alignment > previous, qPrintable(QStringLiteral("difficulty %1").arg(d)));
        previous = alignment;
        if (step < 0)
            QVERIFY(alignment < r.cast<double>().normalized().dot(vn));
        if (step > 0)
            QVERIFY(alignment > r.cast<double>().normalized().dot(vn));
    }
}

QTEST_GUILESS_MAIN(TestEmbeddingIndex)
#include "test_embedding_index.moc"
