// `faultline-cli search` and `faultline-cli map` as a user runs them (FAULTLINE_CLI, set by CTest) on the interpretation test
// project (tiny reference CLIP): "more like this" and text search, over a class and over every
// class, checked against cosines computed here from the stored embeddings (and from embed-text's
// vector for the text); every bad input as one line naming the option or the image.

#include "interpret/RunImages.h"
#include "io/NpyFile.h"
#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "InterpretTestProject.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace faultline;
using faultline::testing::expectLastLineError;
using faultline::testing::readCsv;
using Result = faultline::testing::CliResult;

namespace {

struct Stored
{
    QString path, className;
    std::vector<double> unit; // the embedding, normalised
};

std::vector<double> normalised(const float *v, int dim)
{
    double norm = 0;
    for (int i = 0; i < dim; ++i)
        norm += double(v[i]) * v[i];
    norm = std::sqrt(norm);
    std::vector<double> out(static_cast<size_t>(dim));
    for (int i = 0; i < dim; ++i)
        out[size_t(i)] = norm > 0 ? v[i] / norm : 0;
    return out;
}

double dot(const std::vector<double> &a, const std::vector<double> &b)
{
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += a[i] * b[i];
    return sum;
}

} // namespace

class TestCliSearch : public QObject
{
    Q_OBJECT

    QString m_cli;
    QTemporaryDir m_tmp;
    faultline::testing::InterpretTestProject m_project;
    std::vector<Stored> m_stored; // every image of run 1

    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }
    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 300000); }
    QStringList search(const QStringList &more, const QString &root = QString()) const
    {
        return QStringList{QStringLiteral("search"), QStringLiteral("--dataset"), root.isEmpty() ? m_project.root : root,
                           QStringLiteral("--device"), QStringLiteral("cpu")} + more;
    }

    // The expected hits for `query`: every stored image of `className` (all when empty) but
    // `skip`, by cosine, best first.
    std::vector<std::pair<double, QString>> expected(const std::vector<double> &query, const QString &className,
                                                     const QString &skip) const
    {
        std::vector<std::pair<double, QString>> all;
        for (const Stored &s : m_stored)
            if ((className.isEmpty() || s.className == className) && s.path != skip)
                all.push_back({dot(query, s.unit), s.path});
        std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        return all;
    }

    // The CSV's hits match `want` in order (equal cosines may swap) with cosines within 1e-5.
    void compare(const QVector<QStringList> &csv, const std::vector<std::pair<double, QString>> &want, int k)
    {
        QCOMPARE(csv.size(), k + 1);
        QCOMPARE(csv[0], (QStringList{"rank", "path", "class", "prediction", "correct", "split", "cosine"}));
        for (int i = 0; i < k; ++i) {
            const QStringList &row = csv[i + 1];
            QCOMPARE(row[0].toInt(), i + 1);
            QVERIFY2(std::abs(row[6].toDouble() - want[size_t(i)].first) < 1e-5,
                     qPrintable(QStringLiteral("rank %1: cosine %2, expected %3").arg(i + 1).arg(row[6]).arg(want[size_t(i)].first)));
            if (i > 0)
                QVERIFY(row[6].toDouble() <= csv[i][6].toDouble() + 1e-7);
            // The same image unless its cosine ties with the expected one's.
            if (row[1] != want[size_t(i)].second) {
                const auto it = std::find_if(want.begin(), want.end(), [&](const auto &w) { return w.second == row[1]; });
                QVERIFY2(it != want.end() && std::abs(it->first - want[size_t(i)].first) < 1e-6, qPrintable(row[1]));
            }
            QCOMPARE(row[4], m_project.wrong.value(row[1]) ? QStringLiteral("0") : QStringLiteral("1"));
        }
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
        ProjectStore store(m_project.projectPath());
        for (const QString &cls : {QStringLiteral("cat"), QStringLiteral("dog")}) {
            const RunClassImages images = loadRunClassImages(store, 1, cls);
            for (qsizetype i = 0; i < images.size(); ++i)
                m_stored.push_back({images.paths[i], cls, normalised(images.embeddings.data() + i * images.dim, images.dim)});
        }
        QCOMPARE(int(m_stored.size()), 2 * (8 + 16 + 12));
    }

    void moreLikeThisOverEveryClass()
    {
        const Stored &probe = m_stored[5];
        const Result r = cli(search({"--like", probe.path, "--k", "20", "--out", tmp("like.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        compare(readCsv(tmp("like.csv")), expected(probe.unit, QString(), probe.path), 20);
        // Both classes are searched: the project's two classes overlap in CLIP space.
        QVERIFY(r.out.contains(QLatin1String("cat")) && r.out.contains(QLatin1String("dog")));
    }

    void moreLikeThisWithinAClassByAbsolutePath()
    {
        const Stored &probe = m_stored.back(); // a dog
        QCOMPARE(probe.className, QStringLiteral("dog"));
        const Result r = cli(search({"--like", QDir(m_project.root).filePath(probe.path), "--class", "dog", "--k", "71",
                                     "--out", tmp("dog.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QVector<QStringList> csv = readCsv(tmp("dog.csv"));
        // k beyond the class: every other dog image, none of the cats.
        compare(csv, expected(probe.unit, QStringLiteral("dog"), probe.path), 35);
        for (int i = 1; i < csv.size(); ++i)
            QCOMPARE(csv[i][2], QStringLiteral("dog"));
    }

    void textSearchMatchesTheTextTower()
    {
        const QString text = QStringLiteral("a photo of a red cat");
        const Result e = cli({"embed-text", "--model", m_project.modelPath, "--device", "cpu", "--text", text,
                              "--out", tmp("t.npy")});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        const NpyMatrix t = readNpyMatrix(tmp("t.npy"));
        const Result r = cli(search({"--text", text, "--k", "10", "--out", tmp("text.csv")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        compare(readCsv(tmp("text.csv")), expected(normalised(t.values.data(), int(t.cols)), QString(), QString()), 10);
    }

    void badInputsSayWhat()
    {
        expectLastLineError(cli(search({"--k", "3"})), QStringLiteral("exactly one of --text and --like"));
        expectLastLineError(cli(search({"--text", "x", "--like", m_stored[0].path})),
                            QStringLiteral("exactly one of --text and --like"));
        expectLastLineError(cli(search({"--like", "val/cat/nope.png"})), QStringLiteral("'val/cat/nope.png' is not among"));
        expectLastLineError(cli(search({"--like", m_stored[0].path, "--class", "dog"})), QStringLiteral("class 'dog'"));
        expectLastLineError(cli(search({"--like", m_stored[0].path, "--class", "horse"})), QStringLiteral("'horse'"));
        expectLastLineError(cli(search({"--like", m_stored[0].path, "--k", "0"})), QStringLiteral("--k"));
        expectLastLineError(cli(search({"--text", "   "})), QStringLiteral("the text is empty"));
        // Imported embeddings: the run names no text model, so text search says what to pass.
        expectLastLineError(cli(search({"--text", "a cat"}, m_project.imported)), QStringLiteral("--model"));
        // ... while "more like this" needs none.
        const Result r = cli(search({"--like", m_stored[0].path, "--k", "3"}, m_project.imported));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    // faultline-cli map: a row per image of the class, stored the first time; bad inputs named.
    void mapWritesAndStores()
    {
        const QStringList base = {QStringLiteral("map"), QStringLiteral("--dataset"), m_project.root,
                                  QStringLiteral("--class"), QStringLiteral("dog")};
        for (const QString method : {QStringLiteral("pca"), QStringLiteral("tsne")}) {
            const QString out = tmp(method + QStringLiteral(".csv"));
            Result r = cli(base + QStringList{QStringLiteral("--method"), method, QStringLiteral("--out"), out});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            const QVector<QStringList> csv = readCsv(out);
            QCOMPARE(csv.value(0), (QStringList{"path", "label", "x", "y"}));
            QCOMPARE(csv.size(), qsizetype(1 + 36));
            QCOMPARE(csv.value(1).value(1), QStringLiteral("dog"));
            QVERIFY(!r.err.contains(QLatin1String("(stored)")));
            r = cli(base + QStringList{QStringLiteral("--method"), method, QStringLiteral("--out"), out});
            QVERIFY2(r.err.contains(QLatin1String("(stored)")), qPrintable(r.err));
            QCOMPARE(readCsv(out), csv);
        }
        // --all: both classes on one map, each row labelled, stored apart from the classes' maps.
        const QString all = tmp(QStringLiteral("all.csv"));
        const QStringList allArgs = {QStringLiteral("map"), QStringLiteral("--dataset"), m_project.root, QStringLiteral("--all"),
                                     QStringLiteral("--out"), all};
        Result r = cli(allArgs);
        QVERIFY2(r.exitCode == 0 && !r.err.contains(QLatin1String("(stored)")), qPrintable(r.err));
        const QVector<QStringList> every = readCsv(all);
        QCOMPARE(every.size(), qsizetype(1 + 72));
        QSet<QString> labels;
        for (qsizetype i = 1; i < every.size(); ++i)
            labels << every[i].value(1);
        QCOMPARE(labels, (QSet<QString>{QStringLiteral("cat"), QStringLiteral("dog")}));
        r = cli(allArgs);
        QVERIFY2(r.err.contains(QLatin1String("every class")) && r.err.contains(QLatin1String("(stored)")), qPrintable(r.err));
        QCOMPARE(readCsv(all), every);
        expectLastLineError(cli(base + QStringList{QStringLiteral("--all"), QStringLiteral("--out"), tmp(QStringLiteral("x.csv"))}),
                            QStringLiteral("give one of --class C and --all"));
        expectLastLineError(cli(base + QStringList{QStringLiteral("--method"), QStringLiteral("umap"), QStringLiteral("--out"),
                                                   tmp(QStringLiteral("x.csv"))}),
                            QStringLiteral("--method: 'umap' is not pca or tsne"));
        expectLastLineError(cli({QStringLiteral("map"), QStringLiteral("--dataset"), m_project.root, QStringLiteral("--out"),
                                 tmp(QStringLiteral("x.csv"))}),
                            QStringLiteral("give one of --class C and --all"));
        expectLastLineError(cli({QStringLiteral("map"), QStringLiteral("--dataset"), m_project.root, QStringLiteral("--class"),
                                 QStringLiteral("horse"), QStringLiteral("--out"), tmp(QStringLiteral("x.csv"))}),
                            QStringLiteral("'horse'"));
        QVERIFY(!QFileInfo::exists(tmp(QStringLiteral("x.csv"))));
    }
};

QTEST_GUILESS_MAIN(TestCliSearch)
#include "test_cli_search.moc"
