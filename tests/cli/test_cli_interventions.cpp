// Issue 13's acceptance on a planted subgroup (tests/fix/make_planted_subgroup.py): green cats,
// rare in training, look like dogs to the classifier. Filtering the pool by the run's decision
// value must raise their accuracy more than adding random pool images or the least confident
// ones (the pool's pale cats, a second failure the classifier is even less sure of), and the retrained
// classifier must load and predict in `predict`.

#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "TinyClassifiers.h"

#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using Result = faultline::testing::CliResult;

class TestCliInterventions : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_tmp;
    QString m_data;

    Result cli(const QStringList &args) { return faultline::testing::runCli(m_cli, args, 120000); }
    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }
    QStringList predictArgs(const QString &classifier) const
    {
        return {QStringLiteral("predict"), QStringLiteral("--dataset"), m_data, QStringLiteral("--classifier"), classifier,
                QStringLiteral("--input-size"), QStringLiteral("8"), QStringLiteral("--mean"), QStringLiteral("0.5"),
                QStringLiteral("--std"), QStringLiteral("0.25"), QStringLiteral("--device"), QStringLiteral("cpu")};
    }
    // "accuracy 0.9229" from predict's summary line.
    static double accuracyOf(const Result &predicted)
    {
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("accuracy (\\d\\.\\d+)")).match(predicted.err);
        return m.hasMatch() ? m.captured(1).toDouble() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        const QString failed = faultline::testing::runFixtureScript(QStringLiteral(FAULTLINE_PLANTED_SUBGROUP_SCRIPT), m_tmp.path());
        if (failed.contains(QLatin1String("No module named 'torch'")))
            QSKIP("Debian's python3-torch is needed to make the planted dataset");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_data = tmp(QStringLiteral("data"));
        const Result predicted = cli(predictArgs(tmp(QStringLiteral("classifier.pt"))));
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
        const Result analyzed = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_data, QStringLiteral("--embeddings"),
                                     tmp(QStringLiteral("embeddings.npy")), QStringLiteral("--embedding-paths"),
                                     tmp(QStringLiteral("embeddings.paths.txt"))});
        QVERIFY2(analyzed.exitCode == 0, qPrintable(analyzed.err));
    }

    void decisionValuesBeatConfidenceAndRandomOnTheSubgroup()
    {
        const Result r = cli({QStringLiteral("interventions"), QStringLiteral("--dataset"), m_data, QStringLiteral("--k"),
                              QStringLiteral("5,10"), QStringLiteral("--eval-k"), QStringLiteral("10"),
                              QStringLiteral("--epochs"), QStringLiteral("300"), QStringLiteral("--device"), QStringLiteral("cpu")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // arm, K, hard gain, overall gain, hard after, verdict
        QMap<QString, double> hardGain;
        for (const QString &line : r.outLines().mid(1)) {
            const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            hardGain.insert(f.value(0) + QLatin1Char('@') + f.value(1), f.value(2).chopped(1).toDouble());
        }
        for (const char *k : {"5", "10"}) {
            const QString at = QLatin1Char('@') + QLatin1String(k);
            QVERIFY2(hardGain.value(QStringLiteral("filter-svm") + at) > hardGain.value(QStringLiteral("filter-random") + at) + 20,
                     qPrintable(r.out));
            QVERIFY2(hardGain.value(QStringLiteral("filter-svm") + at) >= 40, qPrintable(r.out));
            // and confidence, which picks the pool's pale cats first (paper 000 Fig. 6's three arms).
            QVERIFY2(hardGain.value(QStringLiteral("filter-svm") + at) > hardGain.value(QStringLiteral("filter-confidence") + at) + 20,
                     qPrintable(r.out));
        }
        QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("filter-svm +5 .*beats random"))), qPrintable(r.out));
    }

    // Paper 002 eq. 1: generated samples of the failure mode, weighted by λ, fix it too.
    void syntheticSamplesWeightedByLambda()
    {
        {
            faultline::ProjectStore store(faultline::ProjectStore::defaultPath(m_data));
            for (int i = 0; i < 20; ++i) {
                faultline::GeneratedSample sample;
                sample.className = QStringLiteral("cat");
                sample.group = QStringLiteral("hard");
                sample.origin = QStringLiteral("caption");
                sample.prompt = QStringLiteral("a photo of a green cat");
                sample.backend = QStringLiteral("test");
                sample.parameters = QStringLiteral("{}");
                sample.seed = i;
                sample.file = QStringLiteral(".faultline/generated/cat/gen_%1.png").arg(i, 2, 10, QLatin1Char('0'));
                store.addGeneratedSample(sample);
            }
        }
        const QString report = tmp(QStringLiteral("synthetic"));
        const Result r = cli({QStringLiteral("retrain"), QStringLiteral("--dataset"), m_data, QStringLiteral("--intervention"),
                              QStringLiteral("synthetic"), QStringLiteral("--lambda"), QStringLiteral("1"),
                              QStringLiteral("--eval-k"), QStringLiteral("10"), QStringLiteral("--epochs"),
                              QStringLiteral("300"), QStringLiteral("--device"), QStringLiteral("cpu"),
                              QStringLiteral("--report"), report});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("+ 16 generated samples (λ = 1)")), qPrintable(r.err));
        QStringList hard, heldOut;
        for (const QStringList &row : faultline::testing::readCsv(QDir(report).filePath(QStringLiteral("retrain.csv")))) {
            if (row.value(0) == QLatin1String("all") && row.value(1) == QLatin1String("hard"))
                hard = row;
            if (row.value(0) == QLatin1String("generated"))
                heldOut = row;
        }
        QVERIFY2(hard.value(6).toDouble() - hard.value(5).toDouble() >= 0.4, qPrintable(hard.join(QLatin1Char(','))));
        QCOMPARE(heldOut.value(2), QStringLiteral("4")); // every 5th of the 20
        QVERIFY2(heldOut.value(6).toDouble() > heldOut.value(5).toDouble(), qPrintable(heldOut.join(QLatin1Char(','))));
        faultline::testing::expectOneLineError(
            cli({QStringLiteral("retrain"), QStringLiteral("--dataset"), m_data, QStringLiteral("--intervention"),
                 QStringLiteral("synthetic"), QStringLiteral("--lambda"), QStringLiteral("-1")}),
            QStringLiteral("λ must be a number ≥ 0, got -1"));

        // Fig. 5's sweep: one row per λ; λ = 0 leaves the generated samples out (held-out as before).
        const QString sweep = tmp(QStringLiteral("sweep"));
        const Result swept = cli({QStringLiteral("interventions"), QStringLiteral("--dataset"), m_data, QStringLiteral("--k"),
                                  QStringLiteral("5"), QStringLiteral("--epochs"), QStringLiteral("100"),
                                  QStringLiteral("--random-seeds"), QStringLiteral("1"), QStringLiteral("--lambda"),
                                  QStringLiteral("0,0.5,2"), QStringLiteral("--device"), QStringLiteral("cpu"),
                                  QStringLiteral("--out"), sweep});
        QVERIFY2(swept.exitCode == 0, qPrintable(swept.err));
        const QVector<QStringList> lambdaRows = faultline::testing::readCsv(QDir(sweep).filePath(QStringLiteral("lambda.csv")));
        QCOMPARE(lambdaRows.size(), qsizetype(4));
        QVERIFY2(lambdaRows[3].value(3).toDouble() > lambdaRows[1].value(3).toDouble(),
                 qPrintable(swept.out)); // more weight on the generated set: better on held-out generated samples
    }

    // The retrained classifier is an ordinary TorchScript file: predict loads it, and it is better.
    void retrainedClassifierPredicts()
    {
        const QString retrained = tmp(QStringLiteral("retrained.pt"));
        const Result r = cli({QStringLiteral("retrain"), QStringLiteral("--dataset"), m_data, QStringLiteral("--k"),
                              QStringLiteral("10"), QStringLiteral("--epochs"), QStringLiteral("300"), QStringLiteral("--device"),
                              QStringLiteral("cpu"), QStringLiteral("--out"), retrained});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Result before = cli(predictArgs(tmp(QStringLiteral("classifier.pt"))));
        const Result after = cli(predictArgs(retrained));
        QVERIFY2(after.exitCode == 0, qPrintable(after.err));
        QVERIFY2(accuracyOf(after) > accuracyOf(before), qPrintable(before.err + after.err));
    }
};

QTEST_GUILESS_MAIN(TestCliInterventions)
#include "test_cli_interventions.moc"
