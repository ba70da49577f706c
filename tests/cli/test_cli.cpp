// Runs the built faultline-cli (FAULTLINE_CLI, set by CTest) as a user would.

#include "interpret/RunImages.h"
#include "io/NpyFile.h"
#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "TestImages.h"

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

#include <unistd.h>

using namespace faultline;
using faultline::testing::expectOneLineError;
using faultline::testing::readCsv;
using Result = faultline::testing::CliResult;


class TestCli : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_tmp;
    QString m_root;
    int m_images = 0;
    int m_poolPerClass = 0;

    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }

    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 120000); }

    // A copy of the dataset's images (no project) at `name`.
    QString copyOfDataset(const QString &name)
    {
        const QString dest = tmp(name);
        QDirIterator it(m_root, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            const QString rel = QDir(m_root).relativeFilePath(file);
            if (rel.startsWith(QLatin1String(".faultline")))
                continue;
            if (!QDir().mkpath(QFileInfo(QDir(dest).filePath(rel)).absolutePath()) || !QFile::copy(file, QDir(dest).filePath(rel)))
                return QString();
        }
        return dest;
    }

    static qint64 embeddingRows(const QString &root)
    {
        const ProjectStore store(ProjectStore::defaultPath(root));
        qint64 rows = 0;
        for (const EmbeddingModelInfo &model : store.embeddingModels())
            rows += model.count;
        return rows;
    }

    // Run 1's vectors of a class by image id (a renamed file sorts elsewhere).
    static QMap<qint64, std::vector<float>> runVectors(const QString &root, const QString &className)
    {
        const ProjectStore store(ProjectStore::defaultPath(root));
        const RunClassImages images = loadRunClassImages(store, 1, className);
        QMap<qint64, std::vector<float>> vectors;
        for (qsizetype i = 0; i < images.size(); ++i)
            vectors.insert(images.imageIds[size_t(i)], std::vector<float>(images.embeddings.begin() + i * images.dim,
                                                                          images.embeddings.begin() + (i + 1) * images.dim));
        return vectors;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        QVERIFY(m_tmp.isValid());
        m_root = tmp(QStringLiteral("data"));
        if (qEnvironmentVariableIsSet("FAULTLINE_TEST_KEEP")) { // for debugging: keep the files
            m_tmp.setAutoRemove(false);
            qInfo("test files kept in %s", qPrintable(m_tmp.path()));
        }

        // Two classes; errors planted along dimension 0 so every class is fitted.
        std::mt19937 rng(11);
        std::normal_distribution<float> normal(0.f, 1.f);
        const int dim = 5;
        QString csv = QStringLiteral("path,prediction,confidence\n");
        QString paths;
        std::vector<float> values;
        const QStringList classes = {QStringLiteral("cat"), QStringLiteral("dog")};
        const struct { const char *split; int n; } splits[] = {{"train", 10}, {"val", 24}, {"pool", 7}};
        m_poolPerClass = 7;
        int seed = 0;
        for (const auto &split : splits) {
            for (int c = 0; c < classes.size(); ++c) {
                for (int i = 0; i < split.n; ++i) {
                    const QString rel = QStringLiteral("%1/%2/%3.png").arg(QLatin1String(split.split), classes[c]).arg(i);
                    QVERIFY(faultline::testing::writePng(QDir(m_root).filePath(rel), ++seed));
                    const bool wrong = i % 4 == 0;
                    csv += QStringLiteral("%1,%2,0.8\n").arg(rel, wrong ? classes[1 - c] : classes[c]);
                    paths += rel + QLatin1Char('\n');
                    for (int d = 0; d < dim; ++d)
                        values.push_back(normal(rng) + (d == 0 ? (wrong ? 3.f : -3.f) : 0.f));
                    ++m_images;
                }
            }
        }
        QVERIFY(faultline::testing::writeText(QDir(m_root).filePath(QStringLiteral("predictions.csv")), csv));
        QVERIFY(faultline::testing::writeText(tmp(QStringLiteral("paths.txt")), paths));
        writeNpyMatrix(tmp(QStringLiteral("E.npy")), values.data(), m_images, dim);
    }

    void topLevelHelpAndVersion()
    {
        const Result help = cli({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.startsWith(QLatin1String("Usage: faultline-cli COMMAND")), qPrintable(help.out));
        for (const char *command : {"analyze", "export", "runs"})
            QVERIFY2(help.out.contains(QLatin1String(command)), command);
        QCOMPARE(cli({QStringLiteral("help")}).exitCode, 0);

        const Result version = cli({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith(QLatin1String("faultline-cli ")));

        // No command: usage on stderr, exit 2.
        const Result none = cli({});
        QCOMPARE(none.exitCode, 2);
        QVERIFY(none.out.isEmpty());
        QVERIFY(none.err.startsWith(QLatin1String("Usage: faultline-cli")));
    }

    void commandHelp_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("analyze") << QStringLiteral("analyze")
                                 << QStringList{QStringLiteral("--dataset"), QStringLiteral("--embeddings"),
                                                QStringLiteral("--embedding-paths"), QStringLiteral("--fit-split"),
                                                QStringLiteral("--folds"), QStringLiteral("--predictions")};
        QTest::newRow("export") << QStringLiteral("export")
                                << QStringList{QStringLiteral("--per-class"), QStringLiteral("--threshold"),
                                               QStringLiteral("--split"), QStringLiteral("--to"), QStringLiteral("--mode")};
        QTest::newRow("runs") << QStringLiteral("runs") << QStringList{QStringLiteral("--dataset")};
    }

    void commandHelp()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        for (const QString &flag : {QStringLiteral("--help"), QStringLiteral("-h")}) {
            const Result r = cli({command, flag});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.startsWith(QStringLiteral("Usage: faultline-cli %1").arg(command)), qPrintable(r.out));
            for (const QString &option : options)
                QVERIFY2(r.out.contains(option), qPrintable(option));
            QVERIFY2(!r.out.contains(m_cli), "the help shows the program name, not its path");
        }
    }

    void unknownCommandIsUsageError()
    {
        const Result r = cli({QStringLiteral("frobnicate")});
        expectOneLineError(r, QStringLiteral("unknown command 'frobnicate'"), 2);
    }

    void unknownOptionIsUsageError()
    {
        expectOneLineError(cli({QStringLiteral("analyze"), QStringLiteral("--bogus")}), QStringLiteral("bogus"), 2);
        expectOneLineError(cli({QStringLiteral("runs"), QStringLiteral("--dataset"), m_root, QStringLiteral("stray")}),
                           QStringLiteral("unexpected argument 'stray'"), 2);
    }

    void analyzeMissingDatasetFolder()
    {
        const QString missing = tmp(QStringLiteral("no-such-dir"));
        const Result r = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), missing});
        expectOneLineError(r, missing);
        QVERIFY(r.errLines()[0].contains(QLatin1String("no such dataset folder")));
        QVERIFY2(!QFileInfo::exists(missing), "nothing is created for a missing dataset");

        expectOneLineError(cli({QStringLiteral("analyze")}), QStringLiteral("--dataset DIR is required"));
    }

    void analyzeEmbeddingsNeedPaths()
    {
        const Result r = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root, QStringLiteral("--embeddings"),
                              tmp(QStringLiteral("E.npy"))});
        expectOneLineError(r, QStringLiteral("--embeddings and --embedding-paths go together"));
        const Result other = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root,
                                  QStringLiteral("--embedding-paths"), tmp(QStringLiteral("paths.txt"))});
        expectOneLineError(other, QStringLiteral("go together"));
        QVERIFY2(!QFileInfo::exists(QDir(m_root).filePath(QStringLiteral(".faultline"))),
                 "argument errors are found before the project is touched");
    }

    void analyzeBadParameters()
    {
        expectOneLineError(cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root, QStringLiteral("--folds"),
                                QStringLiteral("1")}),
                           QStringLiteral("--folds: '1'"));
        expectOneLineError(cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root, QStringLiteral("--fit-split"),
                                QStringLiteral("everything")}),
                           QStringLiteral("--fit-split: 'everything' is not a split"));
    }

    // Issue 12 A7: a huge count is refused with its range (100000 threads took 1.5 GB and a SIGTRAP).
    void countOptionsAreBounded_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString never = tmp(QStringLiteral("never"));
        QTest::newRow("analyze --threads") << QStringList{QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root,
                                                          QStringLiteral("--threads"), QStringLiteral("100000")}
                                           << QStringLiteral("--threads must be between 0 and 256, got 100000");
        QTest::newRow("analyze --folds") << QStringList{QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root,
                                                        QStringLiteral("--folds"), QStringLiteral("5000")}
                                         << QStringLiteral("--folds must be between 2 and 100, got 5000");
        QTest::newRow("export --per-class beyond 64 bits")
            << QStringList{QStringLiteral("export"), QStringLiteral("--dataset"), m_root, QStringLiteral("--to"), never,
                           QStringLiteral("--per-class"), QStringLiteral("99999999999999999999999")}
            << QStringLiteral("--per-class must be between 1 and 1000000, got 99999999999999999999999");
        QTest::newRow("embed --batch") << QStringList{QStringLiteral("embed"), QStringLiteral("--dataset"), m_root,
                                                      QStringLiteral("--batch"), QStringLiteral("1000000")}
                                       << QStringLiteral("--batch must be between 1 and 4096, got 1000000");
        QTest::newRow("predict --batch-size")
            << QStringList{QStringLiteral("predict"), QStringLiteral("--dataset"), m_root, QStringLiteral("--classifier"),
                           tmp(QStringLiteral("c.pt")), QStringLiteral("--batch-size"), QStringLiteral("70000")}
            << QStringLiteral("--batch-size must be between 1 and 4096, got 70000");
        QTest::newRow("slerp --k") << QStringList{QStringLiteral("slerp"), QStringLiteral("--dataset"), m_root,
                                                  QStringLiteral("--class"), QStringLiteral("cat"), QStringLiteral("--alpha"),
                                                  QStringLiteral("0.5"), QStringLiteral("--k"), QStringLiteral("2147483648")}
                                   << QStringLiteral("--k must be between 1 and 100000, got 2147483648");
    }

    void countOptionsAreBounded()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        expectOneLineError(cli(args), message);
    }

    void exportNeedsExactlyOneCriterion()
    {
        const QStringList base = {QStringLiteral("export"), QStringLiteral("--dataset"), m_root, QStringLiteral("--to"),
                                  tmp(QStringLiteral("never"))};
        expectOneLineError(cli(base + QStringList{QStringLiteral("--per-class"), QStringLiteral("3"),
                                                  QStringLiteral("--threshold"), QStringLiteral("0")}),
                           QStringLiteral("give exactly one of --per-class K and --threshold T"));
        expectOneLineError(cli(base), QStringLiteral("exactly one"));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--per-class"), QStringLiteral("zero")}),
                           QStringLiteral("--per-class: 'zero' is not a positive integer"));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--threshold"), QStringLiteral("abc")}),
                           QStringLiteral("--threshold: 'abc' is not a number"));
        QVERIFY(!QFileInfo::exists(tmp(QStringLiteral("never"))));
    }

    void exportBeforeAnyRun()
    {
        // A separate, empty dataset: no run to export from.
        const QString empty = tmp(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        const Result r = cli({QStringLiteral("export"), QStringLiteral("--dataset"), empty, QStringLiteral("--per-class"),
                              QStringLiteral("1"), QStringLiteral("--to"), tmp(QStringLiteral("out-empty"))});
        expectOneLineError(r, QStringLiteral("no completed analysis run"));
    }

    void analyzeThenExport()
    {
        const QString out = tmp(QStringLiteral("report"));
        const Result analyze = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root,
                                    QStringLiteral("--embeddings"), tmp(QStringLiteral("E.npy")),
                                    QStringLiteral("--embedding-paths"), tmp(QStringLiteral("paths.txt")),
                                    QStringLiteral("--out"), out, QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY2(analyze.exitCode == 0, qPrintable(analyze.err));
        QVERIFY2(analyze.err.contains(QStringLiteral("dataset: %1 images in 2 classes").arg(m_images)), qPrintable(analyze.err));
        QVERIFY2(analyze.err.contains(QStringLiteral("predictions: %1 of %1 rows imported").arg(m_images)), qPrintable(analyze.err));
        QVERIFY2(analyze.err.contains(QStringLiteral("embeddings: %1 × 5 imported as 'import:E.npy'").arg(m_images)),
                 qPrintable(analyze.err));
        QVERIFY2(analyze.err.contains(QLatin1String("run 1: ")), qPrintable(analyze.err));
        QVERIFY2(analyze.out.contains(QLatin1String("cat")) && analyze.out.contains(QLatin1String("dog")), qPrintable(analyze.out));
        QVERIFY(!analyze.err.contains(QLatin1String("error")));

        const QVector<QStringList> classes = readCsv(QDir(out).filePath(QStringLiteral("classes.csv")));
        QCOMPARE(classes.value(0), (QStringList{QStringLiteral("class"), QStringLiteral("n_val"), QStringLiteral("n_val_errors"),
                                                QStringLiteral("cv_balanced_accuracy"), QStringLiteral("C"),
                                                QStringLiteral("status")}));
        QCOMPARE(classes.size(), qsizetype(3));
        for (int i = 1; i < 3; ++i) {
            QCOMPARE(classes[i][1], QStringLiteral("24"));
            QCOMPARE(classes[i][2], QStringLiteral("6"));
            QCOMPARE(classes[i][5], QStringLiteral("ok"));
            bool ok = false;
            const double cv = classes[i][3].toDouble(&ok);
            QVERIFY2(ok && cv > 0.5 && cv <= 1.0, qPrintable(classes[i].join(QLatin1Char(','))));
        }
        QCOMPARE(classes[1][0], QStringLiteral("cat"));

        const QVector<QStringList> scores = readCsv(QDir(out).filePath(QStringLiteral("scores.csv")));
        QCOMPARE(scores.value(0), (QStringList{QStringLiteral("path"), QStringLiteral("split"), QStringLiteral("label"),
                                               QStringLiteral("prediction"), QStringLiteral("correct"),
                                               QStringLiteral("decision_value"), QStringLiteral("hardness")}));
        QCOMPARE(scores.size(), qsizetype(m_images + 1));
        for (int i = 1; i < scores.size(); ++i) {
            QCOMPARE(scores[i].size(), qsizetype(7));
            QCOMPARE(scores[i][4], scores[i][2] == scores[i][3] ? QStringLiteral("1") : QStringLiteral("0"));
            QVERIFY2(!scores[i][5].isEmpty(), qPrintable(scores[i].join(QLatin1Char(','))));
            QVERIFY2(!scores[i][6].isEmpty(), qPrintable(scores[i].join(QLatin1Char(',')))); // every class is fitted
            QVERIFY(scores[i][0].startsWith(scores[i][1] + QLatin1Char('/')));
        }

        const Result runs = cli({QStringLiteral("runs"), QStringLiteral("--dataset"), m_root});
        QCOMPARE(runs.exitCode, 0);
        QVERIFY2(runs.out.contains(QRegularExpression(QStringLiteral("\\n\\s+1\\s+\\S+\\s+done\\s"))), qPrintable(runs.out));


        // Export the 3 hardest pool images per class.
        const QString dest = tmp(QStringLiteral("hard"));
        const Result exported = cli({QStringLiteral("export"), QStringLiteral("--dataset"), m_root, QStringLiteral("--per-class"),
                                     QStringLiteral("3"), QStringLiteral("--split"), QStringLiteral("pool"),
                                     QStringLiteral("--run"), QStringLiteral("1"), QStringLiteral("--to"), dest});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        QVERIFY2(exported.err.contains(QLatin1String("exported 6 of 6 selected images (run 1, split pool)")),
                 qPrintable(exported.err));
        const QVector<QStringList> manifest = readCsv(QDir(dest).filePath(QStringLiteral("manifest.csv")));
        QCOMPARE(manifest.value(0), (QStringList{QStringLiteral("path"), QStringLiteral("class"),
                                                 QStringLiteral("decision_value"), QStringLiteral("rank")}));
        QCOMPARE(manifest.size(), qsizetype(1 + 2 * 3));

        // The manifest's rows are the 3 lowest pool decision values of each class, from scores.csv.
        QHash<QString, QVector<QPair<double, QString>>> poolByClass;
        for (int i = 1; i < scores.size(); ++i)
            if (scores[i][1] == QLatin1String("pool"))
                poolByClass[scores[i][2]].push_back({scores[i][5].toDouble(), scores[i][0]});
        for (auto it = poolByClass.begin(); it != poolByClass.end(); ++it) {
            QCOMPARE(it->size(), qsizetype(m_poolPerClass));
            std::sort(it->begin(), it->end());
        }
        for (int i = 1; i < manifest.size(); ++i) {
            const QStringList &row = manifest[i];
            const QString cls = row[1];
            const int rank = row[3].toInt();
            QCOMPARE(cls, i <= 3 ? QStringLiteral("cat") : QStringLiteral("dog"));
            QCOMPARE(rank, (i - 1) % 3 + 1);
            QVERIFY(row[0].startsWith(QStringLiteral("pool/%1/").arg(cls)));
            QCOMPARE(row[0], poolByClass[cls][rank - 1].second);
            QVERIFY(qAbs(row[2].toDouble() - poolByClass[cls][rank - 1].first) < 1e-5);
            QVERIFY2(QFileInfo::exists(QDir(dest).filePath(cls + QLatin1Char('/') + QFileInfo(row[0]).fileName())),
                     qPrintable(row[0]));
        }

        // A run that does not exist, and a split the run did not score.
        expectOneLineError(cli({QStringLiteral("export"), QStringLiteral("--dataset"), m_root, QStringLiteral("--per-class"),
                                QStringLiteral("3"), QStringLiteral("--run"), QStringLiteral("42"), QStringLiteral("--to"),
                                tmp(QStringLiteral("x"))}),
                           QStringLiteral("no analysis run 42"));
        expectOneLineError(cli({QStringLiteral("export"), QStringLiteral("--dataset"), m_root, QStringLiteral("--per-class"),
                                QStringLiteral("3"), QStringLiteral("--split"), QStringLiteral("test"), QStringLiteral("--to"),
                                tmp(QStringLiteral("x"))}),
                           QStringLiteral("scored no image in split 'test'"));

        // A second analyze reuses the stored predictions and embeddings and rescans nothing.
        const Result again = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.err.contains(QStringLiteral("0 new, 0 changed, %1 unchanged, 0 removed").arg(m_images)),
                 qPrintable(again.err));
        QVERIFY2(!again.err.contains(QLatin1String("predictions:")), qPrintable(again.err));
        QVERIFY2(again.err.contains(QLatin1String("run 2: ")), qPrintable(again.err));

        // --no-hardness: the paper's recipe alone; the same decision values, no hardness
        const QString recipeOnly = tmp(QStringLiteral("recipe-only"));
        const Result second = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root, QStringLiteral("--no-hardness"),
                                   QStringLiteral("--out"), recipeOnly});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        const QVector<QStringList> recipeScores = readCsv(QDir(recipeOnly).filePath(QStringLiteral("scores.csv")));
        QCOMPARE(recipeScores.size(), scores.size());
        for (int i = 1; i < recipeScores.size(); ++i) {
            QCOMPARE(recipeScores[i].mid(0, 6), scores[i].mid(0, 6));
            QVERIFY(recipeScores[i][6].isEmpty());
        }
    }

    // Issue 12 A1: a new mtime is not a new image. touch, cp -r and renames keep every
    // embedding; a really changed image keeps the vector run 1 was fitted on.
    // Export by tag (issue 15): the images tagged hard in the pool, all of them or the K hardest.
    void exportByTag()
    {
        QVector<qint64> pool;
        QStringList poolPaths;
        for (const RunScoreRow &row : ProjectStore(ProjectStore::defaultPath(m_root)).runScores(1))
            if (row.split == Split::Pool && pool.size() < 3) {
                pool << row.imageId;
                poolPaths << row.path;
            }
        QCOMPARE(pool.size(), qsizetype(3));
        ProjectStore(ProjectStore::defaultPath(m_root)).setImageTag(pool, QStringLiteral("hard"));
        const QString dest = tmp(QStringLiteral("tagged"));
        const QStringList base = {QStringLiteral("export"), QStringLiteral("--dataset"), m_root, QStringLiteral("--run"),
                                  QStringLiteral("1")};
        const Result all = cli(base + QStringList{QStringLiteral("--tag"), QStringLiteral("hard"), QStringLiteral("--to"), dest,
                                                  QStringLiteral("--mode"), QStringLiteral("manifest")});
        QVERIFY2(all.exitCode == 0, qPrintable(all.err));
        const QVector<QStringList> manifest = readCsv(QDir(dest).filePath(QStringLiteral("manifest.csv")));
        QCOMPARE(manifest.size(), qsizetype(1 + 3));
        QStringList exported;
        for (int i = 1; i < manifest.size(); ++i)
            exported << manifest[i][0];
        exported.sort();
        poolPaths.sort();
        QCOMPARE(exported, poolPaths);
        // with --per-class 1: at most one tagged image per class
        const Result one = cli(base + QStringList{QStringLiteral("--tag"), QStringLiteral("hard"), QStringLiteral("--per-class"),
                                                  QStringLiteral("1"), QStringLiteral("--to"), tmp(QStringLiteral("tagged1")),
                                                  QStringLiteral("--mode"), QStringLiteral("manifest")});
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        QVERIFY(readCsv(QDir(tmp(QStringLiteral("tagged1"))).filePath(QStringLiteral("manifest.csv"))).size() <= 1 + 2);
        expectOneLineError(cli(base + QStringList{QStringLiteral("--tag"), QStringLiteral("maybe"), QStringLiteral("--to"),
                                                  tmp(QStringLiteral("never"))}),
                           QStringLiteral("--tag: 'maybe' is not hard or ok"));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--tag"), QStringLiteral("ok"), QStringLiteral("--to"),
                                                  tmp(QStringLiteral("never"))}),
                           QStringLiteral("no image of split 'pool' is tagged ok"));
        ProjectStore(ProjectStore::defaultPath(m_root)).setImageTag(pool, QString());
    }

    void newStampsKeepStoredData()
    {
        const QString data = copyOfDataset(QStringLiteral("stamps"));
        QVERIFY(!data.isEmpty());
        const Result analyze = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), data,
                                    QStringLiteral("--embeddings"), tmp(QStringLiteral("E.npy")),
                                    QStringLiteral("--embedding-paths"), tmp(QStringLiteral("paths.txt"))});
        QVERIFY2(analyze.exitCode == 0, qPrintable(analyze.err));
        QCOMPARE(embeddingRows(data), qint64(m_images));
        const QMap<qint64, std::vector<float>> before = runVectors(data, QStringLiteral("cat"));

        // touch: every file gets a new mtime, none a new byte.
        const QDateTime later = QDateTime::currentDateTime().addSecs(3600);
        QDirIterator it(data, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.fileName().contains(QLatin1String("/.faultline/")))
                continue;
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(later, QFileDevice::FileModificationTime));
        }
        const Result touched = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), data});
        QVERIFY2(touched.exitCode == 0, qPrintable(touched.err));
        QVERIFY2(touched.err.contains(QStringLiteral("0 new, 0 changed, %1 unchanged, 0 removed").arg(m_images)),
                 qPrintable(touched.err));
        QCOMPARE(embeddingRows(data), qint64(m_images));
        QCOMPARE(runVectors(data, QStringLiteral("cat")), before);

        // cp -r (no -p): the copy has new mtimes and its own store.
        const QString copy = tmp(QStringLiteral("stamps-copy"));
        QProcess cp;
        cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), data, copy});
        QVERIFY(cp.waitForFinished() && cp.exitCode() == 0);
        const Result copied = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), copy});
        QVERIFY2(copied.exitCode == 0, qPrintable(copied.err));
        QVERIFY2(copied.err.contains(QStringLiteral("0 new, 0 changed, %1 unchanged, 0 removed").arg(m_images)),
                 qPrintable(copied.err));
        QCOMPARE(embeddingRows(copy), qint64(m_images));
        QCOMPARE(runVectors(copy, QStringLiteral("cat")), before);

        // A renamed file keeps its rows (found by content).
        QVERIFY(QFile::rename(QDir(data).filePath(QStringLiteral("val/cat/3.png")),
                              QDir(data).filePath(QStringLiteral("val/cat/renamed.png"))));
        const Result renamed = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), data});
        QVERIFY2(renamed.exitCode == 0, qPrintable(renamed.err));
        QVERIFY2(renamed.err.contains(QStringLiteral("0 new, 0 changed, %1 unchanged, 1 moved, 0 removed").arg(m_images - 1)),
                 qPrintable(renamed.err));
        QCOMPARE(embeddingRows(data), qint64(m_images));
        QCOMPARE(runVectors(data, QStringLiteral("cat")), before);

        // Really changed pixels: the current embedding goes, run 1 still reads its own.
        QVERIFY(faultline::testing::writePng(QDir(data).filePath(QStringLiteral("val/cat/5.png")), 9999));
        const Result changed = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), data});
        QVERIFY2(changed.exitCode == 0, qPrintable(changed.err));
        QVERIFY2(changed.err.contains(QLatin1String("0 new, 1 changed")), qPrintable(changed.err));
        QCOMPARE(embeddingRows(data), qint64(m_images - 1));
        QCOMPARE(runVectors(data, QStringLiteral("cat")), before);
        const Result exported = cli({QStringLiteral("export"), QStringLiteral("--dataset"), data, QStringLiteral("--run"),
                                     QStringLiteral("1"), QStringLiteral("--per-class"), QStringLiteral("2"),
                                     QStringLiteral("--to"), tmp(QStringLiteral("stamps-export"))});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    }

    // Issue 12 A11: an interrupted embed leaves a newer model covering a few images; analyze
    // passes over it (it said "no image is in the fit split 'val'") and says which it used.
    void analyzeUsesTheNewestCompleteEmbeddings()
    {
        const QString data = copyOfDataset(QStringLiteral("interrupted"));
        QVERIFY(!data.isEmpty());
        const Result first = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), data,
                                  QStringLiteral("--embeddings"), tmp(QStringLiteral("E.npy")),
                                  QStringLiteral("--embedding-paths"), tmp(QStringLiteral("paths.txt"))});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QString complete;
        {
            ProjectStore store(ProjectStore::defaultPath(data));
            complete = store.embeddingModels().value(0).name;
            const qint64 partial = store.ensureEmbeddingModel(QStringLiteral("clip:interrupted"), 5, QString());
            QVector<qint64> ids;
            for (const StoredImage &image : store.images().mid(0, 10))
                ids << image.id;
            const std::vector<float> values(size_t(ids.size()) * 5, 0.5f);
            store.storeEmbeddings(partial, ids, values.data(), 5);
        }
        const Result second = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), data});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        const QString said = QStringLiteral("embeddings: '%1' (%2 of %2 images); skipped the newer 'clip:interrupted': it"
                                            " covers only 10 of %2 images").arg(complete).arg(m_images);
        QVERIFY2(second.err.contains(said), qPrintable(second.err));
        QVERIFY2(second.err.contains(QLatin1String("run 2: ")), qPrintable(second.err));
        const ProjectStore store(ProjectStore::defaultPath(data));
        QCOMPARE(store.run(2).embeddingModelId, store.run(1).embeddingModelId);
    }

    // Issue 12 A11: a store that cannot be written names the file (it said "attempt to write a
    // readonly database"). root ignores file modes, so as root the CLI runs as nobody.
    void readOnlyStoreIsNamed()
    {
        const QString data = copyOfDataset(QStringLiteral("readonly"));
        QVERIFY(!data.isEmpty());
        QVERIFY2(cli({QStringLiteral("scan"), QStringLiteral("--dataset"), data}).exitCode == 0, "first scan");
        QStringList command{m_cli, QStringLiteral("scan"), QStringLiteral("--dataset"), data};
        if (::geteuid() == 0) {
            const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
            if (setpriv.isEmpty())
                QSKIP("running as root without setpriv: file permissions are not enforced");
            command = QStringList{setpriv, QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                  QStringLiteral("--clear-groups")} + command;
            QProcess probe; // the build tree may sit where nobody cannot enter (e.g. under /root)
            probe.start(setpriv, command.mid(1, 4) + QStringList{QStringLiteral("--version")});
            if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
                QSKIP("running as root, and nobody cannot run the CLI here: file permissions are not enforced");
            for (QString dir = data; dir.startsWith(m_tmp.path()); dir = QFileInfo(dir).absolutePath()) // nobody may enter
                QFile::setPermissions(dir, QFile::permissions(dir) | QFile::ReadOther | QFile::ExeOther);
        }
        const QString store = ProjectStore::defaultPath(data);
        const QFile::Permissions readOnly = QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther;
        QVERIFY(QFile::setPermissions(store, readOnly));
        QVERIFY(QFile::setPermissions(QFileInfo(store).absolutePath(), readOnly | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther));
        QProcess scan;
        scan.start(command.takeFirst(), command);
        QVERIFY(scan.waitForFinished(60000));
        const QString err = QString::fromLocal8Bit(scan.readAllStandardError());
        QCOMPARE(scan.exitCode(), 1);
        QVERIFY2(err.contains(store + QStringLiteral(": the project store is read-only (no write permission on the file)")),
                 qPrintable(err));
        QVERIFY(QFile::setPermissions(QFileInfo(store).absolutePath(), QFile::permissions(m_tmp.path())));
        QVERIFY(QFile::setPermissions(store, readOnly | QFile::WriteOwner));
    }

    // Issue 12 A2: a project remembers its dataset; files that disappear are missing, not gone.
    void projectKeepsItsRootAndMissingFiles()
    {
        const QString data = copyOfDataset(QStringLiteral("roots"));
        const QString other = copyOfDataset(QStringLiteral("roots-other"));
        QVERIFY(!data.isEmpty() && !other.isEmpty());
        const Result analyze = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), data,
                                    QStringLiteral("--embeddings"), tmp(QStringLiteral("E.npy")),
                                    QStringLiteral("--embedding-paths"), tmp(QStringLiteral("paths.txt"))});
        QVERIFY2(analyze.exitCode == 0, qPrintable(analyze.err));
        const QString project = ProjectStore::defaultPath(data);
        const auto predictions = [&] { return ProjectStore(project).predictionCount(); };
        QCOMPARE(predictions(), qint64(m_images));

        // Another dataset into this project: refused, nothing written.
        const Result wrong = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), other, QStringLiteral("--project"), project});
        expectOneLineError(wrong, QStringLiteral("this project belongs to the dataset %1, not %2").arg(data, other));
        QVERIFY(wrong.errLines()[0].contains(QLatin1String("--re-root")));
        QCOMPARE(embeddingRows(data), qint64(m_images));
        QCOMPARE(predictions(), qint64(m_images));
        expectOneLineError(cli({QStringLiteral("runs"), QStringLiteral("--dataset"), other, QStringLiteral("--project"), project}),
                           QStringLiteral("this project belongs to the dataset"));

        // A split folder moved away and back loses nothing.
        const QString away = tmp(QStringLiteral("pool-away"));
        QVERIFY(QDir().rename(QDir(data).filePath(QStringLiteral("pool")), away));
        const Result gone = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), data});
        QVERIFY2(gone.exitCode == 0, qPrintable(gone.err));
        QVERIFY2(gone.err.contains(QStringLiteral("%1 removed").arg(2 * m_poolPerClass)), qPrintable(gone.err));
        QVERIFY2(gone.err.contains(QStringLiteral("%1 stored images are missing").arg(2 * m_poolPerClass)), qPrintable(gone.err));
        QCOMPARE(embeddingRows(data), qint64(m_images));
        QCOMPARE(predictions(), qint64(m_images));
        // The run still loads, without the images that are away.
        QCOMPARE(runVectors(data, QStringLiteral("dog")).size(), qsizetype(m_images / 2 - m_poolPerClass));
        QVERIFY(QDir().rename(away, QDir(data).filePath(QStringLiteral("pool"))));
        const Result back = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), data});
        QVERIFY2(back.err.contains(QStringLiteral("0 new, 0 changed, %1 unchanged, 0 removed").arg(m_images)), qPrintable(back.err));
        QVERIFY2(!back.err.contains(QLatin1String("missing")), qPrintable(back.err));
        QCOMPARE(runVectors(data, QStringLiteral("dog")).size(), qsizetype(m_images / 2));
        const Result runs = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), data});
        QVERIFY2(runs.exitCode == 0 && runs.err.contains(QLatin1String("run 2: ")), qPrintable(runs.err));

        // Only prune deletes them.
        QVERIFY(QDir().rename(QDir(data).filePath(QStringLiteral("pool")), away));
        const Result pruned = cli({QStringLiteral("prune"), QStringLiteral("--dataset"), data});
        QVERIFY2(pruned.exitCode == 0, qPrintable(pruned.err));
        QVERIFY2(pruned.err.contains(QStringLiteral("pruned %1 missing images").arg(2 * m_poolPerClass)), qPrintable(pruned.err));
        QCOMPARE(embeddingRows(data), qint64(m_images - 2 * m_poolPerClass));

        // A project outside the dataset follows it to a new place with --re-root, keeping its rows.
        const QString outside = tmp(QStringLiteral("outside/project.sqlite"));
        QVERIFY(cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), other, QStringLiteral("--project"), outside,
                     QStringLiteral("--embeddings"), tmp(QStringLiteral("E.npy")), QStringLiteral("--embedding-paths"),
                     tmp(QStringLiteral("paths.txt"))}).exitCode == 0);
        const QString moved = tmp(QStringLiteral("roots-moved"));
        QVERIFY(QDir().rename(other, moved));
        expectOneLineError(cli({QStringLiteral("scan"), QStringLiteral("--dataset"), moved, QStringLiteral("--project"), outside}),
                           QStringLiteral("not %1").arg(moved));
        const Result reRooted = cli({QStringLiteral("scan"), QStringLiteral("--dataset"), moved, QStringLiteral("--project"),
                                     outside, QStringLiteral("--re-root")});
        QVERIFY2(reRooted.exitCode == 0, qPrintable(reRooted.err));
        QVERIFY2(reRooted.err.contains(QStringLiteral("0 new, 0 changed, %1 unchanged, 0 removed").arg(m_images)),
                 qPrintable(reRooted.err));
        QCOMPARE(ProjectStore(outside).embeddingModels().value(0).count, qint64(m_images));
        QCOMPARE(cli({QStringLiteral("runs"), QStringLiteral("--dataset"), moved, QStringLiteral("--project"), outside}).exitCode, 0);
    }

    // Issue 12 A10: predictions of a class the dataset lacks are the classifier's errors, not
    // rows to drop (the classes then showed "no errors").
    void predictionsOutsideTheClassesAreErrors()
    {
        const QString data = copyOfDataset(QStringLiteral("outside"));
        QVERIFY(!data.isEmpty());
        QString csv = QStringLiteral("path,prediction\n");
        int outside = 0;
        for (const QStringList &row : readCsv(QDir(m_root).filePath(QStringLiteral("predictions.csv"))).mid(1)) {
            const bool wrong = !row[0].contains(QStringLiteral("/%1/").arg(row[1]));
            csv += row[0] + (wrong ? QStringLiteral(",bird\n") : QStringLiteral(",%1\n").arg(row[1]));
            outside += wrong;
        }
        QVERIFY(outside > 0);
        QVERIFY(faultline::testing::writeText(QDir(data).filePath(QStringLiteral("predictions.csv")), csv));
        const QString out = tmp(QStringLiteral("outside-report"));
        const Result analyze = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), data,
                                    QStringLiteral("--embeddings"), tmp(QStringLiteral("E.npy")),
                                    QStringLiteral("--embedding-paths"), tmp(QStringLiteral("paths.txt")),
                                    QStringLiteral("--out"), out});
        QVERIFY2(analyze.exitCode == 0, qPrintable(analyze.err));
        QVERIFY2(analyze.err.contains(QStringLiteral("predictions: %1 of %1 rows imported from %2 (%3 predict a class outside"
                                                     " the dataset: kept as errors)")
                                          .arg(m_images).arg(QDir(data).filePath(QStringLiteral("predictions.csv"))).arg(outside)),
                 qPrintable(analyze.err));
        const QVector<QStringList> classes = readCsv(QDir(out).filePath(QStringLiteral("classes.csv")));
        QCOMPARE(classes.size(), qsizetype(3));
        for (int i = 1; i < 3; ++i) {
            QCOMPARE(classes[i][2], QStringLiteral("6")); // n_val_errors, as with in-dataset wrong classes
            QCOMPARE(classes[i][5], QStringLiteral("ok"));
        }
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
