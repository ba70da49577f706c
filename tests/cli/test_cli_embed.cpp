// Runs `faultline-cli embed` and `embed-text` (FAULTLINE_CLI, set by CTest) with the tiny
// reference CLIP (FAULTLINE_CLIP_REFERENCE) as a user would, and checks what they write
// against the same computation done in-process.

#include "clip/ClipModel.h"
#include "clip/ClipPreprocessor.h"
#include "clip/ClipTokenizer.h"
#include "embedding/TextEmbedder.h"
#include "io/NpyFile.h"

#include "CliRunner.h"
#include "TestImages.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace faultline;
using faultline::testing::expectOneLineError;
using faultline::testing::readLines;
using Result = faultline::testing::CliResult;

class TestCliEmbed : public QObject
{
    Q_OBJECT

    QString m_cli;
    QString m_modelPath;
    std::unique_ptr<ClipModel> m_model;
    QTemporaryDir m_tmp;
    QString m_root;
    QStringList m_readable; // dataset-relative, sorted

    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }

    Result cli(const QStringList &args) { return testing::runCli(m_cli, args, 300000); }

    QStringList embedArgs(const QString &dataset) const
    {
        return {QStringLiteral("embed"), QStringLiteral("--dataset"), dataset, QStringLiteral("--model"), m_modelPath,
                QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--threads"), QStringLiteral("2")};
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
        m_model = ClipModel::load(m_modelPath, ComputeDevice::Cpu);
        QVERIFY(m_tmp.isValid());
        if (qEnvironmentVariableIsSet("FAULTLINE_TEST_KEEP")) {
            m_tmp.setAutoRemove(false);
            qInfo("test files kept in %s", qPrintable(m_tmp.path()));
        }

        // ROOT/<split>/<class>/<file>: train 6 + val 12 per class, every third prediction wrong,
        // images of several sizes and channel counts, and one corrupt file.
        m_root = tmp(QStringLiteral("data"));
        QString csv = QStringLiteral("path,prediction\n");
        const QStringList classes = {QStringLiteral("cat"), QStringLiteral("dog")};
        const struct { const char *split; int n; } splits[] = {{"train", 6}, {"val", 12}};
        int seed = 0;
        for (const auto &split : splits)
            for (int c = 0; c < classes.size(); ++c)
                for (int i = 0; i < split.n; ++i, ++seed) {
                    const QString rel = QStringLiteral("%1/%2/%3.png").arg(QLatin1String(split.split), classes[c]).arg(i);
                    QVERIFY(faultline::testing::writeBytes(
                        QDir(m_root).filePath(rel),
                        faultline::testing::pngBytesWithChannels(20 + seed % 50, 30 + (seed * 7) % 60, 1 + seed % 4, seed)));
                    m_readable << rel;
                    csv += QStringLiteral("%1,%2\n").arg(rel, i % 3 == 0 ? classes[1 - c] : classes[c]);
                }
        QVERIFY(faultline::testing::writeBytes(QDir(m_root).filePath(QStringLiteral("val/cat/corrupt.png")),
                                               QByteArray("not an image at all")));
        QVERIFY(faultline::testing::writeText(QDir(m_root).filePath(QStringLiteral("predictions.csv")), csv));
        m_readable.sort();
    }

    void help()
    {
        const Result embed = cli({QStringLiteral("embed"), QStringLiteral("--help")});
        QCOMPARE(embed.exitCode, 0);
        QVERIFY2(embed.out.startsWith(QLatin1String("Usage: faultline-cli embed")), qPrintable(embed.out));
        for (const char *option : {"--dataset", "--project", "--model", "--device", "--threads", "--batch", "--out"})
            QVERIFY2(embed.out.contains(QLatin1String(option)), option);

        const Result text = cli({QStringLiteral("embed-text"), QStringLiteral("-h")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.startsWith(QLatin1String("Usage: faultline-cli embed-text")), qPrintable(text.out));
        for (const char *option : {"--model", "--device", "--text", "--out", "--no-truncate"})
            QVERIFY2(text.out.contains(QLatin1String(option)), option);

        const Result top = cli({QStringLiteral("--help")});
        QVERIFY(top.out.contains(QLatin1String("embed-text")));
    }

    void argumentErrors()
    {
        const QString scratch = tmp(QStringLiteral("scratch"));
        QVERIFY(QDir().mkpath(scratch));
        const QStringList base = {QStringLiteral("embed"), QStringLiteral("--dataset"), scratch};

        const QString project = QDir(scratch).filePath(QStringLiteral(".faultline"));
        expectOneLineError(cli(base), QStringLiteral("--model FILE|NAME is required"));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--model"), m_modelPath, QStringLiteral("--batch"),
                                                  QStringLiteral("0")}),
                           QStringLiteral("--batch: '0' is not a positive integer"));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--model"), m_modelPath, QStringLiteral("--batch"),
                                                  QStringLiteral("many")}),
                           QStringLiteral("--batch: 'many'"));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--model"), m_modelPath, QStringLiteral("--device"),
                                                  QStringLiteral("tpu")}),
                           QStringLiteral("'tpu' is not a device"));
        QVERIFY2(!QFileInfo::exists(project), "argument errors are found before the project is touched");

        // A model file that does not exist, and one that is not a checkpoint: errors naming them.
        const QString missing = tmp(QStringLiteral("no/such/file.safetensors"));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--model"), missing}), missing);
        const QString bogus = tmp(QStringLiteral("bogus.safetensors"));
        QVERIFY(faultline::testing::writeText(bogus, QStringLiteral("definitely not safetensors")));
        expectOneLineError(cli(base + QStringList{QStringLiteral("--model"), bogus}), bogus);

        expectOneLineError(cli({QStringLiteral("embed"), QStringLiteral("--model"), m_modelPath}),
                           QStringLiteral("--dataset DIR is required"));
        expectOneLineError(cli({QStringLiteral("embed"), QStringLiteral("--dataset"), tmp(QStringLiteral("nowhere")),
                                QStringLiteral("--model"), m_modelPath}),
                           QStringLiteral("no such dataset folder"));

        expectOneLineError(cli({QStringLiteral("embed-text"), QStringLiteral("--model"), m_modelPath}),
                           QStringLiteral("give at least one --text"));
        expectOneLineError(cli({QStringLiteral("embed-text"), QStringLiteral("--text"), QStringLiteral("a cat")}),
                           QStringLiteral("--model FILE|NAME is required"));
        expectOneLineError(cli({QStringLiteral("embed-text"), QStringLiteral("--text"), QStringLiteral("a cat"),
                                QStringLiteral("--model"), missing}),
                           missing);
    }

    void cudaOnAMachineWithoutIt()
    {
        const QString scratch = tmp(QStringLiteral("scratch-cuda"));
        QVERIFY(QDir().mkpath(scratch));
        const Result r = cli({QStringLiteral("embed-text"), QStringLiteral("--model"), m_modelPath, QStringLiteral("--device"),
                              QStringLiteral("cuda"), QStringLiteral("--text"), QStringLiteral("a cat")});
        if (r.exitCode == 0 && r.err.contains(QLatin1String("cuda:0")))
            QSKIP("this machine has a CUDA device");
        expectOneLineError(r, QStringLiteral("CUDA"));
        QVERIFY2(r.err.contains(QLatin1String("no usable CUDA device")), qPrintable(r.err));
        expectOneLineError(cli({QStringLiteral("embed"), QStringLiteral("--dataset"), scratch, QStringLiteral("--model"),
                                m_modelPath, QStringLiteral("--device"), QStringLiteral("cuda")}),
                           QStringLiteral("CUDA"));
    }

    void embedDatasetThenAnalyze()
    {
        const QString npy = tmp(QStringLiteral("E.npy"));
        const Result r = cli(embedArgs(m_root) + QStringList{QStringLiteral("--batch"), QStringLiteral("5"),
                                                             QStringLiteral("--out"), npy});
        // The corrupt file is not embedded: exit 1 (issue 12 A11: it was 0), the others are stored.
        QVERIFY2(r.exitCode == 1, qPrintable(r.err));
        QCOMPARE(r.errLines().last(), QStringLiteral("faultline-cli: error: undecodable images: 1 (listed above), not embedded;"
                                                     " the others are stored"));
        QVERIFY2(r.err.contains(QLatin1String("model: ")) && r.err.contains(QLatin1String("embed 64")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("dataset: 37 images in 2 classes")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("val/cat/corrupt.png")), qPrintable(r.err)); // the scanner reports it
        QVERIFY2(r.err.contains(QLatin1String("embeddings 'clip:tiny_clip.safetensors@2ddcb047fb3b': 36 images needed one: 36 computed,"
                                              " 0 from the cache, 0 failed")),
                 qPrintable(r.err));

        const NpyMatrix e = readNpyMatrix(npy);
        QCOMPARE(e.rows, qint64(36));
        QCOMPARE(e.cols, qint64(64));
        const QStringList paths = readLines(tmp(QStringLiteral("E.paths.txt")));
        QCOMPARE(paths, m_readable);

        // Each row is what the preprocessor and model give for that file.
        const ClipPreprocessor preprocessor(m_model->hyperParams().imageResolution);
        std::vector<float> pixels(size_t(preprocessor.floatsPerImage()));
        double worst = 0;
        for (qsizetype row = 0; row < paths.size(); ++row) {
            preprocessor.loadFile(QDir(m_root).filePath(paths[row]), pixels.data());
            const std::vector<float> want = m_model->encodeImages(pixels.data(), 1);
            for (int c = 0; c < 64; ++c)
                worst = std::max(worst, double(std::abs(e.values[size_t(row * 64 + c)] - want[size_t(c)])));
        }
        // The CLI runs the model with one thread per core, this process with its own setting:
        // a different split of the sums moves the last bits (features are O(1)).
        QVERIFY2(worst <= 1e-5, qPrintable(QString::number(worst)));

        // A second embed computes nothing and writes the same file; the corrupt file still fails it.
        const QString again = tmp(QStringLiteral("again.npy"));
        const Result second = cli(embedArgs(m_root) + QStringList{QStringLiteral("--out"), again});
        QVERIFY2(second.exitCode == 1, qPrintable(second.err));
        QVERIFY2(second.err.contains(QLatin1String("val/cat/corrupt.png")), qPrintable(second.err));
        QVERIFY2(second.err.contains(QLatin1String("0 images needed one: 0 computed")), qPrintable(second.err));
        QCOMPARE(readNpyMatrix(again).values, e.values);
        QCOMPARE(readLines(tmp(QStringLiteral("again.paths.txt"))), paths);

        // analyze uses the stored CLIP embeddings: no --embeddings needed.
        const Result analyze = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root, QStringLiteral("--threads"),
                                    QStringLiteral("2")});
        QVERIFY2(analyze.exitCode == 0, qPrintable(analyze.err));
        QVERIFY2(analyze.err.contains(QLatin1String("predictions: 36 of 36 rows imported")), qPrintable(analyze.err));
        QVERIFY2(!analyze.err.contains(QLatin1String("imported as")), qPrintable(analyze.err));
        QVERIFY2(analyze.err.contains(QLatin1String("run 1: ")), qPrintable(analyze.err));
        QVERIFY2(analyze.out.contains(QLatin1String("cat")) && analyze.out.contains(QLatin1String("dog")), qPrintable(analyze.out));

        // Naming the CLIP model explicitly works too; an unknown one is an error listing what is stored.
        const Result named = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root,
                                  QStringLiteral("--embedding-model"), QStringLiteral("clip:tiny_clip.safetensors@2ddcb047fb3b")});
        QVERIFY2(named.exitCode == 0, qPrintable(named.err));
        QVERIFY2(named.err.contains(QLatin1String("run 2: ")), qPrintable(named.err));
        const Result unknown = cli({QStringLiteral("analyze"), QStringLiteral("--dataset"), m_root,
                                    QStringLiteral("--embedding-model"), QStringLiteral("clip:nope")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(QLatin1String("no stored embeddings from 'clip:nope' (stored: clip:tiny_clip.safetensors@2ddcb047fb3b)")),
                 qPrintable(unknown.err));
    }

    void embedText()
    {
        const QStringList texts = {QStringLiteral("a photo of a cat"), QStringLiteral("a dog")};
        const std::vector<float> want = embedTexts(*m_model, ClipTokenizer::builtin(), texts);

        const Result printed = cli({QStringLiteral("embed-text"), QStringLiteral("--model"), m_modelPath, QStringLiteral("--device"),
                                    QStringLiteral("cpu"), QStringLiteral("--text"), texts[0], QStringLiteral("--text"), texts[1]});
        QVERIFY2(printed.exitCode == 0, qPrintable(printed.err));
        const QStringList lines = printed.outLines();
        QCOMPARE(lines.size(), qsizetype(2));
        for (int t = 0; t < 2; ++t) {
            const QStringList parts = lines[t].split(QLatin1Char('\t'));
            QCOMPARE(parts.size(), qsizetype(2));
            QCOMPARE(parts[0], texts[t]);
            const QStringList numbers = parts[1].split(QLatin1Char(' '));
            QCOMPARE(numbers.size(), qsizetype(64));
            for (int c = 0; c < 64; ++c) {
                bool ok = false;
                const float value = numbers[c].toFloat(&ok);
                QVERIFY2(ok, qPrintable(numbers[c]));
                // 9 significant digits print the float itself; the thread split moves the last bits.
                QVERIFY2(std::abs(value - want[size_t(t * 64 + c)]) <= 1e-5f, qPrintable(numbers[c]));
            }
        }

        const QString npy = tmp(QStringLiteral("T.npy"));
        const Result written = cli({QStringLiteral("embed-text"), QStringLiteral("--model"), m_modelPath, QStringLiteral("--device"),
                                    QStringLiteral("cpu"), QStringLiteral("--text"), texts[0], QStringLiteral("--text"), texts[1],
                                    QStringLiteral("--out"), npy});
        QVERIFY2(written.exitCode == 0, qPrintable(written.err));
        QVERIFY(written.out.isEmpty());
        const NpyMatrix m = readNpyMatrix(npy);
        QCOMPARE(m.rows, qint64(2));
        QCOMPARE(m.cols, qint64(64));
        QCOMPARE(m.values, want);
    }

    void embedTextTruncation()
    {
        QString longText = QStringLiteral("a");
        for (int i = 0; i < 100; ++i)
            longText += QStringLiteral(" very");
        longText += QStringLiteral(" long caption");
        const QStringList base = {QStringLiteral("embed-text"), QStringLiteral("--model"), m_modelPath,
                                  QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--text"), longText};
        const Result truncated = cli(base);
        QVERIFY2(truncated.exitCode == 0, qPrintable(truncated.err));
        QCOMPARE(truncated.outLines().size(), qsizetype(1));
        // The model line comes first (the model loaded), then the error as the last line.
        const Result refused = cli(base + QStringList{QStringLiteral("--no-truncate")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY(refused.out.isEmpty());
        const QStringList lines = refused.errLines();
        QVERIFY2(!lines.isEmpty() && lines.last().startsWith(QLatin1String("faultline-cli: error: Input a very very")),
                 qPrintable(refused.err));
        QVERIFY2(lines.last().endsWith(QLatin1String("long caption is too long for context length 77")), qPrintable(refused.err));
        QCOMPARE(refused.err.count(QLatin1String("error:")), qsizetype(1));
    }
};

QTEST_GUILESS_MAIN(TestCliEmbed)
#include "test_cli_embed.moc"
