// kill -9 test: a real faultline-cli process is SIGKILLed at several points of an analysis
// (scanning, importing predictions, importing embeddings, fitting, storing results) and the
// project store must come back consistent every time: it opens, passes integrity_check, keeps
// the completed run untouched, marks the killed run 'interrupted', and a new analysis completes.

#include "io/NpyFile.h"
#include "store/ProjectStore.h"
#include "TestImages.h"
#include "TestTime.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <random>

using namespace faultline;
using faultline::testing::writeBytes;
using faultline::testing::pngBytes;

namespace {

// Small part: analysed to completion first (run 1).
constexpr int kSmallClasses = 3;
constexpr int kSmallTrain = 10, kSmallVal = 30, kSmallPool = 10;
constexpr int kSmallDim = 16;
// Big part: added afterwards; its analysis takes a second or more so it can be killed mid-way.
constexpr int kBigClasses = 6;
constexpr int kBigTrain = 60, kBigVal = 1500, kBigPool = 40;
constexpr int kBigDim = 64;

struct Row
{
    QString path;
    QString label;
    QString prediction;
};

QString smallClass(int c) { return QStringLiteral("small%1").arg(c); }
QString bigClass(int c) { return QStringLiteral("big%1").arg(c); }

struct ProcessResult
{
    bool killed = false;         // the process died of our SIGKILL
    int exitCode = -1;
    QString output;              // stdout + stderr
};

struct StoreSnapshot
{
    QVector<RunClassRow> classes;
    QVector<RunScoreRow> scores;
};

QString integrityCheck(const QString &dbPath)
{
    const QString name = QStringLiteral("crash-integrity");
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dbPath);
        if (!db.open())
            return QStringLiteral("cannot open");
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA integrity_check")))
            result = QStringLiteral("query failed");
        else
            while (q.next())
                result += q.value(0).toString();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

// Status of a run read directly, without ProjectStore (which would mark orphans interrupted).
QString rawRunStatus(const QString &dbPath, qint64 runId)
{
    const QString name = QStringLiteral("crash-raw");
    QString status;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dbPath);
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT status FROM runs WHERE id=?"));
            q.addBindValue(runId);
            if (q.exec() && q.next())
                status = q.value(0).toString();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return status;
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_cli;
    QString m_root;
    QString m_db;
    StoreSnapshot m_run1;
    qint64 m_run1Id = 0;

    QString root(const QString &rel) const { return QDir(m_root).filePath(rel); }

    // Runs faultline-cli to completion.
    ProcessResult runCli(const QStringList &args, int timeoutMs = 120000)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(m_cli, args);
        ProcessResult r;
        if (!p.waitForStarted(10000)) {
            r.output = QStringLiteral("cannot start %1").arg(m_cli);
            return r;
        }
        if (!p.waitForFinished(faultline::testing::scaledTimeoutMs(timeoutMs))) {
            p.kill();
            p.waitForFinished();
            r.output = QStringLiteral("timed out: ") + QString::fromLocal8Bit(p.readAll());
            return r;
        }
        r.output = QString::fromLocal8Bit(p.readAll());
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return r;
    }

    // Starts faultline-cli, waits for an output line starting with `trigger` (and matching
    // `finalTick` when set: "fit: N/N"), waits `delayMs`, then SIGKILLs it.
    ProcessResult killAt(const QStringList &args, const QString &trigger, int delayMs, bool finalTick = false)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(m_cli, args);
        ProcessResult r;
        if (!p.waitForStarted(10000)) {
            r.output = QStringLiteral("cannot start %1").arg(m_cli);
            return r;
        }
        QElapsedTimer clock;
        clock.start();
        bool triggered = false;
        while (!triggered && clock.elapsed() < 120000) {
            if (!p.canReadLine() && !p.waitForReadyRead(20)) {
                if (p.state() == QProcess::NotRunning)
                    break;
                continue;
            }
            while (p.canReadLine()) {
                const QString line = QString::fromLocal8Bit(p.readLine()).trimmed();
                r.output += line + QLatin1Char('\n');
                if (!line.startsWith(trigger))
                    continue;
                if (finalTick) {
                    static const QRegularExpression tick(QStringLiteral("^fit: (\\d+)/(\\d+)"));
                    const auto m = tick.match(line);
                    if (!m.hasMatch() || m.captured(1) != m.captured(2))
                        continue;
                }
                triggered = true;
                break;
            }
        }
        if (triggered) {
            if (delayMs > 0)
                QThread::msleep(ulong(delayMs));
            p.kill(); // SIGKILL on Unix
        }
        p.waitForFinished(60000);
        r.output += QString::fromLocal8Bit(p.readAll());
        r.killed = p.exitStatus() == QProcess::CrashExit;
        r.exitCode = r.killed ? -1 : p.exitCode();
        if (!triggered)
            r.output.prepend(QStringLiteral("[trigger '%1' never seen]\n").arg(trigger));
        return r;
    }

    static StoreSnapshot snapshot(const ProjectStore &store, qint64 runId)
    {
        return {store.runClasses(runId), store.runScores(runId)};
    }

    static void compareSnapshots(const StoreSnapshot &now, const StoreSnapshot &before)
    {
        QCOMPARE(now.classes.size(), before.classes.size());
        for (qsizetype i = 0; i < now.classes.size(); ++i) {
            QCOMPARE(now.classes[i].className, before.classes[i].className);
            QCOMPARE(now.classes[i].nFit, before.classes[i].nFit);
            QCOMPARE(now.classes[i].nFitErrors, before.classes[i].nFitErrors);
            QCOMPARE(now.classes[i].status, before.classes[i].status);
            QCOMPARE(now.classes[i].cvBalancedAccuracy, before.classes[i].cvBalancedAccuracy);
            QCOMPARE(now.classes[i].C, before.classes[i].C);
        }
        QCOMPARE(now.scores.size(), before.scores.size());
        for (qsizetype i = 0; i < now.scores.size(); ++i) {
            QCOMPARE(now.scores[i].imageId, before.scores[i].imageId);
            QCOMPARE(now.scores[i].path, before.scores[i].path);
            QCOMPARE(now.scores[i].label, before.scores[i].label);
            QCOMPARE(now.scores[i].prediction, before.scores[i].prediction);
            QCOMPARE(now.scores[i].split, before.scores[i].split);
            QCOMPARE(now.scores[i].decisionValue, before.scores[i].decisionValue);
        }
    }

    void writeDataset(const QString &prefix, int classes, int train, int val, int pool, QVector<Row> &rows,
                      std::mt19937 &rng, const QVector<QByteArray> &pngs)
    {
        std::uniform_real_distribution<double> uniform(0, 1);
        const struct { const char *name; int n; } splits[] = {{"train", train}, {"val", val}, {"pool", pool}};
        for (const auto &split : splits) {
            for (int c = 0; c < classes; ++c) {
                const QString cls = prefix + QString::number(c);
                for (int i = 0; i < split.n; ++i) {
                    const QString rel = QStringLiteral("%1/%2/%3.png").arg(QLatin1String(split.name), cls).arg(i);
                    QVERIFY(writeBytes(root(rel), pngs[(i + c) % pngs.size()]));
                    const bool wrong = uniform(rng) < 0.3;
                    rows.push_back({rel, cls, wrong ? prefix + QString::number((c + 1) % classes) : cls});
                }
            }
        }
    }

    // Embeddings with a weak failure signal along dimension 0 (so the SVMs have work to do).
    void writeEmbeddings(const QString &npy, const QString &pathsFile, const QVector<Row> &rows, int dim,
                         double signal, std::mt19937 &rng)
    {
        std::normal_distribution<float> normal(0.f, 1.f);
        std::vector<float> values(size_t(rows.size()) * size_t(dim));
        QString paths;
        for (qsizetype r = 0; r < rows.size(); ++r) {
            for (int d = 0; d < dim; ++d)
                values[size_t(r) * size_t(dim) + size_t(d)] = normal(rng);
            if (rows[r].label != rows[r].prediction)
                values[size_t(r) * size_t(dim)] += float(signal);
            paths += rows[r].path + QLatin1Char('\n');
        }
        writeNpyMatrix(npy, values.data(), rows.size(), dim);
        QVERIFY(faultline::testing::writeText(pathsFile, paths));
    }

    static void writePredictions(const QString &csv, const QVector<Row> &rows)
    {
        QString text = QStringLiteral("path,prediction\n");
        for (const Row &row : rows)
            text += row.path + QLatin1Char(',') + row.prediction + QLatin1Char('\n');
        QVERIFY(faultline::testing::writeText(csv, text));
    }

    QStringList bigArgs() const
    {
        return {QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root, QStringLiteral("--predictions"),
                QDir(m_tmp.path()).filePath(QStringLiteral("big.csv")), QStringLiteral("--embeddings"),
                QDir(m_tmp.path()).filePath(QStringLiteral("big.npy")), QStringLiteral("--embedding-paths"),
                QDir(m_tmp.path()).filePath(QStringLiteral("big.txt"))};
    }

    QStringList smallArgs() const
    {
        return {QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root, QStringLiteral("--predictions"),
                QDir(m_tmp.path()).filePath(QStringLiteral("small.csv")), QStringLiteral("--embedding-model"),
                QStringLiteral("import:small.npy")};
    }

    qint64 maxRunId()
    {
        ProjectStore store(m_db);
        const QVector<RunInfo> runs = store.runs();
        return runs.isEmpty() ? 0 : runs.first().id;
    }

    // What must hold after every kill. `runExpected`: the kill came after the run was created.
    void checkAfterKill(const ProcessResult &killed, qint64 runsBefore, bool runExpected)
    {
        // 1. The file is a sound SQLite database, before Faultline touches it again.
        QCOMPARE(integrityCheck(m_db), QStringLiteral("ok"));
        const qint64 killedRunId = runsBefore + 1;
        const QString rawStatus = rawRunStatus(m_db, killedRunId);
        // A kill that lands after the run was committed 'done' but before the process exited
        // leaves a complete run: that is checked like a run that finished.
        const bool diedAfterRun = killed.killed && runExpected && rawStatus == QLatin1String("done");
        if (diedAfterRun)
            qWarning("the kill landed after the run was complete; checking the completed run instead");
        else if (killed.killed && runExpected)
            QCOMPARE(rawStatus, QStringLiteral("running")); // the kill left it mid-way

        // 2. It opens; the completed run is untouched; the killed run is interrupted.
        ProjectStore store(m_db);
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
        const RunInfo run1 = store.run(m_run1Id);
        QCOMPARE(run1.status, QStringLiteral("done"));
        compareSnapshots(snapshot(store, m_run1Id), m_run1);
        const QVector<RunInfo> runs = store.runs();
        for (const RunInfo &run : runs)
            QVERIFY2(run.status == QLatin1String("done") || run.status == QLatin1String("interrupted"),
                     qPrintable(QStringLiteral("run %1 is %2").arg(run.id).arg(run.status)));
        if (killed.killed && !diedAfterRun) {
            if (runExpected) {
                QCOMPARE(runs.first().id, killedRunId);
                QCOMPARE(store.run(killedRunId).status, QStringLiteral("interrupted"));
                QVERIFY(!store.run(killedRunId).message.isEmpty());
                // Whatever classes it stored are complete rows of known classes.
                for (const RunClassRow &row : store.runClasses(killedRunId)) {
                    QVERIFY2(row.className.startsWith(QLatin1String("big"))
                                 || row.className.startsWith(QLatin1String("small")),
                             qPrintable(row.className));
                    QCOMPARE(row.status, QStringLiteral("ok"));
                    QVERIFY(row.cvBalancedAccuracy.has_value());
                }
            } else {
                QVERIFY2(runs.first().id < killedRunId || store.run(killedRunId).status == QLatin1String("interrupted"),
                         "a run killed before creation must be absent (or interrupted if the race was lost)");
            }
        } else {
            // The process finished before the kill landed: then the run must be complete.
            QCOMPARE(store.run(killedRunId).status, QStringLiteral("done"));
        }
    }

    void freshAnalyzeCompletes()
    {
        const qint64 before = maxRunId();
        const ProcessResult r = runCli(smallArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        ProjectStore store(m_db);
        QCOMPARE(store.latestCompletedRun(), before + 1);
        QCOMPARE(store.runClasses(before + 1).size(), qsizetype(kSmallClasses));
        QCOMPARE(store.runScores(before + 1).size(), m_run1.scores.size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        QVERIFY(m_tmp.isValid());
        m_root = QDir(m_tmp.path()).filePath(QStringLiteral("dataset"));
        m_db = ProjectStore::defaultPath(m_root);
        QVector<QByteArray> pngs;
        for (int i = 0; i < 32; ++i)
            pngs.push_back(pngBytes(2, 2, i));

        // Run 1: the small dataset alone, analysed to completion.
        std::mt19937 rng(7);
        QVector<Row> smallRows;
        writeDataset(QStringLiteral("small"), kSmallClasses, kSmallTrain, kSmallVal, kSmallPool, smallRows, rng, pngs);
        const QString tmp = m_tmp.path();
        writePredictions(QDir(tmp).filePath(QStringLiteral("small.csv")), smallRows);
        writeEmbeddings(QDir(tmp).filePath(QStringLiteral("small.npy")), QDir(tmp).filePath(QStringLiteral("small.txt")),
                        smallRows, kSmallDim, 3.0, rng);
        const ProcessResult first = runCli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root,
                                            QStringLiteral("--predictions"), QDir(tmp).filePath(QStringLiteral("small.csv")),
                                            QStringLiteral("--embeddings"), QDir(tmp).filePath(QStringLiteral("small.npy")),
                                            QStringLiteral("--embedding-paths"), QDir(tmp).filePath(QStringLiteral("small.txt"))});
        QVERIFY2(first.exitCode == 0, qPrintable(first.output));
        {
            ProjectStore store(m_db);
            m_run1Id = store.latestCompletedRun();
            QCOMPARE(m_run1Id, qint64(1));
            m_run1 = snapshot(store, m_run1Id);
            QCOMPARE(m_run1.classes.size(), qsizetype(kSmallClasses));
            QCOMPARE(m_run1.scores.size(), qsizetype(smallRows.size()));
            for (const RunClassRow &row : m_run1.classes)
                QCOMPARE(row.status, QStringLiteral("ok"));
            int scored = 0;
            for (const RunScoreRow &row : m_run1.scores)
                scored += row.decisionValue.has_value();
            QCOMPARE(scored, int(smallRows.size()));
        }

        // The big part: new images, plus predictions and embeddings for every image.
        QVector<Row> allRows = smallRows;
        writeDataset(QStringLiteral("big"), kBigClasses, kBigTrain, kBigVal, kBigPool, allRows, rng, pngs);
        writePredictions(QDir(tmp).filePath(QStringLiteral("big.csv")), allRows);
        writeEmbeddings(QDir(tmp).filePath(QStringLiteral("big.npy")), QDir(tmp).filePath(QStringLiteral("big.txt")),
                        allRows, kBigDim, 0.0, rng);
        m_bigImages = allRows.size();
    }

    // Kill while the new images are being verified: the scan is all-or-nothing.
    void killDuringScan()
    {
        const qint64 before = maxRunId();
        const ProcessResult r = killAt(bigArgs(), QStringLiteral("verify images:"), 0);
        QVERIFY2(r.killed, qPrintable(r.output));
        checkAfterKill(r, before, false);
        ProjectStore store(m_db);
        const qsizetype images = store.images().size();
        QVERIFY2(images == m_run1.scores.size() || images == m_bigImages, qPrintable(QString::number(images)));
        QCOMPARE(store.predictionCount(), qint64(m_run1.scores.size()));
    }

    void freshAnalyzeAfterScanKill() { freshAnalyzeCompletes(); }

    // Kill right after the scan reported: the predictions import is all-or-nothing.
    void killDuringPredictionsImport()
    {
        const qint64 before = maxRunId();
        const ProcessResult r = killAt(bigArgs(), QStringLiteral("dataset:"), 0);
        QVERIFY2(r.killed, qPrintable(r.output));
        checkAfterKill(r, before, false);
        ProjectStore store(m_db);
        QCOMPARE(store.images().size(), m_bigImages);
        const qint64 predictions = store.predictionCount();
        QVERIFY2(predictions == m_run1.scores.size() || predictions == m_bigImages,
                 qPrintable(QString::number(predictions)));
    }

    void freshAnalyzeAfterPredictionsKill() { freshAnalyzeCompletes(); }

    // Kill right after the predictions import: the embedding import is all-or-nothing.
    void killDuringEmbeddingImport()
    {
        const qint64 before = maxRunId();
        const ProcessResult r = killAt(bigArgs(), QStringLiteral("predictions:"), 0);
        QVERIFY2(r.killed, qPrintable(r.output));
        checkAfterKill(r, before, false);
        ProjectStore store(m_db);
        for (const EmbeddingModelInfo &model : store.embeddingModels()) {
            if (model.name == QLatin1String("import:big.npy")) {
                QCOMPARE(model.dim, kBigDim);
                QCOMPARE(model.count, qint64(m_bigImages));
            } else {
                QCOMPARE(model.name, QStringLiteral("import:small.npy"));
                QCOMPARE(model.count, qint64(m_run1.scores.size()));
            }
        }
    }

    void freshAnalyzeAfterEmbeddingKill() { freshAnalyzeCompletes(); }

    void killDuringFitting_data()
    {
        QTest::addColumn<int>("delayMs");
        QTest::newRow("fit start") << 0;
        QTest::newRow("fit +300ms") << 300;
        QTest::newRow("fit +700ms") << 700;
    }

    // Kill while the SVMs are fitted: the run exists and must come back 'interrupted'.
    void killDuringFitting()
    {
        QFETCH(int, delayMs);
        const qint64 before = maxRunId();
        const ProcessResult r = killAt(bigArgs(), QStringLiteral("fit:"), delayMs);
        QVERIFY2(r.killed || r.exitCode == 0, qPrintable(r.output));
        if (!r.killed)
            qWarning("the analysis finished before the kill at +%d ms; checking the completed run instead", delayMs);
        if (delayMs == 0)
            QVERIFY2(r.killed, qPrintable(r.output));
        checkAfterKill(r, before, true);
        freshAnalyzeCompletes();
    }

    // Kill after the last fit, while the class results are being written.
    void killWhileStoringResults()
    {
        const qint64 before = maxRunId();
        const ProcessResult r = killAt(bigArgs(), QStringLiteral("fit:"), 0, true);
        QVERIFY2(r.killed || r.exitCode == 0, qPrintable(r.output));
        if (!r.killed)
            qWarning("the analysis finished before the kill; checking the completed run instead");
        checkAfterKill(r, before, true);
        freshAnalyzeCompletes();
    }

    // After all that, the big analysis still runs to completion on the same project.
    void fullAnalyzeCompletesAtTheEnd()
    {
        const qint64 before = maxRunId();
        const ProcessResult r = runCli(bigArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QCOMPARE(integrityCheck(m_db), QStringLiteral("ok"));
        ProjectStore store(m_db);
        QCOMPARE(store.latestCompletedRun(), before + 1);
        QCOMPARE(store.runClasses(before + 1).size(), qsizetype(kSmallClasses + kBigClasses));
        QCOMPARE(store.runScores(before + 1).size(), m_bigImages);
        compareSnapshots(snapshot(store, m_run1Id), m_run1);
        for (const RunInfo &run : store.runs())
            QVERIFY(run.status == QLatin1String("done") || run.status == QLatin1String("interrupted"));
    }

private:
    qsizetype m_bigImages = 0;
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "test_crash_safety.moc"
