// Runs `faultline-cli captions`, `validate-caption` and `slerp` (FAULTLINE_CLI, set by CTest) as a
// user would, on a small real dataset embedded with the tiny reference CLIP
// (FAULTLINE_CLIP_REFERENCE) whose classifier has a planted failure: every red cat is
// predicted "dog" (blue cats are right), every green dog is predicted "cat" (yellow dogs are right).

#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "embedding/TextEmbedder.h"
#include "interpret/CaptionRanking.h"
#include "interpret/StoredFailureDirection.h"
#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "InterpretTestProject.h"
#include "TestImages.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cmath>
#include <memory>
#include <random>

using namespace faultline;
using faultline::testing::expectOneLineError;
using faultline::testing::readLines;
using Result = faultline::testing::CliResult;

namespace {

// captions.csv's and validation.csv's rows (no quoted commas in what this test writes).
QList<QStringList> csvRows(const QString &path)
{
    QList<QStringList> rows;
    for (const QString &line : readLines(path))
        rows << line.split(QLatin1Char(','));
    return rows;
}

// The rows of slerp's table: rank, cosine, decision, correct, path.
QList<QStringList> slerpRows(const Result &r)
{
    QList<QStringList> rows;
    const QStringList lines = r.outLines();
    for (qsizetype i = 1; i < lines.size(); ++i)
        rows << lines[i].split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return rows;
}

} // namespace

class TestCliInterpret : public QObject
{
    Q_OBJECT

    QString m_cli;
    QString m_modelPath;
    QTemporaryDir m_tmp;
    QString m_root;      // embedded with `faultline-cli embed`
    QString m_imported;  // the same images, embeddings imported from .npy
    QHash<QString, bool> m_wrong; // dataset-relative path → predicted wrong

    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }

    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 300000); }

    QStringList on(const QString &command, const QStringList &more = {}) const
    {
        return QStringList{command, QStringLiteral("--dataset"), m_root, QStringLiteral("--device"), QStringLiteral("cpu")}
               + more;
    }

    int wrongIn(const QList<QStringList> &rows)
    {
        int wrong = 0;
        for (const QStringList &row : rows)
            wrong += row.value(3) == QLatin1String("no") ? 1 : 0;
        return wrong;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        const QString reference = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
        m_modelPath = QDir(reference).filePath(QStringLiteral("tiny_clip.safetensors"));
        QVERIFY2(QFileInfo::exists(m_modelPath),
                 qPrintable(QStringLiteral("CLIP reference data not found in FAULTLINE_CLIP_REFERENCE='%1'").arg(reference)));
        QVERIFY(m_tmp.isValid());
        if (qEnvironmentVariableIsSet("FAULTLINE_TEST_KEEP")) {
            m_tmp.setAutoRemove(false);
            qInfo("test files kept in %s", qPrintable(m_tmp.path()));
        }

        // Red cats predicted "dog", green dogs "cat"; `data` embedded by the tiny CLIP, `imported`
        // the same images with the embeddings imported; run 1 of each analysed.
        faultline::testing::InterpretTestProject project;
        const QString why = project.build(m_tmp.path());
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_root = project.root;
        m_imported = project.imported;
        m_wrong = project.wrong;
    }

    void bothClassesAreFitted()
    {
        ProjectStore store(ProjectStore::defaultPath(m_root));
        const QVector<RunClassRow> classes = store.runClasses(1);
        QCOMPARE(classes.size(), qsizetype(2));
        for (const RunClassRow &row : classes) {
            QVERIFY2(row.status == QLatin1String("ok"), qPrintable(row.className + QLatin1Char(' ') + row.reason));
            QCOMPARE(row.nFit, 16);
            QCOMPARE(row.nFitErrors, 8);
        }
    }

    void help()
    {
        for (const char *command : {"captions", "validate-caption", "slerp"}) {
            const Result r = cli({QLatin1String(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.startsWith(QStringLiteral("Usage: faultline-cli %1").arg(QLatin1String(command))), qPrintable(r.out));
            for (const char *option : {"--dataset", "--run", "--model", "--device"})
                QVERIFY2(r.out.contains(QLatin1String(option)), option);
        }
        const Result top = cli({QStringLiteral("--help")});
        for (const char *command : {"captions", "validate-caption", "slerp"})
            QVERIFY2(top.out.contains(QLatin1String(command)), command);
    }

    void captionsWritesRankedCaptionsAndValidation()
    {
        const QString out = tmp(QStringLiteral("captions-out"));
        const Result r = cli(on(QStringLiteral("captions"), {QStringLiteral("--top"), QStringLiteral("3"),
                                                             QStringLiteral("--out"), out}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("cat (cv ")) && r.out.contains(QLatin1String("dog (cv ")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("reference \"a photo of a cat\"")), qPrintable(r.out));

        const QList<QStringList> rows = csvRows(QDir(out).filePath(QStringLiteral("captions.csv")));
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows[0], (QStringList{QStringLiteral("class"), QStringLiteral("caption"), QStringLiteral("score"),
                                       QStringLiteral("rank"), QStringLiteral("side")}));
        QCOMPARE(rows.size(), qsizetype(1 + 2 * 6));

        // In-process: the same candidates, embedded with the same model, scored by the stored run.
        const auto model = ClipModel::load(m_modelPath, ComputeDevice::Cpu);
        const CaptionVocabulary vocabulary = CaptionVocabulary::builtin(QStringLiteral("generic"));
        ProjectStore store(ProjectStore::defaultPath(m_root));

        for (const QString &cls : {QStringLiteral("cat"), QStringLiteral("dog")}) {
            QList<QStringList> hard, easy;
            for (qsizetype i = 1; i < rows.size(); ++i) {
                QCOMPARE(rows[i].size(), qsizetype(5));
                if (rows[i][0] != cls)
                    continue;
                (rows[i][4] == QLatin1String("hard") ? hard : easy) << rows[i];
                QVERIFY2(rows[i][4] == QLatin1String("hard") || rows[i][4] == QLatin1String("easy"), qPrintable(rows[i].join(',')));
            }
            QCOMPARE(hard.size(), qsizetype(3));
            QCOMPARE(easy.size(), qsizetype(3));
            double maxHard = -1e300, minEasy = 1e300;
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(hard[i][3], QString::number(i + 1));
                QCOMPARE(easy[i][3], QString::number(i + 1));
                maxHard = std::max(maxHard, hard[i][2].toDouble());
                minEasy = std::min(minEasy, easy[i][2].toDouble());
                if (i > 0) {
                    QVERIFY(hard[i - 1][2].toDouble() <= hard[i][2].toDouble()); // most negative first
                    QVERIFY(easy[i - 1][2].toDouble() >= easy[i][2].toDouble()); // most positive first
                }
            }
            QVERIFY2(maxHard <= minEasy, qPrintable(cls));
            // The printed scores are the CSV's, to 4 significant digits.
            for (const QStringList &row : hard + easy) {
                const QString prefix = QStringLiteral("  %1 %2  ").arg(row[4], row[3]);
                const QString suffix = QStringLiteral("  %1").arg(row[1]);
                bool found = false;
                for (const QString &line : r.outLines())
                    if (line.startsWith(prefix) && line.endsWith(suffix)) {
                        const double printed = line.mid(prefix.size(), line.size() - prefix.size() - suffix.size()).toDouble(&found);
                        QVERIFY2(found && std::abs(printed - row[2].toDouble()) <= 1e-3 * std::abs(row[2].toDouble()),
                                 qPrintable(line));
                    }
                QVERIFY2(found, qPrintable(row.join(QLatin1Char(','))));
            }

            // The stored scores: every candidate, most negative first, the CSV's hard rows on top.
            const QStringList texts = [&] {
                QStringList t;
                for (const CaptionCandidate &c : captionCandidates(vocabulary, cls))
                    t << c.text;
                return t;
            }();
            const QVector<QPair<QString, double>> stored = store.captionScores(1, cls, QStringLiteral("generic"));
            QCOMPARE(stored.size(), texts.size());
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(stored[i].first, hard[i][1]);
                QCOMPARE(stored[stored.size() - 1 - i].first, easy[i][1]);
                QVERIFY(std::abs(stored[i].second - hard[i][2].toDouble()) <= 1e-7 * std::max(1.0, std::abs(stored[i].second)));
            }

            // The same scores computed in this process (the CLI's thread split moves the last bits).
            const StoredFailureDirection direction = StoredFailureDirection::load(store, 1, cls);
            const QVector<RankedCaption> ranked =
                rankCaptions(direction, texts, embedTexts(*model, ClipTokenizer::builtin(), texts),
                             embedTexts(*model, ClipTokenizer::builtin(), {referenceCaption(vocabulary, cls)}));
            QHash<QString, double> scoreOf;
            for (const RankedCaption &c : ranked)
                scoreOf.insert(c.caption, c.score);
            for (const auto &[caption, score] : stored)
                QVERIFY2(std::abs(scoreOf.value(caption, 1e9) - score) <= 1e-4,
                         qPrintable(QStringLiteral("%1: %2 vs %3").arg(caption).arg(score).arg(scoreOf.value(caption))));
        }

        // validation.csv: hard, easy and reference curves per class over the 12 test images, K = 10 … 12.
        const QList<QStringList> validation = csvRows(QDir(out).filePath(QStringLiteral("validation.csv")));
        QCOMPARE(validation.value(0), (QStringList{QStringLiteral("class"), QStringLiteral("kind"), QStringLiteral("caption"),
                                                   QStringLiteral("k"), QStringLiteral("accuracy")}));
        QCOMPARE(validation.size(), qsizetype(1 + 2 * 3 * 3));
        for (const QString &cls : {QStringLiteral("cat"), QStringLiteral("dog")})
            for (const QString &kind : {QStringLiteral("hard"), QStringLiteral("easy"), QStringLiteral("reference")}) {
                QList<int> ks;
                for (const QStringList &row : validation)
                    if (row.value(0) == cls && row.value(1) == kind) {
                        ks << row.value(3).toInt();
                        const double accuracy = row.value(4).toDouble();
                        QVERIFY(accuracy >= 0 && accuracy <= 1);
                        if (kind == QLatin1String("reference"))
                            QCOMPARE(row.value(2), QStringLiteral("a photo of a %1").arg(cls));
                        if (row.value(3) == QLatin1String("12"))
                            QCOMPARE(accuracy, 0.5); // K = n: the test split's accuracy
                    }
                QCOMPARE(ks, (QList<int>{10, 11, 12}));
            }
        QVERIFY2(r.err.contains(QLatin1String("captions.csv")), qPrintable(r.err));
    }

    void captionsWithOtherVocabularies()
    {
        const Result cifar = cli(on(QStringLiteral("captions"), {QStringLiteral("--vocab"), QStringLiteral("cifar10"),
                                                                 QStringLiteral("--top"), QStringLiteral("2"),
                                                                 QStringLiteral("--class"), QStringLiteral("cat")}));
        QVERIFY2(cifar.exitCode == 0, qPrintable(cifar.err));
        QVERIFY2(cifar.out.contains(QLatin1String("cat (cv ")) && !cifar.out.contains(QLatin1String("dog (cv ")),
                 qPrintable(cifar.out));
        QCOMPARE(cifar.out.count(QLatin1String("  hard ")), qsizetype(2));
        QCOMPARE(cifar.out.count(QLatin1String("  easy ")), qsizetype(2));
        ProjectStore store(ProjectStore::defaultPath(m_root));
        QCOMPARE(store.captionScores(1, QStringLiteral("cat"), QStringLiteral("cifar10")).size(),
                 captionCandidates(CaptionVocabulary::builtin(QStringLiteral("cifar10")), QStringLiteral("cat")).size());
        QVERIFY(store.captionScores(1, QStringLiteral("dog"), QStringLiteral("cifar10")).isEmpty());

        // A vocabulary file of one's own.
        const QString own = tmp(QStringLiteral("own.json"));
        QVERIFY(faultline::testing::writeText(
            own, QStringLiteral("{\"format\": \"faultline-caption-vocabulary\", \"version\": 1, \"name\": \"own\",\n"
                                " \"adjectives\": [\"red\", \"blue\"], \"prepositions\": [\"inside\"], \"nouns\": [\"{class}\"]}\n")));
        const Result mine = cli(on(QStringLiteral("captions"), {QStringLiteral("--vocab"), own, QStringLiteral("--class"),
                                                                QStringLiteral("cat"), QStringLiteral("--top"),
                                                                QStringLiteral("1")}));
        QVERIFY2(mine.exitCode == 0, qPrintable(mine.err));
        QCOMPARE(store.captionScores(1, QStringLiteral("cat"), QStringLiteral("own")).size(), qsizetype(5));
    }

    void captionsErrors()
    {
        const QString missing = tmp(QStringLiteral("no/such.json"));
        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--vocab"), missing})), missing);
        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--vocab"), QStringLiteral("/no/such.json")})),
                           QStringLiteral("/no/such.json"));
        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--vocab"), QStringLiteral("klingon")})),
                           QStringLiteral("klingon"));

        const QString broken = tmp(QStringLiteral("broken.json"));
        QVERIFY(faultline::testing::writeText(broken, QStringLiteral("{\n  \"format\": \"faultline-caption-vocabulary\",\n"
                                                                     "  \"version\": 1,,\n}\n")));
        const Result malformed = cli(on(QStringLiteral("captions"), {QStringLiteral("--vocab"), broken}));
        expectOneLineError(malformed, broken + QStringLiteral(":3:16: ")); // the second comma

        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--class"), QStringLiteral("Unknown")})),
                           QStringLiteral("class 'Unknown' has no failure direction in run 1"));
        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--top"), QStringLiteral("0")})),
                           QStringLiteral("--top: '0'"));
        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--split"), QStringLiteral("dev")})),
                           QStringLiteral("--split: 'dev'"));
        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--run"), QStringLiteral("7")})),
                           QStringLiteral("no analysis run 7"));
        expectOneLineError(cli(on(QStringLiteral("captions"), {QStringLiteral("--run"), QStringLiteral("x")})),
                           QStringLiteral("--run: 'x'"));
        const QString empty = tmp(QStringLiteral("empty-dataset"));
        QVERIFY(QDir().mkpath(QDir(empty).filePath(QStringLiteral("cat"))));
        QVERIFY(faultline::testing::writePng(QDir(empty).filePath(QStringLiteral("cat/a.png")), 1));
        expectOneLineError(cli({QStringLiteral("captions"), QStringLiteral("--dataset"), empty}),
                           QStringLiteral("no completed analysis run"));
    }

    void validateCaption()
    {
        const Result r = cli(on(QStringLiteral("validate-caption"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                                     QStringLiteral("--caption"),
                                                                     QStringLiteral("a photo of a red cat")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.outLines();
        QCOMPARE(lines.size(), qsizetype(4)); // header + K = 10, 11, 12
        QCOMPARE(lines[0].split(QLatin1Char(' '), Qt::SkipEmptyParts),
                 (QStringList{QStringLiteral("k"), QStringLiteral("caption"), QStringLiteral("reference")}));
        for (int i = 1; i < 4; ++i) {
            const QStringList cells = lines[i].split(QLatin1Char(' '), Qt::SkipEmptyParts);
            QCOMPARE(cells.size(), qsizetype(3));
            QCOMPARE(cells[0].toInt(), 9 + i);
            for (int c = 1; c < 3; ++c) {
                bool ok = false;
                const double accuracy = cells[c].toDouble(&ok);
                QVERIFY(ok && accuracy >= 0 && accuracy <= 1);
            }
        }
        QCOMPARE(lines[3].split(QLatin1Char(' '), Qt::SkipEmptyParts).mid(1),
                 (QStringList{QStringLiteral("0.5000"), QStringLiteral("0.5000")})); // K = n: overall accuracy

        // Every image of the class when asked for the train split: K = 8 (fewer than 10).
        const Result train = cli(on(QStringLiteral("validate-caption"), {QStringLiteral("--class"), QStringLiteral("dog"),
                                                                         QStringLiteral("--caption"), QStringLiteral("a dog"),
                                                                         QStringLiteral("--split"), QStringLiteral("train")}));
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        QCOMPARE(train.outLines().size(), qsizetype(2));
        QCOMPARE(train.outLines()[1].split(QLatin1Char(' '), Qt::SkipEmptyParts).value(0), QStringLiteral("8"));

        expectOneLineError(cli(on(QStringLiteral("validate-caption"), {QStringLiteral("--class"), QStringLiteral("cat")})),
                           QStringLiteral("--class C and --caption TEXT are required"));
        expectOneLineError(cli(on(QStringLiteral("validate-caption"), {QStringLiteral("--class"), QStringLiteral("Unknown"),
                                                                       QStringLiteral("--caption"), QStringLiteral("x")})),
                           QStringLiteral("no class 'Unknown'"));
    }

    void slerp()
    {
        const Result hard = cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                             QStringLiteral("--alpha"), QStringLiteral("-1"),
                                                             QStringLiteral("--k"), QStringLiteral("5")}));
        QVERIFY2(hard.exitCode == 0, qPrintable(hard.err));
        QCOMPARE(hard.outLines().value(0).split(QLatin1Char(' '), Qt::SkipEmptyParts),
                 (QStringList{QStringLiteral("rank"), QStringLiteral("cosine"), QStringLiteral("decision"),
                              QStringLiteral("correct"), QStringLiteral("path")}));
        const QList<QStringList> hardRows = slerpRows(hard);
        QCOMPARE(hardRows.size(), qsizetype(5));
        double previous = 2;
        for (int i = 0; i < 5; ++i) {
            const QStringList &row = hardRows[i];
            QCOMPARE(row.size(), qsizetype(5));
            QCOMPARE(row[0].toInt(), i + 1);
            QVERIFY2(row[4].startsWith(QLatin1String("test/cat/")), qPrintable(row.join(' ')));
            QCOMPARE(row[3], m_wrong.value(row[4]) ? QStringLiteral("no") : QStringLiteral("yes"));
            QVERIFY(row[1].toDouble() <= previous); // nearest first
            previous = row[1].toDouble();
        }
        // The decision column is the run's decision value of each image, readable even when the
        // SVM's C is small and the values are tiny (as here).
        {
            ProjectStore store(ProjectStore::defaultPath(m_root));
            QHash<QString, double> decisionOf;
            for (const RunScoreRow &row : store.runScores(1))
                decisionOf.insert(row.path, row.decisionValue.value_or(std::nan("")));
            for (const QStringList &row : hardRows) {
                bool ok = false;
                const double printed = row[2].toDouble(&ok);
                const double stored = decisionOf.value(row[4]);
                QVERIFY2(ok && stored != 0 && std::abs(printed - stored) <= 1e-3 * std::abs(stored),
                         qPrintable(QStringLiteral("%1: printed %2, stored %3").arg(row[4], row[2]).arg(stored)));
            }
        }

        const Result easy = cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                             QStringLiteral("--alpha"), QStringLiteral("1"),
                                                             QStringLiteral("--k"), QStringLiteral("5")}));
        QVERIFY2(easy.exitCode == 0, qPrintable(easy.err));
        const QList<QStringList> easyRows = slerpRows(easy);
        QCOMPARE(easyRows.size(), qsizetype(5));
        // Toward the hard side: mostly the misclassified (red) cats; toward the easy side, fewer.
        QVERIFY2(wrongIn(hardRows) >= 3, qPrintable(hard.out));
        QVERIFY2(wrongIn(hardRows) > wrongIn(easyRows), qPrintable(hard.out + easy.out));

        // More than the split holds: all 12 test cats. A reference of one's own works.
        const Result all = cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                            QStringLiteral("--alpha"), QStringLiteral("0"),
                                                            QStringLiteral("--k"), QStringLiteral("50"),
                                                            QStringLiteral("--reference"), QStringLiteral("a red cat")}));
        QVERIFY2(all.exitCode == 0, qPrintable(all.err));
        QCOMPARE(slerpRows(all).size(), qsizetype(12));

        for (const char *alpha : {"2", "-1.5", "nan", "hard"})
            expectOneLineError(cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                                QStringLiteral("--alpha"), QLatin1String(alpha)})),
                               QStringLiteral("--alpha: '%1' is not a number in [-1, 1]").arg(QLatin1String(alpha)));
        expectOneLineError(cli(on(QStringLiteral("slerp"), {QStringLiteral("--alpha"), QStringLiteral("-1")})),
                           QStringLiteral("--class C is required"));
        expectOneLineError(cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                            QStringLiteral("--k"), QStringLiteral("0")})),
                           QStringLiteral("--k: '0'"));
        expectOneLineError(cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("Unknown")})),
                           QStringLiteral("no class 'Unknown'"));
        expectOneLineError(cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                            QStringLiteral("--split"), QStringLiteral("pool")})),
                           QStringLiteral("no images in split 'pool'"));
    }

    // Embeddings imported from a .npy carry no checkpoint: the text side needs --model.
    void importedEmbeddingsNeedModel()
    {
        const QStringList base = {QStringLiteral("--dataset"), m_imported, QStringLiteral("--device"), QStringLiteral("cpu"),
                                  QStringLiteral("--class"), QStringLiteral("cat")};
        const Result slerp = cli(QStringList{QStringLiteral("slerp")} + base + QStringList{QStringLiteral("--alpha"), QStringLiteral("-1")});
        expectOneLineError(slerp, QStringLiteral("pass --model"));
        QVERIFY2(slerp.err.contains(QLatin1String("run 1 was not embedded by a CLIP checkpoint")), qPrintable(slerp.err));
        expectOneLineError(cli(QStringList{QStringLiteral("captions")} + base), QStringLiteral("pass --model"));
        expectOneLineError(cli(QStringList{QStringLiteral("validate-caption")} + base
                               + QStringList{QStringLiteral("--caption"), QStringLiteral("a red cat")}),
                           QStringLiteral("pass --model"));

        // With --model it works, and finds the same images as the embedded project.
        const Result withModel = cli(QStringList{QStringLiteral("slerp")} + base
                                     + QStringList{QStringLiteral("--alpha"), QStringLiteral("-1"), QStringLiteral("--k"),
                                                   QStringLiteral("5"), QStringLiteral("--model"), m_modelPath});
        QVERIFY2(withModel.exitCode == 0, qPrintable(withModel.err));
        const Result embedded = cli(on(QStringLiteral("slerp"), {QStringLiteral("--class"), QStringLiteral("cat"),
                                                                 QStringLiteral("--alpha"), QStringLiteral("-1"),
                                                                 QStringLiteral("--k"), QStringLiteral("5")}));
        QVERIFY2(embedded.exitCode == 0, qPrintable(embedded.err));
        QCOMPARE(withModel.out, embedded.out);
    }
};

QTEST_GUILESS_MAIN(TestCliInterpret)
#include "test_cli_interpret.moc"
