// Runs `faultline-cli generate`, `check-generated` and `export-generated` (FAULTLINE_CLI, set by
// CTest) as a user would, on the interpretation test project (tests/support) with an in-process
// FakeGenerationServer on its own thread, which the faultline-cli child process talks to.
// The slots run in order: the project collects samples as they go.

#include "clip/ClipModel.h"
#include "store/ProjectStore.h"

#include "CliRunner.h"
#include "FakeGenerationServer.h"
#include "InterpretTestProject.h"
#include "TinyClassifiers.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace faultline;
using faultline::testing::expectOneLineError;
using faultline::testing::readCsv;
using faultline::testing::FakeBehaviour;
using faultline::testing::FakeGenerationServer;
using Result = faultline::testing::CliResult;


class TestCliGenerate : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    testing::InterpretTestProject m_project;
    QString m_space;   // the tiny CLIP's name, which an embedding decoder must announce
    int m_embedDim = 0;

    QString tmp(const QString &name) const { return QDir(m_tmp.path()).filePath(name); }
    Result cli(const QStringList &args) const { return testing::runCli(qEnvironmentVariable("FAULTLINE_CLI"), args, 60000); }

    QStringList on(const QString &command, const QStringList &more = {}) const
    {
        return QStringList{command, QStringLiteral("--dataset"), m_project.root} + more;
    }

    // generate for class cat, small and fast: 16 × 16 images, 1 retry-free try per request.
    Result generate(const QStringList &more) const
    {
        return cli(on(QStringLiteral("generate"), QStringList{QStringLiteral("--class"), QStringLiteral("cat"),
                                                              QStringLiteral("--device"), QStringLiteral("cpu"),
                                                              QStringLiteral("--width"), QStringLiteral("16"),
                                                              QStringLiteral("--height"), QStringLiteral("16"),
                                                              QStringLiteral("--retries"), QStringLiteral("0")}
                                                      + more));
    }

    QVector<GeneratedSample> stored() const { return ProjectStore(m_project.projectPath()).generatedSamples(); }

    // The samples a command added, given how many there were before it.
    QVector<GeneratedSample> storedSince(qsizetype before) const { return stored().mid(before); }

    static void expectSuccess(const Result &r)
    {
        QVERIFY2(r.exitCode == 0, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.exitCode).arg(r.err)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const QString error = m_project.build(m_tmp.path());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto model = ClipModel::load(m_project.modelPath, ComputeDevice::Cpu);
        m_space = clipArchitectureName(model->hyperParams());
        m_embedDim = model->hyperParams().embedDim;
    }

    void withoutSamplesThereIsNothingToCheckOrExport()
    {
        expectOneLineError(cli(on(QStringLiteral("check-generated"))), QStringLiteral("no generated samples"));
        expectOneLineError(cli(on(QStringLiteral("export-generated"), {QStringLiteral("--to"), tmp(QStringLiteral("none"))})),
                           QStringLiteral("run faultline-cli generate first"));
    }

    void badOptionsAreOneLine()
    {
        const QStringList cat{QStringLiteral("--class"), QStringLiteral("cat")};
        expectOneLineError(generate({QStringLiteral("--from"), QStringLiteral("bogus")}), QStringLiteral("'bogus'"));
        expectOneLineError(generate({QStringLiteral("--from"), QStringLiteral("slerp"), QStringLiteral("--alpha"),
                                     QStringLiteral("2")}),
                           QStringLiteral("--alpha: '2'"));
        expectOneLineError(cli(on(QStringLiteral("generate"))), QStringLiteral("--class C is required"));
        expectOneLineError(generate({QStringLiteral("--backend"), QStringLiteral("nope"), QStringLiteral("--url"),
                                     QStringLiteral("http://x")}),
                           QStringLiteral("unknown generation backend 'nope'"));
        expectOneLineError(generate({QStringLiteral("--url"), QStringLiteral("ftp://x")}), QStringLiteral("ftp://x"));
        expectOneLineError(cli(on(QStringLiteral("export-generated"), {QStringLiteral("--to"), tmp(QStringLiteral("bad")),
                                                                       QStringLiteral("--group"), QStringLiteral("worst")})),
                           QStringLiteral("--group: 'worst' is not hard, easy, reference"));
        expectOneLineError(cli(on(QStringLiteral("export-generated"), {QStringLiteral("--group"), QStringLiteral("hard")})),
                           QStringLiteral("--to DIR is required"));
        QVERIFY(stored().isEmpty());
    }

    void withoutAServerRealImagesAreRetrieved()
    {
        const Result r = generate({QStringLiteral("--from"), QStringLiteral("slerp"), QStringLiteral("--alpha"),
                                   QStringLiteral("-1,1"), QStringLiteral("--count"), QStringLiteral("2"),
                                   QStringLiteral("--seed"), QStringLiteral("5")});
        expectSuccess(r);
        QVERIFY2(r.err.contains(QLatin1String("note: ")) && r.err.contains(QLatin1String("no generation server")),
                 qPrintable(r.err));
        const QVector<GeneratedSample> samples = stored();
        QCOMPARE(samples.size(), qsizetype(4));
        const QStringList lines = r.outLines();
        QCOMPARE(lines.size(), qsizetype(1 + samples.size())); // header, one row per sample
        QVERIFY(lines[0].startsWith(QLatin1String("id\tgroup\tfile\tseed")));
        for (qsizetype i = 0; i < samples.size(); ++i) {
            const QStringList row = lines[i + 1].split(QLatin1Char('\t'));
            QCOMPARE(row.size(), qsizetype(5));
            QCOMPARE(row[0].toLongLong(), samples[i].id);
            QCOMPARE(row[1], samples[i].group);
            QCOMPARE(row[2], samples[i].file);
            QCOMPARE(row[3].toLongLong(), samples[i].seed);
            QCOMPARE(row[4], QStringLiteral("alpha=%1").arg(*samples[i].alpha));
            QCOMPARE(samples[i].group, *samples[i].alpha < 0 ? QStringLiteral("hard") : QStringLiteral("easy"));
            QCOMPARE(samples[i].backend, QStringLiteral("retrieval"));
            QVERIFY(QFileInfo::exists(QDir(m_project.root).filePath(samples[i].file)));
        }
    }

    void anEmbeddingDecoderStoresItsImages()
    {
        FakeGenerationServer server;
        server.setDecoder(m_space, m_embedDim);
        const qsizetype before = stored().size();
        const Result r = generate({QStringLiteral("--backend"), QStringLiteral("embedding-decoder"), QStringLiteral("--url"),
                                   server.url(), QStringLiteral("--from"), QStringLiteral("slerp"), QStringLiteral("--alpha"),
                                   QStringLiteral("-0.5"), QStringLiteral("--count"), QStringLiteral("2"),
                                   QStringLiteral("--seed"), QStringLiteral("40")});
        expectSuccess(r);
        QCOMPARE(server.requests("/v1/decode").size(), qsizetype(1));
        const QVector<GeneratedSample> samples = storedSince(before);
        QCOMPARE(samples.size(), qsizetype(2));
        for (const GeneratedSample &sample : samples) {
            QVERIFY2(sample.file.startsWith(QLatin1String(".faultline/generated/")), qPrintable(sample.file));
            QVERIFY(QFileInfo::exists(QDir(m_project.root).filePath(sample.file)));
            QCOMPARE(sample.backend, QStringLiteral("embedding-decoder"));
            QCOMPARE(sample.group, QStringLiteral("hard"));
        }

        // Made again from its stored seed: the same image, said on stderr.
        const Result again = cli(on(QStringLiteral("generate"),
                                    {QStringLiteral("--again"), QString::number(samples[1].id), QStringLiteral("--device"),
                                     QStringLiteral("cpu"), QStringLiteral("--backend"), QStringLiteral("embedding-decoder"),
                                     QStringLiteral("--url"), server.url()}));
        expectSuccess(again);
        QVERIFY2(again.err.contains(QStringLiteral("sample %1 made again").arg(samples[1].id)) && again.err.contains(QLatin1String("identical")),
                 qPrintable(again.err));
        QCOMPARE(server.requests("/v1/decode").last().json().value(QStringLiteral("seed")).toInt(), 41);
        QCOMPARE(storedSince(before).last().file, samples[1].file);
        // samples lists them, ids first (what --again takes).
        const Result listed = cli(on(QStringLiteral("samples"), {QStringLiteral("--class"), QStringLiteral("cat")}));
        expectSuccess(listed);
        const QStringList rows = listed.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.first().section(QLatin1Char('\t'), 0, 0), QStringLiteral("id"));
        QCOMPARE(rows.size(), stored().size() + 1);
        QCOMPARE(rows.last().section(QLatin1Char('\t'), 0, 0), QString::number(stored().last().id));
        QCOMPARE(rows.last().section(QLatin1Char('\t'), 4, 4), QStringLiteral("embedding-decoder"));
        const Result badId = cli(on(QStringLiteral("generate"), {QStringLiteral("--again"), QStringLiteral("999999")}));
        QCOMPARE(badId.exitCode, 1);
        QVERIFY2(badId.err.contains(QLatin1String("--again")), qPrintable(badId.err));
    }

    void captionsGoToATextToImageServer()
    {
        FakeGenerationServer server;
        const qsizetype before = stored().size();
        const Result r = generate({QStringLiteral("--backend"), QStringLiteral("automatic1111"), QStringLiteral("--url"),
                                   server.url(), QStringLiteral("--from"), QStringLiteral("caption"),
                                   QStringLiteral("--captions"), QStringLiteral("1"), QStringLiteral("--count"),
                                   QStringLiteral("1"), QStringLiteral("--seed"), QStringLiteral("60")});
        expectSuccess(r);
        QStringList sent;
        for (const auto &request : server.requests("/sdapi/v1/txt2img"))
            sent << request.json().value(QStringLiteral("prompt")).toString();
        QCOMPARE(sent.size(), qsizetype(3)); // the hard caption, the easy one, the reference
        QVERIFY(sent.contains(QStringLiteral("a photo of a cat")));
        QStringList kept, groups;
        for (const GeneratedSample &sample : storedSince(before)) {
            kept << sample.prompt;
            groups << sample.group;
        }
        sent.sort();
        kept.sort();
        groups.sort();
        QCOMPARE(kept, sent);
        QCOMPARE(groups, (QStringList{QStringLiteral("easy"), QStringLiteral("hard"), QStringLiteral("reference")}));
    }

    void aFailingServerIsOneLinePerRequestAndStoresNothing()
    {
        FakeGenerationServer server;
        server.script("/sdapi/v1/txt2img", QList<FakeBehaviour>(3, FakeBehaviour::status(500)));
        const qsizetype before = stored().size();
        const Result r = generate({QStringLiteral("--url"), server.url(), QStringLiteral("--from"), QStringLiteral("caption"),
                                   QStringLiteral("--captions"), QStringLiteral("1"), QStringLiteral("--count"),
                                   QStringLiteral("1")});
        QVERIFY2(r.exitCode == 1, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.exitCode).arg(r.err)));
        const QStringList errors = r.errLines().filter(QStringLiteral("faultline-cli: error: "));
        QCOMPARE(errors.size(), qsizetype(3));
        for (const QString &error : errors)
            QVERIFY2(error.contains(server.url()) && error.contains(QLatin1String("HTTP 500")), qPrintable(error));
        QCOMPARE(stored().size(), before);

        // A server that fails even the probe is one line before any request.
        FakeGenerationServer down;
        down.script("/sdapi/v1/options", {FakeBehaviour::status(500)});
        expectOneLineError(generate({QStringLiteral("--url"), down.url()}), down.url());
        QCOMPARE(stored().size(), before);
    }

    void checkGeneratedRunsTheClassifier()
    {
        const QString failure = testing::makeColourClassifier(m_tmp.path());
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        expectSuccess(cli(on(QStringLiteral("predict"), {QStringLiteral("--classifier"), tmp(QStringLiteral("colour.pt")),
                                                         QStringLiteral("--input-size"), QStringLiteral("16"),
                                                         QStringLiteral("--mean"), QStringLiteral("0"),
                                                         QStringLiteral("--std"), QStringLiteral("1"),
                                                         QStringLiteral("--device"), QStringLiteral("cpu")})));

        const QString csv = tmp(QStringLiteral("accuracy.csv"));
        const Result r = cli(on(QStringLiteral("check-generated"), {QStringLiteral("--csv"), csv}));
        expectSuccess(r);
        QVERIFY2(r.out.startsWith(QLatin1String("class")) && r.out.contains(QLatin1String("hard")), qPrintable(r.out));
        const QVector<QStringList> rows = readCsv(csv);
        QCOMPARE(rows.value(0).join(QLatin1Char(',')), QStringLiteral("class,group,samples,checked,correct,accuracy,mean_confidence"));
        QVERIFY(std::any_of(rows.begin(), rows.end(), [](const QStringList &row) {
            return row.value(0) == QLatin1String("cat") && row.value(1) == QLatin1String("hard");
        }));
        for (const GeneratedSample &sample : stored())
            QVERIFY2(sample.correct().has_value(), qPrintable(sample.file)); // every sample has a verdict now

        expectOneLineError(cli(on(QStringLiteral("check-generated"), {QStringLiteral("--classifier"),
                                                                      tmp(QStringLiteral("random.bin"))})),
                           QStringLiteral("random.bin"));
        expectOneLineError(cli({QStringLiteral("check-generated"), QStringLiteral("--dataset"), m_project.imported}),
                           QStringLiteral("no generated samples"));
    }

    void exportGeneratedWritesOneTreePerGroup()
    {
        const QString dest = tmp(QStringLiteral("export"));
        const QStringList args{QStringLiteral("--to"), dest, QStringLiteral("--group"), QStringLiteral("hard")};
        expectSuccess(cli(on(QStringLiteral("export-generated"), args)));

        QVector<GeneratedSample> hard;
        for (const GeneratedSample &sample : stored())
            if (sample.group == QLatin1String("hard"))
                hard << sample;
        QVERIFY(!hard.isEmpty());
        QVERIFY(!QFileInfo::exists(QDir(dest).filePath(QStringLiteral("easy"))));
        const QVector<QStringList> rows = readCsv(QDir(dest).filePath(QStringLiteral("generated.csv")));
        QCOMPARE(rows.value(0).join(QLatin1Char(',')),
                 QStringLiteral("id,class,group,origin,prompt,alpha,seed,backend,path,source,prediction,confidence,classifier,created"));
        QCOMPARE(rows.size(), hard.size() + 1);
        for (qsizetype i = 0; i < hard.size(); ++i) {
            const QStringList &row = rows[i + 1];
            const GeneratedSample &sample = hard[i];
            QCOMPARE(row[0].toLongLong(), sample.id);
            QCOMPARE(row.mid(1, 3), (QStringList{sample.className, sample.group, sample.origin}));
            QCOMPARE(row[4], sample.prompt);
            QCOMPARE(row[6].toLongLong(), sample.seed);
            QCOMPARE(row[7], sample.backend);
            QVERIFY2(row[8].startsWith(QLatin1String("hard/cat/")) && row[8].endsWith(QLatin1String(".png")), qPrintable(row[8]));
            QFile exported(QDir(dest).filePath(row[8]));
            QFile source(QDir(m_project.root).filePath(sample.file));
            QVERIFY(exported.open(QIODevice::ReadOnly) && source.open(QIODevice::ReadOnly));
            QCOMPARE(exported.readAll(), source.readAll());
            QCOMPARE(row[9], sample.file);
            QCOMPARE(row.mid(10, 1) + row.mid(12, 1), (QStringList{sample.prediction, sample.classifier}));
            QCOMPARE(row[11].isEmpty(), !sample.confidence.has_value());
            if (sample.confidence)
                QVERIFY(std::abs(row[11].toDouble() - *sample.confidence) < 1e-12);
        }

        // A re-run skips what is there and leaves generated.csv alone.
        const Result again = cli(on(QStringLiteral("export-generated"), args));
        expectSuccess(again);
        QVERIFY2(again.err.contains(QStringLiteral("exported 0 of %1 sample(s); %1 existed already").arg(hard.size())),
                 qPrintable(again.err));
        QCOMPARE(readCsv(QDir(dest).filePath(QStringLiteral("generated.csv"))).size(), hard.size() + 1);
        QCOMPARE(readCsv(QDir(dest).filePath(QStringLiteral("generated-2.csv"))).size(), qsizetype(1));
    }

    void manifestModeListsSamplesWithoutFiles()
    {
        const QString dest = tmp(QStringLiteral("manifest"));
        expectSuccess(cli(on(QStringLiteral("export-generated"), {QStringLiteral("--to"), dest, QStringLiteral("--origin"),
                                                                  QStringLiteral("caption"), QStringLiteral("--mode"),
                                                                  QStringLiteral("manifest")})));
        const QVector<QStringList> rows = readCsv(QDir(dest).filePath(QStringLiteral("generated.csv")));
        QCOMPARE(rows.size(), qsizetype(1 + 3)); // the caption samples: hard, easy, reference
        for (qsizetype i = 1; i < rows.size(); ++i) {
            QCOMPARE(rows[i][3], QStringLiteral("caption"));
            QVERIFY(rows[i][8].isEmpty()); // no file was written
        }
        QVERIFY(!QFileInfo::exists(QDir(dest).filePath(QStringLiteral("hard/cat"))));
        QVERIFY(QFileInfo::exists(QDir(dest).filePath(QStringLiteral("hard/manifest.csv"))));
    }

    void wrongOnlyExportsTheClassifiersMistakes()
    {
        const QString dest = tmp(QStringLiteral("wrong"));
        expectSuccess(cli(on(QStringLiteral("export-generated"), {QStringLiteral("--to"), dest, QStringLiteral("--wrong-only")})));
        QSet<qint64> wrong;
        for (const GeneratedSample &sample : stored())
            if (sample.correct() == std::optional<bool>(false))
                wrong.insert(sample.id);
        QVERIFY(!wrong.isEmpty());
        const QVector<QStringList> rows = readCsv(QDir(dest).filePath(QStringLiteral("generated.csv")));
        QSet<qint64> exported;
        for (qsizetype i = 1; i < rows.size(); ++i) {
            exported.insert(rows[i][0].toLongLong());
            QVERIFY(rows[i][10] != rows[i][1]); // the prediction is not the class
            QVERIFY(QFileInfo::exists(QDir(dest).filePath(rows[i][8])));
        }
        QCOMPARE(exported, wrong);

        expectOneLineError(cli(on(QStringLiteral("export-generated"), {QStringLiteral("--to"), dest, QStringLiteral("--class"),
                                                                       QStringLiteral("bird")})),
                           QStringLiteral("no generated samples match --class bird"));
    }
};

QTEST_GUILESS_MAIN(TestCliGenerate)
#include "test_cli_generate.moc"
