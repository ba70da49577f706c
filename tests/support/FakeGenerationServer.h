#pragma once

// A generation server for tests: both protocols Faultline speaks (AUTOMATIC1111's
// /sdapi/v1/{options,txt2img} and faultline-embedding-decoder/1's /v1/{info,decode}, see
// docs/GENERATION_PROTOCOL.md) on 127.0.0.1, in its own thread, so the code under test can block
// the test thread in its own event loop. Every request can be told to misbehave.
//
//     FakeGenerationServer server;                         // listening on server.url()
//     server.script("/v1/decode", {FakeBehaviour::status(503), FakeBehaviour::ok()});
//     ... run a backend against server.url() ...
//     QCOMPARE(server.requests("/v1/decode").size(), 2);
//     QCOMPARE(server.requests("/v1/decode").at(1).json()["seed"].toInt(), 7);
//
// Correct answers honour the protocol: image i of a request with seed s is imageFor(s + i), the
// embedding decoder answers 400 for a wrong dimension, CLIP model, count or non-unit vector, and
// with setAuthorization() requests without that exact Authorization header get 401.
// Minimal HTTP/1.1: one request per connection, answered with "Connection: close".

#include "TestImages.h"

#include <QElapsedTimer>
#include <QtEndian>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMetaObject>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <cmath>
#include <mutex>
#include <random>

namespace faultline::testing {

// What the server does with one request.
struct FakeBehaviour
{
    enum class Kind {
        Ok,              // the protocol's answer
        Slow,            // the protocol's answer after delayMs
        Status,          // HTTP `httpStatus` with `body`
        GarbageJson,     // 200 with a body that is not JSON
        NotAnImage,      // the protocol's answer, but its last image is base64 of random bytes
        PixelBomb,       // the protocol's answer, but its last image is a PNG whose header claims 60000²
        WrongImageCount, // the protocol's answer with one image more than asked for
        OversizedLength, // 200 declaring a 1 GiB Content-Length; a few bytes, then silence
        OversizedStream, // 200 without Content-Length, streaming `bytes` bytes, then closing
        DropMidResponse, // the headers and half the body of the protocol's answer; closed 100 ms later
    };
    Kind kind = Kind::Ok;
    int delayMs = 0;
    int httpStatus = 200;
    QByteArray body;
    qint64 bytes = 0;

    static FakeBehaviour ok() { return {}; }
    static FakeBehaviour slow(int ms) { return {Kind::Slow, ms}; }
    static FakeBehaviour status(int code, QByteArray body = {}) { return {Kind::Status, 0, code, std::move(body)}; }
    static FakeBehaviour garbageJson() { return {Kind::GarbageJson}; }
    static FakeBehaviour notAnImage() { return {Kind::NotAnImage}; }
    static FakeBehaviour pixelBomb() { return {Kind::PixelBomb}; }
    static FakeBehaviour wrongImageCount() { return {Kind::WrongImageCount}; }
    static FakeBehaviour oversizedLength() { return {Kind::OversizedLength}; }
    static FakeBehaviour oversizedStream(qint64 bytes) { return {Kind::OversizedStream, 0, 200, {}, bytes}; }
    static FakeBehaviour dropMidResponse() { return {Kind::DropMidResponse}; }
};

// One request as the server received it.
struct FakeRequest
{
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    qint64 receivedMs = 0;                 // since the server started

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

class FakeGenerationServer
{
public:
    static inline const QByteArray kA1111Model = "fake-sd-v1-5.safetensors";

    FakeGenerationServer()
    {
        m_clock.start();
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(&m_context, [this] { listen(); }, Qt::BlockingQueuedConnection);
    }

    ~FakeGenerationServer()
    {
        QThread *owner = QThread::currentThread();
        QMetaObject::invokeMethod(
            &m_context,
            [this, owner] {
                for (QTcpSocket *socket : m_server->findChildren<QTcpSocket *>())
                    QObject::disconnect(socket, nullptr, &m_context, nullptr);
                delete m_server; // and its connections
                m_context.moveToThread(owner);
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    FakeGenerationServer(const FakeGenerationServer &) = delete;
    FakeGenerationServer &operator=(const FakeGenerationServer &) = delete;

    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    // The PNG the server sends for `seed` (8 × 8 pixels).
    static QByteArray imageFor(qint64 seed) { return pngBytes(8, 8, int(seed % 1000003)); }

    // What /v1/info announces and /v1/decode accepts (default: ViT-L/14, 768-d, 4 images).
    void setDecoder(const QString &clipModel, int embeddingDim, int maxCount = 4)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_clipModel = clipModel;
        m_embeddingDim = embeddingDim;
        m_maxCount = maxCount;
    }

    // Requests whose Authorization header is not exactly `expected` get 401; empty: no check.
    void setAuthorization(const QByteArray &expected)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_authorization = expected;
    }

    // The next requests to `path` ("/v1/decode", "/sdapi/v1/txt2img", "/v1/info", …) behave so,
    // one behaviour per request in arrival order; once they are used up, requests get Ok.
    void script(const QByteArray &path, const QList<FakeBehaviour> &behaviours)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_scripts[path] += behaviours;
    }

    // Requests received so far, in arrival order; only those for `path` when it is given.
    QList<FakeRequest> requests(const QByteArray &path = {}) const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        QList<FakeRequest> matching;
        for (const FakeRequest &request : m_log)
            if (path.isEmpty() || request.path == path)
                matching << request;
        return matching;
    }

    // The most requests received but not yet answered at one time.
    int peakConcurrent() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_peak;
    }

private:
    struct Answer
    {
        int status = 200;
        QByteArray body;
    };

    static QByteArray json(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }
    static Answer error(int status, const QString &text) { return {status, json({{"error", text}})}; }

    static QByteArray head(int status, qint64 contentLength)
    {
        static const QHash<int, QByteArray> reasons{{200, "OK"},
                                                    {400, "Bad Request"},
                                                    {401, "Unauthorized"},
                                                    {404, "Not Found"},
                                                    {405, "Method Not Allowed"},
                                                    {422, "Unprocessable Entity"},
                                                    {429, "Too Many Requests"},
                                                    {500, "Internal Server Error"},
                                                    {502, "Bad Gateway"},
                                                    {503, "Service Unavailable"},
                                                    {504, "Gateway Timeout"}};
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status, "Status")
                          + "\r\nContent-Type: application/json\r\nConnection: close\r\n";
        if (contentLength >= 0)
            head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
        return head + "\r\n";
    }

    // Runs on the server thread from here on.
    void listen()
    {
        m_server = new QTcpServer(&m_context);
        m_server->listen(QHostAddress::LocalHost, 0);
        m_port = m_server->serverPort();
        QObject::connect(m_server, &QTcpServer::newConnection, &m_context, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, &m_context, [this, socket] { receive(socket); });
                QObject::connect(socket, &QTcpSocket::disconnected, &m_context, [this, socket] {
                    m_buffers.remove(socket);
                    answered(socket);
                    socket->deleteLater();
                });
            }
        });
    }

    void receive(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        FakeRequest request;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.path = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qint64 length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        request.body = buffer.mid(end + 4, length);
        m_buffers.remove(socket);
        respond(socket, std::move(request));
    }

    void respond(QTcpSocket *socket, FakeRequest request)
    {
        FakeBehaviour behaviour;
        bool authorized = true;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            request.receivedMs = m_clock.elapsed();
            m_log << request;
            m_peak = qMax(m_peak, ++m_active);
            authorized = m_authorization.isEmpty() || request.headers.value("authorization") == m_authorization;
            QList<FakeBehaviour> &script = m_scripts[request.path];
            if (authorized && !script.isEmpty())
                behaviour = script.takeFirst();
        }
        m_unanswered.insert(socket);
        if (!authorized)
            return send(socket, error(401, QStringLiteral("missing or wrong token")));
        using Kind = FakeBehaviour::Kind;
        switch (behaviour.kind) {
        case Kind::Slow:
            QTimer::singleShot(behaviour.delayMs, socket, [this, socket, request] { send(socket, protocolAnswer(request, Kind::Ok)); });
            return;
        case Kind::Status:
            return send(socket, {behaviour.httpStatus, behaviour.body});
        case Kind::GarbageJson:
            return send(socket, {200, "<html><body>502 proxy error</body></html>"});
        case Kind::OversizedLength:
            return sendRaw(socket, head(200, qint64(1) << 30) + "{\"images\": [\"", false);
        case Kind::OversizedStream:
            return sendRaw(socket, head(200, -1) + "{\"images\": [\"" + QByteArray(behaviour.bytes, 'A') + "\"]}", true);
        case Kind::DropMidResponse: {
            // Closed a little later, so the client has read the first half: were both to arrive at
            // once, Qt would treat it as a connection lost before any answer and resend by itself.
            const Answer answer = protocolAnswer(request, Kind::Ok);
            sendRaw(socket, head(answer.status, answer.body.size()) + answer.body.left(answer.body.size() / 2), false);
            QTimer::singleShot(100, socket, [socket] { socket->disconnectFromHost(); });
            return;
        }
        default:
            return send(socket, protocolAnswer(request, behaviour.kind));
        }
    }

    void answered(QTcpSocket *socket)
    {
        if (m_unanswered.remove(socket)) {
            std::lock_guard<std::mutex> lock(m_mutex);
            --m_active;
        }
    }

    void send(QTcpSocket *socket, const Answer &answer) { sendRaw(socket, head(answer.status, answer.body.size()) + answer.body, true); }

    void sendRaw(QTcpSocket *socket, const QByteArray &bytes, bool close)
    {
        answered(socket); // before the client can see the answer, so peakConcurrent() never overcounts
        socket->write(bytes);
        if (close)
            socket->disconnectFromHost(); // after the pending bytes are written
    }

    Answer protocolAnswer(const FakeRequest &request, FakeBehaviour::Kind kind) const
    {
        const bool post = request.method == "POST";
        if (request.path == "/v1/info" && !post)
            return info();
        if (request.path == "/v1/decode" && post)
            return decode(request.json(), kind);
        if (request.path == "/sdapi/v1/options" && !post)
            return {200, json({{"sd_model_checkpoint", QString::fromLatin1(kA1111Model)}, {"CLIP_stop_at_last_layers", 1}})};
        if (request.path == "/sdapi/v1/txt2img" && post)
            return txt2img(request.json(), kind);
        return {404, json({{"detail", "Not Found"}})};
    }

    Answer info() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return {200, json({{"protocol", "faultline-embedding-decoder/1"},
                           {"clip_model", m_clipModel},
                           {"embedding_dim", m_embeddingDim},
                           {"max_count", m_maxCount},
                           {"pipeline", "fake-unclip"},
                           {"server", "FakeGenerationServer/1"}})};
    }

    // The images' base64 for seeds seed, seed + 1, …: one more with WrongImageCount, the last one
    // random bytes with NotAnImage, a PNG claiming 60000 × 60000 pixels with PixelBomb.
    static QStringList imagesBase64(qint64 seed, int count, FakeBehaviour::Kind kind)
    {
        if (kind == FakeBehaviour::Kind::WrongImageCount)
            ++count;
        QStringList images;
        for (int i = 0; i < count; ++i)
            images << QString::fromLatin1(imageFor(seed + i).toBase64());
        if (kind == FakeBehaviour::Kind::NotAnImage && count > 0) {
            std::mt19937 random{quint32(seed)};
            QByteArray noise(300, '\0');
            for (char &byte : noise)
                byte = char(random());
            images.last() = QString::fromLatin1(noise.toBase64());
        }
        if (kind == FakeBehaviour::Kind::PixelBomb && count > 0) {
            QByteArray bomb = imageFor(seed + count - 1);
            qToBigEndian(quint32(60000), bomb.data() + 16); // IHDR width, height
            qToBigEndian(quint32(60000), bomb.data() + 20);
            images.last() = QString::fromLatin1(bomb.toBase64());
        }
        return images;
    }

    Answer decode(const QJsonObject &body, FakeBehaviour::Kind kind) const
    {
        QString clipModel;
        int dim = 0, maxCount = 0;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            clipModel = m_clipModel;
            dim = m_embeddingDim;
            maxCount = m_maxCount;
        }
        const QJsonArray embedding = body.value("embedding").toArray();
        if (embedding.size() != dim)
            return error(400, QStringLiteral("embedding has %1 values; %2 takes %3").arg(embedding.size()).arg(clipModel).arg(dim));
        if (body.value("clip_model").toString() != clipModel)
            return error(400, QStringLiteral("clip_model %1 does not match the server's %2").arg(body.value("clip_model").toString(), clipModel));
        double norm = 0;
        for (const QJsonValue &value : embedding)
            norm += value.toDouble() * value.toDouble();
        if (std::abs(std::sqrt(norm) - 1.0) > 1e-3)
            return error(400, QStringLiteral("embedding is not unit length (%1)").arg(std::sqrt(norm)));
        const int count = body.value("count").toInt(1);
        if (count < 1 || count > maxCount)
            return error(400, QStringLiteral("count %1 is not in 1..%2").arg(count).arg(maxCount));
        const qint64 seed = body.value("seed").toInteger();
        QJsonArray images;
        const QStringList base64 = imagesBase64(seed, count, kind);
        for (int i = 0; i < base64.size(); ++i)
            images.append(QJsonObject{{"png_base64", base64[i]}, {"seed", seed + i}});
        return {200, json({{"images", images}, {"info", QJsonObject{{"pipeline", "fake-unclip"}, {"clip_model", clipModel}}}})};
    }

    static Answer txt2img(const QJsonObject &body, FakeBehaviour::Kind kind)
    {
        const qint64 seed = body.value("seed").toInteger(-1);
        const int count = body.value("batch_size").toInt(1);
        QJsonArray allSeeds;
        for (int i = 0; i < count; ++i)
            allSeeds.append(seed + i);
        const QJsonObject info{{"all_seeds", allSeeds},
                               {"seed", seed},
                               {"sd_model_name", "fake-sd-v1-5"},
                               {"sd_model_hash", "0123abcd"},
                               {"sampler_name", body.value("sampler_name").toString(QStringLiteral("Euler a"))},
                               {"cfg_scale", body.value("cfg_scale")},
                               {"steps", body.value("steps")},
                               {"infotexts", QJsonArray{"not kept"}}};
        return {200, json({{"images", QJsonArray::fromStringList(imagesBase64(seed, count, kind))},
                           {"parameters", body},
                           {"info", QString::fromUtf8(json(info))}})};
    }

    QThread m_thread;
    QObject m_context; // lives in m_thread: the server's objects and handlers run there
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    QElapsedTimer m_clock;
    QHash<QTcpSocket *, QByteArray> m_buffers; // server thread only
    QSet<QTcpSocket *> m_unanswered;           // server thread only

    mutable std::mutex m_mutex; // guards what follows: shared with the test thread
    QString m_clipModel = QStringLiteral("ViT-L/14");
    int m_embeddingDim = 768;
    int m_maxCount = 4;
    QByteArray m_authorization;
    QHash<QByteArray, QList<FakeBehaviour>> m_scripts;
    QList<FakeRequest> m_log;
    int m_active = 0;
    int m_peak = 0;
};

} // namespace faultline::testing
