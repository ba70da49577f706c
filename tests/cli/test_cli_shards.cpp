// Scale-out as a cluster user runs it: `embed --shard K/N` and `predict --shard K/N` write
// shards without a project, `import --shards` merges them, and the merged project holds exactly
// what a local `embed` / `predict` stores. Also: a killed worker resumes, missing and damaged
// shards are reported, bad arguments get one-line errors.

#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "SyntheticDataset.h"
#include "TinyClassifiers.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace faultline;
using faultline::testing::expectOneLineError;
using Result = faultline::testing::CliResult;

class TestCliShards : public QObject
{
    Q_OBJECT

    QString m_cli;
    QString m_model;
    QString m_fixtures;
    QTemporaryDir m_tmp;
    testing::SyntheticDataset m_dataset;
    QStringList m_images; // every image file of the dataset, corrupt one included

    static constexpr const char *kModelName = "clip:tiny_clip.safetensors@2ddcb047fb3b";

    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }
    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 300000); }

    // A copy of the dataset without its project: each scenario starts from the same images.
    QString copyDataset(const QString &name)
    {
        const QString to = tmp(name);
        QProcess cp;
        cp.start(QStringLiteral("cp"), {QStringLiteral("-a"), m_dataset.root, to});
        cp.waitForFinished();
        QDir(QDir(to).filePath(QStringLiteral(".faultline"))).removeRecursively();
        return to;
    }

    QStringList embedArgs(const QString &dataset) const
    {
        return {QStringLiteral("embed"), QStringLiteral("--dataset"), dataset, QStringLiteral("--model"), m_model,
                QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--threads"), QStringLiteral("2")};
    }
    QStringList embedShardArgs(const QString &dataset, const QString &shard, const QString &out) const
    {
        return embedArgs(dataset) + QStringList{QStringLiteral("--shard"), shard, QStringLiteral("--out"), out,
                                                QStringLiteral("--batch"), QStringLiteral("5"),
                                                QStringLiteral("--checkpoint"), QStringLiteral("7")};
    }
    QStringList predictArgs(const QString &dataset) const
    {
        return {QStringLiteral("predict"), QStringLiteral("--dataset"), dataset, QStringLiteral("--classifier"),
                QDir(m_fixtures).filePath(QStringLiteral("tiny_rgb.pt")), QStringLiteral("--input-size"),
                QStringLiteral("16"), QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--batch-size"),
                QStringLiteral("8"), QStringLiteral("--threads"), QStringLiteral("1")};
    }
    Result import(const QString &dataset, const QString &shards, const QStringList &extra = {})
    {
        return cli(QStringList{QStringLiteral("import"), QStringLiteral("--dataset"), dataset, QStringLiteral("--shards"),
                               shards} + extra);
    }

    static QJsonObject manifest(const QString &dir, const QString &stem)
    {
        QFile file(QDir(dir).filePath(stem + QStringLiteral(".json")));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(file.readAll()).object();
    }

    // Every readable image's vector of `model` in both projects, compared bit for bit.
    static void compareEmbeddings(const QString &datasetA, const QString &datasetB)
    {
        ProjectStore a(ProjectStore::defaultPath(datasetA));
        ProjectStore b(ProjectStore::defaultPath(datasetB));
        const QVector<EmbeddingModelInfo> modelsA = a.embeddingModels();
        const QVector<EmbeddingModelInfo> modelsB = b.embeddingModels();
        QCOMPARE(modelsA.size(), 1);
        QCOMPARE(modelsB.size(), 1);
        QCOMPARE(modelsB[0].name, modelsA[0].name);
        QCOMPARE(modelsB[0].dim, modelsA[0].dim);
        QCOMPARE(modelsB[0].count, modelsA[0].count);
        const int dim = modelsA[0].dim;
        const QVector<StoredImage> imagesA = a.images();
        const QVector<StoredImage> imagesB = b.images();
        QCOMPARE(imagesB.size(), imagesA.size());
        for (qsizetype i = 0; i < imagesA.size(); ++i) {
            QCOMPARE(imagesB[i].path, imagesA[i].path);
            std::vector<float> va(static_cast<size_t>(dim)), vb(static_cast<size_t>(dim));
            const bool missingA = !a.loadEmbeddings(modelsA[0].id, {imagesA[i].id}, va.data(), dim).isEmpty();
            const bool missingB = !b.loadEmbeddings(modelsB[0].id, {imagesB[i].id}, vb.data(), dim).isEmpty();
            QCOMPARE(missingB, missingA);
            // oneDNN's inner product rounds a row by its place in the batch on some CPUs (AVX2
            // without AVX-512: ~1e-6 on the tiny CLIP), and a shard batches other images.
            float worst = 0;
            for (size_t d = 0; d < va.size(); ++d)
                worst = std::max(worst, std::abs(va[d] - vb[d]));
            QVERIFY2(worst <= 1e-5f, qPrintable(QStringLiteral("%1: %2").arg(imagesA[i].path).arg(worst)));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        m_model = QDir(qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE")).filePath(QStringLiteral("tiny_clip.safetensors"));
        QVERIFY2(QFileInfo::exists(m_model), qPrintable(m_model));
        QVERIFY(m_tmp.isValid());
        m_fixtures = tmp(QStringLiteral("fixtures"));
        const QString failure = testing::makeTinyClassifiers(m_fixtures);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        // c0..c3 (the tiny classifiers' four outputs), 10 images per class and split, one corrupt file.
        QVERIFY(testing::writeSyntheticDataset(m_dataset, tmp(QStringLiteral("data")), 4, 10));
        QVERIFY(testing::writeBytes(QDir(m_dataset.root).filePath(QStringLiteral("val/c0/corrupt.png")),
                                    QByteArray("not an image")));
        for (const char *split : {"train", "val", "test", "pool"})
            for (const QString &c : std::as_const(m_dataset.classes))
                for (int i = 0; i < 10; ++i)
                    m_images << QStringLiteral("%1/%2/img%3.png").arg(QLatin1String(split), c).arg(i);
        m_images << QStringLiteral("val/c0/corrupt.png");
    }

    void argumentErrors()
    {
        const QString data = copyDataset(QStringLiteral("args"));
        const QString out = tmp(QStringLiteral("args-out"));
        expectOneLineError(cli(embedShardArgs(data, QStringLiteral("3/3"), out)),
                           QStringLiteral("--shard: the shard index must be 0 to 2 for 3 shards, got 3"));
        expectOneLineError(cli(embedShardArgs(data, QStringLiteral("abc"), out)),
                           QStringLiteral("--shard: 'abc' is not K/N"));
        expectOneLineError(cli(embedShardArgs(data, QStringLiteral("0/0"), out)),
                           QStringLiteral("--shard: the shard count must be 1 to 1000000, got 0"));
        expectOneLineError(cli(embedArgs(data) + QStringList{QStringLiteral("--shard"), QStringLiteral("0/2")}),
                           QStringLiteral("--shard needs --out DIR"));
        expectOneLineError(cli(predictArgs(data) + QStringList{QStringLiteral("--out"), out}),
                           QStringLiteral("--out DIR is for --shard K/N"));
        expectOneLineError(cli({QStringLiteral("import"), QStringLiteral("--dataset"), data}),
                           QStringLiteral("--shards DIR is required"));
        expectOneLineError(import(data, tmp(QStringLiteral("no-such-folder"))), QStringLiteral("no-such-folder: no such shard folder"));
        // No worker wrote a project: the dataset folders stay as they were.
        QVERIFY(!QFileInfo::exists(QDir(data).filePath(QStringLiteral(".faultline"))));
    }

    void embedShardsMergeLikeALocalEmbed()
    {
        const QString local = copyDataset(QStringLiteral("embed-local"));
        const QString sharded = copyDataset(QStringLiteral("embed-sharded"));
        const QString shards = tmp(QStringLiteral("embed-shards"));
        QVERIFY(cli(embedArgs(local)).exitCode <= 1); // 1: the corrupt image

        // The partition: disjoint, covering every image, the corrupt one listed as failed.
        QSet<QString> covered;
        for (int k = 0; k < 2; ++k) {
            const Result r = cli(embedShardArgs(sharded, QStringLiteral("%1/3").arg(k), shards));
            const QJsonObject m = manifest(shards, QStringLiteral("embeddings-%1-of-00003").arg(k, 5, 10, QLatin1Char('0')));
            QVERIFY2(!m.isEmpty(), qPrintable(r.err));
            const bool hasCorrupt = m.value(QStringLiteral("failed")).toArray().size() == 1;
            QVERIFY2(r.exitCode == (hasCorrupt ? 1 : 0), qPrintable(r.err));
            QCOMPARE(m.value(QStringLiteral("model")).toString(), QLatin1String(kModelName));
            QVERIFY(QFileInfo::exists(QDir(shards).filePath(QStringLiteral("embeddings-%1-of-00003.paths.txt").arg(k, 5, 10, QLatin1Char('0')))));
        }
        QVERIFY(!QFileInfo::exists(QDir(sharded).filePath(QStringLiteral(".faultline"))));

        // Imported while shard 2 is still to come: the rest is stored, the gap named, exit 1.
        const Result early = import(sharded, shards);
        QCOMPARE(early.exitCode, 1);
        QVERIFY2(early.err.contains(QStringLiteral("missing: embeddings '%1': 1 of 3 shards missing: 2").arg(QLatin1String(kModelName))),
                 qPrintable(early.err));
        QVERIFY2(early.err.contains(QLatin1String("2 finished (2 imported now, 0 before)")), qPrintable(early.err));

        const Result last = cli(embedShardArgs(sharded, QStringLiteral("2/3"), shards));
        QVERIFY2(last.exitCode == 0 || last.exitCode == 1, qPrintable(last.err));
        for (int k = 0; k < 3; ++k) {
            const QJsonObject m = manifest(shards, QStringLiteral("embeddings-%1-of-00003").arg(k, 5, 10, QLatin1Char('0')));
            for (const QJsonValue &path : m.value(QStringLiteral("paths")).toArray()) {
                QVERIFY2(!covered.contains(path.toString()), qPrintable(path.toString()));
                covered.insert(path.toString());
            }
            for (const QJsonValue &failed : m.value(QStringLiteral("failed")).toArray())
                covered.insert(failed[QStringLiteral("path")].toString());
        }
        QCOMPARE(covered, QSet<QString>(m_images.begin(), m_images.end()));

        const Result merged = import(sharded, shards);
        QVERIFY2(merged.exitCode == 0, qPrintable(merged.err));
        QVERIFY2(merged.err.contains(QLatin1String("3 finished (1 imported now, 2 before)")), qPrintable(merged.err));
        compareEmbeddings(local, sharded);

        // Idempotent, and a finished shard is not redone.
        const Result again = import(sharded, shards);
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.err.contains(QLatin1String("3 finished (0 imported now, 3 before), 0 unfinished, 0 damaged; stored 0 embeddings")),
                 qPrintable(again.err));
        const Result redo = cli(embedShardArgs(sharded, QStringLiteral("0/3"), shards));
        QVERIFY2(redo.err.contains(QLatin1String("was finished before")), qPrintable(redo.err));
        compareEmbeddings(local, sharded);
    }

    void killedWorkerResumes()
    {
        const QString data = copyDataset(QStringLiteral("resume"));
        const QString whole = tmp(QStringLiteral("resume-whole"));
        const QString killed = tmp(QStringLiteral("resume-killed"));
        QStringList args = embedArgs(data) + QStringList{QStringLiteral("--shard"), QStringLiteral("0/1"),
                                                        QStringLiteral("--batch"), QStringLiteral("1"),
                                                        QStringLiteral("--checkpoint"), QStringLiteral("3"),
                                                        QStringLiteral("--out")};
        QCOMPARE(cli(args + QStringList{whole}).exitCode, 1);

        // kill -9 once the first checkpoint is on disk.
        QProcess worker;
        worker.start(m_cli, args + QStringList{killed});
        QVERIFY(worker.waitForStarted());
        const QString firstChunk = QDir(killed).filePath(QStringLiteral("embeddings-00000-of-00001.partial/chunk-000000.json"));
        QElapsedTimer clock;
        clock.start();
        while (!QFileInfo::exists(firstChunk) && worker.state() == QProcess::Running && clock.elapsed() < 120000)
            QThread::msleep(2);
        QVERIFY2(worker.state() == QProcess::Running, "the worker finished before it could be killed");
        worker.kill();
        worker.waitForFinished();
        QVERIFY(!QFileInfo::exists(QDir(killed).filePath(QStringLiteral("embeddings-00000-of-00001.json"))));

        // Nothing unfinished is imported.
        const Result early = import(copyDataset(QStringLiteral("resume-import")), killed);
        QCOMPARE(early.exitCode, 1);
        QVERIFY2(early.err.contains(QLatin1String("0 finished (0 imported now, 0 before), 1 unfinished")), qPrintable(early.err));
        QVERIFY2(early.err.contains(QLatin1String("no shard has finished yet")), qPrintable(early.err));

        const Result resumed = cli(args + QStringList{killed});
        QCOMPARE(resumed.exitCode, 1);
        const QRegularExpression earlier(QStringLiteral("(\\d+) by an earlier run"));
        const QRegularExpressionMatch match = earlier.match(resumed.err);
        QVERIFY2(match.hasMatch() && match.captured(1).toInt() >= 3, qPrintable(resumed.err));
        QVERIFY(!QFileInfo::exists(QDir(killed).filePath(QStringLiteral("embeddings-00000-of-00001.partial"))));
        for (const char *suffix : {".npy", ".paths.txt"}) {
            QFile a(QDir(whole).filePath(QStringLiteral("embeddings-00000-of-00001") + QLatin1String(suffix)));
            QFile b(QDir(killed).filePath(QStringLiteral("embeddings-00000-of-00001") + QLatin1String(suffix)));
            QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
            QVERIFY2(a.readAll() == b.readAll(), suffix);
        }
    }

    void predictShardsMergeLikeALocalPredict()
    {
        const QString local = copyDataset(QStringLiteral("predict-local"));
        const QString sharded = copyDataset(QStringLiteral("predict-sharded"));
        const QString shards = tmp(QStringLiteral("predict-shards"));
        QVERIFY(cli(predictArgs(local)).exitCode <= 1); // 1: the corrupt image
        QVERIFY(cli({QStringLiteral("scan"), QStringLiteral("--dataset"), sharded}).exitCode <= 1);

        const Result first = cli(predictArgs(sharded) + QStringList{QStringLiteral("--shard"), QStringLiteral("0/2"),
                                                                   QStringLiteral("--out"), shards});
        QVERIFY2(first.exitCode <= 1 && first.err.contains(QLatin1String("classified now")), qPrintable(first.err));
        const Result partial = import(sharded, shards);
        QCOMPARE(partial.exitCode, 1);
        QVERIFY2(partial.err.contains(QLatin1String("predictions not imported: shards are missing")), qPrintable(partial.err));
        QVERIFY2(partial.err.contains(QLatin1String("missing: predictions 'classifier:tiny_rgb.pt': 1 of 2 shards missing: 1")),
                 qPrintable(partial.err));
        QCOMPARE(ProjectStore(ProjectStore::defaultPath(sharded)).predictionCount(), 0);

        QVERIFY(cli(predictArgs(sharded) + QStringList{QStringLiteral("--shard"), QStringLiteral("1/2"),
                                                       QStringLiteral("--out"), shards}).exitCode <= 1);
        const Result merged = import(sharded, shards);
        QVERIFY2(merged.exitCode == 0, qPrintable(merged.err));
        QVERIFY2(merged.err.contains(QLatin1String("stored 0 embeddings and 160 predictions")), qPrintable(merged.err));

        ProjectStore a(ProjectStore::defaultPath(local));
        ProjectStore b(ProjectStore::defaultPath(sharded));
        const QVector<LabeledImage> rowsA = a.labeledImages();
        const QVector<LabeledImage> rowsB = b.labeledImages();
        QCOMPARE(rowsB.size(), rowsA.size());
        QCOMPARE(rowsA.size(), 160);
        for (qsizetype i = 0; i < rowsA.size(); ++i) { // same rows in the same (fold-dealing) order
            QCOMPARE(rowsB[i].path, rowsA[i].path);
            QCOMPARE(rowsB[i].prediction, rowsA[i].prediction);
            // libtorch's kernels round differently for another batch make-up: equal to float precision.
            QVERIFY(rowsA[i].confidence && rowsB[i].confidence);
            QVERIFY2(std::abs(*rowsB[i].confidence - *rowsA[i].confidence) <= 1e-6 * std::max(1.0, *rowsA[i].confidence),
                     qPrintable(rowsA[i].path));
        }
        QCOMPARE(b.predictionSet().source, a.predictionSet().source);
        QCOMPARE(b.predictionSet().classifier, a.predictionSet().classifier);
        QVERIFY2(import(sharded, shards).err.contains(QLatin1String("0 imported now, 2 before")), "re-import");
    }

    void damagedAndForeignShards()
    {
        const QString data = copyDataset(QStringLiteral("damaged"));
        const QString shards = tmp(QStringLiteral("damaged-shards"));
        for (int k = 0; k < 2; ++k)
            QVERIFY(cli(embedShardArgs(data, QStringLiteral("%1/2").arg(k), shards)).exitCode <= 1);
        // One data file altered after its worker finished, one manifest truncated.
        const QString npy = QDir(shards).filePath(QStringLiteral("embeddings-00000-of-00002.npy"));
        QFile file(npy);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(file.size() - 1);
        file.write("\x7f");
        file.close();
        QVERIFY(testing::writeText(QDir(shards).filePath(QStringLiteral("embeddings-00001-of-00002.json")), QStringLiteral("{\"format\"")));
        const Result r = import(data, shards);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(npy + QLatin1String(": error: its SHA-256 is not the one embeddings-00000-of-00002.json gives")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("embeddings-00001-of-00002.json: error: offset 9: unterminated string; shard skipped")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("0 finished (0 imported now, 0 before), 0 unfinished, 2 damaged")) ||
                 r.err.contains(QLatin1String("1 finished (0 imported now, 0 before), 0 unfinished, 2 damaged")), qPrintable(r.err));
        QCOMPARE(ProjectStore(ProjectStore::defaultPath(data)).embeddingModels().value(0).count, 0);

        // A shard folder holding this shard of another model is not overwritten.
        const QString foreign = tmp(QStringLiteral("foreign-shards"));
        QVERIFY(cli(embedShardArgs(data, QStringLiteral("0/2"), foreign)).exitCode <= 1);
        const QString manifestPath = QDir(foreign).filePath(QStringLiteral("embeddings-00000-of-00002.json"));
        QJsonObject m = manifest(foreign, QStringLiteral("embeddings-00000-of-00002"));
        m.insert(QStringLiteral("model"), QStringLiteral("clip:other.pt@123456789abc"));
        QVERIFY(testing::writeText(manifestPath, QString::fromUtf8(QJsonDocument(m).toJson())));
        const Result refused = cli(embedShardArgs(data, QStringLiteral("0/2"), foreign));
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.errLines().last().startsWith(QLatin1String("faultline-cli: error: ") + manifestPath
                                                      + QLatin1String(": this folder holds shard 0/2 of 'clip:other.pt@123456789abc';"
                                                                      " give another --out")), qPrintable(refused.err));
    }
};

QTEST_GUILESS_MAIN(TestCliShards)
#include "test_cli_shards.moc"
