// `faultline-cli rules` as a user runs it (FAULTLINE_CLI, set by CTest) on the interpretation test
// project (red cats predicted "dog", green dogs "cat"; embedded by the tiny reference CLIP): concept
// features through the run's text tower and the project's cache, the embedding's dimensions, an
// imported feature matrix, the CSVs, and every bad input as one line naming the file or option.
// The numbers themselves are checked against scikit-learn by tests/rules/check_rules_parity.py.

#include "io/NpyFile.h"
#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "InterpretTestProject.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace faultline;
using faultline::testing::expectLastLineError;
using faultline::testing::readLines;
using Result = faultline::testing::CliResult;

class TestCliRules : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_tmp;
    faultline::testing::InterpretTestProject m_project;

    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }
    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 300000); }
    QStringList rules(const QStringList &more, const QString &root = QString()) const
    {
        return QStringList{QStringLiteral("rules"), QStringLiteral("--dataset"), root.isEmpty() ? m_project.root : root,
                           QStringLiteral("--device"), QStringLiteral("cpu")} + more;
    }

    // The val images of the project (the run's fit split), in path order, and whether each is red/green.
    QStringList valPaths() const
    {
        QStringList paths;
        for (auto it = m_project.wrong.begin(); it != m_project.wrong.end(); ++it)
            if (it.key().startsWith(QLatin1String("val/")))
                paths << it.key();
        paths.sort();
        return paths;
    }

    // A feature matrix over every image: column 0 "planted" is 1 on the misclassified images, 1 "noise" is not.
    void writeFeatures(const QString &npy, const QString &paths, const QString &names)
    {
        std::vector<float> values;
        QString list;
        int i = 0;
        for (auto it = m_project.wrong.begin(); it != m_project.wrong.end(); ++it, ++i) {
            values.push_back(it.value() ? 1.f : 0.f);
            values.push_back(float(std::sin(i * 1.7)));
            list += it.key() + QLatin1Char('\n');
        }
        writeNpyMatrix(npy, values.data(), qint64(values.size() / 2), 2);
        QFile p(paths), n(names);
        QVERIFY(p.open(QIODevice::WriteOnly) && n.open(QIODevice::WriteOnly));
        p.write(list.toUtf8());
        n.write("planted\nnoise\n");
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("FAULTLINE_CLI");
        if (m_cli.isEmpty() || !QFileInfo(m_cli).isExecutable())
            QSKIP("FAULTLINE_CLI is not set to the faultline-cli executable (run through ctest)");
        QVERIFY(m_tmp.isValid());
        const QString why = m_project.build(m_tmp.path());
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    void conceptRulesUseTheRunsTextTowerOnce()
    {
        QFile concepts(tmp(QStringLiteral("concepts.txt")));
        QVERIFY(concepts.open(QIODevice::WriteOnly));
        concepts.write("# colours\na photo of a red {class}\na photo of a blue {class}\na photo of a green {class}\n"
                       "a photo of a yellow {class}\n");
        concepts.close();
        const QString out = tmp(QStringLiteral("concepts-out"));
        const Result r = cli(rules({QStringLiteral("--vocab"), QStringLiteral("none"), QStringLiteral("--concepts"),
                                    concepts.fileName(), QStringLiteral("--depth"), QStringLiteral("1"),
                                    QStringLiteral("--out"), out}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("cat: 16 images, 8 failures, BER 0.500")), qPrintable(r.out));

        const QStringList features = readLines(QDir(out).filePath(QStringLiteral("features.csv")));
        QCOMPARE(features.first(), QStringLiteral("class,feature,mutual_information,rank"));
        QCOMPARE(features.size(), qsizetype(1 + 2 * 4)); // two classes × four concepts
        QVERIFY(features.filter(QStringLiteral("\"cos(\"\"a photo of a red cat\"\")\"")).size() == 1);
        QVERIFY(features.filter(QStringLiteral("\"cos(\"\"a photo of a green dog\"\")\"")).size() == 1);

        const QStringList trees = readLines(QDir(out).filePath(QStringLiteral("trees.csv")));
        QCOMPARE(trees.first(), QStringLiteral("class,base_error_rate,aler,n,failures,status"));
        QCOMPARE(trees.size(), qsizetype(3));
        QVERIFY2(trees[1].startsWith(QLatin1String("cat,0.500000,")) && trees[1].endsWith(QLatin1String(",16,8,ok")),
                 qPrintable(trees[1]));

        // every val image of a class in exactly one leaf; leaves' n and failures add up
        const QStringList images = readLines(QDir(out).filePath(QStringLiteral("rule_images.csv")));
        QCOMPARE(images.size(), qsizetype(1 + 32));
        const QStringList leaves = readLines(QDir(out).filePath(QStringLiteral("rules.csv")));
        QCOMPARE(leaves.first(), QStringLiteral("class,leaf,rule,n,failures,error_rate,error_coverage,importance"));
        int n = 0, failures = 0;
        for (const QString &line : leaves.mid(1)) {
            const QStringList cells = line.split(QLatin1Char(','));
            n += cells[cells.size() - 5].toInt();
            failures += cells[cells.size() - 4].toInt();
        }
        QCOMPARE(n, 32);
        QCOMPARE(failures, 16);

        // The concepts' text embeddings are in the project now: a second run needs no text tower.
        const Result again = cli(rules({QStringLiteral("--vocab"), QStringLiteral("none"), QStringLiteral("--concepts"),
                                        concepts.fileName(), QStringLiteral("--depth"), QStringLiteral("1"),
                                        QStringLiteral("--model"), tmp(QStringLiteral("no-such-model.safetensors"))}));
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QCOMPARE(again.out, r.out);
    }

    void vocabularyConceptsAndPredictionGrouping()
    {
        const QString out = tmp(QStringLiteral("vocab-out"));
        const Result r = cli(rules({QStringLiteral("--class"), QStringLiteral("cat"), QStringLiteral("--grouping"),
                                    QStringLiteral("prediction"), QStringLiteral("--k"), QStringLiteral("10"),
                                    QStringLiteral("--out"), out}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // predicted "cat": the 8 blue cats (right) and the 8 green dogs (wrong)
        QVERIFY2(r.out.contains(QLatin1String("cat: 16 images, 8 failures")), qPrintable(r.out));
        const QStringList features = readLines(QDir(out).filePath(QStringLiteral("features.csv")));
        QVERIFY2(features.size() > 11, qPrintable(features.join(QLatin1Char('\n'))));   // the generic vocabulary's candidates
        QCOMPARE(features.filter(QRegularExpression(QStringLiteral(",\\d+$"))).size(), qsizetype(10)); // k ranked
    }

    void embeddingDimensionsAndImportedMatrix()
    {
        const Result dims = cli(rules({QStringLiteral("--features"), QStringLiteral("embedding"), QStringLiteral("--depth"),
                                       QStringLiteral("3")}));
        QVERIFY2(dims.exitCode == 0, qPrintable(dims.err));
        QVERIFY2(dims.out.contains(QLatin1String("embedding[")), qPrintable(dims.out));

        // imported embeddings know no CLIP: concepts need --model, the other features do not
        expectLastLineError(cli(rules({}, m_project.imported)), QStringLiteral("pass --model"));

        const QString npy = tmp(QStringLiteral("f.npy")), paths = tmp(QStringLiteral("f.paths.txt")),
                      names = tmp(QStringLiteral("f.names.txt"));
        writeFeatures(npy, paths, names);
        const QString out = tmp(QStringLiteral("file-out"));
        const Result r = cli(rules({QStringLiteral("--features"), npy, QStringLiteral("--feature-paths"), paths,
                                    QStringLiteral("--feature-names"), names, QStringLiteral("--depth"), QStringLiteral("1"),
                                    QStringLiteral("--out"), out}, m_project.imported));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // the planted column explains every failure: one pure failure leaf, the other pure success
        const QStringList leaves = readLines(QDir(out).filePath(QStringLiteral("rules.csv")));
        QVERIFY2(leaves.contains(QStringLiteral("cat,2,planted > 0.5,8,8,1.000000,1.000000,1.000000")),
                 qPrintable(leaves.join(QLatin1Char('\n'))));
        QVERIFY(leaves.contains(QStringLiteral("cat,1,planted <= 0.5,8,0,0.000000,0.000000,0.000000")));
        const QStringList trees = readLines(QDir(out).filePath(QStringLiteral("trees.csv")));
        QVERIFY(trees.contains(QStringLiteral("dog,0.500000,1.000000,16,8,ok")));
    }

    void badInputsAreOneLine()
    {
        expectLastLineError(cli(rules({QStringLiteral("--depth"), QStringLiteral("4")})), QStringLiteral("--depth"));
        expectLastLineError(cli(rules({QStringLiteral("--k"), QStringLiteral("0")})), QStringLiteral("--k"));
        expectLastLineError(cli(rules({QStringLiteral("--grouping"), QStringLiteral("both")})),
                           QStringLiteral("--grouping: 'both' is not label or prediction"));
        expectLastLineError(cli(rules({QStringLiteral("--split"), QStringLiteral("pool")})),
                           QStringLiteral("no images in the pool split"));
        expectLastLineError(cli(rules({QStringLiteral("--vocab"), QStringLiteral("none")})), QStringLiteral("no concepts"));
        expectLastLineError(cli(rules({QStringLiteral("--features"), tmp(QStringLiteral("absent.npy")),
                                      QStringLiteral("--feature-paths"), tmp(QStringLiteral("absent.txt"))})),
                           QStringLiteral("absent.npy"));

        const QString npy = tmp(QStringLiteral("g.npy")), paths = tmp(QStringLiteral("g.paths.txt")),
                      names = tmp(QStringLiteral("g.names.txt"));
        writeFeatures(npy, paths, names);
        expectLastLineError(cli(rules({QStringLiteral("--features"), npy})), QStringLiteral("need a paths file"));
        // a names file with the wrong count
        QFile n(names);
        QVERIFY(n.open(QIODevice::WriteOnly));
        n.write("only-one\n");
        n.close();
        expectLastLineError(cli(rules({QStringLiteral("--features"), npy, QStringLiteral("--feature-paths"), paths,
                                      QStringLiteral("--feature-names"), names})),
                           QStringLiteral("names 1 features but"));
        // a paths file that misses an image of the run
        QStringList lines = readLines(paths);
        const QString dropped = valPaths().first();
        lines.removeAll(dropped);
        lines << QStringLiteral("val/cat/elsewhere.png");
        QFile p(paths);
        QVERIFY(p.open(QIODevice::WriteOnly));
        p.write((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        p.close();
        expectLastLineError(cli(rules({QStringLiteral("--features"), npy, QStringLiteral("--feature-paths"), paths})),
                           QStringLiteral("has no row for '%1'").arg(dropped));
    }
};

QTEST_GUILESS_MAIN(TestCliRules)
#include "test_cli_rules.moc"
