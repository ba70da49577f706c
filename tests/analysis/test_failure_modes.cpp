#include "analysis/EmbeddingWhitener.h"
#include "analysis/FailureDirectionFitter.h"
#include "analysis/FailureModeExplorer.h"
#include "common/Error.h"

#include <QtTest>

#include <random>

using namespace faultline;

namespace {

// One class in D dims: most images correct; two planted failure subgroups, each shifted along
// its own axis (e0 and e1) and mostly misclassified; everything else Gaussian noise.
struct TwoModes
{
    AnalysisData data;
    std::vector<int> group; // 0 none, 1 first subgroup, 2 second
};

TwoModes makeTwoModes(unsigned seed)
{
    constexpr int kDim = 24, kPerSplit = 600;
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    TwoModes t;
    t.data.classNames = {QStringLiteral("cat")};
    t.data.embeddings.resize(2 * kPerSplit, kDim);
    for (int i = 0; i < 2 * kPerSplit; ++i) {
        const float u = unit(rng);
        const int group = u < 0.15f ? 1 : u < 0.30f ? 2 : 0;
        for (int d = 0; d < kDim; ++d)
            t.data.embeddings(i, d) = noise(rng);
        if (group == 1)
            t.data.embeddings(i, 0) += 4.0f;
        if (group == 2)
            t.data.embeddings(i, 1) += 4.0f;
        const bool wrong = group != 0 ? unit(rng) < 0.9f : unit(rng) < 0.05f;
        t.data.label.push_back(0);
        t.data.correct.push_back(!wrong);
        t.data.split.push_back(i < kPerSplit ? Split::Train : Split::Val);
        t.group.push_back(group);
    }
    return t;
}

// Share of the `k` most negative rows (of the val split) that belong to `group`.
double shareOfGroup(const TwoModes &t, const FailureModes &found, const FailureMode &mode, int group, int k)
{
    std::vector<size_t> order;
    for (size_t i = 0; i < found.rows.size(); ++i)
        if (t.data.split[size_t(found.rows[i])] == Split::Val)
            order.push_back(i);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return mode.decisionValues[a] < mode.decisionValues[b]; });
    int hits = 0;
    for (int i = 0; i < k; ++i)
        hits += t.group[size_t(found.rows[order[size_t(i)]])] == group;
    return double(hits) / k;
}

} // namespace

class TestFailureModes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void findsBothPlantedSubgroups()
    {
        const TwoModes t = makeTwoModes(7);
        const EmbeddingWhitener whitener = EmbeddingWhitener::fit(t.data, Split::Train);
        const FailureModes found = exploreFailureModes(t.data, whitener, 0, AnalysisParams(), FailureModeParams());
        QVERIFY2(found.modes.size() >= 3, qPrintable(found.stopReason));
        // Mode 1 is the class's direction (a linear SVM's compromise between both subgroups);
        // modes 2 and 3 are the subgroups, each with its own hardest images.
        QVERIFY(found.modes[0].cvBalancedAccuracy > 0.75);
        const double secondA = shareOfGroup(t, found, found.modes[1], 1, 40);
        const double secondB = shareOfGroup(t, found, found.modes[1], 2, 40);
        const int secondGroup = secondA > secondB ? 1 : 2;
        QVERIFY2(std::max(secondA, secondB) > 0.8, qPrintable(QStringLiteral("%1 %2").arg(secondA).arg(secondB)));
        const double third = shareOfGroup(t, found, found.modes[2], 3 - secondGroup, 40);
        QVERIFY2(third > 0.8, qPrintable(QString::number(third)));
        for (size_t m = 1; m < 3; ++m)
            QVERIFY(found.modes[m].cvBalancedAccuracy > found.modes[m].chanceMean + 2 * found.modes[m].chanceStd);
    }

    void firstModeIsTheFittersDirection()
    {
        const TwoModes t = makeTwoModes(11);
        AnalysisParams params;
        FailureDirectionFitter fitter(t.data, params);
        ClassResult fitted;
        fitter.run(nullptr, [&](const ClassResult &r) { fitted = r; });
        const FailureModes found = exploreFailureModes(t.data, fitter.whitener(), 0, params, FailureModeParams());
        QCOMPARE(found.modes[0].cvBalancedAccuracy, fitted.cvBalancedAccuracy);
        QCOMPARE(found.modes[0].C, fitted.C);
        for (size_t i = 0; i < fitted.decisionValues.size(); ++i)
            QVERIFY(std::abs(found.modes[0].decisionValues[i] - fitted.decisionValues[i]) < 1e-9);
    }

    void stopsWhenNoFurtherModeBeatsChance()
    {
        // Only one planted subgroup: the second direction must be rejected.
        TwoModes t = makeTwoModes(3);
        for (size_t i = 0; i < t.group.size(); ++i)
            if (t.group[i] == 2) {
                t.data.correct[i] = true;
                t.data.embeddings(Eigen::Index(i), 1) -= 4.0f;
            }
        const EmbeddingWhitener whitener = EmbeddingWhitener::fit(t.data, Split::Train);
        const FailureModes found = exploreFailureModes(t.data, whitener, 0, AnalysisParams(), FailureModeParams());
        QCOMPARE(found.modes.size(), size_t(1));
        QVERIFY(!found.stopReason.isEmpty());
    }

    void rejectsClassesTooSmallForTheFolds()
    {
        TwoModes t = makeTwoModes(5);
        for (size_t i = 0; i < t.data.correct.size(); ++i)
            t.data.correct[i] = true;
        t.data.correct[t.data.correct.size() - 1] = false; // one error only
        const EmbeddingWhitener whitener = EmbeddingWhitener::fit(t.data, Split::Train);
        QVERIFY_THROWS_EXCEPTION(Error, exploreFailureModes(t.data, whitener, 0, AnalysisParams(), FailureModeParams()));
    }
};

QTEST_GUILESS_MAIN(TestFailureModes)
#include "test_failure_modes.moc"
