// Runs `faultline-cli predict` (FAULTLINE_CLI, set by CTest) with the tiny TorchScript classifiers
// of make_tiny_classifier.py as a user would, then `analyze` on the stored predictions (no
// predictions CSV), and checks that bad classifier files and options give one-line errors.

#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "SyntheticDataset.h"
#include "TinyClassifiers.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace faultline;
using faultline::testing::expectOneLineError;
using Result = faultline::testing::CliResult;

class TestCliPredict : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_tmp;
    QString m_fixtures;
    testing::SyntheticDataset m_dataset;

    QString fixture(const QString &name) const { return QDir(m_fixtures).filePath(name); }
    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 120000); }

    QStringList predictArgs(const QString &classifier) const
    {
        return {QStringLiteral("predict"), QStringLiteral("--dataset"), m_dataset.root, QStringLiteral("--classifier"),
                classifier, QStringLiteral("--input-size"), QStringLiteral("16"), QStringLiteral("--resize-size"),
                QStringLiteral("20"), QStringLiteral("--mean"), QStringLiteral("0.5,0.4,0.3"), QStringLiteral("--std"),
                QStringLiteral("0.2,0.25,0.3"), QStringLiteral("--device"), QStringLiteral("cpu"),
                QStringLiteral("--batch-size"), QStringLiteral("16"), QStringLiteral("--threads"), QStringLiteral("1")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        QVERIFY(m_tmp.isValid());
        m_fixtures = QDir(m_tmp.path()).filePath(QStringLiteral("fixtures"));
        const QString failure = testing::makeTinyClassifiers(m_fixtures);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        // Four classes c0..c3 (the tiny classifiers' four outputs), 10 images per class and split.
        QVERIFY(testing::writeSyntheticDataset(m_dataset, QDir(m_tmp.path()).filePath(QStringLiteral("data")), 4, 10));
        // The dataset's own predictions.csv must not be what analyze uses after predict.
        QVERIFY(QFile::remove(QDir(m_dataset.root).filePath(QStringLiteral("predictions.csv"))));
    }

    void predictThenAnalyzeWithStoredPredictions()
    {
        const Result predicted = cli(predictArgs(fixture(QStringLiteral("tiny_rgb.pt"))));
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
        QVERIFY2(predicted.err.contains(QLatin1String("model 'default' (classifier:tiny_rgb.pt): 160 of 160 images classified on cpu")),
                 qPrintable(predicted.err));
        {
            ProjectStore store(ProjectStore::defaultPath(m_dataset.root));
            QCOMPARE(store.predictionCount(), qint64(160));
            const QJsonObject spec = QJsonDocument::fromJson(store.predictionSet().classifier.toUtf8()).object();
            QCOMPARE(spec.value(QStringLiteral("path")).toString(), fixture(QStringLiteral("tiny_rgb.pt")));
            QCOMPARE(spec.value(QStringLiteral("resizeSize")).toInt(), 20);
            for (const LabeledImage &image : store.labeledImages())
                QVERIFY(image.confidence && *image.confidence > 0 && *image.confidence < 1);
        }

        const Result analyzed = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_dataset.root,
                                     QStringLiteral("--embeddings"), m_dataset.npyPath, QStringLiteral("--embedding-paths"),
                                     m_dataset.pathsFile, QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY2(analyzed.exitCode == 0, qPrintable(analyzed.err));
        QVERIFY2(analyzed.err.contains(QLatin1String("run 1: 160 images")), qPrintable(analyzed.err));
        QVERIFY2(!analyzed.err.contains(QLatin1String("predictions:")), qPrintable(analyzed.err));
    }

    void oneLineErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        QTest::addColumn<int>("exitCode");
        const QString random = QDir(m_tmp.path()).filePath(QStringLiteral("fixtures/random.bin"));
        const QString pickle = QDir(m_tmp.path()).filePath(QStringLiteral("fixtures/state_dict.pt"));
        const QString wrong = QDir(m_tmp.path()).filePath(QStringLiteral("fixtures/wrong_width.pt"));
        const QString rgb = QDir(m_tmp.path()).filePath(QStringLiteral("fixtures/tiny_rgb.pt"));
        QTest::newRow("random bytes") << predictArgs(random) << random + QStringLiteral(": not a TorchScript module") << 1;
        QTest::newRow("state_dict") << predictArgs(pickle) << pickle + QStringLiteral(": not a TorchScript module") << 1;
        QTest::newRow("output width") << predictArgs(wrong)
                                      << QStringLiteral("outputs 5 scores per image but there are 4 classes") << 1;
        QTest::newRow("probabilities") << predictArgs(rgb) + QStringList{QStringLiteral("--output"), QStringLiteral("probabilities")}
                                       << QStringLiteral("not probabilities") << 1;
        QTest::newRow("input shape") << predictArgs(rgb) + QStringList{QStringLiteral("--channels"), QStringLiteral("1")}
                                     << QStringLiteral("fails on an input of shape [1, 1, 16, 16]") << 1;
        QTest::newRow("resize mode") << predictArgs(rgb) + QStringList{QStringLiteral("--resize"), QStringLiteral("squash")}
                                     << QStringLiteral("--resize: 'squash' is not one of crop, stretch") << 1;
        QTest::newRow("mean") << predictArgs(rgb) + QStringList{QStringLiteral("--mean"), QStringLiteral("0.5,x,0.3")}
                              << QStringLiteral("--mean: 'x' is not a number") << 1;
        QTest::newRow("no classifier") << QStringList{QStringLiteral("predict"), QStringLiteral("--dataset"), m_dataset.root}
                                       << QStringLiteral("--classifier FILE is required") << 1;
    }

    void oneLineErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        QFETCH(int, exitCode);
        expectOneLineError(cli(args), needle, exitCode);
    }
};

QTEST_GUILESS_MAIN(TestCliPredict)
#include "test_cli_predict.moc"
