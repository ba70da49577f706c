// accuracyAlongCaption (Figure 7b of the paper): the classifier's accuracy over the K images of
// a class nearest (by cosine) to a caption, for K = min(10, n) … n, on data built so that the
// images near one caption are mostly wrong and those near another mostly right.

#include "common/Error.h"
#include "interpret/CaptionValidation.h"
#include "ErrorOf.h"

#include <QString>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

constexpr int kDim = 8;

std::vector<float> axis(int i, float scale = 1.0f)
{
    std::vector<float> v(kDim, 0.0f);
    v[size_t(i)] = scale;
    return v;
}

// The curve computed here independently: cosines in double, a stable sort, running accuracy.
std::vector<AccuracyAtK> expectedCurve(const std::vector<float> &images, const std::vector<bool> &correct,
                                       const std::vector<float> &caption)
{
    const size_t n = correct.size();
    double captionNorm = 0;
    for (float c : caption)
        captionNorm += double(c) * double(c);
    captionNorm = std::sqrt(captionNorm);
    std::vector<double> cosine(n);
    for (size_t i = 0; i < n; ++i) {
        double dot = 0, norm = 0;
        for (int d = 0; d < kDim; ++d) {
            dot += double(images[i * kDim + size_t(d)]) * double(caption[size_t(d)]);
            norm += double(images[i * kDim + size_t(d)]) * double(images[i * kDim + size_t(d)]);
        }
        cosine[i] = norm > 0 ? dot / std::sqrt(norm) / captionNorm : -1.0;
    }
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cosine[a] > cosine[b]; });
    std::vector<AccuracyAtK> curve;
    int hits = 0;
    for (size_t k = 1; k <= n; ++k) {
        hits += correct[order[k - 1]] ? 1 : 0;
        if (k >= std::min<size_t>(10, n))
            curve.push_back({int(k), double(hits) / double(k)});
    }
    return curve;
}

} // namespace

class TestCaptionValidation : public QObject
{
    Q_OBJECT

    // 60 images: 25 near caption A (axis 0; 20 of them wrong), 25 near caption B (axis 1; 23 of
    // them right), 10 elsewhere (axis 2; all right). Raw features at various scales.
    std::vector<float> m_images;
    std::vector<bool> m_correct;

    void add(int around, bool correct, std::mt19937 &rng)
    {
        std::normal_distribution<float> noise(0.0f, 0.15f);
        std::uniform_real_distribution<float> scale(0.5f, 3.0f);
        const float s = scale(rng);
        for (int d = 0; d < kDim; ++d)
            m_images.push_back(s * ((d == around ? 1.0f : 0.0f) + noise(rng)));
        m_correct.push_back(correct);
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::mt19937 rng(7);
        for (int i = 0; i < 25; ++i)
            add(0, i % 5 == 0, rng);  // 5 of 25 right
        for (int i = 0; i < 25; ++i)
            add(1, i != 3 && i != 17, rng); // 23 of 25 right
        for (int i = 0; i < 10; ++i)
            add(2, true, rng);
    }

    void hardCaptionCurveLiesBelowEasy()
    {
        const std::vector<AccuracyAtK> a = accuracyAlongCaption(m_images, m_correct, axis(0));
        const std::vector<AccuracyAtK> b = accuracyAlongCaption(m_images, m_correct, axis(1, 4.0f));
        const size_t n = m_correct.size();
        QCOMPARE(a.size(), n - 9);
        QCOMPARE(b.size(), n - 9);
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].k, int(10 + i)); // K = 10 … n, one point each
            QCOMPARE(b[i].k, int(10 + i));
        }
        // Over the images near each caption (K ≤ 25), A's accuracy is far below B's.
        for (size_t i = 0; i + 10 <= 25; ++i)
            QVERIFY2(a[i].accuracy < b[i].accuracy - 0.5,
                     qPrintable(QStringLiteral("k=%1: %2 vs %3").arg(a[i].k).arg(a[i].accuracy).arg(b[i].accuracy)));
        QCOMPARE(a[15].k, 25);
        QCOMPARE(a[15].accuracy, 5.0 / 25.0);
        QCOMPARE(b[15].accuracy, 23.0 / 25.0);
        // At K = n both are the overall accuracy.
        const double overall = double(std::count(m_correct.begin(), m_correct.end(), true)) / double(n);
        QCOMPARE(a.back().k, int(n));
        QCOMPARE(a.back().accuracy, overall);
        QCOMPARE(b.back().accuracy, overall);
    }

    void matchesAnIndependentComputation()
    {
        for (const std::vector<float> &caption : {axis(0), axis(1), axis(2), std::vector<float>{1, -1, 0.5f, 0, 0, 2, 0, 0.1f}}) {
            const std::vector<AccuracyAtK> got = accuracyAlongCaption(m_images, m_correct, caption);
            const std::vector<AccuracyAtK> want = expectedCurve(m_images, m_correct, caption);
            QCOMPARE(got.size(), want.size());
            for (size_t i = 0; i < got.size(); ++i) {
                QCOMPARE(got[i].k, want[i].k);
                QVERIFY2(std::abs(got[i].accuracy - want[i].accuracy) <= 1e-12, qPrintable(QString::number(got[i].k)));
            }
        }
    }

    // Cosine ranking: the scale of the caption and of each image does not matter.
    void scaleInvariant()
    {
        const std::vector<AccuracyAtK> unit = accuracyAlongCaption(m_images, m_correct, axis(0));
        const std::vector<AccuracyAtK> scaled = accuracyAlongCaption(m_images, m_correct, axis(0, 0.01f));
        QCOMPARE(unit.size(), scaled.size());
        for (size_t i = 0; i < unit.size(); ++i)
            QCOMPARE(unit[i].accuracy, scaled[i].accuracy);
    }

    void fewerThanTenImages()
    {
        // n = 4: one point, K = 4. The nearest image to the caption is the wrong one.
        const std::vector<float> images = {1, 0, 0, 0, 0, 0, 0, 0,
                                           0, 1, 0, 0, 0, 0, 0, 0,
                                           0, 0, 1, 0, 0, 0, 0, 0,
                                           0.9f, 0.1f, 0, 0, 0, 0, 0, 0};
        const std::vector<bool> correct = {false, true, true, true};
        const std::vector<AccuracyAtK> curve = accuracyAlongCaption(images, correct, axis(0));
        QCOMPARE(curve.size(), size_t(1));
        QCOMPARE(curve[0].k, 4);
        QCOMPARE(curve[0].accuracy, 0.75);

        // n = 1.
        const std::vector<AccuracyAtK> one = accuracyAlongCaption(axis(3), {false}, axis(3));
        QCOMPARE(one.size(), size_t(1));
        QCOMPARE(one[0].k, 1);
        QCOMPARE(one[0].accuracy, 0.0);

        // n = 10 exactly: one point at K = 10.
        std::vector<float> ten;
        std::vector<bool> tenCorrect;
        for (int i = 0; i < 10; ++i) {
            const std::vector<float> v = axis(i % kDim, float(i + 1));
            ten.insert(ten.end(), v.begin(), v.end());
            tenCorrect.push_back(i < 7);
        }
        const std::vector<AccuracyAtK> curveTen = accuracyAlongCaption(ten, tenCorrect, axis(0));
        QCOMPARE(curveTen.size(), size_t(1));
        QCOMPARE(curveTen[0].k, 10);
        QCOMPARE(curveTen[0].accuracy, 0.7);
    }

    void zeroImagesRankLast()
    {
        // A zero embedding has no direction: it comes after every image that has one, even one
        // pointing away from the caption. Row 0 is zero (wrong), then 10 images near the caption.
        std::vector<float> images(kDim, 0.0f);
        std::vector<bool> correct = {false};
        for (int i = 0; i < 10; ++i) {
            std::vector<float> v = axis(0, float(i + 1));
            v[size_t(1 + i % 3)] = i == 9 ? -50.0f : 0.3f; // the last one nearly orthogonal
            images.insert(images.end(), v.begin(), v.end());
            correct.push_back(true);
        }
        const std::vector<AccuracyAtK> curve = accuracyAlongCaption(images, correct, axis(0));
        QCOMPARE(curve.size(), size_t(2));
        QCOMPARE(curve[0].k, 10);
        QCOMPARE(curve[0].accuracy, 1.0);
        QCOMPARE(curve[1].k, 11);
        QCOMPARE(curve[1].accuracy, 10.0 / 11.0);
    }

    void emptyInput()
    {
        QVERIFY(accuracyAlongCaption({}, {}, axis(0)).empty());
    }

    void dimensionMismatchIsAnError()
    {
        // Images one value short of n × dim.
        std::vector<float> images = m_images;
        images.pop_back();
        const QString shortImages = errorOf([&] { accuracyAlongCaption(images, m_correct, axis(0)); });
        QVERIFY2(shortImages.contains(QLatin1String("60 images")), qPrintable(shortImages));
        // A caption of another dimension.
        QVERIFY(!errorOf([&] { accuracyAlongCaption(m_images, m_correct, std::vector<float>(kDim + 1, 1.0f)); }).isEmpty());
        QVERIFY(!errorOf([&] { accuracyAlongCaption(m_images, m_correct, std::vector<float>(kDim - 1, 1.0f)); }).isEmpty());
        // An empty caption.
        QVERIFY(!errorOf([&] { accuracyAlongCaption(m_images, m_correct, {}); }).isEmpty());
        QVERIFY(!errorOf([&] { accuracyAlongCaption({}, {}, {}); }).isEmpty());
        // Labels that do not match the images.
        std::vector<bool> fewer = m_correct;
        fewer.pop_back();
        QVERIFY(!errorOf([&] { accuracyAlongCaption(m_images, fewer, axis(0)); }).isEmpty());
        // Images with values but no labels.
        QVERIFY(!errorOf([&] { accuracyAlongCaption(axis(0), {}, axis(0)); }).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCaptionValidation)
#include "test_caption_validation.moc"
