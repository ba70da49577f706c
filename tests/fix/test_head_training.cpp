// Retraining a classifier's linear head on cached features (issue 13): the recipe matches the
// same code in PyTorch (tests/fix/head_training_reference.py), weights act as eq. 1's λ, and bad
// input is one clear line.

#include "common/JobControl.h"
#include "fix/HeadTraining.h"
#include "io/NpyFile.h"

#include "ErrorOf.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

constexpr int kClasses = 3;
constexpr int kFeatures = 8;

// Three Gaussian classes; class 2 has a planted subgroup (shifted along feature 7) the head
// starts out getting wrong.
struct Problem
{
    HeadTrainingSet set;
    LinearHead head;
};

Problem makeProblem(int perClass, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.f, 1.f);
    Problem p;
    p.set.features = kFeatures;
    for (int c = 0; c < kClasses; ++c)
        for (int i = 0; i < perClass; ++i) {
            for (int f = 0; f < kFeatures; ++f)
                p.set.x.push_back(0.5f * normal(rng) + (f == c ? 2.f : 0.f) + (c == 2 && i % 4 == 0 && f == 7 ? 3.f : 0.f));
            p.set.labels.push_back(c);
            p.set.weights.push_back(1.f);
        }
    p.head.classes = kClasses;
    p.head.features = kFeatures;
    for (int c = 0; c < kClasses; ++c)
        for (int f = 0; f < kFeatures; ++f)
            p.head.weight.push_back(f == c ? 1.f : (c == 0 && f == 7 ? 1.f : 0.f)); // class 0 claims the subgroup
    p.head.bias.assign(kClasses, 0.f);
    return p;
}

double accuracy(const LinearHead &head, const HeadTrainingSet &set)
{
    const std::vector<int> predicted = predictWithHead(head, set.x);
    int right = 0;
    for (qsizetype i = 0; i < set.rows(); ++i)
        right += predicted[size_t(i)] == set.labels[size_t(i)];
    return double(right) / double(set.rows());
}

void writeColumn(const QString &path, const std::vector<float> &values)
{
    writeNpyMatrix(path, values.data(), qint64(values.size()), 1);
}

} // namespace

class TestHeadTraining : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retrainingFixesThePlantedSubgroup()
    {
        const Problem p = makeProblem(40, 1);
        HeadTrainingParams params;
        params.epochs = 300;
        params.device = ComputeDevice::Cpu;
        QVERIFY(accuracy(p.head, p.set) < 0.95);
        const HeadTrainingResult result = trainLinearHead(p.set, p.head, params);
        QVERIFY2(result.finalLoss < result.initialLoss, qPrintable(QStringLiteral("%1 → %2").arg(result.initialLoss).arg(result.finalLoss)));
        QVERIFY2(accuracy(result.head, p.set) > 0.97, qPrintable(QString::number(accuracy(result.head, p.set))));
        QCOMPARE(result.head.classes, kClasses);
        QCOMPARE(result.head.weight.size(), p.head.weight.size());

        // Deterministic: the same input gives the same head, bit for bit.
        const HeadTrainingResult again = trainLinearHead(p.set, p.head, params);
        QCOMPARE(again.head.weight, result.head.weight);
        QCOMPARE(again.head.bias, result.head.bias);
    }

    // Weight 0 leaves a row out; weight λ scales its share of the loss (paper 002 eq. 1).
    void weightsAreLambda()
    {
        Problem p = makeProblem(20, 2);
        HeadTrainingParams params;
        params.epochs = 50;
        params.device = ComputeDevice::Cpu;
        Problem without = p;
        // Drop class 2's subgroup rows entirely, and separately give them weight 0: the same head.
        HeadTrainingSet kept;
        kept.features = kFeatures;
        for (qsizetype i = 0; i < p.set.rows(); ++i) {
            const bool subgroup = p.set.labels[size_t(i)] == 2 && (i - 40) % 4 == 0;
            if (subgroup) {
                without.set.weights[size_t(i)] = 0.f;
                continue;
            }
            kept.x.insert(kept.x.end(), p.set.x.begin() + i * kFeatures, p.set.x.begin() + (i + 1) * kFeatures);
            kept.labels.push_back(p.set.labels[size_t(i)]);
            kept.weights.push_back(1.f);
        }
        const HeadTrainingResult zero = trainLinearHead(without.set, p.head, params);
        const HeadTrainingResult dropped = trainLinearHead(kept, p.head, params);
        for (size_t i = 0; i < zero.head.weight.size(); ++i)
            QVERIFY(std::abs(zero.head.weight[i] - dropped.head.weight[i]) < 1e-5f);
        QVERIFY(std::abs(zero.finalLoss - dropped.finalLoss) < 1e-6);
    }

    void matchesTheRecipeInPyTorch()
    {
        QTemporaryDir dir;
        const Problem p = makeProblem(30, 3);
        Problem weighted = p;
        for (qsizetype i = 0; i < p.set.rows(); i += 3)
            weighted.set.weights[size_t(i)] = 0.5f; // λ = 0.5 on every third row
        writeNpyMatrix(dir.filePath(QStringLiteral("x.npy")), weighted.set.x.data(), weighted.set.rows(), kFeatures);
        writeColumn(dir.filePath(QStringLiteral("labels.npy")),
                    std::vector<float>(weighted.set.labels.begin(), weighted.set.labels.end()));
        writeColumn(dir.filePath(QStringLiteral("weights.npy")), weighted.set.weights);
        writeNpyMatrix(dir.filePath(QStringLiteral("w0.npy")), p.head.weight.data(), kClasses, kFeatures);
        writeNpyMatrix(dir.filePath(QStringLiteral("b0.npy")), p.head.bias.data(), 1, kClasses);

        HeadTrainingParams params;
        params.epochs = 200;
        params.device = ComputeDevice::Cpu;
        QProcess python;
        python.setProcessChannelMode(QProcess::MergedChannels);
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(FAULTLINE_HEAD_TRAINING_REFERENCE), dir.path(), QString::number(params.learningRate),
                      QString::number(params.momentum), QString::number(params.weightDecay),
                      QString::number(params.epochs), QStringLiteral("1")});
        QVERIFY(python.waitForFinished(120000));
        const QByteArray output = python.readAll();
        if (python.exitCode() != 0 && output.contains("No module named 'torch'"))
            QSKIP("Debian's python3-torch is needed for the PyTorch side");
        QVERIFY2(python.exitCode() == 0, output.constData());

        const HeadTrainingResult mine = trainLinearHead(weighted.set, p.head, params);
        const NpyMatrix w = readNpyMatrix(dir.filePath(QStringLiteral("w.npy")));
        const NpyMatrix b = readNpyMatrix(dir.filePath(QStringLiteral("b.npy")));
        QCOMPARE(w.values.size(), mine.head.weight.size());
        float worst = 0;
        for (size_t i = 0; i < w.values.size(); ++i)
            worst = std::max(worst, std::abs(w.values[i] - mine.head.weight[i]));
        for (size_t i = 0; i < b.values.size(); ++i)
            worst = std::max(worst, std::abs(b.values[i] - mine.head.bias[i]));
        QVERIFY2(worst < 1e-4f, qPrintable(QStringLiteral("largest difference %1").arg(worst)));
        QFile losses(dir.filePath(QStringLiteral("loss.txt")));
        QVERIFY(losses.open(QIODevice::ReadOnly));
        const QList<QByteArray> values = losses.readAll().trimmed().split(' ');
        QVERIFY(std::abs(values.value(0).toDouble() - mine.initialLoss) < 1e-5);
        QVERIFY(std::abs(values.value(1).toDouble() - mine.finalLoss) < 1e-5);
    }

    void badInputIsOneLine_data()
    {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("expected");
        QTest::newRow("label") << 0 << QStringLiteral("training row 5: label 3 is not one of the head's 3 classes");
        QTest::newRow("negative weight") << 1 << QStringLiteral("training row 2: weight -1 is not a finite number ≥ 0");
        QTest::newRow("all zero") << 2 << QStringLiteral("every training weight is 0: nothing to train on");
        QTest::newRow("feature width") << 3 << QStringLiteral("features: 7 per image, the head takes 8");
        QTest::newRow("nan") << 4 << QStringLiteral("the features hold NaN or Inf");
        QTest::newRow("learning rate") << 5 << QStringLiteral("learning rate must be > 0, got 0");
        QTest::newRow("empty") << 6 << QStringLiteral("the training set is empty");
        QTest::newRow("epochs") << 7 << QStringLiteral("epochs must be between 1 and 1000000, got 0");
    }
    void badInputIsOneLine()
    {
        QFETCH(int, fault);
        QFETCH(QString, expected);
        Problem p = makeProblem(4, 4);
        HeadTrainingParams params;
        params.epochs = 2;
        params.device = ComputeDevice::Cpu;
        switch (fault) {
        case 0: p.set.labels[5] = 3; break;
        case 1: p.set.weights[2] = -1.f; break;
        case 2: std::fill(p.set.weights.begin(), p.set.weights.end(), 0.f); break;
        case 3: p.set.features = 7; break;
        case 4: p.set.x[3] = NAN; break;
        case 5: params.learningRate = 0; break;
        case 6: p.set = HeadTrainingSet{kFeatures, {}, {}, {}}; break;
        case 7: params.epochs = 0; break;
        }
        QCOMPARE(errorOf([&] { trainLinearHead(p.set, p.head, params); }), expected);
    }

    void cancelStopsBetweenEpochs()
    {
        const Problem p = makeProblem(10, 5);
        JobControl control;
        control.requestCancel();
        QVERIFY_THROWS_EXCEPTION(JobCancelled, trainLinearHead(p.set, p.head, HeadTrainingParams(), &control));
    }
};

QTEST_GUILESS_MAIN(TestHeadTraining)
#include "test_head_training.moc"
