// The interpretation layer on a run whose right answer is known by construction: a synthetic
// 32-d "CLIP space" with made-up text embeddings t_ref, t_1 … t_20, and a class "cat" whose
// misclassified images are shifted along t_7 − t_ref (the failure subgroup) and whose correctly
// classified images along t_15 − t_ref. The analysis runs for real (scanner, store, SVM fit);
// the caption scores are then recomputed here, independently, with the paper's formula.

#include "analysis/AnalysisJob.h"
#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "interpret/CaptionRanking.h"
#include "interpret/RunImages.h"
#include "interpret/StoredFailureDirection.h"
#include "retrieval/EmbeddingIndex.h"
#include "retrieval/Slerp.h"
#include "store/ProjectStore.h"
#include "TestImages.h"
#include "ErrorOf.h"

#include <Eigen/Core>
#include <QDir>
#include <QHash>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

constexpr int kDim = 32;
constexpr int kCaptions = 20;
constexpr int kHardCaption = 7;   // the failure subgroup is shifted along t_7 − t_ref
constexpr int kEasyCaption = 15;  // the correctly classified images along t_15 − t_ref
constexpr double kShift = 4.0;    // |shift|; the per-image noise is N(0, 1) per dimension

QString captionName(int i)
{
    return QStringLiteral("caption %1").arg(i);
}

Eigen::VectorXd toDouble(const std::vector<float> &values, size_t offset = 0, int dim = kDim)
{
    return Eigen::Map<const Eigen::VectorXf>(values.data() + offset, dim).cast<double>();
}

} // namespace

class TestCaptionRanking : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_root;
    std::unique_ptr<ProjectStore> m_store;
    qint64 m_modelId = 0;
    qint64 m_runId = 0;

    // What the test planted.
    QHash<qint64, std::vector<float>> m_embedding; // image id → its 32 floats
    QHash<qint64, QString> m_pathOf;
    QHash<qint64, Split> m_splitOf;
    QHash<qint64, bool> m_wrong;                    // cat images the classifier got wrong
    std::vector<float> m_reference;                 // t_ref
    std::vector<float> m_captionEmbeddings;         // t_1 … t_20, row-major
    QStringList m_captions;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        std::mt19937_64 rng(20240607);
        std::normal_distribution<double> normal(0.0, 1.0);

        // Synthetic text embeddings (raw, not normalised, like CLIP's text features).
        auto randomVector = [&] {
            std::vector<float> v(kDim);
            for (float &x : v)
                x = float(normal(rng));
            return v;
        };
        m_reference = randomVector();
        for (int i = 1; i <= kCaptions; ++i) {
            const std::vector<float> t = randomVector();
            m_captionEmbeddings.insert(m_captionEmbeddings.end(), t.begin(), t.end());
            m_captions << captionName(i);
        }
        const Eigen::VectorXd t0 = toDouble(m_reference);
        const Eigen::VectorXd uHard = (toDouble(m_captionEmbeddings, size_t(kHardCaption - 1) * kDim) - t0).normalized();
        const Eigen::VectorXd uEasy = (toDouble(m_captionEmbeddings, size_t(kEasyCaption - 1) * kDim) - t0).normalized();

        // ROOT/<split>/<class>/<i>.png. cat: 40% wrong (predicted dog) in every split; dog: all
        // right, so its failure direction cannot be fitted ("no errors in the fit split").
        m_root = QDir(m_tmp.path()).filePath(QStringLiteral("data"));
        const struct { const char *split; const char *cls; int n; } groups[] = {
            {"train", "cat", 30}, {"val", "cat", 40}, {"test", "cat", 20},
            {"train", "dog", 30}, {"val", "dog", 30}, {"test", "dog", 10}};
        int seed = 0;
        for (const auto &g : groups)
            for (int i = 0; i < g.n; ++i)
                QVERIFY(faultline::testing::writePng(
                    QDir(m_root).filePath(QStringLiteral("%1/%2/%3.png").arg(QLatin1String(g.split), QLatin1String(g.cls)).arg(i)),
                    ++seed));
        m_store = std::make_unique<ProjectStore>(ProjectStore::defaultPath(m_root));
        QCOMPARE(DatasetScanner::scan(m_root, *m_store).images, 160);

        QVector<PredictionRecord> predictions;
        QVector<qint64> ids;
        std::vector<float> values;
        for (const StoredImage &image : m_store->images()) {
            const bool cat = image.folderClass == QLatin1String("cat");
            const int index = QFileInfo(image.path).baseName().toInt();
            const bool wrong = cat && index % 5 < 2;
            PredictionRecord record;
            record.imageId = image.id;
            record.prediction = wrong ? QStringLiteral("dog") : image.folderClass;
            predictions.push_back(record);

            Eigen::VectorXd e(kDim);
            for (Eigen::Index d = 0; d < kDim; ++d)
                e[d] = normal(rng);
            if (cat)
                e += kShift * (wrong ? uHard : uEasy);
            std::vector<float> row(kDim);
            for (int d = 0; d < kDim; ++d)
                row[size_t(d)] = float(e[d]);
            ids.push_back(image.id);
            values.insert(values.end(), row.begin(), row.end());
            m_embedding.insert(image.id, row);
            m_pathOf.insert(image.id, image.path);
            m_splitOf.insert(image.id, image.folderSplit);
            if (cat)
                m_wrong.insert(image.id, wrong);
        }
        m_store->replacePredictions(predictions, QStringLiteral("synthetic"));
        m_modelId = m_store->ensureEmbeddingModel(QStringLiteral("synthetic:32"), kDim, QStringLiteral("in memory"));
        m_store->storeEmbeddings(m_modelId, ids, values.data(), kDim);

        AnalysisParams params;
        params.threads = 2;
        const AnalysisOutcome outcome = runAnalysis(*m_store, m_modelId, params);
        QCOMPARE(outcome.rows, 160);
        QCOMPARE(outcome.classesOk, 1);
        QCOMPARE(outcome.classesSkipped, 1);
        m_runId = outcome.runId;
        QCOMPARE(m_store->run(m_runId).status, QStringLiteral("done"));
    }

    void cleanupTestCase()
    {
        m_store.reset();
    }

    // The stored whitening is the train split's mean and unbiased std, as the images were whitened.
    void whiteningIsTheTrainSplits()
    {
        const RunWhitening whitening = m_store->runWhitening(m_runId);
        QCOMPARE(whitening.mean.size(), size_t(kDim));
        QCOMPARE(whitening.stddev.size(), size_t(kDim));
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(kDim), sq = Eigen::VectorXd::Zero(kDim);
        int n = 0;
        for (auto it = m_embedding.cbegin(); it != m_embedding.cend(); ++it)
            if (m_splitOf.value(it.key()) == Split::Train) {
                mean += toDouble(it.value());
                ++n;
            }
        QCOMPARE(n, 60);
        mean /= n;
        for (auto it = m_embedding.cbegin(); it != m_embedding.cend(); ++it)
            if (m_splitOf.value(it.key()) == Split::Train)
                sq += (toDouble(it.value()) - mean).array().square().matrix();
        const Eigen::VectorXd stddev = (sq / double(n - 1)).cwiseSqrt();
        for (int d = 0; d < kDim; ++d) {
            QVERIFY2(std::abs(whitening.mean[size_t(d)] - mean[d]) <= 1e-12, qPrintable(QString::number(d)));
            QVERIFY2(std::abs(whitening.stddev[size_t(d)] - stddev[d]) <= 1e-12, qPrintable(QString::number(d)));
        }
    }

    // The planted caption describes the failure: it ranks first (most negative), the caption
    // planted along the correct images' offset ranks last.
    void plantedCaptionsRankFirstAndLast()
    {
        const StoredFailureDirection direction = StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("cat"));
        QCOMPARE(direction.className(), QStringLiteral("cat"));
        QVERIFY2(direction.cvBalancedAccuracy() > 0.9, qPrintable(QString::number(direction.cvBalancedAccuracy())));

        const QVector<RankedCaption> ranked = rankCaptions(direction, m_captions, m_captionEmbeddings, m_reference);
        QCOMPARE(ranked.size(), qsizetype(kCaptions));
        QStringList order;
        for (const RankedCaption &r : ranked)
            order << QStringLiteral("%1=%2").arg(r.caption).arg(r.score, 0, 'f', 3);
        QVERIFY2(ranked.first().caption == captionName(kHardCaption), qPrintable(order.join(QStringLiteral(", "))));
        QVERIFY2(ranked.last().caption == captionName(kEasyCaption), qPrintable(order.join(QStringLiteral(", "))));
        QVERIFY2(ranked.first().score < 0 && ranked.last().score > 0, qPrintable(order.join(QStringLiteral(", "))));
        for (qsizetype i = 1; i < ranked.size(); ++i)
            QVERIFY(ranked[i - 1].score <= ranked[i].score);
        // Every caption appears once.
        QStringList names;
        for (const RankedCaption &r : ranked)
            names << r.caption;
        names.sort();
        QStringList expected = m_captions;
        expected.sort();
        QCOMPARE(names, expected);

        // Clear margins: the planted captions are well apart from the random ones.
        QVERIFY2(ranked[1].score - ranked[0].score > 0.05, qPrintable(order.join(QStringLiteral(", "))));
        QVERIFY2(ranked.last().score - ranked[ranked.size() - 2].score > 0.05, qPrintable(order.join(QStringLiteral(", "))));
    }

    // Parity with the paper's formula, computed here from the stored whitening and direction:
    // d = t_i − t_0; x = (d − mean) / std; x /= |x|; score = w·x + b.
    void scoresMatchThePapersFormula()
    {
        const RunWhitening whitening = m_store->runWhitening(m_runId);
        const ClassDirection stored = m_store->classDirection(m_runId, QStringLiteral("cat"));
        QCOMPARE(stored.normal.size(), size_t(kDim));
        const Eigen::Map<const Eigen::VectorXd> mean(whitening.mean.data(), kDim);
        const Eigen::Map<const Eigen::VectorXd> stddev(whitening.stddev.data(), kDim);
        const Eigen::Map<const Eigen::VectorXd> w(stored.normal.data(), kDim);

        QHash<QString, double> expected;
        const Eigen::VectorXd t0 = toDouble(m_reference);
        for (int i = 0; i < kCaptions; ++i) {
            const Eigen::VectorXd d = toDouble(m_captionEmbeddings, size_t(i) * kDim) - t0;
            Eigen::VectorXd x(kDim);
            for (int k = 0; k < kDim; ++k)
                x[k] = (d[k] - mean[k]) / stddev[k];
            double norm = 0;
            for (int k = 0; k < kDim; ++k)
                norm += x[k] * x[k];
            x /= std::sqrt(norm);
            double score = stored.bias;
            for (int k = 0; k < kDim; ++k)
                score += w[k] * x[k];
            expected.insert(m_captions[i], score);
        }

        const StoredFailureDirection direction = StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("cat"));
        const QVector<RankedCaption> ranked = rankCaptions(direction, m_captions, m_captionEmbeddings, m_reference);
        QCOMPARE(ranked.size(), qsizetype(kCaptions));
        for (const RankedCaption &r : ranked) {
            QVERIFY(expected.contains(r.caption));
            QVERIFY2(std::abs(r.score - expected.value(r.caption)) <= 1e-9,
                     qPrintable(QStringLiteral("%1: %2 vs %3").arg(r.caption).arg(r.score, 0, 'g', 17)
                                    .arg(expected.value(r.caption), 0, 'g', 17)));
        }
        QCOMPARE(direction.cvBalancedAccuracy(), stored.cvBalancedAccuracy);
    }

    // Scoring an image's own embedding reproduces the decision value the run stored for it.
    void imageDecisionsMatchTheRun()
    {
        const StoredFailureDirection direction = StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("cat"));
        const RunWhitening whitening = m_store->runWhitening(m_runId);
        const ClassDirection stored = m_store->classDirection(m_runId, QStringLiteral("cat"));
        const Eigen::Map<const Eigen::VectorXd> mean(whitening.mean.data(), kDim);
        const Eigen::Map<const Eigen::VectorXd> stddev(whitening.stddev.data(), kDim);
        const Eigen::Map<const Eigen::VectorXd> w(stored.normal.data(), kDim);

        int cats = 0, dogs = 0;
        double wrongSum = 0, rightSum = 0;
        int wrongNegative = 0, wrongCount = 0;
        for (const RunScoreRow &row : m_store->runScores(m_runId)) {
            if (row.label == QLatin1String("dog")) {
                ++dogs;
                QVERIFY2(!row.decisionValue, qPrintable(row.path)); // skipped class: no decision values
                continue;
            }
            ++cats;
            QVERIFY2(row.decisionValue.has_value(), qPrintable(row.path));
            const Eigen::VectorXd e = toDouble(m_embedding.value(row.imageId));
            const double ours = direction.decision(e);
            QVERIFY2(std::abs(ours - *row.decisionValue) <= 1e-9,
                     qPrintable(QStringLiteral("%1: %2 vs stored %3").arg(row.path).arg(ours, 0, 'g', 17)
                                    .arg(*row.decisionValue, 0, 'g', 17)));
            const Eigen::VectorXd x = ((e - mean).array() / stddev.array()).matrix().normalized();
            QVERIFY(std::abs(w.dot(x) + stored.bias - ours) <= 1e-9);
            if (m_wrong.value(row.imageId)) {
                wrongSum += ours;
                ++wrongCount;
                wrongNegative += ours < 0 ? 1 : 0;
            } else {
                rightSum += ours;
            }
        }
        QCOMPARE(cats, 90);
        QCOMPARE(dogs, 70);
        QCOMPARE(wrongCount, 36);
        // The planted subgroup is on the hard side.
        QVERIFY(wrongSum / wrongCount < 0);
        QVERIFY(rightSum / (cats - wrongCount) > 0);
        QVERIFY2(wrongNegative >= 32, qPrintable(QString::number(wrongNegative)));
    }

    void clipSpaceDirection()
    {
        const StoredFailureDirection direction = StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("cat"));
        const Eigen::VectorXf v = direction.clipSpaceDirection();
        QCOMPARE(v.size(), Eigen::Index(kDim));
        QVERIFY2(std::abs(double(v.norm()) - 1.0) <= 1e-6, qPrintable(QString::number(double(v.norm()), 'g', 10)));

        // It is the pull-back of the normal through the whitening: w / std, normalised.
        const RunWhitening whitening = m_store->runWhitening(m_runId);
        const ClassDirection stored = m_store->classDirection(m_runId, QStringLiteral("cat"));
        Eigen::VectorXd pulled(kDim);
        for (int k = 0; k < kDim; ++k)
            pulled[k] = stored.normal[size_t(k)] / whitening.stddev[size_t(k)];
        pulled.normalize();
        QVERIFY((v.cast<double>() - pulled).norm() <= 1e-6);

        // It points from the planted failure toward the easy side.
        const Eigen::VectorXd t0 = toDouble(m_reference);
        const Eigen::VectorXd uHard = (toDouble(m_captionEmbeddings, size_t(kHardCaption - 1) * kDim) - t0).normalized();
        const Eigen::VectorXd uEasy = (toDouble(m_captionEmbeddings, size_t(kEasyCaption - 1) * kDim) - t0).normalized();
        QVERIFY2(v.cast<double>().dot(uHard) < -0.3, qPrintable(QString::number(v.cast<double>().dot(uHard))));
        QVERIFY2(v.cast<double>().dot(uEasy) > 0.3, qPrintable(QString::number(v.cast<double>().dot(uEasy))));

        // Moving an image along it raises its decision value; against it, lowers it.
        const Eigen::VectorXd step = v.cast<double>();
        for (auto it = m_wrong.cbegin(); it != m_wrong.cend(); ++it) {
            const Eigen::VectorXd e = toDouble(m_embedding.value(it.key()));
            const double here = direction.decision(e);
            double previous = direction.decision(e - 2.0 * step);
            QVERIFY2(previous < here, qPrintable(m_pathOf.value(it.key())));
            previous = here;
            for (double t = 0.5; t <= 8.0; t += 0.5) {
                const double moved = direction.decision(e + t * step);
                if (it.value()) // the hard images climb steadily toward the easy side
                    QVERIFY2(moved > previous, qPrintable(QStringLiteral("%1 at %2").arg(m_pathOf.value(it.key())).arg(t)));
                previous = moved;
            }
            QVERIFY2(direction.decision(e + 8.0 * step) > here, qPrintable(m_pathOf.value(it.key())));
        }
    }

    // The difficulty slider on the stored direction: the reference rotated toward −v finds the
    // planted failure subgroup, toward +v the easy images; the query turns steadily from −v to +v.
    void difficultySlider()
    {
        const StoredFailureDirection direction = StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("cat"));
        const Eigen::VectorXf v = direction.clipSpaceDirection();
        const Eigen::VectorXf reference = Eigen::Map<const Eigen::VectorXf>(m_reference.data(), kDim);
        const RunClassImages images = loadRunClassImages(*m_store, m_runId, QStringLiteral("cat"));
        const EmbeddingIndex index =
            EmbeddingIndex::build(images.embeddings.data(), images.size(), kDim, EmbeddingIndex::Precision::Float32);

        QVERIFY((difficultyVector(reference, v, -1.0) + v).norm() < 1e-6f);
        QVERIFY((difficultyVector(reference, v, 1.0) - v).norm() < 1e-6f);
        QVERIFY((difficultyVector(reference, v, 0.0) - reference.normalized()).norm() < 1e-6f);

        double previousAlignment = -2;
        int previousWrong = 11;
        QStringList trace;
        for (int step = -4; step <= 4; ++step) {
            const double alpha = step / 4.0;
            const Eigen::VectorXf query = difficultyVector(reference, v, alpha);
            QVERIFY(std::abs(double(query.norm()) - 1.0) < 1e-6);
            const double alignment = double(query.dot(v));
            QVERIFY2(alignment > previousAlignment, qPrintable(QString::number(alpha)));
            previousAlignment = alignment;

            std::vector<EmbeddingIndex::Neighbor> nearest;
            index.nearest(query, 10, nearest);
            QCOMPARE(nearest.size(), size_t(10));
            int wrong = 0;
            for (const EmbeddingIndex::Neighbor &n : nearest)
                wrong += images.correct[size_t(n.row)] ? 0 : 1;
            trace << QStringLiteral("%1:%2").arg(alpha).arg(wrong);
            if (step == -4)
                QVERIFY2(wrong == 10, qPrintable(trace.join(' ')));
            if (step == 4)
                QVERIFY2(wrong == 0, qPrintable(trace.join(' ')));
            QVERIFY2(wrong <= previousWrong, qPrintable(trace.join(' ')));
            previousWrong = wrong;
        }
    }

    void wrongDimensionsAreErrors()
    {
        const StoredFailureDirection direction = StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("cat"));
        const QString shortVector = errorOf([&] { direction.decision(Eigen::VectorXd::Zero(kDim - 1)); });
        QVERIFY2(shortVector.contains(QLatin1String("31-d")) && shortVector.contains(QLatin1String("32-d"))
                     && shortVector.contains(QLatin1String("'cat'")),
                 qPrintable(shortVector));
        QVERIFY(!errorOf([&] { direction.decision(Eigen::VectorXd::Zero(kDim + 1)); }).isEmpty());
        QVERIFY(!errorOf([&] { direction.decision(Eigen::VectorXd()); }).isEmpty());

        // Caption embeddings one value short, or one too many.
        std::vector<float> shortEmbeddings = m_captionEmbeddings;
        shortEmbeddings.pop_back();
        QVERIFY(!errorOf([&] { rankCaptions(direction, m_captions, shortEmbeddings, m_reference); }).isEmpty());
        std::vector<float> longEmbeddings = m_captionEmbeddings;
        longEmbeddings.push_back(0.f);
        QVERIFY(!errorOf([&] { rankCaptions(direction, m_captions, longEmbeddings, m_reference); }).isEmpty());
        // Consistent sizes, but 31-d: the direction refuses them.
        std::vector<float> embeddings31;
        for (int i = 0; i < kCaptions; ++i)
            embeddings31.insert(embeddings31.end(), m_captionEmbeddings.begin() + i * kDim,
                                m_captionEmbeddings.begin() + i * kDim + kDim - 1);
        const std::vector<float> reference31(m_reference.begin(), m_reference.end() - 1);
        const QString dim31 = errorOf([&] { rankCaptions(direction, m_captions, embeddings31, reference31); });
        QVERIFY2(dim31.contains(QLatin1String("31-d")), qPrintable(dim31));
        // No reference.
        QVERIFY(!errorOf([&] { rankCaptions(direction, m_captions, m_captionEmbeddings, {}); }).isEmpty());
        // Nothing to rank is not an error.
        QVERIFY(rankCaptions(direction, {}, {}, m_reference).isEmpty());
    }

    void skippedAndUnknownClassesAreErrors()
    {
        const QString skipped = errorOf([&] { StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("dog")); });
        QVERIFY2(skipped.contains(QLatin1String("'dog'")) && skipped.contains(QLatin1String("skipped"))
                     && skipped.contains(QLatin1String("no errors in the fit split")),
                 qPrintable(skipped));
        const QString unknown = errorOf([&] { StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("bird")); });
        QVERIFY2(unknown.contains(QLatin1String("no class 'bird'")), qPrintable(unknown));
        const QString noRun = errorOf([&] { StoredFailureDirection::load(*m_store, m_runId + 10, QStringLiteral("cat")); });
        QVERIFY2(!noRun.isEmpty(), "a run that does not exist");
    }

    // The images of a class of the run, as the interpretation commands load them.
    void runClassImages()
    {
        const RunClassImages all = loadRunClassImages(*m_store, m_runId, QStringLiteral("cat"));
        QCOMPARE(all.size(), qsizetype(90));
        QCOMPARE(all.dim, kDim);
        QCOMPARE(all.embeddings.size(), size_t(90 * kDim));
        const QVector<RunScoreRow> scores = m_store->runScores(m_runId);
        QHash<qint64, double> decisionOf;
        for (const RunScoreRow &row : scores)
            if (row.decisionValue)
                decisionOf.insert(row.imageId, *row.decisionValue);
        for (qsizetype i = 0; i < all.size(); ++i) {
            const qint64 id = all.imageIds[size_t(i)];
            QCOMPARE(all.paths[i], m_pathOf.value(id));
            QCOMPARE(all.splits[size_t(i)], m_splitOf.value(id));
            QCOMPARE(bool(all.correct[size_t(i)]), !m_wrong.value(id));
            QCOMPARE(all.decisionValues[size_t(i)], decisionOf.value(id));
            const std::vector<float> &e = m_embedding.value(id);
            QVERIFY(std::equal(e.begin(), e.end(), all.embeddings.begin() + i * kDim));
        }
        const RunClassImages test = loadRunClassImages(*m_store, m_runId, QStringLiteral("cat"), Split::Test);
        QCOMPARE(test.size(), qsizetype(20));
        for (Split s : test.splits)
            QVERIFY(s == Split::Test);
        QCOMPARE(loadRunClassImages(*m_store, m_runId, QStringLiteral("cat"), Split::Pool).size(), qsizetype(0));

        const RunClassImages dogs = loadRunClassImages(*m_store, m_runId, QStringLiteral("dog"));
        QCOMPARE(dogs.size(), qsizetype(70));
        for (double d : dogs.decisionValues)
            QVERIFY(std::isnan(d));
        const QString unknown = errorOf([&] { loadRunClassImages(*m_store, m_runId, QStringLiteral("bird")); });
        QVERIFY2(unknown.contains(QLatin1String("no class 'bird'")), qPrintable(unknown));

        QCOMPARE(resolveRun(*m_store, QString()), m_runId);
        QCOMPARE(resolveRun(*m_store, QStringLiteral("latest")), m_runId);
        QCOMPARE(resolveRun(*m_store, QString::number(m_runId)), m_runId);
        QVERIFY(errorOf([&] { resolveRun(*m_store, QStringLiteral("first")); }).contains(QLatin1String("'first'")));
        QVERIFY(!errorOf([&] { resolveRun(*m_store, QStringLiteral("0")); }).isEmpty());
        QVERIFY(!errorOf([&] { resolveRun(*m_store, QString::number(m_runId + 5)); }).isEmpty());
    }

    void captionScoresRoundTrip()
    {
        const StoredFailureDirection direction = StoredFailureDirection::load(*m_store, m_runId, QStringLiteral("cat"));
        const QVector<RankedCaption> ranked = rankCaptions(direction, m_captions, m_captionEmbeddings, m_reference);
        // Stored in caption order (not ranked): read back most negative first.
        QVector<QPair<QString, double>> scores;
        for (int i = 0; i < kCaptions; ++i)
            for (const RankedCaption &r : ranked)
                if (r.caption == m_captions[i])
                    scores.push_back({r.caption, r.score});
        m_store->storeCaptionScores(m_runId, QStringLiteral("cat"), QStringLiteral("synthetic"), scores);
        const QVector<QPair<QString, double>> back = m_store->captionScores(m_runId, QStringLiteral("cat"),
                                                                            QStringLiteral("synthetic"));
        QCOMPARE(back.size(), qsizetype(kCaptions));
        for (qsizetype i = 0; i < back.size(); ++i) {
            QCOMPARE(back[i].first, ranked[i].caption);
            QCOMPARE(back[i].second, ranked[i].score); // doubles are stored exactly
        }
        QCOMPARE(back.first().first, captionName(kHardCaption));

        // Another vocabulary, class or run is separate.
        m_store->storeCaptionScores(m_runId, QStringLiteral("cat"), QStringLiteral("other"),
                                    {{QStringLiteral("x"), 1.0}});
        QCOMPARE(m_store->captionScores(m_runId, QStringLiteral("cat"), QStringLiteral("synthetic")).size(),
                 qsizetype(kCaptions));
        QVERIFY(m_store->captionScores(m_runId, QStringLiteral("dog"), QStringLiteral("synthetic")).isEmpty());
        QVERIFY(m_store->captionScores(m_runId + 1, QStringLiteral("cat"), QStringLiteral("synthetic")).isEmpty());

        // Storing again replaces the whole set.
        m_store->storeCaptionScores(m_runId, QStringLiteral("cat"), QStringLiteral("synthetic"),
                                    {{QStringLiteral("b"), 0.5}, {QStringLiteral("a"), -0.25}, {QStringLiteral("c"), 0.5}});
        const QVector<QPair<QString, double>> replaced =
            m_store->captionScores(m_runId, QStringLiteral("cat"), QStringLiteral("synthetic"));
        const QVector<QPair<QString, double>> want = {
            {QStringLiteral("a"), -0.25}, {QStringLiteral("b"), 0.5}, {QStringLiteral("c"), 0.5}};
        QCOMPARE(replaced, want);
        QCOMPARE(m_store->captionScores(m_runId, QStringLiteral("cat"), QStringLiteral("other")).size(), qsizetype(1));
        m_store->storeCaptionScores(m_runId, QStringLiteral("cat"), QStringLiteral("synthetic"), {});
        QVERIFY(m_store->captionScores(m_runId, QStringLiteral("cat"), QStringLiteral("synthetic")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCaptionRanking)
#include "test_caption_ranking.moc"
