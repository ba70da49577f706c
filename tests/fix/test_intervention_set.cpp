// The images each intervention trains on (issue 13; paper 000 Fig. 6): the three filtering arms
// pick K pool images per class by decision value, confidence or at random; upweighting flags
// the hardest training images; bad requests are one clear line.

#include "fix/InterventionSet.h"

#include "ErrorOf.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

// Two classes of 6 pool images; decision values and confidences run in opposite orders, so the
// svm and confidence arms must choose different images.
QVector<CandidateImage> pool()
{
    QVector<CandidateImage> images;
    for (int i = 0; i < 12; ++i) {
        CandidateImage image;
        image.imageId = 100 + i;
        image.className = i % 2 ? QStringLiteral("dog") : QStringLiteral("cat");
        image.decisionValue = double(i) - 5.5;      // id 100 hardest
        image.confidence = 0.05 * double(12 - i);   // id 111 least confident
        images << image;
    }
    return images;
}

} // namespace

class TestInterventionSet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesRoundTrip()
    {
        for (Intervention i : {Intervention::FilterSvm, Intervention::FilterConfidence, Intervention::FilterRandom,
                               Intervention::Upweight, Intervention::Synthetic})
            QCOMPARE(interventionFromName(interventionName(i)), std::optional<Intervention>(i));
        QVERIFY(!interventionFromName(QStringLiteral("filter")));
    }

    void svmArmTakesTheMostNegative()
    {
        QCOMPARE(chooseFilteredImages(pool(), Intervention::FilterSvm, 2), (QVector<qint64>{100, 102, 101, 103}));
    }

    void confidenceArmTakesTheLeastConfident()
    {
        QCOMPARE(chooseFilteredImages(pool(), Intervention::FilterConfidence, 2), (QVector<qint64>{110, 108, 111, 109}));
        QVector<CandidateImage> unknown = pool();
        unknown[3].confidence = std::nan("");
        QCOMPARE(errorOf([&] { chooseFilteredImages(unknown, Intervention::FilterConfidence, 1); }),
                 QStringLiteral("class 'dog': pool image 103 has no confidence; the confidence arm needs predictions"
                                " with a confidence column (or made by predict)"));
    }

    void randomArmIsSeededAndOrderFree()
    {
        const QVector<qint64> a = chooseFilteredImages(pool(), Intervention::FilterRandom, 3, 7);
        QCOMPARE(a.size(), 6);
        QCOMPARE(chooseFilteredImages(pool(), Intervention::FilterRandom, 3, 7), a);
        QVector<CandidateImage> reversed = pool();
        std::reverse(reversed.begin(), reversed.end());
        QCOMPARE(chooseFilteredImages(reversed, Intervention::FilterRandom, 3, 7), a); // the input order does not matter
        const std::set<qint64> distinct(a.begin(), a.end());
        QCOMPARE(int(distinct.size()), 6);
        for (int i = 0; i < 3; ++i)
            QVERIFY(a[i] % 2 == 0); // cat's first
        // Over seeds, every image is drawn at some point (not always the same three).
        std::set<qint64> seen;
        for (quint64 seed = 0; seed < 40; ++seed)
            for (qint64 id : chooseFilteredImages(pool(), Intervention::FilterRandom, 1, seed))
                seen.insert(id);
        QCOMPARE(int(seen.size()), 12);
    }

    void badFilterRequests()
    {
        QCOMPARE(errorOf([] { chooseFilteredImages(pool(), Intervention::FilterSvm, 7); }),
                 QStringLiteral("class 'cat' has 6 pool images, fewer than K = 7"));
        QCOMPARE(errorOf([] { chooseFilteredImages(pool(), Intervention::FilterSvm, 0); }),
                 QStringLiteral("K must be at least 1, got 0"));
        QCOMPARE(errorOf([] { chooseFilteredImages(pool(), Intervention::Upweight, 1); }),
                 QStringLiteral("upweight is not a filtering intervention: it adds no pool images"));
    }

    void upweightingFlagsTheHardest()
    {
        HardFlag perClass;
        perClass.perClass = 2;
        const std::vector<float> weights = upweightedTraining(pool(), perClass, 4.0);
        for (int i = 0; i < 12; ++i)
            QCOMPARE(weights[size_t(i)], i < 4 ? 4.f : 1.f); // ids 100..103: the two hardest of each class
        HardFlag threshold;
        threshold.threshold = -4.0;
        const std::vector<float> below = upweightedTraining(pool(), threshold, 2.0);
        for (int i = 0; i < 12; ++i)
            QCOMPARE(below[size_t(i)], double(i) - 5.5 < -4.0 ? 2.f : 1.f);
    }

    void badUpweightRequests()
    {
        HardFlag both;
        both.perClass = 1;
        both.threshold = 0.0;
        QCOMPARE(errorOf([&] { upweightedTraining(pool(), both, 2.0); }),
                 QStringLiteral("upweighting needs exactly one of K per class and a threshold (got both)"));
        QCOMPARE(errorOf([&] { upweightedTraining(pool(), HardFlag(), 2.0); }),
                 QStringLiteral("upweighting needs exactly one of K per class and a threshold (got neither)"));
        HardFlag k;
        k.perClass = 1;
        QCOMPARE(errorOf([&] { upweightedTraining(pool(), k, 0.5); }),
                 QStringLiteral("the upweighting factor must be a number ≥ 1, got 0.5"));
    }
};

QTEST_GUILESS_MAIN(TestInterventionSet)
#include "test_intervention_set.moc"
