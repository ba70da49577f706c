// The HTTP generation backends (AUTOMATIC1111 and faultline-embedding-decoder/1) against
// FakeGenerationServer on 127.0.0.1: the fields sent, seeds and images received, and every
// misbehaviour — slow answers, HTTP errors, garbage JSON, images that are not images, oversized
// answers, dropped connections — reported per request with URL, status and tries, while the
// other requests' images are still delivered. Timeouts are short so the suite runs in seconds.

#include "FakeGenerationServer.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "generation/Automatic1111Backend.h"
#include "generation/EmbeddingDecoderBackend.h"
#include "generation/GenerationBackendConfig.h"
#include "ErrorOf.h"

#include <QElapsedTimer>
#include <QNetworkProxy>
#include <QtTest>

#include <cmath>
#include <map>
#include <thread>

using namespace faultline;
using faultline::testing::errorOf;
using namespace faultline::testing;

namespace {

const QString kA1111 = GenerationBackendConfig::kAutomatic1111;
const QString kDecoder = GenerationBackendConfig::kEmbeddingDecoder;

// Short enough for a fast suite, long enough for a loaded machine's localhost.
GenerationLimits fastLimits()
{
    GenerationLimits limits;
    limits.timeoutMs = 800;
    limits.retries = 2;
    limits.backoffMs = 20;
    limits.maxConcurrent = 2;
    limits.maxResponseBytes = 1 << 20;
    return limits;
}

std::unique_ptr<GenerationBackend> makeBackend(const QString &kind, const QString &url,
                                               const GenerationLimits &limits = fastLimits(),
                                               const QString &token = {})
{
    GenerationBackendConfig config;
    config.kind = kind;
    config.url = url;
    config.token = token;
    config.limits = limits;
    return createHttpGenerationBackend(config);
}

std::vector<float> unitVector(int dim, int seed)
{
    std::vector<float> v(static_cast<size_t>(dim));
    double norm = 0;
    for (int i = 0; i < dim; ++i) {
        v[size_t(i)] = float(std::sin(0.37 * (i + 1) * (seed + 1)));
        norm += double(v[size_t(i)]) * v[size_t(i)];
    }
    for (float &x : v)
        x = float(x / std::sqrt(norm));
    return v;
}

// A request each backend accepts: a prompt for AUTOMATIC1111, a ViT-L/14 vector for the decoder.
GenerationRequest requestFor(const QString &kind, qint64 seed, int count = 1)
{
    GenerationRequest request;
    request.seed = seed;
    request.count = count;
    if (kind == kA1111) {
        request.prompt = QStringLiteral("a photo of a cat in the snow");
    } else {
        request.embedding = unitVector(768, int(seed));
        request.embeddingSpace = QStringLiteral("ViT-L/14");
    }
    return request;
}

QByteArray generatePath(const QString &kind)
{
    return kind == kA1111 ? QByteArrayLiteral("/sdapi/v1/txt2img") : QByteArrayLiteral("/v1/decode");
}

// Every outcome generate() delivered, by request index, and the order they came in.
struct Delivered
{
    std::map<int, GenerationOutcome> outcomes;
    QList<int> order;

    const GenerationOutcome &at(int index) const { return outcomes.at(index); }
};

Delivered generateAll(GenerationBackend &backend, const std::vector<GenerationRequest> &requests,
                      JobControl *control = nullptr)
{
    Delivered delivered;
    backend.generate(requests, control, [&](int index, const GenerationOutcome &outcome) {
        delivered.outcomes[index] = outcome;
        delivered.order << index;
    });
    return delivered;
}

// The single outcome of one request.
GenerationOutcome generateOne(GenerationBackend &backend, const GenerationRequest &request)
{
    const Delivered delivered = generateAll(backend, {request});
    if (delivered.order.size() != 1)
        qFatal("expected one outcome");
    if (!delivered.at(0).ok())
        qInfo().noquote() << "outcome error:" << delivered.at(0).error;
    return delivered.at(0);
}

quint16 unusedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again when probe goes
}

} // namespace

class TestHttpGeneration : public QObject
{
    Q_OBJECT

    // The data rows of a test that runs against both backends.
    static void bothBackends()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("automatic1111") << kA1111;
        QTest::newRow("embedding-decoder") << kDecoder;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Only 127.0.0.1 is ever contacted: no proxy from the environment.
        for (const char *name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
            qunsetenv(name);
        QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    }

    // --- AUTOMATIC1111 ---------------------------------------------------------------------

    void automatic1111SendsTheFieldsAndDecodesImages()
    {
        FakeGenerationServer server;
        GenerationBackendConfig config;
        config.kind = kA1111;
        config.url = server.url() + QLatin1Char('/');
        config.sampler = QStringLiteral("DPM++ 2M");
        config.token = QStringLiteral("secret-token");
        config.limits = fastLimits();
        server.setAuthorization("Bearer secret-token");
        const auto backend = createHttpGenerationBackend(config);
        QCOMPARE(backend->name(), kA1111);
        QVERIFY(backend->acceptsPrompts());
        QVERIFY(!backend->acceptsEmbeddings());

        backend->checkReachable(nullptr);
        const QJsonObject parameters = backend->parameters();
        QCOMPARE(parameters.value("backend").toString(), kA1111);
        QCOMPARE(parameters.value("url").toString(), server.url());
        QCOMPARE(parameters.value("sampler").toString(), QStringLiteral("DPM++ 2M"));
        QCOMPARE(parameters.value("server_model").toString(), QString::fromLatin1(FakeGenerationServer::kA1111Model));
        QCOMPARE(parameters.value("limits").toObject().value("timeout_ms").toInt(), 800);
        QVERIFY(!QJsonDocument(parameters).toJson().contains("secret-token"));

        GenerationRequest cat = requestFor(kA1111, 10, 2);
        cat.negativePrompt = QStringLiteral("blurry");
        cat.width = 640;
        cat.height = 384;
        cat.steps = 30;
        cat.guidanceScale = 5.5;
        GenerationRequest dog = requestFor(kA1111, 42);
        dog.prompt = QStringLiteral("a photo of a dog");
        JobControl control;
        QList<qint64> progress;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &stage) {
            QCOMPARE(total, qint64(2));
            QCOMPARE(stage, QStringLiteral("generate"));
            progress << done;
        });
        const Delivered delivered = generateAll(*backend, {cat, dog}, &control);
        QCOMPARE(delivered.order.size(), 2);
        QCOMPARE(progress, (QList<qint64>{0, 1, 2}));

        const GenerationOutcome &cats = delivered.at(0);
        QVERIFY2(cats.ok(), qPrintable(cats.error));
        QCOMPARE(cats.images.size(), size_t(2));
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(cats.images[size_t(i)].seed, qint64(10 + i));
            QCOMPARE(cats.images[size_t(i)].png, FakeGenerationServer::imageFor(10 + i));
            QCOMPARE(cats.images[size_t(i)].info.value("sd_model_name").toString(), QStringLiteral("fake-sd-v1-5"));
            QCOMPARE(cats.images[size_t(i)].info.value("sampler_name").toString(), QStringLiteral("DPM++ 2M"));
            QVERIFY(!cats.images[size_t(i)].info.contains("infotexts"));
        }
        QVERIFY2(delivered.at(1).ok(), qPrintable(delivered.at(1).error));
        QCOMPARE(delivered.at(1).images.at(0).png, FakeGenerationServer::imageFor(42));

        const QList<FakeRequest> sent = server.requests("/sdapi/v1/txt2img");
        QCOMPARE(sent.size(), 2);
        const FakeRequest &first = sent[0].json().value("prompt") == cat.prompt ? sent[0] : sent[1];
        QCOMPARE(first.method, QByteArrayLiteral("POST"));
        QCOMPARE(first.headers.value("content-type"), QByteArrayLiteral("application/json"));
        QCOMPARE(first.headers.value("authorization"), QByteArrayLiteral("Bearer secret-token"));
        const QJsonObject body = first.json();
        QCOMPARE(body.value("prompt").toString(), cat.prompt);
        QCOMPARE(body.value("negative_prompt").toString(), QStringLiteral("blurry"));
        QCOMPARE(body.value("steps").toInt(), 30);
        QCOMPARE(body.value("cfg_scale").toDouble(), 5.5);
        QCOMPARE(body.value("seed").toInteger(), qint64(10));
        QCOMPARE(body.value("width").toInt(), 640);
        QCOMPARE(body.value("height").toInt(), 384);
        QCOMPARE(body.value("batch_size").toInt(), 2);
        QCOMPARE(body.value("n_iter").toInt(), 1);
        QCOMPARE(body.value("sampler_name").toString(), QStringLiteral("DPM++ 2M"));
    }

    void automatic1111OmitsAnUnsetSamplerAndSendsUserPasswordAsBasicAuth()
    {
        FakeGenerationServer server;
        server.setAuthorization("Basic " + QByteArray("user:pass word").toBase64());
        const auto backend = makeBackend(kA1111, server.url(), fastLimits(), QStringLiteral("user:pass word"));
        QVERIFY(generateOne(*backend, requestFor(kA1111, 1)).ok());
        // generate() checks the server first when checkReachable was not called.
        QCOMPARE(server.requests("/sdapi/v1/options").size(), 1);
        QVERIFY(!server.requests("/sdapi/v1/txt2img").at(0).json().contains("sampler_name"));
    }

    void automatic1111NeedsAPrompt()
    {
        FakeGenerationServer server;
        const auto backend = makeBackend(kA1111, server.url());
        GenerationRequest vectorOnly = requestFor(kDecoder, 3);
        const Delivered delivered = generateAll(*backend, {vectorOnly, requestFor(kA1111, 4)});
        QVERIFY(delivered.at(0).error.contains(QStringLiteral("has none")));
        QVERIFY(delivered.at(0).error.contains(server.url()));
        QVERIFY(delivered.at(1).ok());
        QCOMPARE(server.requests("/sdapi/v1/txt2img").size(), 1);
    }

    void automatic1111ReportsItsOwnErrorText()
    {
        FakeGenerationServer server;
        GenerationLimits limits = fastLimits();
        limits.retries = 0;
        const auto backend = makeBackend(kA1111, server.url(), limits);
        // AUTOMATIC1111's error body: the exception type in "error", its message in "errors".
        server.script("/sdapi/v1/txt2img",
                      {FakeBehaviour::status(500, R"({"error":"OutOfMemoryError","detail":"","body":"","errors":"CUDA out of memory.\nTried to allocate 2 GiB"})")});
        const QString error = generateOne(*backend, requestFor(kA1111, 1)).error;
        QCOMPARE(error, server.url() + QStringLiteral("/sdapi/v1/txt2img: HTTP 500: OutOfMemoryError: CUDA out of memory. "
                                                      "Tried to allocate 2 GiB (after 1 try)"));
    }

    void automatic1111WithoutApiIsReportedWithTheFix()
    {
        FakeGenerationServer server;
        // A webui started without --api has no /sdapi routes.
        server.script("/sdapi/v1/options", {FakeBehaviour::status(404, R"({"detail":"Not Found"})")});
        const auto backend = makeBackend(kA1111, server.url());
        const QString error = errorOf([&] { backend->checkReachable(nullptr); });
        QVERIFY(error.contains(server.url() + QStringLiteral("/sdapi/v1/options: HTTP 404: Not Found")));
        QVERIFY(error.contains(QStringLiteral("--api")));
    }

    void automatic1111ReencodesOtherFormatsAsPng()
    {
        FakeGenerationServer server;
        // A 2 × 1 24-bit BMP: servers may send JPEG/WebP/BMP; samples are always stored as PNG.
        const QByteArray bmp = QByteArray::fromHex("424d3e000000000000003600000028000000020000000100000001001800000000"
                                                   "0008000000000000000000000000000000000000000000ff00ff000000");
        const QJsonObject answer{{"images", QJsonArray{QString::fromLatin1(bmp.toBase64())}}, {"info", "{}"}};
        server.script("/sdapi/v1/txt2img", {FakeBehaviour::status(200, QJsonDocument(answer).toJson())});
        const GenerationOutcome outcome = generateOne(*makeBackend(kA1111, server.url()), requestFor(kA1111, 5));
        QVERIFY2(outcome.ok(), qPrintable(outcome.error));
        QVERIFY(outcome.images.at(0).png.startsWith("\x89PNG\r\n\x1a\n"));
        QCOMPARE(outcome.images.at(0).seed, qint64(5)); // no all_seeds: seed + i
    }

    // --- faultline-embedding-decoder/1 -------------------------------------------------------

    void embeddingDecoderSendsTheVectorAndDecodesImages()
    {
        FakeGenerationServer server;
        const auto backend = makeBackend(kDecoder, server.url(), fastLimits(), QStringLiteral("tok"));
        server.setAuthorization("Bearer tok");
        QCOMPARE(backend->name(), kDecoder);
        QVERIFY(backend->acceptsEmbeddings());
        QVERIFY(!backend->acceptsPrompts());

        GenerationRequest request = requestFor(kDecoder, 7, 3);
        request.embeddingSpace = QStringLiteral("vit_l_14"); // the same model, written differently
        request.prompt = QStringLiteral("in the snow");
        request.negativePrompt = QStringLiteral("text");
        request.width = 256;
        request.height = 320;
        request.steps = 12;
        request.guidanceScale = 4.0;
        const GenerationOutcome outcome = generateOne(*backend, request);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error));
        QCOMPARE(outcome.images.size(), size_t(3));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(outcome.images[size_t(i)].seed, qint64(7 + i));
            QCOMPARE(outcome.images[size_t(i)].png, FakeGenerationServer::imageFor(7 + i));
            QCOMPARE(outcome.images[size_t(i)].info.value("pipeline").toString(), QStringLiteral("fake-unclip"));
        }

        // generate() read /v1/info first.
        QCOMPARE(server.requests("/v1/info").size(), 1);
        const QJsonObject parameters = backend->parameters();
        QCOMPARE(parameters.value("backend").toString(), kDecoder);
        QCOMPARE(parameters.value("url").toString(), server.url());
        QCOMPARE(parameters.value("clip_model").toString(), QStringLiteral("ViT-L/14"));
        QCOMPARE(parameters.value("embedding_dim").toInt(), 768);
        QCOMPARE(parameters.value("max_count").toInt(), 4);
        QCOMPARE(parameters.value("pipeline").toString(), QStringLiteral("fake-unclip"));
        QCOMPARE(parameters.value("server").toString(), QStringLiteral("FakeGenerationServer/1"));
        QVERIFY(!QJsonDocument(parameters).toJson().contains("tok\""));

        const FakeRequest sent = server.requests("/v1/decode").at(0);
        QCOMPARE(sent.headers.value("authorization"), QByteArrayLiteral("Bearer tok"));
        const QJsonObject body = sent.json();
        const QJsonArray embedding = body.value("embedding").toArray();
        QCOMPARE(embedding.size(), 768);
        for (int i = 0; i < 768; ++i)
            QCOMPARE(float(embedding.at(i).toDouble()), request.embedding[size_t(i)]);
        QCOMPARE(body.value("clip_model").toString(), QStringLiteral("ViT-L/14")); // the server's spelling
        QCOMPARE(body.value("seed").toInteger(), qint64(7));
        QCOMPARE(body.value("count").toInt(), 3);
        QCOMPARE(body.value("width").toInt(), 256);
        QCOMPARE(body.value("height").toInt(), 320);
        QCOMPARE(body.value("steps").toInt(), 12);
        QCOMPARE(body.value("guidance_scale").toDouble(), 4.0);
        QCOMPARE(body.value("prompt").toString(), QStringLiteral("in the snow"));
        QCOMPARE(body.value("negative_prompt").toString(), QStringLiteral("text"));
    }

    void embeddingDecoderRejectsVectorsOfAnotherClipModel()
    {
        FakeGenerationServer server;
        const auto backend = makeBackend(kDecoder, server.url());
        GenerationRequest b32;
        b32.embedding = unitVector(512, 1);
        b32.embeddingSpace = QStringLiteral("ViT-B/32");
        GenerationRequest b16As768 = requestFor(kDecoder, 2); // right size, wrong model
        b16As768.embeddingSpace = QStringLiteral("ViT-B/16");
        GenerationRequest unnamed = requestFor(kDecoder, 3);
        unnamed.embeddingSpace.clear();
        GenerationRequest promptOnly;
        promptOnly.prompt = QStringLiteral("a cat");
        const Delivered delivered = generateAll(*backend, {b32, requestFor(kDecoder, 9), b16As768, unnamed, promptOnly});
        QCOMPARE(delivered.order.size(), 5);
        QCOMPARE(delivered.at(0).error,
                 QStringLiteral("this run's embeddings are ViT-B/32 (512-d) but %1 decodes ViT-L/14 (768-d) vectors; "
                                "analyse with ViT-L/14 or use a text-to-image backend").arg(server.url()));
        QVERIFY2(delivered.at(1).ok(), qPrintable(delivered.at(1).error));
        QVERIFY(delivered.at(2).error.startsWith(QStringLiteral("this run's embeddings are ViT-B/16 (768-d)")));
        QVERIFY(delivered.at(3).error.contains(QStringLiteral("unnamed")));
        QVERIFY(delivered.at(4).error.contains(QStringLiteral("text-to-image")));
        QCOMPARE(server.requests("/v1/decode").size(), 1); // only the matching vector was sent
    }

    void embeddingDecoderServerSideRejectionIsNotRetried()
    {
        FakeGenerationServer server;
        const auto backend = makeBackend(kDecoder, server.url());
        const GenerationOutcome outcome = generateOne(*backend, requestFor(kDecoder, 1, 5)); // max_count is 4
        QCOMPARE(outcome.error, server.url() + QStringLiteral("/v1/decode: HTTP 400: count 5 is not in 1..4 (after 1 try)"));
        QCOMPARE(server.requests("/v1/decode").size(), 1);
    }

    void embeddingDecoderChecksTheProtocol()
    {
        FakeGenerationServer server;
        server.script("/v1/info", {FakeBehaviour::status(200, R"({"protocol":"something-else/2"})"),
                                   FakeBehaviour::status(200, R"({"protocol":"faultline-embedding-decoder/1"})")});
        const auto backend = makeBackend(kDecoder, server.url());
        QString error = errorOf([&] { backend->checkReachable(nullptr); });
        QVERIFY(error.contains(server.url() + QStringLiteral("/v1/info")));
        QVERIFY(error.contains(QStringLiteral("\"something-else/2\", not faultline-embedding-decoder/1")));
        error = errorOf([&] { backend->checkReachable(nullptr); });
        QVERIFY(error.contains(QStringLiteral("embedding_dim")));
        // generate() throws too, rather than sending vectors to a server it does not understand.
        server.script("/v1/info", {FakeBehaviour::garbageJson()});
        error = errorOf([&] { generateAll(*backend, {requestFor(kDecoder, 1)}); });
        QVERIFY(error.contains(QStringLiteral("not JSON")));
        QCOMPARE(server.requests("/v1/decode").size(), 0);
    }

    void tokenIsRequiredWhenTheServerHasOne()
    {
        FakeGenerationServer server;
        server.setAuthorization("Bearer right");
        for (const QString &token : {QString(), QStringLiteral("wrong")}) {
            const auto backend = makeBackend(kDecoder, server.url(), fastLimits(), token);
            const QString error = errorOf([&] { backend->checkReachable(nullptr); });
            QVERIFY(error.contains(QStringLiteral("HTTP 401: missing or wrong token (after 1 try)")));
            QVERIFY(error.contains(QStringLiteral("check the token")));
        }
        QCOMPARE(server.requests("/v1/info").at(0).headers.contains("authorization"), false);
        QCOMPARE(server.requests("/v1/info").at(1).headers.value("authorization"), QByteArrayLiteral("Bearer wrong"));
        makeBackend(kDecoder, server.url(), fastLimits(), QStringLiteral("right"))->checkReachable(nullptr);
    }

    // --- Both backends: faults, retries, limits ----------------------------------------------

    void unreachableServer_data() { bothBackends(); }
    void unreachableServer()
    {
        QFETCH(QString, kind);
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(unusedPort());
        const auto backend = makeBackend(kind, url);
        QElapsedTimer clock;
        clock.start();
        const QString error = errorOf([&] { backend->checkReachable(nullptr); });
        QVERIFY(error.contains(url + (kind == kA1111 ? QStringLiteral("/sdapi/v1/options") : QStringLiteral("/v1/info"))
                               + QStringLiteral(": connection refused (after 1 try)")));
        if (kind == kA1111)
            QVERIFY(error.contains(QStringLiteral("--api")));
        QVERIFY(clock.elapsed() < 2000);
    }

    void slowReachabilityCheckTimesOutOnce()
    {
        FakeGenerationServer server;
        server.script("/v1/info", {FakeBehaviour::slow(3000)});
        GenerationLimits limits = fastLimits();
        limits.timeoutMs = 300;
        const auto backend = makeBackend(kDecoder, server.url(), limits);
        const QString error = errorOf([&] { backend->checkReachable(nullptr); });
        QVERIFY(error.contains(server.url() + QStringLiteral("/v1/info: no complete answer within 0.3 s (after 1 try)")));
        QCOMPARE(server.requests("/v1/info").size(), 1); // a check is not retried
    }

    void transientFailuresAreRetriedWithBackoff_data() { bothBackends(); }
    void transientFailuresAreRetriedWithBackoff()
    {
        QFETCH(QString, kind);
        FakeGenerationServer server;
        GenerationLimits limits = fastLimits();
        limits.backoffMs = 150;
        const auto backend = makeBackend(kind, server.url(), limits);
        server.script(generatePath(kind), {FakeBehaviour::status(500, R"({"error":"pipeline failed"})"),
                                           FakeBehaviour::status(503, R"({"error":"busy"})"), FakeBehaviour::ok()});
        const GenerationOutcome outcome = generateOne(*backend, requestFor(kind, 3));
        QVERIFY2(outcome.ok(), qPrintable(outcome.error));
        QCOMPARE(outcome.images.at(0).png, FakeGenerationServer::imageFor(3));
        const QList<FakeRequest> tries = server.requests(generatePath(kind));
        QCOMPARE(tries.size(), 3);
        QCOMPARE(tries[0].body, tries[2].body); // the same request again
        // 150 ms, then 300 ms (a little slack for timer granularity).
        QVERIFY2(tries[1].receivedMs - tries[0].receivedMs >= 140, qPrintable(QString::number(tries[1].receivedMs - tries[0].receivedMs)));
        QVERIFY2(tries[2].receivedMs - tries[1].receivedMs >= 290, qPrintable(QString::number(tries[2].receivedMs - tries[1].receivedMs)));
    }

    void retriesRunOut_data() { bothBackends(); }
    void retriesRunOut()
    {
        QFETCH(QString, kind);
        FakeGenerationServer server;
        const auto backend = makeBackend(kind, server.url());
        const auto busy = FakeBehaviour::status(503, R"({"error":"busy: 3 jobs queued"})");
        server.script(generatePath(kind), {busy, busy, busy, FakeBehaviour::ok()});
        const QString error = generateOne(*backend, requestFor(kind, 1)).error;
        QCOMPARE(error, server.url() + QString::fromLatin1(generatePath(kind)) + QStringLiteral(": HTTP 503: busy: 3 jobs queued (after 3 tries)"));
        QCOMPARE(server.requests(generatePath(kind)).size(), 3);
    }

    void retriedStatuses_data()
    {
        QTest::addColumn<int>("status");
        for (int status : {429, 500, 502, 503, 504})
            QTest::addRow("%d", status) << status;
    }
    void retriedStatuses()
    {
        QFETCH(int, status);
        FakeGenerationServer server;
        server.script(generatePath(kA1111), {FakeBehaviour::status(status)});
        QVERIFY(generateOne(*makeBackend(kA1111, server.url()), requestFor(kA1111, 1)).ok());
        QCOMPARE(server.requests(generatePath(kA1111)).size(), 2);
    }

    void clientErrorsAreNotRetried_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("400") << 400 << QByteArray(R"({"error":"embedding is not unit length"})")
                             << QStringLiteral("HTTP 400: embedding is not unit length (after 1 try)");
        QTest::newRow("401") << 401 << QByteArray(R"({"detail":"Not authenticated"})")
                             << QStringLiteral("HTTP 401: Not authenticated (after 1 try)");
        QTest::newRow("404 without a body") << 404 << QByteArray() << QStringLiteral("HTTP 404 (after 1 try)");
        QTest::newRow("422 FastAPI validation")
            << 422 << QByteArray(R"({"detail":[{"loc":["body","steps"],"msg":"value is not a valid integer"}]})")
            << QStringLiteral(R"(HTTP 422: [{"loc":["body","steps"],"msg":"value is not a valid integer"}] (after 1 try))");
        QTest::newRow("long multi-line text") << 400 << QByteArray(R"({"error":")" + QByteArray(300, 'x') + R"(\nmore"})")
                                              << QStringLiteral("HTTP 400: ") + QString(199, QLatin1Char('x')) + QChar(0x2026)
                                                     + QStringLiteral(" (after 1 try)");
    }
    void clientErrorsAreNotRetried()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        FakeGenerationServer server;
        server.script("/v1/decode", {FakeBehaviour::status(status, body)});
        const QString error = generateOne(*makeBackend(kDecoder, server.url()), requestFor(kDecoder, 1)).error;
        QCOMPARE(error, server.url() + QStringLiteral("/v1/decode: ") + expected);
        QCOMPARE(server.requests("/v1/decode").size(), 1);
    }

    void slowAnswersTimeOut_data() { bothBackends(); }
    void slowAnswersTimeOut()
    {
        QFETCH(QString, kind);
        FakeGenerationServer server;
        GenerationLimits limits = fastLimits();
        limits.timeoutMs = 300;
        limits.retries = 1;
        const auto backend = makeBackend(kind, server.url(), limits);
        backend->checkReachable(nullptr);
        server.script(generatePath(kind), {FakeBehaviour::slow(3000), FakeBehaviour::slow(3000)});
        QElapsedTimer clock;
        clock.start();
        const QString error = generateOne(*backend, requestFor(kind, 1)).error;
        QCOMPARE(error, server.url() + QString::fromLatin1(generatePath(kind)) + QStringLiteral(": no complete answer within 0.3 s (after 2 tries)"));
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(server.requests(generatePath(kind)).size(), 2);
    }

    void slowAnswerWithinTheTimeout()
    {
        FakeGenerationServer server;
        server.script("/v1/decode", {FakeBehaviour::slow(250)});
        QVERIFY(generateOne(*makeBackend(kDecoder, server.url()), requestFor(kDecoder, 1)).ok());
        QCOMPARE(server.requests("/v1/decode").size(), 1);
    }

    void oversizedAnswersAreAborted_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("declared");
        for (const QString &kind : {kA1111, kDecoder}) {
            QTest::addRow("%s, Content-Length", qPrintable(kind)) << kind << true;
            QTest::addRow("%s, streamed", qPrintable(kind)) << kind << false;
        }
    }
    void oversizedAnswersAreAborted()
    {
        QFETCH(QString, kind);
        QFETCH(bool, declared);
        FakeGenerationServer server;
        const auto backend = makeBackend(kind, server.url()); // 1 MiB at most
        server.script(generatePath(kind), {declared ? FakeBehaviour::oversizedLength() : FakeBehaviour::oversizedStream(8 << 20)});
        QElapsedTimer clock;
        clock.start();
        const QString error = generateOne(*backend, requestFor(kind, 1)).error;
        QCOMPARE(error, server.url() + QString::fromLatin1(generatePath(kind)) + QStringLiteral(": response larger than 1 MiB (after 1 try)"));
        QVERIFY(clock.elapsed() < 700); // aborted, not timed out
        QCOMPARE(server.requests(generatePath(kind)).size(), 1);
    }

    void droppedConnectionsAreRetried_data() { bothBackends(); }
    void droppedConnectionsAreRetried()
    {
        QFETCH(QString, kind);
        FakeGenerationServer server;
        GenerationLimits limits = fastLimits();
        limits.retries = 1;
        const auto backend = makeBackend(kind, server.url(), limits);
        backend->checkReachable(nullptr);
        server.script(generatePath(kind), {FakeBehaviour::dropMidResponse(), FakeBehaviour::ok()});
        QVERIFY(generateOne(*backend, requestFor(kind, 1)).ok());
        QCOMPARE(server.requests(generatePath(kind)).size(), 2);

        server.script(generatePath(kind), {FakeBehaviour::dropMidResponse(), FakeBehaviour::dropMidResponse()});
        const QString error = generateOne(*backend, requestFor(kind, 2)).error;
        QVERIFY(error.startsWith(server.url() + QString::fromLatin1(generatePath(kind)) + QStringLiteral(": connection dropped after ")));
        QVERIFY(error.endsWith(QStringLiteral("bytes of the answer (after 2 tries)")));
        QCOMPARE(server.requests(generatePath(kind)).size(), 4);
    }

    void badAnswersAreReportedAtOnce_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("behaviour");
        QTest::addColumn<QString>("expected");
        using Kind = FakeBehaviour::Kind;
        for (const QString &kind : {kA1111, kDecoder}) {
            QTest::addRow("%s, garbage JSON", qPrintable(kind))
                << kind << int(Kind::GarbageJson) << QStringLiteral(": HTTP 200 but the answer is not JSON (illegal value) (after 1 try)");
            QTest::addRow("%s, not an image", qPrintable(kind))
                << kind << int(Kind::NotAnImage)
                << QStringLiteral(": image 2 of 2 is not a decodable image (not a supported image or corrupt data)");
            // Refused from its header (issue 12 A8): more than 4 × the asked 512 × 512 pixels.
            QTest::addRow("%s, pixel bomb", qPrintable(kind))
                << kind << int(Kind::PixelBomb)
                << QStringLiteral(": image 2 of 2 is not a decodable image (60000 × 60000 pixels in its header, more"
                                  " than the 1048576 an image may have)");
            QTest::addRow("%s, wrong count", qPrintable(kind))
                << kind << int(Kind::WrongImageCount) << QStringLiteral(": asked for 2 images, the answer has 3");
        }
    }
    void badAnswersAreReportedAtOnce()
    {
        QFETCH(QString, kind);
        QFETCH(int, behaviour);
        QFETCH(QString, expected);
        FakeGenerationServer server;
        FakeBehaviour misbehave;
        misbehave.kind = FakeBehaviour::Kind(behaviour);
        server.script(generatePath(kind), {misbehave});
        const GenerationOutcome outcome = generateOne(*makeBackend(kind, server.url()), requestFor(kind, 1, 2));
        QCOMPARE(outcome.error, server.url() + QString::fromLatin1(generatePath(kind)) + expected);
        QVERIFY(outcome.images.empty());
        QCOMPARE(server.requests(generatePath(kind)).size(), 1);
    }

    void answersWithoutAnImageList()
    {
        FakeGenerationServer server;
        server.script("/v1/decode", {FakeBehaviour::status(200, R"({"detail":"done"})"), FakeBehaviour::status(200, "[1, 2]")});
        const auto backend = makeBackend(kDecoder, server.url());
        QCOMPARE(generateOne(*backend, requestFor(kDecoder, 1)).error,
                 server.url() + QStringLiteral("/v1/decode: the answer has no \"images\" list"));
        QCOMPARE(generateOne(*backend, requestFor(kDecoder, 1)).error,
                 server.url() + QStringLiteral("/v1/decode: HTTP 200 but the answer is not a JSON object (after 1 try)"));
    }

    void concurrencyIsLimited_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("maxConcurrent");
        QTest::newRow("automatic1111, 1") << kA1111 << 1;
        QTest::newRow("automatic1111, 2") << kA1111 << 2;
        QTest::newRow("embedding-decoder, 3") << kDecoder << 3;
    }
    void concurrencyIsLimited()
    {
        QFETCH(QString, kind);
        QFETCH(int, maxConcurrent);
        FakeGenerationServer server;
        GenerationLimits limits = fastLimits();
        limits.maxConcurrent = maxConcurrent;
        const auto backend = makeBackend(kind, server.url(), limits);
        std::vector<GenerationRequest> requests;
        QList<FakeBehaviour> slow;
        for (int i = 0; i < 6; ++i) {
            requests.push_back(requestFor(kind, 100 * i));
            slow << FakeBehaviour::slow(150);
        }
        server.script(generatePath(kind), slow);
        const Delivered delivered = generateAll(*backend, requests);
        QCOMPARE(delivered.order.size(), 6);
        for (int i = 0; i < 6; ++i) {
            QVERIFY2(delivered.at(i).ok(), qPrintable(delivered.at(i).error));
            QCOMPARE(delivered.at(i).images.at(0).seed, qint64(100 * i));
        }
        QCOMPARE(server.peakConcurrent(), maxConcurrent);
    }

    void oneFailedRequestLosesNothingElse_data() { bothBackends(); }
    void oneFailedRequestLosesNothingElse()
    {
        QFETCH(QString, kind);
        FakeGenerationServer server;
        GenerationLimits limits = fastLimits();
        limits.maxConcurrent = 1; // the script's order is the requests' order
        limits.retries = 0;
        const auto backend = makeBackend(kind, server.url(), limits);
        server.script(generatePath(kind), {FakeBehaviour::ok(), FakeBehaviour::status(500, R"({"error":"pipeline failed"})"),
                                           FakeBehaviour::garbageJson(), FakeBehaviour::notAnImage(),
                                           FakeBehaviour::dropMidResponse(), FakeBehaviour::ok()});
        std::vector<GenerationRequest> requests;
        for (int i = 0; i < 6; ++i)
            requests.push_back(requestFor(kind, 10 * i, 2));
        const Delivered delivered = generateAll(*backend, requests);
        QCOMPARE(delivered.order, (QList<int>{0, 1, 2, 3, 4, 5}));
        for (int i : {0, 5}) {
            QVERIFY2(delivered.at(i).ok(), qPrintable(delivered.at(i).error));
            QCOMPARE(delivered.at(i).images.size(), size_t(2));
            QCOMPARE(delivered.at(i).images[1].png, FakeGenerationServer::imageFor(10 * i + 1));
        }
        QVERIFY(delivered.at(1).error.contains(QStringLiteral("HTTP 500: pipeline failed")));
        QVERIFY(delivered.at(2).error.contains(QStringLiteral("not JSON")));
        QVERIFY(delivered.at(3).error.contains(QStringLiteral("image 2 of 2 is not a decodable image")));
        QVERIFY(delivered.at(4).error.contains(QStringLiteral("connection dropped")));
    }

    void cancelDuringASlowRequest_data() { bothBackends(); }
    void cancelDuringASlowRequest()
    {
        QFETCH(QString, kind);
        FakeGenerationServer server;
        GenerationLimits limits = fastLimits();
        limits.timeoutMs = 20000;
        const auto backend = makeBackend(kind, server.url(), limits);
        backend->checkReachable(nullptr);
        server.script(generatePath(kind), {FakeBehaviour::ok(), FakeBehaviour::slow(10000), FakeBehaviour::slow(10000)});
        JobControl control;
        Delivered delivered;
        std::thread canceller;
        QElapsedTimer clock;
        bool cancelled = false;
        try {
            backend->generate({requestFor(kind, 1), requestFor(kind, 2), requestFor(kind, 3)}, &control,
                              [&](int index, const GenerationOutcome &outcome) {
                                  delivered.outcomes[index] = outcome;
                                  delivered.order << index;
                                  // Cancel from another thread once the first image is stored.
                                  QVERIFY(!canceller.joinable());
                                  canceller = std::thread([&control] {
                                      std::this_thread::sleep_for(std::chrono::milliseconds(300));
                                      control.requestCancel();
                                  });
                                  clock.start();
                              });
        } catch (const JobCancelled &) {
            cancelled = true;
        }
        canceller.join();
        QVERIFY(cancelled);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(delivered.order, QList<int>{0}); // what was delivered before the cancel stays
        QVERIFY(delivered.at(0).ok());
        QCOMPARE(server.requests(generatePath(kind)).size(), 3);
        QVERIFY(generateOne(*backend, requestFor(kind, 4)).ok()); // the backend is usable again
    }

    void alreadyCancelledSendsNothing()
    {
        FakeGenerationServer server;
        const auto backend = makeBackend(kDecoder, server.url());
        backend->checkReachable(nullptr);
        JobControl control;
        control.requestCancel();
        QVERIFY_THROWS_EXCEPTION(JobCancelled, generateAll(*backend, {requestFor(kDecoder, 1)}, &control));
        QCOMPARE(server.requests("/v1/decode").size(), 0);
    }

    void aThrowingHandlerAbortsTheRest()
    {
        FakeGenerationServer server;
        const auto backend = makeBackend(kA1111, server.url());
        server.script(generatePath(kA1111), {FakeBehaviour::ok(), FakeBehaviour::slow(5000)});
        QElapsedTimer clock;
        clock.start();
        const QString error = errorOf([&] {
            backend->generate({requestFor(kA1111, 1), requestFor(kA1111, 2)}, nullptr,
                              [](int, const GenerationOutcome &) { throw Error(QStringLiteral("disk full")); });
        });
        QCOMPARE(error, QStringLiteral("disk full"));
        QVERIFY(clock.elapsed() < 2000);
    }

    // --- Configuration -----------------------------------------------------------------------

    void configRoundTripsWithoutTheToken()
    {
        GenerationBackendConfig config;
        config.kind = kA1111;
        config.url = QStringLiteral("http://gpu-box:7860");
        config.token = QStringLiteral("user:secret");
        config.sampler = QStringLiteral("Euler a");
        config.limits = fastLimits();
        const QJsonObject json = config.toJson();
        QVERIFY(!QJsonDocument(json).toJson().contains("secret"));
        QCOMPARE(json.value("limits").toObject().value("max_response_bytes").toInteger(), qint64(1 << 20));
        const GenerationBackendConfig back = GenerationBackendConfig::fromJson(json);
        QCOMPARE(back.kind, config.kind);
        QCOMPARE(back.url, config.url);
        QCOMPARE(back.sampler, config.sampler);
        QVERIFY(back.token.isEmpty());
        QCOMPARE(back.limits.timeoutMs, 800);
        QCOMPARE(back.limits.retries, 2);
        QCOMPARE(back.limits.backoffMs, 20);
        QCOMPARE(back.limits.maxConcurrent, 2);
        QCOMPARE(back.limits.maxResponseBytes, qint64(1 << 20));

        const GenerationBackendConfig defaults = GenerationBackendConfig::fromJson({{"kind", kDecoder}});
        QCOMPARE(defaults.limits.timeoutMs, GenerationLimits().timeoutMs);
        QCOMPARE(defaults.limits.maxResponseBytes, GenerationLimits().maxResponseBytes);
    }

    void configErrorsNameTheField()
    {
        QVERIFY(errorOf([] { GenerationBackendConfig::fromJson({{"url", 7}}); }).contains(QStringLiteral("\"url\" must be a string")));
        QVERIFY(errorOf([] { GenerationBackendConfig::fromJson({{"limits", 3}}); }).contains(QStringLiteral("\"limits\" must be an object")));
        QVERIFY(errorOf([] { GenerationBackendConfig::fromJson({{"limits", QJsonObject{{"max_concurrent", 0}}}}); })
                    .contains(QStringLiteral("\"limits.max_concurrent\" is 0, must be from 1 to 6")));
        QVERIFY(errorOf([] { GenerationBackendConfig::fromJson({{"limits", QJsonObject{{"timeout_ms", 1e12}}}}); })
                    .contains(QStringLiteral("\"limits.timeout_ms\" is 1000000000000, must be from 1 to 2147483647")));
        QVERIFY(errorOf([] { GenerationBackendConfig::fromJson({{"limits", QJsonObject{{"timeout_ms", 1.5}}}}); })
                    .contains(QStringLiteral("limits.timeout_ms")));
    }

    void createRejectsWhatItCannotServe_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown kind") << QStringLiteral("comfyui") << QStringLiteral("http://h:1")
                                      << QStringLiteral("unknown generation backend 'comfyui' (known: automatic1111, embedding-decoder, retrieval)");
        QTest::newRow("retrieval") << QStringLiteral("retrieval") << QString() << QStringLiteral("needs no server");
        QTest::newRow("no scheme") << kA1111 << QStringLiteral("127.0.0.1:7860") << QStringLiteral("not an http:// or https:// URL");
        QTest::newRow("ftp") << kDecoder << QStringLiteral("ftp://host/x") << QStringLiteral("not an http:// or https:// URL");
        QTest::newRow("no host") << kDecoder << QStringLiteral("http://") << QStringLiteral("not an http:// or https:// URL");
        QTest::newRow("empty") << kDecoder << QString() << QStringLiteral("not an http:// or https:// URL");
    }
    void createRejectsWhatItCannotServe()
    {
        QFETCH(QString, kind);
        QFETCH(QString, url);
        QFETCH(QString, expected);
        GenerationBackendConfig config;
        config.kind = kind;
        config.url = url;
        const QString error = errorOf([&] { createHttpGenerationBackend(config); });
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void createChecksLimits()
    {
        GenerationBackendConfig config;
        config.kind = kA1111;
        config.url = QStringLiteral("https://sd.example.org/prefix/");
        config.limits.maxConcurrent = 0;
        QVERIFY(errorOf([&] { createHttpGenerationBackend(config); }).contains(QStringLiteral("\"limits.max_concurrent\" is 0")));
        config.limits.maxConcurrent = 1;
        const auto backend = createHttpGenerationBackend(config);
        QCOMPARE(backend->parameters().value("url").toString(), QStringLiteral("https://sd.example.org/prefix"));
    }

    void clipModelNamesCompareAsPeopleWriteThem()
    {
        QVERIFY(sameClipModel(QStringLiteral("ViT-L/14"), QStringLiteral("vit_l_14")));
        QVERIFY(sameClipModel(QStringLiteral("ViT-B/32"), QStringLiteral("VITB32")));
        QVERIFY(!sameClipModel(QStringLiteral("ViT-B/32"), QStringLiteral("ViT-B/16")));
        QVERIFY(!sameClipModel(QStringLiteral("ViT-L/14"), QStringLiteral("ViT-L/14@336px")));
    }
};

QTEST_GUILESS_MAIN(TestHttpGeneration)
#include "test_http_generation.moc"
