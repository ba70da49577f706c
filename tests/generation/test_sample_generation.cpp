// Generating samples of a class's failure mode (ClassSampleJob) end to end on a real project:
// retrieval without a server, an embedding decoder for the slider's vectors, a text-to-image
// server for captions (and for the slider, through the nearest caption), paper 002's
// backgrounds, servers that fail part of a batch, cancel, and the classifier's verdicts.
#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "classify/DatasetPredictor.h"
#include "classify/ImageClassifier.h"
#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "embedding/TextEmbedder.h"
#include "generation/ClassSampleJob.h"
#include "generation/SampleCheck.h"
#include "interpret/StoredFailureDirection.h"
#include "retrieval/Slerp.h"
#include "store/ProjectStore.h"

#include "FakeGenerationServer.h"
#include "InterpretTestProject.h"
#include "TinyClassifiers.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <memory>

using namespace faultline;
using faultline::testing::FakeBehaviour;
using faultline::testing::FakeGenerationServer;
using faultline::testing::FakeRequest;

class TestSampleGeneration : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    testing::InterpretTestProject m_project;
    std::unique_ptr<ClipModel> m_model;
    TextEncoder m_encode;
    QString m_space;

    ClassSampleJob job(ClassSampleJob::Source source) const
    {
        ClassSampleJob job;
        job.datasetRoot = m_project.root;
        job.projectPath = m_project.projectPath();
        job.runId = 1;
        job.className = QStringLiteral("cat");
        job.source = source;
        job.settings.imagesPerRequest = 2;
        job.settings.seed = 100;
        job.settings.width = job.settings.height = 64;
        job.backend.kind = GenerationBackendConfig::kRetrieval;
        job.backend.limits.timeoutMs = 2000;
        job.backend.limits.backoffMs = 10;
        return job;
    }

    ClassSampleJob serverJob(ClassSampleJob::Source source, const QString &kind, const FakeGenerationServer &server) const
    {
        ClassSampleJob serverJob = job(source);
        serverJob.backend.kind = kind;
        serverJob.backend.url = server.url();
        return serverJob;
    }

    int storedSamples() const { return int(ProjectStore(m_project.projectPath()).generatedSamples().size()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString error = m_project.build(m_dir.path());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_model = ClipModel::load(m_project.modelPath, ComputeDevice::Cpu);
        m_encode = [this](const QStringList &texts) { return embedTexts(*m_model, ClipTokenizer::builtin(), texts); };
        m_space = clipArchitectureName(m_model->hyperParams());
    }

    void withoutAServerTheSliderRetrievesRealImages()
    {
        ClassSampleJob sliderJob = job(ClassSampleJob::Source::Slerp);
        sliderJob.alphas = {-1.0, 0.0, 1.0};
        const ClassSampleResult result = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        QCOMPARE(result.backend, QStringLiteral("retrieval"));
        QVERIFY2(result.notes.join(QLatin1Char(' ')).contains(QLatin1String("no generation server")),
                 qPrintable(result.notes.join(QLatin1Char(' '))));
        QVERIFY(result.errors.isEmpty());
        QCOMPARE(result.samples.size(), qsizetype(6));
        QSet<QString> files;
        int wrongAtHardest = 0, wrongAtEasiest = 0;
        for (const GeneratedSample &sample : result.samples) {
            QVERIFY(!sample.sourceImage.isEmpty());
            QCOMPARE(sample.file, sample.sourceImage); // a real image is pointed at, not copied
            QVERIFY(sample.file.startsWith(QLatin1String("test/cat/")) || sample.file.contains(QLatin1String("/cat/")));
            files.insert(sample.file);
            QCOMPARE(sample.embedding.size(), size_t(m_model->hyperParams().embedDim));
            QCOMPARE(sample.embeddingSpace, m_space);
            QCOMPARE(sample.origin, QStringLiteral("slerp"));
            QCOMPARE(sample.group, *sample.alpha < 0 ? QStringLiteral("hard")
                                   : *sample.alpha > 0 ? QStringLiteral("easy") : QStringLiteral("reference"));
            // No classifier is stored, so retrieved images keep the project's predictions as verdicts.
            QCOMPARE(sample.classifier, QStringLiteral("predictions"));
            QCOMPARE(sample.correct(), std::optional<bool>(!m_project.wrong.value(sample.file)));
            if (*sample.alpha == -1.0)
                wrongAtHardest += m_project.wrong.value(sample.file) ? 1 : 0;
            if (*sample.alpha == 1.0)
                wrongAtEasiest += m_project.wrong.value(sample.file) ? 1 : 0;
        }
        QCOMPARE(files.size(), 6); // the requests of one plan never share an image
        QVERIFY2(wrongAtHardest > wrongAtEasiest, qPrintable(QStringLiteral("%1 vs %2").arg(wrongAtHardest).arg(wrongAtEasiest)));
        // The table of Fig. 8b over what was stored.
        const QVector<GroupAccuracy> table = generatedAccuracy(ProjectStore(m_project.projectPath()).generatedSamples(QStringLiteral("cat")));
        QVERIFY(!table.isEmpty());
        QCOMPARE(table.first().group, QStringLiteral("hard"));
    }

    void anEmbeddingDecoderGetsTheSlidersVector()
    {
        FakeGenerationServer server;
        server.setDecoder(m_space, m_model->hyperParams().embedDim);
        ClassSampleJob sliderJob = serverJob(ClassSampleJob::Source::Slerp, GenerationBackendConfig::kEmbeddingDecoder, server);
        sliderJob.alphas = {-0.5};
        const ClassSampleResult result = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        QCOMPARE(result.backend, QStringLiteral("embedding-decoder"));
        QCOMPARE(result.samples.size(), qsizetype(2));

        // What was sent is the slider's vector: slerp(reference, −direction, 0.5), unit length.
        const StoredFailureDirection direction =
            StoredFailureDirection::load(ProjectStore(m_project.projectPath()), 1, QStringLiteral("cat"));
        const std::vector<float> reference = m_encode({referenceCaption(CaptionVocabulary::builtin(QStringLiteral("generic")), QStringLiteral("cat"))});
        const Eigen::VectorXf expected = difficultyVector(Eigen::Map<const Eigen::VectorXf>(reference.data(), Eigen::Index(reference.size())),
                                                          direction.clipSpaceDirection(), -0.5);
        const QList<FakeRequest> decodes = server.requests("/v1/decode");
        QCOMPARE(decodes.size(), 1);
        const QJsonObject sent = decodes.first().json();
        QCOMPARE(sent.value(QStringLiteral("seed")).toInteger(), qint64(100));
        QCOMPARE(sent.value(QStringLiteral("count")).toInt(), 2);
        QCOMPARE(sent.value(QStringLiteral("clip_model")).toString(), m_space);
        const QJsonArray values = sent.value(QStringLiteral("embedding")).toArray();
        QCOMPARE(values.size(), qsizetype(expected.size()));
        for (int i = 0; i < expected.size(); ++i)
            QVERIFY(std::abs(values[i].toDouble() - expected[i]) < 1e-5);

        for (int i = 0; i < 2; ++i) {
            const GeneratedSample &sample = result.samples[i];
            QCOMPARE(sample.seed, qint64(100 + i));
            QCOMPARE(sample.alpha, std::optional<double>(-0.5));
            QCOMPARE(sample.group, QStringLiteral("hard"));
            QVERIFY(sample.file.startsWith(QLatin1String(".faultline/generated/")));
            QFile file(QDir(m_project.root).filePath(sample.file));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), FakeGenerationServer::imageFor(100 + i)); // stored as the server sent it
            for (int d = 0; d < expected.size(); ++d)
                QVERIFY(std::abs(sample.embedding[size_t(d)] - expected[d]) < 1e-6); // kept to make it again
            const QJsonObject parameters = QJsonDocument::fromJson(sample.parameters.toUtf8()).object();
            QCOMPARE(parameters.value(QStringLiteral("backend")).toObject().value(QStringLiteral("url")).toString(), server.url());
            QCOMPARE(parameters.value(QStringLiteral("request")).toObject().value(QStringLiteral("width")).toInt(), 64);
            QVERIFY(!sample.correct().has_value()); // no classifier in this project
        }
        QVERIFY(result.unchecked);
    }

    // The C++ client against the Python reference server of packaging/generation-server (its
    // deterministic dummy pipeline): the two sides of the protocol agree.
    void theReferenceDecoderServerServesTheSlider()
    {
        QProcess server;
        server.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(FAULTLINE_DECODER_SERVER), QStringLiteral("--pipeline"), QStringLiteral("dummy"),
                      QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--clip-model"), m_space,
                      QStringLiteral("--embedding-dim"), QString::number(m_model->hyperParams().embedDim)});
        QVERIFY2(server.waitForReadyRead(30000), server.readAllStandardError().constData());
        const QString line = QString::fromUtf8(server.readLine()).trimmed();
        QVERIFY2(line.startsWith(QLatin1String("listening on http://")), qPrintable(line));
        ClassSampleJob sliderJob = job(ClassSampleJob::Source::Slerp);
        sliderJob.backend.kind = GenerationBackendConfig::kEmbeddingDecoder;
        sliderJob.backend.url = line.section(QLatin1Char(' '), 2);
        sliderJob.alphas = {-0.75, 0.75};
        const ClassSampleResult result = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        server.terminate();
        server.waitForFinished(10000);
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        QCOMPARE(result.samples.size(), qsizetype(4));
        QSet<QString> files;
        for (const GeneratedSample &sample : result.samples) {
            QFile file(QDir(m_project.root).filePath(sample.file));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(file.readAll().startsWith("\x89PNG"));
            files << sample.file;
            const QJsonObject reported = QJsonDocument::fromJson(sample.parameters.toUtf8()).object();
            QCOMPARE(reported.value(QStringLiteral("backend")).toObject().value(QStringLiteral("pipeline")).toString(),
                     QStringLiteral("dummy")); // what the server said it runs is kept with the sample
        }
        QCOMPARE(files.size(), 4); // different vectors and seeds: different images
    }

    void aDecoderOfAnotherClipSpaceIsReported()
    {
        FakeGenerationServer server;
        server.setDecoder(QStringLiteral("ViT-L/14"), 768);
        ClassSampleJob sliderJob = serverJob(ClassSampleJob::Source::Slerp, GenerationBackendConfig::kEmbeddingDecoder, server);
        sliderJob.alphas = {-1.0};
        const int before = storedSamples();
        const ClassSampleResult result = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        QVERIFY(result.samples.isEmpty());
        QCOMPARE(result.errors.size(), qsizetype(1));
        QVERIFY2(result.errors.first().contains(QLatin1String("ViT-L/14")), qPrintable(result.errors.first()));
        QCOMPARE(storedSamples(), before);
        QVERIFY(server.requests("/v1/decode").isEmpty());
    }

    void captionsGoToATextToImageServer()
    {
        FakeGenerationServer server;
        ClassSampleJob captionJob = serverJob(ClassSampleJob::Source::Captions, GenerationBackendConfig::kAutomatic1111, server);
        captionJob.captionsPerSide = 2;
        captionJob.settings.negativePrompt = QStringLiteral("blurry");
        const ClassSampleResult result = runClassSampleJob(captionJob, m_encode, m_space, nullptr);
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        QCOMPARE(result.requests, 5); // 2 hard, 2 easy, the reference
        QCOMPARE(result.samples.size(), qsizetype(10));
        const QVector<QPair<QString, double>> scores = ProjectStore(m_project.projectPath())
            .captionScores(1, QStringLiteral("cat"), QStringLiteral("generic"));
        QVERIFY(scores.size() > 4); // ranked and stored on the way
        QStringList prompts;
        for (const FakeRequest &request : server.requests("/sdapi/v1/txt2img")) {
            const QJsonObject body = request.json();
            prompts << body.value(QStringLiteral("prompt")).toString();
            QCOMPARE(body.value(QStringLiteral("negative_prompt")).toString(), QStringLiteral("blurry"));
            QCOMPARE(body.value(QStringLiteral("batch_size")).toInt(), 2);
            QCOMPARE(body.value(QStringLiteral("width")).toInt(), 64);
        }
        prompts.sort();
        QStringList expected{scores[0].first, scores[1].first, scores[scores.size() - 1].first,
                             scores[scores.size() - 2].first, QStringLiteral("a photo of a cat")};
        expected.sort();
        QCOMPARE(prompts, expected);
        int hard = 0;
        for (const GeneratedSample &sample : result.samples) {
            QCOMPARE(sample.origin, QStringLiteral("caption"));
            if (sample.group == QLatin1String("hard")) {
                ++hard;
                QVERIFY(sample.prompt == scores[0].first || sample.prompt == scores[1].first);
            }
        }
        QCOMPARE(hard, 4);
    }

    void aTextServerDrawsTheSlidersNearestCaption()
    {
        FakeGenerationServer server;
        ClassSampleJob sliderJob = serverJob(ClassSampleJob::Source::Slerp, GenerationBackendConfig::kAutomatic1111, server);
        sliderJob.alphas = {-1.0};
        const ClassSampleResult result = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        QVERIFY2(result.notes.join(QLatin1Char(' ')).contains(QLatin1String("nearest")), qPrintable(result.notes.join(QLatin1Char(' '))));
        const QString prompt = server.requests("/sdapi/v1/txt2img").value(0).json().value(QStringLiteral("prompt")).toString();
        QStringList candidates{QStringLiteral("a photo of a cat")};
        for (const CaptionCandidate &candidate : captionCandidates(CaptionVocabulary::builtin(QStringLiteral("generic")), QStringLiteral("cat")))
            candidates << candidate.text;
        QVERIFY2(candidates.contains(prompt), qPrintable(prompt));
        QCOMPARE(result.samples.size(), qsizetype(2));
        QCOMPARE(result.samples.first().prompt, prompt);
        QCOMPARE(result.samples.first().alpha, std::optional<double>(-1.0));
        QVERIFY(!result.samples.first().embedding.empty()); // the vector stays with the sample
    }

    void backgroundsOfTheFailuresBecomePrompts()
    {
        FakeGenerationServer server;
        ClassSampleJob backgroundJob = serverJob(ClassSampleJob::Source::Backgrounds, GenerationBackendConfig::kAutomatic1111, server);
        backgroundJob.backgrounds = 2;
        backgroundJob.settings.imagesPerRequest = 1;
        const ClassSampleResult result = runClassSampleJob(backgroundJob, m_encode, m_space, nullptr);
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        QVERIFY(!result.backgrounds.isEmpty());
        double shares = 0;
        int failures = 0;
        for (const BackgroundShare &share : result.backgrounds) {
            shares += share.share;
            failures += share.failures;
            QCOMPARE(share.prompt, QStringLiteral("a photo of a cat %1").arg(share.background));
        }
        QVERIFY(std::abs(shares - 1.0) < 1e-9);
        QCOMPARE(failures, 18); // every wrong cat (4 train + 8 val + 6 test) is matched to one background
        int hard = 0;
        for (const GeneratedSample &sample : result.samples) {
            QCOMPARE(sample.origin, QStringLiteral("background"));
            hard += sample.group == QLatin1String("hard") ? 1 : 0;
            if (sample.group == QLatin1String("hard"))
                QVERIFY(sample.prompt == result.backgrounds[0].prompt || sample.prompt == result.backgrounds[1].prompt);
        }
        QCOMPARE(hard, std::min(2, int(std::count_if(result.backgrounds.begin(), result.backgrounds.end(),
                                                      [](const BackgroundShare &s) { return s.failures > 0; }))));
    }

    void aFailingRequestLosesNothingElse()
    {
        FakeGenerationServer server;
        server.setDecoder(m_space, m_model->hyperParams().embedDim);
        // One request at a time: the middle one fails three times (no retries left); the ones
        // before and after it are stored, the failure is one line.
        const FakeBehaviour oom = FakeBehaviour::status(500, R"({"error":"CUDA out of memory"})");
        server.script("/v1/decode", {FakeBehaviour::ok(), oom, oom, oom, FakeBehaviour::ok()});
        ClassSampleJob sliderJob = serverJob(ClassSampleJob::Source::Slerp, GenerationBackendConfig::kEmbeddingDecoder, server);
        sliderJob.alphas = {-1.0, -0.5, 0.5};
        sliderJob.backend.limits.maxConcurrent = 1;
        const int before = storedSamples();
        const ClassSampleResult result = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        QCOMPARE(result.errors.size(), qsizetype(1));
        QVERIFY2(result.errors.first().contains(QLatin1String("CUDA out of memory")), qPrintable(result.errors.first()));
        QVERIFY2(result.errors.first().contains(QLatin1String("3 tries")), qPrintable(result.errors.first()));
        QCOMPARE(result.samples.size(), qsizetype(4)); // 2 requests × 2 images
        QCOMPARE(storedSamples(), before + 4);
    }

    void cancelKeepsWhatArrived()
    {
        FakeGenerationServer server;
        server.setDecoder(m_space, m_model->hyperParams().embedDim);
        server.script("/v1/decode", {FakeBehaviour::ok(), FakeBehaviour::slow(20000)});
        ClassSampleJob sliderJob = serverJob(ClassSampleJob::Source::Slerp, GenerationBackendConfig::kEmbeddingDecoder, server);
        sliderJob.alphas = {-1.0, 1.0};
        sliderJob.backend.limits.maxConcurrent = 1;
        sliderJob.backend.limits.timeoutMs = 30000;
        const int before = storedSamples();
        JobControl control;
        int arrived = 0;
        QElapsedTimer clock;
        clock.start();
        bool cancelled = false;
        try {
            runClassSampleJob(sliderJob, m_encode, m_space, &control, [&](const GeneratedSample &) {
                if (++arrived == 2) // the first request's images are in: cancel the slow second one
                    QThread::create([&control] { QThread::msleep(200); control.requestCancel(); })->start();
            });
        } catch (const JobCancelled &) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(arrived, 2);
        QCOMPARE(storedSamples(), before + 2);
    }

    void aStoredSampleIsMadeAgainFromItsSeed()
    {
        FakeGenerationServer server;
        server.setDecoder(m_space, m_model->hyperParams().embedDim);
        ClassSampleJob sliderJob = serverJob(ClassSampleJob::Source::Slerp, GenerationBackendConfig::kEmbeddingDecoder, server);
        sliderJob.alphas = {0.25};
        sliderJob.settings.seed = 7000;
        sliderJob.settings.negativePrompt = QStringLiteral("text");
        const ClassSampleResult first = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        QCOMPARE(first.samples.size(), qsizetype(2));
        const GeneratedSample original = first.samples[1]; // seed 7001, the batch's second image

        ClassSampleJob againJob = serverJob(ClassSampleJob::Source::Again, GenerationBackendConfig::kEmbeddingDecoder, server);
        againJob.againIds = {original.id};
        const ClassSampleResult again = runClassSampleJob(againJob, m_encode, m_space, nullptr);
        QVERIFY2(again.errors.isEmpty(), qPrintable(again.errors.join(QLatin1Char('\n'))));
        QCOMPARE(again.samples.size(), qsizetype(1));
        const GeneratedSample &made = again.samples.first();
        QCOMPARE(made.seed, qint64(7001));
        QCOMPARE(made.alpha, original.alpha);
        QCOMPARE(made.group, original.group);
        QCOMPARE(made.embedding, original.embedding);
        QCOMPARE(made.file, original.file); // same bytes, same content-named file
        const QJsonObject sent = server.requests("/v1/decode").last().json();
        QCOMPARE(sent.value(QStringLiteral("seed")).toInteger(), qint64(7001));
        QCOMPARE(sent.value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(sent.value(QStringLiteral("negative_prompt")).toString(), QStringLiteral("text"));
        QCOMPARE(sent.value(QStringLiteral("width")).toInt(), 64);
        QVERIFY2(again.notes.join(QLatin1Char(' ')).contains(QLatin1String("identical")), qPrintable(again.notes.join(QLatin1Char(' '))));

        ClassSampleJob otherClass = againJob;
        otherClass.className = QStringLiteral("dog");
        QVERIFY_THROWS_EXCEPTION(Error, runClassSampleJob(otherClass, m_encode, m_space, nullptr));
    }

    void anUnreachableServerIsAnErrorAndStoresNothing()
    {
        quint16 port = 0;
        {
            FakeGenerationServer gone;
            port = gone.port();
        }
        ClassSampleJob captionJob = job(ClassSampleJob::Source::Captions);
        captionJob.backend.kind = GenerationBackendConfig::kAutomatic1111;
        captionJob.backend.url = QStringLiteral("http://127.0.0.1:%1").arg(port);
        const int before = storedSamples();
        try {
            runClassSampleJob(captionJob, m_encode, m_space, nullptr);
            QFAIL("no error");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QString::number(port)), qPrintable(error.message()));
        }
        QCOMPARE(storedSamples(), before);
    }

    // Last: it gives the project a classifier (predict), which every later Generate checks with.
    void theClassifiersVerdictIsStoredWithEverySample()
    {
        const QString failure = testing::makeColourClassifier(m_dir.path());
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        const ClassifierSpec spec = testing::colourClassifierSpec(QDir(m_dir.path()).filePath(QStringLiteral("colour.pt")));
        {
            ProjectStore store(m_project.projectPath());
            const DatasetPredictionReport report = predictDataset(store, m_project.root, spec);
            QCOMPARE(report.correct, report.predicted / 2); // the planted mistakes, made by a real classifier
        }

        FakeGenerationServer server;
        server.setDecoder(m_space, m_model->hyperParams().embedDim);
        ClassSampleJob sliderJob = serverJob(ClassSampleJob::Source::Slerp, GenerationBackendConfig::kEmbeddingDecoder, server);
        sliderJob.alphas = {-1.0, 0.0, 1.0};
        const ClassSampleResult generated = runClassSampleJob(sliderJob, m_encode, m_space, nullptr);
        QVERIFY2(generated.errors.isEmpty(), qPrintable(generated.errors.join(QLatin1Char('\n'))));
        QCOMPARE(generated.samples.size(), qsizetype(6));
        const auto classifier = ImageClassifier::load(spec, {QStringLiteral("cat"), QStringLiteral("dog")});
        for (const GeneratedSample &sample : generated.samples) {
            QCOMPARE(sample.classifier, QStringLiteral("colour.pt"));
            QVERIFY(sample.checked.isValid());
            QFile file(QDir(m_project.root).filePath(sample.file));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const ClassifierVerdict verdict = classifier->classify({file.readAll()}, {sample.file}).front();
            QCOMPARE(sample.prediction, verdict.predictedClass);
            QVERIFY(std::abs(*sample.confidence - verdict.probabilityOf(0)) < 1e-6); // p(cat)
        }

        // Retrieved real images are checked by the classifier too: its verdicts are the planted ones.
        ClassSampleJob retrievalJob = job(ClassSampleJob::Source::Slerp);
        retrievalJob.alphas = {-1.0, 1.0};
        retrievalJob.settings.imagesPerRequest = 4;
        const ClassSampleResult retrieved = runClassSampleJob(retrievalJob, m_encode, m_space, nullptr);
        QCOMPARE(retrieved.samples.size(), qsizetype(8));
        for (const GeneratedSample &sample : retrieved.samples) {
            QCOMPARE(sample.classifier, QStringLiteral("colour.pt"));
            QCOMPARE(sample.correct(), std::optional<bool>(!m_project.wrong.value(sample.file)));
        }
        const QVector<GroupAccuracy> table = generatedAccuracy(retrieved.samples);
        QCOMPARE(table.size(), qsizetype(2));
        QCOMPARE(table[0].group, QStringLiteral("hard"));
        QCOMPARE(table[1].group, QStringLiteral("easy"));
        QCOMPARE(table[0].checked, 4);
        QVERIFY2(table[0].accuracy() < table[1].accuracy(),
                 qPrintable(QStringLiteral("%1 vs %2").arg(table[0].accuracy()).arg(table[1].accuracy())));
    }

    void badRequestsAreClearErrors()
    {
        ClassSampleJob sliderJob = job(ClassSampleJob::Source::Slerp);
        sliderJob.alphas = {-2.0};
        QVERIFY_THROWS_EXCEPTION(Error, runClassSampleJob(sliderJob, m_encode, m_space, nullptr));
        ClassSampleJob unknownClass = job(ClassSampleJob::Source::Slerp);
        unknownClass.className = QStringLiteral("bird");
        try {
            runClassSampleJob(unknownClass, m_encode, m_space, nullptr);
            QFAIL("no error");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QLatin1String("bird")), qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestSampleGeneration)
#include "test_sample_generation.moc"
