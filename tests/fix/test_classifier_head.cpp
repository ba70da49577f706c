// The retraining contract of a TorchScript classifier (issue 13): features(x) and a final
// torch.nn.Linear, read through ImageClassifier; a saved copy differs only in the head; a model
// that breaks the contract is one clear line.

#include "classify/ImageClassifier.h"
#include "common/Error.h"

#include "ErrorOf.h"
#include "TestImages.h"
#include "TinyClassifiers.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

ClassifierSpec specFor(const QString &path)
{
    ClassifierSpec spec = testing::retrainableClassifierSpec(path);
    spec.batchSize = 2;
    return spec;
}

const QStringList kClasses{QStringLiteral("cat"), QStringLiteral("dog")};

// softmax(features · weightᵀ + bias) of one row.
std::vector<float> probabilitiesFrom(const LinearHead &head, const float *features)
{
    std::vector<double> logits(size_t(head.classes));
    double top = -INFINITY;
    for (int c = 0; c < head.classes; ++c) {
        logits[size_t(c)] = head.bias[size_t(c)];
        for (int f = 0; f < head.features; ++f)
            logits[size_t(c)] += double(head.weight[size_t(c * head.features + f)]) * features[f];
        top = std::max(top, logits[size_t(c)]);
    }
    double sum = 0;
    for (double &l : logits)
        sum += (l = std::exp(l - top));
    std::vector<float> p;
    for (double l : logits)
        p.push_back(float(l / sum));
    return p;
}

} // namespace

class TestClassifierHead : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::vector<QByteArray> m_images;
    QStringList m_names;

    QString model(const char *name) const { return m_dir.filePath(QString::fromLatin1(name) + QStringLiteral(".pt")); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = testing::runFixtureScript(QStringLiteral(FAULTLINE_RETRAINABLE_CLASSIFIER_SCRIPT), m_dir.path());
        if (failed.contains(QLatin1String("No module named 'torch'")))
            QSKIP("Debian's python3-torch is needed to make the classifiers");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        for (int i = 0; i < 5; ++i) {
            m_images.push_back(testing::pngBytes(8 + i, 8, i + 1));
            m_names << QStringLiteral("img%1.png").arg(i);
        }
        m_images.push_back(QByteArray("not an image"));
        m_names << QStringLiteral("broken.png");
    }

    // The head and the features give exactly what the model outputs.
    void featuresAndHeadAreTheModel()
    {
        const auto classifier = ImageClassifier::load(specFor(model("retrainable")), kClasses);
        QCOMPARE(classifier->headName(), QStringLiteral("fc")); // the last Linear, not the Conv2d after it in order
        const LinearHead head = classifier->head(QStringLiteral("fc"));
        QCOMPARE(head.classes, 2);
        QCOMPARE(head.features, 6);
        const ClassifierFeatures features = classifier->features(m_images, m_names);
        QCOMPARE(features.dim, 6);
        QCOMPARE(features.errors.size(), m_images.size());
        QVERIFY(features.errors.back().startsWith(QLatin1String("broken.png")));
        const std::vector<ClassifierVerdict> verdicts = classifier->classify(m_images, m_names);
        for (size_t i = 0; i + 1 < m_images.size(); ++i) {
            QVERIFY(features.errors[i].isEmpty());
            const std::vector<float> p = probabilitiesFrom(head, features.values.data() + i * 6);
            for (int c = 0; c < 2; ++c)
                QVERIFY2(std::abs(p[size_t(c)] - verdicts[i].probabilities[size_t(c)]) < 1e-5f,
                         qPrintable(QStringLiteral("%1 vs %2").arg(p[size_t(c)]).arg(verdicts[i].probabilities[size_t(c)])));
        }
    }

    // A saved copy holds the new head and is otherwise the same module, and it predicts with it.
    void savedCopyDiffersOnlyInTheHead()
    {
        const auto classifier = ImageClassifier::load(specFor(model("retrainable")), kClasses);
        LinearHead head = classifier->head(QStringLiteral("fc"));
        for (float &w : head.weight)
            w = -2.f * w + 0.25f;
        head.bias = {1.5f, -1.5f};
        const QString saved = m_dir.filePath(QStringLiteral("retrained.pt"));
        classifier->saveWithHead(QStringLiteral("fc"), head, saved);

        const auto reloaded = ImageClassifier::load(specFor(saved), kClasses);
        const LinearHead back = reloaded->head(QStringLiteral("fc"));
        QCOMPARE(back.weight, head.weight);
        QCOMPARE(back.bias, head.bias);
        const ClassifierFeatures before = classifier->features(m_images, m_names);
        const ClassifierFeatures after = reloaded->features(m_images, m_names);
        QCOMPARE(after.values, before.values); // the body is untouched
        const std::vector<ClassifierVerdict> verdicts = reloaded->classify(m_images, m_names);
        const std::vector<float> p = probabilitiesFrom(head, after.values.data());
        QVERIFY(std::abs(p[0] - verdicts[0].probabilities[0]) < 1e-5f);

        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(FAULTLINE_DIFFERING_PARAMETERS_SCRIPT), model("retrainable"), saved});
        QVERIFY(python.waitForFinished(60000));
        QCOMPARE(python.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(python.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts),
                 (QStringList{QStringLiteral("fc.bias"), QStringLiteral("fc.weight")}));
    }

    void contractBreachesAreOneLine()
    {
        const QString noFeatures = model("no_features");
        QCOMPARE(errorOf([&] { ImageClassifier::load(specFor(noFeatures), kClasses)->headName(); }),
                 noFeatures + QStringLiteral(": the model has no features(x) method; retraining needs one that returns the"
                                             " penultimate features (mark it @torch.jit.export)"));
        const QString retrainable = model("retrainable");
        const auto classifier = ImageClassifier::load(specFor(retrainable), kClasses);
        QCOMPARE(errorOf([&] { classifier->headName(QStringLiteral("head")); }),
                 retrainable + QStringLiteral(": the model has no submodule 'head' (its submodules: body, classifier, fc)"));
        QCOMPARE(errorOf([&] { classifier->headName(QStringLiteral("classifier")); }),
                 retrainable + QStringLiteral(": 'classifier' is a __torch__.torch.nn.modules.conv.Conv2d, not a torch.nn.Linear"));
        const QString wrongWidth = model("wrong_width");
        QCOMPARE(errorOf([&] { ImageClassifier::load(specFor(wrongWidth), kClasses)->head(QStringLiteral("fc")); }),
                 wrongWidth + QStringLiteral(": features(x) gives 5 values per image but 'fc' takes 6"));
        const QStringList threeClasses{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        QVERIFY(!errorOf([&] { ImageClassifier::load(specFor(retrainable), threeClasses); }).isEmpty()); // 2 outputs
        LinearHead wrong = classifier->head(QStringLiteral("fc"));
        wrong.features = 5;
        QCOMPARE(errorOf([&] { classifier->saveWithHead(QStringLiteral("fc"), wrong, m_dir.filePath(QStringLiteral("x.pt"))); }),
                 QStringLiteral("the new head is 2 × 5, 'fc' is 2 × 6"));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("x.pt"))));
    }
};

QTEST_GUILESS_MAIN(TestClassifierHead)
#include "test_classifier_head.moc"
