// HardnessRanking (issue 14.4): the properties its specification promises (the numbers are checked
// against the Python reference by tests/benchmarks/bench_hardness.py --cli): no diffusion is the
// z-scored decision value, a dense region of failures outranks an isolated error, rows of the
// whitening split are scored against the pool, tiny and huge pools.
#include "analysis/HardnessRanking.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace faultline;

namespace {

struct Class
{
    AnalysisData data;
    ClassResult result;
    EmbeddingWhitener whitener;
};

// `n` val images in 8 dims around the origin; the first `cluster` sit together far out along
// dimension 0; `train` more rows in the train split. Decision values are given.
Class makeClass(int n, int cluster, int train, const std::vector<double> &decision)
{
    Class c;
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.f, 1.f);
    const int rows = n + train;
    c.data.classNames = {QStringLiteral("c")};
    c.data.embeddings.resize(rows, 8);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < 8; ++j)
            c.data.embeddings(i, j) = noise(rng);
        if (i < cluster)
            c.data.embeddings(i, 0) = 6.f + 0.1f * noise(rng);
        c.data.label.push_back(0);
        c.data.correct.push_back(true);
        c.data.split.push_back(i < n ? Split::Val : Split::Train);
        c.result.rows.push_back(i);
    }
    c.result.ok = true;
    c.result.decisionValues = decision;
    c.whitener = EmbeddingWhitener::fit(c.data, Split::Train);
    return c;
}

double zScore(double v, const std::vector<double> &of)
{
    double mean = 0, var = 0;
    for (double x : of)
        mean += x;
    mean /= double(of.size());
    for (double x : of)
        var += (x - mean) * (x - mean);
    return (v - mean) / std::sqrt(var / double(of.size()));
}

} // namespace

class TestHardness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void withoutDiffusionItIsTheZScoredDecisionValue()
    {
        std::vector<double> d;
        for (int i = 0; i < 30; ++i)
            d.push_back(std::sin(i * 0.7));
        const Class c = makeClass(30, 5, 0, d);
        HardnessOptions options;
        options.alpha = 0;
        const auto h = classHardness(c.data, c.whitener, c.result, Split::Train, options);
        QVERIFY(h);
        for (int i = 0; i < 30; ++i)
            QVERIFY(std::abs((*h)[size_t(i)] - zScore(d[size_t(i)], d)) < 1e-12);
    }

    void aDenseFailureRegionOutranksAnIsolatedError()
    {
        // Rows 0..9: a tight cluster; 0..7 fail (negative), 8 and 9 are right. Row 20 fails alone.
        std::vector<double> d(60, 1.0);
        for (int i = 0; i < 8; ++i)
            d[size_t(i)] = -1.0;
        d[20] = -1.0;
        const Class c = makeClass(60, 10, 0, d);
        HardnessOptions options;
        options.neighbours = 6;
        const auto h = classHardness(c.data, c.whitener, c.result, Split::Train, options);
        QVERIFY(h);
        // the correct images inside the failure region are harder than easy images elsewhere...
        QVERIFY((*h)[8] < (*h)[30] && (*h)[9] < (*h)[30]);
        // ...and the region's failures harder than the isolated one
        for (int i = 0; i < 8; ++i)
            QVERIFY2((*h)[size_t(i)] < (*h)[20], qPrintable(QStringLiteral("%1: %2 vs %3").arg(i).arg((*h)[size_t(i)]).arg((*h)[20])));
    }

    void trainRowsAreScoredAgainstThePool()
    {
        std::vector<double> d(50, 1.0);
        for (int i = 0; i < 10; ++i)
            d[size_t(i)] = -2.0;
        const Class c = makeClass(40, 10, 10, d); // rows 40..49 are train
        const auto h = classHardness(c.data, c.whitener, c.result, Split::Train);
        QVERIFY(h);
        QCOMPARE(h->size(), size_t(50));
        for (double v : *h)
            QVERIFY(std::isfinite(v));
        // whitening on all rows (no train split in the data): every row is in the pool
        Class flat = makeClass(50, 10, 0, d);
        QVERIFY(classHardness(flat.data, flat.whitener, flat.result, std::nullopt));
    }

    void tinyAndHugePools()
    {
        const Class one = makeClass(1, 0, 5, {0.5, 1, 1, 1, 1, 1});
        const auto h = classHardness(one.data, one.whitener, one.result, Split::Train);
        QVERIFY(h);
        QCOMPARE(*h, one.result.decisionValues); // fewer than two pool images: the decision value
        const Class c = makeClass(30, 5, 0, std::vector<double>(30, 0.0));
        HardnessOptions small;
        small.maxPool = 29;
        QVERIFY(!classHardness(c.data, c.whitener, c.result, Split::Train, small));
        ClassResult skipped = c.result;
        skipped.ok = false;
        QVERIFY(!classHardness(c.data, c.whitener, skipped, Split::Train));
    }
};

QTEST_GUILESS_MAIN(TestHardness)
#include "test_hardness.moc"
