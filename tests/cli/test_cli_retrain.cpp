// `faultline-cli retrain` end to end (issue 13): analyze, predict with a TorchScript classifier
// that has features(x) and a head, then retrain the head with a filtering arm and with
// upweighting; the report's "before" is the stored predictions' own accuracy, the new file
// differs from the original only in the head, the features are cached, bad requests are one line.

#include "io/CsvReader.h"
#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "SyntheticDataset.h"
#include "TinyClassifiers.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace faultline;
using faultline::testing::expectOneLineError;
using Result = faultline::testing::CliResult;

class TestCliRetrain : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_tmp;
    QString m_classifier;
    testing::SyntheticDataset m_dataset;

    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 120000); }
    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }
    QStringList retrain(const QStringList &more) const
    {
        return QStringList{QStringLiteral("retrain"), QStringLiteral("--dataset"), m_dataset.root,
                           QStringLiteral("--epochs"), QStringLiteral("30"), QStringLiteral("--device"),
                           QStringLiteral("cpu")} + more;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        const QString failed = testing::runFixtureScript(QStringLiteral(FAULTLINE_RETRAINABLE_CLASSIFIER_SCRIPT), tmp(QStringLiteral("models")));
        if (failed.contains(QLatin1String("No module named 'torch'")))
            QSKIP("Debian's python3-torch is needed to make the classifier");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_classifier = tmp(QStringLiteral("models/retrainable.pt"));
        // Two classes, 12 images per class and split; the planted predictions.csv makes run 1.
        QVERIFY(testing::writeSyntheticDataset(m_dataset, tmp(QStringLiteral("data")), 2, 12));
        const Result analyzed = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_dataset.root,
                                     QStringLiteral("--embeddings"), m_dataset.npyPath, QStringLiteral("--embedding-paths"),
                                     m_dataset.pathsFile});
        QVERIFY2(analyzed.exitCode == 0, qPrintable(analyzed.err));
        // The classifier's own predictions (and its preprocessing, kept for retrain).
        const Result predicted = cli({QStringLiteral("predict"), QStringLiteral("--dataset"), m_dataset.root,
                                      QStringLiteral("--classifier"), m_classifier, QStringLiteral("--input-size"),
                                      QStringLiteral("8"), QStringLiteral("--mean"), QStringLiteral("0.5"),
                                      QStringLiteral("--std"), QStringLiteral("0.25"), QStringLiteral("--device"),
                                      QStringLiteral("cpu")});
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
    }

    void filteringRetrainsAndReports()
    {
        const QString out = tmp(QStringLiteral("retrained.pt"));
        const QString report = tmp(QStringLiteral("report"));
        const Result r = cli(retrain({QStringLiteral("--intervention"), QStringLiteral("filter-svm"), QStringLiteral("--k"),
                                      QStringLiteral("3"), QStringLiteral("--eval-k"), QStringLiteral("4"),
                                      QStringLiteral("--out"), out, QStringLiteral("--report"), report}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("run 1, filter-svm: head 'fc' retrained on 24 training images + 6 pool images")),
                 qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("(all classes)")), qPrintable(r.out));

        // "Before" is what the stored predictions (made by the same classifier) got right.
        int right = 0, test = 0;
        {
            const ProjectStore store(ProjectStore::defaultPath(m_dataset.root));
            for (const LabeledImage &image : store.labeledImages())
                if (image.split == Split::Test) {
                    ++test;
                    right += image.correct();
                }
            // The features are cached under their own model, which analyses never pick: of every
            // analysed image, since the retrained head's predictions of them are stored as a model.
            bool cached = false;
            for (const EmbeddingModelInfo &model : store.embeddingModels())
                if (model.name.startsWith(QLatin1String("features:retrainable.pt@"))) {
                    cached = true;
                    QCOMPARE(model.count, qint64(2 * 12 * 4));
                    QCOMPARE(model.dim, 6);
                }
            QVERIFY(cached);
            // The retraining is kept in the project with what it wrote.
            const QVector<StoredRetrain> retrains = store.retrains();
            QCOMPARE(retrains.size(), qsizetype(1));
            QCOMPARE(retrains[0].runId, qint64(1));
            QCOMPARE(retrains[0].intervention, QStringLiteral("filter-svm"));
            QCOMPARE(retrains[0].output, QFileInfo(out).absoluteFilePath());
            QCOMPARE(retrains[0].classifier, QFileInfo(m_classifier).absoluteFilePath());
            const QJsonObject json = QJsonDocument::fromJson(retrains[0].report.toUtf8()).object();
            QCOMPARE(json.value(QStringLiteral("overall")).toObject().value(QStringLiteral("right_before")).toInt(), right);
            QCOMPARE(json.value(QStringLiteral("added_images")).toInt(), 6);
            QCOMPARE(QJsonDocument::fromJson(retrains[0].parameters.toUtf8()).object().value(QStringLiteral("k")).toInt(), 3);
        }
        const QVector<QStringList> rows = testing::readCsv(QDir(report).filePath(QStringLiteral("retrain.csv")));
        QCOMPARE(rows.value(0), (QStringList{QStringLiteral("class"), QStringLiteral("subset"), QStringLiteral("images"),
                                             QStringLiteral("right_before"), QStringLiteral("right_after"),
                                             QStringLiteral("accuracy_before"), QStringLiteral("accuracy_after")}));
        QStringList overall, hard;
        for (const QStringList &row : rows) {
            if (row.value(0) == QLatin1String("all") && row.value(1) == QLatin1String("all"))
                overall = row;
            if (row.value(0) == QLatin1String("all") && row.value(1) == QLatin1String("hard"))
                hard = row;
        }
        QCOMPARE(overall.value(2), QString::number(test));
        QCOMPARE(overall.value(3), QString::number(right));
        QCOMPARE(hard.value(2), QStringLiteral("8")); // 4 hardest test images of each class

        // Only the head changed.
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(FAULTLINE_DIFFERING_PARAMETERS_SCRIPT), m_classifier, out});
        QVERIFY(python.waitForFinished(60000));
        QCOMPARE(QString::fromUtf8(python.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts),
                 (QStringList{QStringLiteral("fc.bias"), QStringLiteral("fc.weight")}));

        // runs lists it after the runs.
        const Result runs = cli({QStringLiteral("runs"), QStringLiteral("--dataset"), m_dataset.root});
        QVERIFY2(runs.exitCode == 0, qPrintable(runs.err));
        QVERIFY2(runs.out.contains(QRegularExpression(QStringLiteral("\\n\\s+1\\s+\\S+\\s+1\\s+filter-svm\\s+[0-9.]+ → [0-9.]+\\s+\\S*retrained.pt"))),
                 qPrintable(runs.out));

        // A later analysis still uses the CLIP-space embeddings, not the cached features.
        const Result analyzed = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_dataset.root});
        QVERIFY2(analyzed.exitCode == 0, qPrintable(analyzed.err));
        QVERIFY2(analyzed.err.contains(QLatin1String("embeddings: 'import:")), qPrintable(analyzed.err));
    }

    // The retrained head's predictions are the model "retrain-1": listed, compared with the
    // original (IoU and collective failures as computed here from the two sets), the same as
    // predict gives with the written file, and analysable on their own.
    void retrainedModelIsComparedAndPredicts()
    {
        const Result listed = cli({QStringLiteral("predictions"), QStringLiteral("--dataset"), m_dataset.root});
        QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
        QVERIFY2(listed.out.contains(QRegularExpression(QStringLiteral("\\* default\\s+96\\s"))), qPrintable(listed.out));
        QVERIFY2(listed.out.contains(QRegularExpression(QStringLiteral("\\n  retrain-1\\s+96\\s.*retrain:1"))), qPrintable(listed.out));

        const QString out = tmp(QStringLiteral("compare"));
        const Result compared = cli({QStringLiteral("compare"), QStringLiteral("--dataset"), m_dataset.root,
                                     QStringLiteral("--models"), QStringLiteral("default,retrain-1"), QStringLiteral("--out"), out});
        QVERIFY2(compared.exitCode == 0, qPrintable(compared.err));
        QVERIFY2(compared.out.startsWith(QLatin1String("24 images of the test split")), qPrintable(compared.out));

        // The same numbers, computed directly from the stored sets.
        QHash<QString, QSet<QString>> wrongA, wrongB; // class ("all" too) → paths
        QHash<QString, int> images;
        QStringList collective;
        {
            const ProjectStore store(ProjectStore::defaultPath(m_dataset.root));
            QHash<qint64, LabeledImage> b;
            for (const LabeledImage &image : store.labeledImages(QStringLiteral("retrain-1")))
                b.insert(image.id, image);
            for (const LabeledImage &a : store.labeledImages(QStringLiteral("default"))) {
                if (a.split != Split::Test)
                    continue;
                QVERIFY(b.contains(a.id));
                for (const QString &group : {QStringLiteral("all"), a.label}) {
                    ++images[group];
                    if (!a.correct())
                        wrongA[group].insert(a.path);
                    if (!b[a.id].correct())
                        wrongB[group].insert(a.path);
                }
                if (!a.correct() && !b[a.id].correct())
                    collective << a.path;
            }
        }
        QVERIFY2(!wrongA.value(QStringLiteral("all")).isEmpty(), "the original head makes no error: nothing is compared");
        const QVector<QStringList> iou = testing::readCsv(QDir(out).filePath(QStringLiteral("failure_iou.csv")));
        QCOMPARE(iou.value(0), (QStringList{QStringLiteral("class"), QStringLiteral("model_a"), QStringLiteral("model_b"),
                                            QStringLiteral("intersection"), QStringLiteral("union"), QStringLiteral("iou")}));
        QCOMPARE(iou.size(), qsizetype(1 + 3)); // all, c0, c1
        for (const QStringList &row : iou.mid(1)) {
            const QString group = row.value(0);
            QVERIFY2(images.contains(group), qPrintable(group));
            QCOMPARE(row.value(1), QStringLiteral("default"));
            QCOMPARE(row.value(2), QStringLiteral("retrain-1"));
            const int both = int((wrongA[group] & wrongB[group]).size()), either = int((wrongA[group] | wrongB[group]).size());
            QCOMPARE(row.value(3).toInt(), both);
            QCOMPARE(row.value(4).toInt(), either);
            if (either > 0)
                QVERIFY(qAbs(row.value(5).toDouble() - double(both) / either) < 1e-6);
            else
                QCOMPARE(row.value(5), QString());
        }
        const QVector<QStringList> models = testing::readCsv(QDir(out).filePath(QStringLiteral("models.csv")));
        QCOMPARE(models.value(1), (QStringList{QStringLiteral("default"), QStringLiteral("all"), QStringLiteral("24"),
                                               QString::number(1.0 - wrongA[QStringLiteral("all")].size() / 24.0, 'f', 6)}));
        QCOMPARE(models.size(), qsizetype(1 + 2 * 3));
        const QVector<QStringList> failures = testing::readCsv(QDir(out).filePath(QStringLiteral("collective_failures.csv")));
        QCOMPARE(failures.value(0), (QStringList{QStringLiteral("path"), QStringLiteral("label"),
                                                 QStringLiteral("prediction_default"), QStringLiteral("prediction_retrain-1")}));
        QStringList listedPaths;
        for (const QStringList &row : failures.mid(1))
            listedPaths << row.value(0);
        collective.sort();
        QCOMPARE(listedPaths, collective);

        // The written classifier, run by predict, says what the retrained head said.
        const Result predicted = cli({QStringLiteral("predict"), QStringLiteral("--dataset"), m_dataset.root,
                                      QStringLiteral("--name"), QStringLiteral("retrained-file"), QStringLiteral("--classifier"),
                                      tmp(QStringLiteral("retrained.pt")), QStringLiteral("--input-size"), QStringLiteral("8"),
                                      QStringLiteral("--mean"), QStringLiteral("0.5"), QStringLiteral("--std"),
                                      QStringLiteral("0.25"), QStringLiteral("--device"), QStringLiteral("cpu")});
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
        QVERIFY2(predicted.err.contains(QLatin1String("model 'retrained-file' (classifier:retrained.pt)")), qPrintable(predicted.err));
        {
            const ProjectStore store(ProjectStore::defaultPath(m_dataset.root));
            QCOMPARE(store.currentPredictionSet(), QStringLiteral("retrained-file"));
            QHash<qint64, QString> inside;
            for (const LabeledImage &image : store.labeledImages(QStringLiteral("retrain-1")))
                inside.insert(image.id, image.prediction);
            int compared = 0;
            for (const LabeledImage &image : store.labeledImages()) {
                QCOMPARE(image.prediction, inside.value(image.id));
                ++compared;
            }
            QCOMPARE(compared, 96);
        }
        const Result used = cli({QStringLiteral("predictions"), QStringLiteral("--dataset"), m_dataset.root,
                                 QStringLiteral("--use"), QStringLiteral("default"), QStringLiteral("--remove"),
                                 QStringLiteral("retrained-file")});
        QVERIFY2(used.exitCode == 0 && used.out.contains(QLatin1String("* default")) && !used.out.contains(QLatin1String("retrained-file")),
                 qPrintable(used.out + used.err));

        // The new model analysed on its own: its run records it; compare adds the directions' cosine.
        const Result analyzed = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_dataset.root,
                                     QStringLiteral("--predictions-name"), QStringLiteral("retrain-1")});
        QVERIFY2(analyzed.exitCode == 0, qPrintable(analyzed.err));
        QVERIFY2(analyzed.err.contains(QRegularExpression(QStringLiteral("run \\d+: .* \\(model 'retrain-1'\\)"))), qPrintable(analyzed.err));
        QCOMPARE(cli({QStringLiteral("compare"), QStringLiteral("--dataset"), m_dataset.root, QStringLiteral("--out"), out}).exitCode, 0);
        const QVector<QStringList> cosines = testing::readCsv(QDir(out).filePath(QStringLiteral("direction_cosines.csv")));
        for (const QStringList &row : cosines.mid(1)) {
            QVERIFY(row.value(5).toDouble() >= -1.0 - 1e-9 && row.value(5).toDouble() <= 1.0 + 1e-9);
            QCOMPARE(row.value(1), QStringLiteral("default"));
        }

        expectOneLineError(cli({QStringLiteral("compare"), QStringLiteral("--dataset"), m_dataset.root, QStringLiteral("--models"),
                                QStringLiteral("default")}),
                           QStringLiteral("compare needs two models or more; the project has 'default'"));
        expectOneLineError(cli({QStringLiteral("compare"), QStringLiteral("--dataset"), m_dataset.root, QStringLiteral("--models"),
                                QStringLiteral("default,nope")}),
                           QStringLiteral("there is no prediction set 'nope' (it has: default, retrain-1)"));
        expectOneLineError(cli({QStringLiteral("predict"), QStringLiteral("--dataset"), m_dataset.root, QStringLiteral("--classifier"),
                                m_classifier, QStringLiteral("--name"), QStringLiteral("a,b")}),
                           QStringLiteral("prediction set name 'a,b': it holds a comma"));
        expectOneLineError(cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_dataset.root,
                                QStringLiteral("--predictions-name"), QStringLiteral("nope")}),
                           QStringLiteral("there is no prediction set 'nope'"));
    }

    void upweightingFlagsTheHardest()
    {
        const Result r = cli(retrain({QStringLiteral("--run"), QStringLiteral("1"), QStringLiteral("--intervention"),
                                      QStringLiteral("upweight"), QStringLiteral("--k"), QStringLiteral("2"),
                                      QStringLiteral("--factor"), QStringLiteral("3")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("head 'fc' retrained on 24 training images, 4 of them upweighted ×3")),
                 qPrintable(r.errLines().mid(r.errLines().size() - 3).join(QLatin1Char('|'))));
    }

    // Paper 000 Fig. 6 as a table: every arm at every K, random averaged over seeds.
    void interventionsCompareTheArms()
    {
        const QString out = tmp(QStringLiteral("interventions"));
        const Result r = cli({QStringLiteral("interventions"), QStringLiteral("--dataset"), m_dataset.root,
                              QStringLiteral("--run"), QStringLiteral("1"), QStringLiteral("--k"), QStringLiteral("2,3"),
                              QStringLiteral("--eval-k"), QStringLiteral("4"), QStringLiteral("--epochs"),
                              QStringLiteral("20"), QStringLiteral("--random-seeds"), QStringLiteral("2"),
                              QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--out"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.outLines();
        QCOMPARE(lines.size(), 1 + 2 * 4);
        QVERIFY2(lines[3].startsWith(QLatin1String("filter-random")) && lines[3].endsWith(QLatin1String("(mean of 2 seeds)")),
                 qPrintable(lines[3]));
        QVERIFY2(lines[1].contains(QRegularExpression(QStringLiteral("(beats|does not beat) random$"))), qPrintable(lines[1]));
        const QVector<QStringList> csv = testing::readCsv(QDir(out).filePath(QStringLiteral("interventions.csv")));
        QCOMPARE(csv.size(), qsizetype(1 + 8));
        QCOMPARE(csv[0], (QStringList{QStringLiteral("arm"), QStringLiteral("k"), QStringLiteral("seeds"),
                                      QStringLiteral("hard_gain"), QStringLiteral("overall_gain"),
                                      QStringLiteral("hard_accuracy_after")}));
        QCOMPARE(csv[5].value(0), QStringLiteral("filter-svm"));
        QCOMPARE(csv[5].value(1), QStringLiteral("3"));
        expectOneLineError(cli({QStringLiteral("interventions"), QStringLiteral("--dataset"), m_dataset.root,
                                QStringLiteral("--k"), QStringLiteral("2,x")}),
                           QStringLiteral("--k: 'x' is not a count from 1 to 1000000"));
    }

    void badRequestsAreOneLine()
    {
        expectOneLineError(cli(retrain({QStringLiteral("--intervention"), QStringLiteral("filter")})),
                           QStringLiteral("--intervention: 'filter' is not filter-svm, filter-confidence, filter-random, upweight or synthetic"));
        expectOneLineError(cli(retrain({QStringLiteral("--run"), QStringLiteral("1"), QStringLiteral("--k"), QStringLiteral("100")})),
                           QStringLiteral("class 'c0' has 12 pool images, fewer than K = 100"));
        expectOneLineError(cli(retrain({QStringLiteral("--intervention"), QStringLiteral("upweight"), QStringLiteral("--factor"),
                                        QStringLiteral("0.5")})),
                           QStringLiteral("the upweighting factor must be a number ≥ 1, got 0.5"));
        expectOneLineError(cli(retrain({QStringLiteral("--head"), QStringLiteral("classifier")})),
                           QStringLiteral("'classifier' is a __torch__.torch.nn.modules.conv.Conv2d, not a torch.nn.Linear"));
        expectOneLineError(cli(retrain({QStringLiteral("--lr"), QStringLiteral("0")})),
                           QStringLiteral("learning rate must be > 0, got 0"));
    }
};

QTEST_GUILESS_MAIN(TestCliRetrain)
#include "test_cli_retrain.moc"
