// ModelCatalog and ModelManager against a small HTTP/1.1 server this test runs on 127.0.0.1 in
// its own thread (the download blocks the test thread in its own event loop). The server serves
// the tiny CLIP checkpoint from FAULTLINE_CLIP_REFERENCE and misbehaves on request: truncated
// bodies, wrong bytes, stalls, 404/500, ignored Range headers.

#include "common/Error.h"
#include "common/JobControl.h"
#include "jobs/BackgroundJob.h"
#include "models/ModelCatalog.h"
#include "models/ModelManager.h"
#include "ErrorOf.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QNetworkProxy>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <mutex>

using namespace faultline;
using faultline::testing::errorOf;

namespace {

const QString kFileName = QStringLiteral("tiny_clip.safetensors");

class HttpTestServer : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Normal, Truncate, WrongBytes, Stall, NotFound, ServerError, IgnoreRange };

    explicit HttpTestServer(QByteArray body) : m_body(std::move(body)) {}

    void setMode(Mode mode) { m_mode.store(int(mode)); }
    Mode mode() const { return Mode(m_mode.load()); }
    qint64 truncateAt() const { return m_body.size() / 2 + 12345; }
    qint64 stallAfter() const { return 64 * 1024; }
    quint16 port() const { return m_port.load(); }
    int requests() const { return m_requests.load(); }
    QStringList rangeHeaders() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_ranges;
    }
    void clearLog()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_ranges.clear();
        m_requests.store(0);
    }

public Q_SLOTS:
    void listen()
    {
        m_server = new QTcpServer(this);
        m_server->listen(QHostAddress::LocalHost, 0);
        m_port.store(m_server->serverPort());
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    void shutdown()
    {
        for (QTcpSocket *socket : findChildren<QTcpSocket *>())
            socket->abort();
        if (m_server)
            m_server->close();
    }

private:
    void onReadyRead(QTcpSocket *socket)
    {
        QByteArray &buffer = m_pending[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        m_pending.remove(socket);
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        const bool headOnly = requestLine.value(0) == "HEAD"; // the headers a GET would get, no body
        const QByteArray path = requestLine.value(1);
        QByteArray range;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            if (line.toLower().startsWith("range:"))
                range = line.mid(6).trimmed();
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            ++m_requests;
            if (!range.isEmpty())
                m_ranges << QString::fromLatin1(range);
        }
        respond(socket, path, range, headOnly);
    }

    static QByteArray head(int status, const char *reason, qint64 length, const QByteArray &extra = {})
    {
        return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\nContent-Length: "
            + QByteArray::number(length) + "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n" + extra
            + "\r\n";
    }

    void respond(QTcpSocket *socket, const QByteArray &path, const QByteArray &range, bool headOnly)
    {
        const Mode mode = this->mode();
        if (!path.endsWith('/' + kFileName.toLatin1()) || mode == Mode::NotFound) {
            const QByteArray page = "not here\n";
            socket->write(head(404, "Not Found", page.size()) + (headOnly ? QByteArray() : page));
            socket->disconnectFromHost();
            return;
        }
        if (headOnly && mode == Mode::Normal) {
            socket->write(head(200, "OK", m_body.size()));
            socket->disconnectFromHost();
            return;
        }
        if (mode == Mode::ServerError) {
            const QByteArray page = "broken\n";
            socket->write(head(500, "Internal Server Error", page.size()) + page);
            socket->disconnectFromHost();
            return;
        }
        const qint64 size = m_body.size();
        qint64 from = 0;
        QByteArray response;
        if (range.startsWith("bytes=") && range.endsWith('-') && mode != Mode::IgnoreRange) {
            from = range.mid(6, range.size() - 7).toLongLong();
            response = head(206, "Partial Content", size - from,
                            "Content-Range: bytes " + QByteArray::number(from) + '-' + QByteArray::number(size - 1) + '/'
                                + QByteArray::number(size) + "\r\n");
        } else {
            response = head(200, "OK", size);
        }
        QByteArray body = m_body.mid(from);
        if (mode == Mode::WrongBytes)
            body[body.size() / 3] = char(body.at(body.size() / 3) ^ 0x5a);
        if (mode == Mode::Truncate)
            body.truncate(qMax<qint64>(0, truncateAt() - from));
        if (mode == Mode::Stall)
            body.truncate(stallAfter());
        socket->write(response + body);
        if (mode != Mode::Stall)
            socket->disconnectFromHost(); // after the pending bytes are written
    }

    const QByteArray m_body;
    std::atomic<int> m_mode{int(Mode::Normal)};
    std::atomic<quint16> m_port{0};
    std::atomic<int> m_requests{0};
    mutable std::mutex m_mutex;
    QStringList m_ranges;
    QTcpServer *m_server = nullptr;
    QHash<QTcpSocket *, QByteArray> m_pending;
};

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestModelManager : public QObject
{
    Q_OBJECT
private:
    QByteArray m_model;
    QString m_modelPath;
    QString m_sha256;
    QThread m_serverThread;
    HttpTestServer *m_server = nullptr;
    std::unique_ptr<QTemporaryDir> m_dir;

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/models").arg(m_server->port()); }

    ModelEntry tinyEntry(qint64 size = -1) const
    {
        ModelEntry entry;
        entry.name = QStringLiteral("tiny-clip");
        entry.fileName = kFileName;
        entry.url = baseUrl() + QLatin1Char('/') + kFileName;
        entry.sha256 = m_sha256;
        entry.sizeBytes = size < 0 ? m_model.size() : size;
        entry.kind = ModelEntry::Kind::ClipCheckpoint;
        return entry;
    }

    ModelManager manager(const ModelEntry &entry, int stallMs = 10000) const
    {
        ModelCatalog catalog;
        catalog.add(entry);
        ModelManager manager(m_dir->path(), catalog);
        manager.setMirror(QString());
        manager.setStallTimeoutMs(stallMs);
        return manager;
    }

    QString target() const { return m_dir->filePath(kFileName); }
    QString part() const { return target() + QStringLiteral(".part"); }

    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Only 127.0.0.1 is ever contacted: no proxy from the environment.
        for (const char *name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
            qunsetenv(name);
        QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
        qunsetenv("FAULTLINE_MODEL_MIRROR");
        qunsetenv("FAULTLINE_MODEL_CATALOG");

        const QString reference = qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE");
        QVERIFY2(!reference.isEmpty(), "FAULTLINE_CLIP_REFERENCE is not set");
        m_modelPath = QDir(reference).filePath(kFileName);
        QFile file(m_modelPath);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(m_modelPath + QStringLiteral(": missing")));
        m_model = file.readAll();
        QVERIFY(m_model.size() > 1024 * 1024);
        m_sha256 = sha256Hex(m_model);

        m_server = new HttpTestServer(m_model);
        m_server->moveToThread(&m_serverThread);
        m_serverThread.start();
        QMetaObject::invokeMethod(m_server, &HttpTestServer::listen, Qt::BlockingQueuedConnection);
        QVERIFY(m_server->port() != 0);
    }

    void cleanupTestCase()
    {
        QMetaObject::invokeMethod(m_server, &HttpTestServer::shutdown, Qt::BlockingQueuedConnection);
        m_serverThread.quit();
        m_serverThread.wait();
        delete m_server;
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_server->setMode(HttpTestServer::Mode::Normal);
        m_server->clearLog();
    }

    // --- catalogue ---------------------------------------------------------------------------

    void builtinCatalogueListsOpenAiModelsAndTheVocabulary()
    {
        const ModelCatalog catalog = ModelCatalog::builtin();
        for (const char *name : {"ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px"}) {
            const ModelEntry *entry = catalog.find(QString::fromLatin1(name));
            QVERIFY2(entry, name);
            QCOMPARE(entry->kind, ModelEntry::Kind::ClipCheckpoint);
            QCOMPARE(entry->sha256.size(), 64);
            // OpenAI's URLs carry the file's SHA-256 as their directory.
            QVERIFY(entry->url.startsWith(QStringLiteral("https://openaipublic.azureedge.net/clip/models/") + entry->sha256
                                          + QLatin1Char('/')));
            QVERIFY(entry->url.endsWith(QLatin1Char('/') + entry->fileName));
        }
        QCOMPARE(catalog.find(QStringLiteral("ViT-B/32"))->sha256,
                 QStringLiteral("40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af"));
        // Aliases: case, file name and file base name.
        QCOMPARE(catalog.find(QStringLiteral("vit-b/32"))->fileName, QStringLiteral("ViT-B-32.pt"));
        QCOMPARE(catalog.find(QStringLiteral("ViT-L-14"))->name, QStringLiteral("ViT-L/14"));
        QCOMPARE(catalog.find(QStringLiteral("ViT-L-14-336px.pt"))->name, QStringLiteral("ViT-L/14@336px"));
        QVERIFY(!catalog.find(QStringLiteral("ViT-H/14")));

        const ModelEntry *vocab = catalog.find(QStringLiteral("bpe_simple_vocab_16e6"));
        QVERIFY(vocab);
        QCOMPARE(vocab->kind, ModelEntry::Kind::BpeVocab);
        // The catalogue's hash and size are those of CLIP's vocabulary.
        const QString reference = QDir(qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE")).filePath(vocab->fileName);
        const QByteArray bytes = readAll(reference);
        QVERIFY2(!bytes.isEmpty(), qPrintable(reference));
        QCOMPARE(vocab->sha256, sha256Hex(bytes));
        QCOMPARE(vocab->sizeBytes, qint64(bytes.size()));
    }

    void userCatalogueAddsAndOverridesEntries()
    {
        ModelCatalog catalog = ModelCatalog::builtin();
        const int builtinCount = catalog.entries().size();
        catalog.loadJson("{\"models\": [ {\"name\": \"ViT-B/32\", \"url\": \"http://127.0.0.1:1/mirror/ViT-B-32.pt\"}, {\"name\": \"my-clip\", \"url\": \"http://127.0.0.1:1/x/my_clip.safetensors\", \"sha256\": \"ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\", \"size\": 42, \"kind\": \"clip-checkpoint\", \"description\": \"mine\"}]}",
                         QStringLiteral("user.json"));
        QCOMPARE(catalog.entries().size(), builtinCount + 1);
        const ModelEntry *overridden = catalog.find(QStringLiteral("ViT-B/32"));
        QCOMPARE(overridden->url, QStringLiteral("http://127.0.0.1:1/mirror/ViT-B-32.pt"));
        QCOMPARE(overridden->sha256, QStringLiteral("40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af"));
        const ModelEntry *mine = catalog.find(QStringLiteral("my-clip"));
        QCOMPARE(mine->fileName, QStringLiteral("my_clip.safetensors")); // from the URL
        QCOMPARE(mine->sha256, QStringLiteral("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"));
        QCOMPARE(mine->sizeBytes, qint64(42));

        QCOMPARE(ModelCatalog::downloadUrl(*mine, QStringLiteral("http://127.0.0.1:8/base/")),
                 QStringLiteral("http://127.0.0.1:8/base/my_clip.safetensors"));
        QCOMPARE(ModelCatalog::downloadUrl(*mine, QString()), mine->url);

        const QString badHash = errorOf([&] {
            catalog.loadJson("{\"models\": [{\"name\": \"x\", \"url\": \"http://h/x.pt\", \"sha256\": \"123\"}]}", QStringLiteral("u.json"));
        });
        QVERIFY2(badHash.contains(QStringLiteral("u.json: models[0] (x): sha256")), qPrintable(badHash));
        const QString badKind = errorOf([&] {
            catalog.loadJson("{\"models\": [{\"name\": \"x\", \"url\": \"http://h/x.pt\", \"kind\": \"gguf\"}]}", QStringLiteral("u.json"));
        });
        QVERIFY2(badKind.contains(QStringLiteral("kind")), qPrintable(badKind));
        const QString noUrl = errorOf([&] { catalog.loadJson("{\"models\": [{\"name\": \"y\"}]}", QStringLiteral("u.json")); });
        QVERIFY2(noUrl.contains(QStringLiteral("url: missing")), qPrintable(noUrl));
        const QString badJson = errorOf([&] { catalog.loadJson("{", QStringLiteral("u.json")); });
        QVERIFY2(badJson.startsWith(QStringLiteral("u.json: not valid JSON")), qPrintable(badJson));
        const QString pathName = errorOf([&] {
            catalog.loadJson("{\"models\": [{\"name\": \"z\", \"url\": \"http://h/z\", \"file\": \"../z.pt\"}]}", QStringLiteral("u.json"));
        });
        QVERIFY2(pathName.contains(QStringLiteral("plain file name")), qPrintable(pathName));
    }

    void dataDirectoryComesFromTheEnvironment()
    {
        qputenv("FAULTLINE_MODEL_DIR", m_dir->path().toUtf8());
        QCOMPARE(ModelManager::defaultDataDir(), m_dir->path());
        QCOMPARE(ModelManager().dataDir(), m_dir->path());
        qunsetenv("FAULTLINE_MODEL_DIR");
        QVERIFY(ModelManager::defaultDataDir().endsWith(QStringLiteral("/faultline/models")));
    }

    // --- downloads -----------------------------------------------------------------------------

    void downloadInstallsTheVerifiedFile()
    {
        const ModelManager models = manager(tinyEntry());
        QVERIFY(!models.status(QStringLiteral("tiny-clip")).installed);
        JobControl control;
        qint64 lastDone = -1, lastTotal = -1;
        QString stage;
        control.setProgressHandler([&](qint64 done, qint64 total, const QString &s) {
            lastDone = done;
            lastTotal = total;
            stage = s;
        });
        const QString path = models.download(QStringLiteral("tiny-clip"), &control);
        QCOMPARE(path, target());
        QCOMPARE(readAll(path), m_model);
        QVERIFY(!QFileInfo::exists(part()));
        QCOMPARE(lastDone, qint64(m_model.size()));
        QCOMPARE(lastTotal, qint64(m_model.size()));
        QCOMPARE(stage, QStringLiteral("download tiny-clip"));
        QVERIFY(models.status(QStringLiteral("tiny-clip")).installed);
        QCOMPARE(m_server->requests(), 1);
        QVERIFY(m_server->rangeHeaders().isEmpty());

        // Installed and verified: neither a second download nor resolve() fetch anything.
        QCOMPARE(models.download(QStringLiteral("tiny-clip")), path);
        QCOMPARE(models.resolve(QStringLiteral("tiny-clip")), path);
        QCOMPARE(models.ensure(QStringLiteral("tiny-clip")), path);
        QCOMPARE(m_server->requests(), 1);
    }

    void mirrorReplacesTheCatalogueUrl()
    {
        ModelEntry entry = tinyEntry();
        entry.url = QStringLiteral("http://127.0.0.1:1/never/") + kFileName; // must not be used
        ModelManager models = manager(entry);
        models.setMirror(baseUrl());
        QCOMPARE(models.download(QStringLiteral("tiny-clip")), target());
        QCOMPARE(m_server->requests(), 1);

        qputenv("FAULTLINE_MODEL_MIRROR", baseUrl().toUtf8());
        ModelCatalog catalog;
        catalog.add(entry);
        QCOMPARE(ModelManager(m_dir->path(), catalog).mirror(), baseUrl());
        qunsetenv("FAULTLINE_MODEL_MIRROR");
    }

    void downloadWorksFromAWorkerThread()
    {
        const ModelManager models = manager(tinyEntry());
        QString path;
        BackgroundJob job(QStringLiteral("download"), [&](JobControl &control) {
            path = models.download(QStringLiteral("tiny-clip"), &control);
        });
        QSignalSpy done(&job, &BackgroundJob::succeeded);
        QSignalSpy progress(&job, &BackgroundJob::progressChanged);
        job.start();
        QVERIFY(done.wait(30000));
        QCOMPARE(path, target());
        QCOMPARE(readAll(path), m_model);
        QVERIFY(!progress.isEmpty());
    }

    void truncatedDownloadResumesWithARangeRequest_data()
    {
        QTest::addColumn<bool>("sizeKnown");
        QTest::newRow("size in catalogue") << true;
        QTest::newRow("size unknown") << false;
    }
    void truncatedDownloadResumesWithARangeRequest()
    {
        QFETCH(bool, sizeKnown);
        const ModelManager models = manager(tinyEntry(sizeKnown ? -1 : 0));
        m_server->setMode(HttpTestServer::Mode::Truncate);
        const QString error = errorOf([&] { models.download(QStringLiteral("tiny-clip")); });
        QVERIFY2(error.contains(QStringLiteral("interrupted")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("resumes")), qPrintable(error));
        QVERIFY(!QFileInfo::exists(target()));
        QCOMPARE(QFileInfo(part()).size(), m_server->truncateAt());
        QCOMPARE(models.status(QStringLiteral("tiny-clip")).partialBytes, m_server->truncateAt());

        m_server->setMode(HttpTestServer::Mode::Normal);
        JobControl control;
        qint64 firstDone = -1;
        control.setProgressHandler([&](qint64 done, qint64, const QString &) {
            if (firstDone < 0)
                firstDone = done;
        });
        QCOMPARE(models.download(QStringLiteral("tiny-clip"), &control), target());
        QCOMPARE(m_server->rangeHeaders(), QStringList{QStringLiteral("bytes=%1-").arg(m_server->truncateAt())});
        QCOMPARE(firstDone, m_server->truncateAt()); // progress starts where the first try stopped
        QCOMPARE(readAll(target()), m_model);
        QVERIFY(!QFileInfo::exists(part()));
    }

    void serverIgnoringRangeRestartsFromZero()
    {
        // A stale .part with wrong bytes: a server answering the Range request with 200 and the
        // whole file must replace it, not be appended to it.
        QFile stale(part());
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write(QByteArray(5000, 'x'));
        stale.close();
        m_server->setMode(HttpTestServer::Mode::IgnoreRange);
        const ModelManager models = manager(tinyEntry());
        QCOMPARE(models.download(QStringLiteral("tiny-clip")), target());
        QCOMPARE(m_server->rangeHeaders(), QStringList{QStringLiteral("bytes=5000-")});
        QCOMPARE(readAll(target()), m_model);
    }

    void wrongChecksumInstallsNothing()
    {
        m_server->setMode(HttpTestServer::Mode::WrongBytes);
        const ModelManager models = manager(tinyEntry());
        const QString error = errorOf([&] { models.download(QStringLiteral("tiny-clip")); });
        QVERIFY2(error.contains(QStringLiteral("SHA-256 mismatch")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("expected ") + m_sha256), qPrintable(error));
        QByteArray wrong = m_model;
        wrong[wrong.size() / 3] = char(wrong.at(wrong.size() / 3) ^ 0x5a);
        QVERIFY2(error.contains(QStringLiteral("got ") + sha256Hex(wrong)), qPrintable(error));
        QVERIFY(!QFileInfo::exists(target()));
        QVERIFY(!QFileInfo::exists(part()));
        QVERIFY(!models.status(QStringLiteral("tiny-clip")).installed);
    }

    void sizeMismatchWithTheCatalogueIsAnError()
    {
        const ModelManager models = manager(tinyEntry(m_model.size() + 1));
        const QString error = errorOf([&] { models.download(QStringLiteral("tiny-clip")); });
        QVERIFY2(error.contains(QStringLiteral("%1 bytes").arg(m_model.size() + 1)), qPrintable(error));
        QVERIFY(!QFileInfo::exists(target()));
        QVERIFY(!QFileInfo::exists(part()));
    }

    void stalledServerFailsAfterTheTimeout()
    {
        m_server->setMode(HttpTestServer::Mode::Stall);
        const ModelManager models = manager(tinyEntry(), 1000);
        QElapsedTimer clock;
        clock.start();
        const QString error = errorOf([&] { models.download(QStringLiteral("tiny-clip")); });
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(error.contains(QStringLiteral("stalled")), qPrintable(error));
        QVERIFY2(elapsed >= 900 && elapsed < 8000, qPrintable(QString::number(elapsed)));
        // What arrived is kept for the next try.
        QCOMPARE(QFileInfo(part()).size(), m_server->stallAfter());
        QVERIFY(!QFileInfo::exists(target()));
    }

    void httpErrorsNameStatusAndUrl()
    {
        ModelEntry missing = tinyEntry();
        missing.url = baseUrl() + QStringLiteral("/no_such_model.pt");
        const ModelManager models = manager(missing);
        const QString notFound = errorOf([&] { models.download(QStringLiteral("tiny-clip")); });
        QVERIFY2(notFound.contains(QStringLiteral("HTTP 404")), qPrintable(notFound));
        QVERIFY2(notFound.contains(missing.url), qPrintable(notFound));

        m_server->setMode(HttpTestServer::Mode::ServerError);
        const ModelManager models500 = manager(tinyEntry());
        const QString serverError = errorOf([&] { models500.download(QStringLiteral("tiny-clip")); });
        QVERIFY2(serverError.contains(QStringLiteral("HTTP 500")), qPrintable(serverError));
        QVERIFY2(serverError.contains(tinyEntry().url), qPrintable(serverError));
        QVERIFY(!QFileInfo::exists(target()));
    }

    void remoteSizeAsksTheServer()
    {
        // A catalogue size wins; without one the server's Content-Length for HEAD (no body sent).
        QCOMPARE(manager(tinyEntry(4242)).remoteSize(QStringLiteral("tiny-clip")), qint64(4242));
        m_server->clearLog();
        QCOMPARE(manager(tinyEntry(0)).remoteSize(QStringLiteral("tiny-clip")), qint64(m_model.size()));
        QCOMPARE(m_server->requests(), 1);
        QVERIFY(!QFileInfo::exists(target()) && !QFileInfo::exists(part())); // nothing downloaded
        // Errors name the model and the URL: 404, and a refused connection ("offline?").
        m_server->setMode(HttpTestServer::Mode::NotFound);
        const QString missing = errorOf([&] { manager(tinyEntry(0)).remoteSize(QStringLiteral("tiny-clip")); });
        m_server->setMode(HttpTestServer::Mode::Normal);
        QVERIFY2(missing.contains(QStringLiteral("HTTP 404")) && missing.contains(tinyEntry().url), qPrintable(missing));
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        ModelEntry entry = tinyEntry(0);
        entry.url = QStringLiteral("http://127.0.0.1:%1/models/%2").arg(port).arg(kFileName);
        const QString offline = errorOf([&] { manager(entry).remoteSize(QStringLiteral("tiny-clip")); });
        QVERIFY2(offline.contains(QStringLiteral("offline?")) && offline.contains(QStringLiteral("tiny-clip")), qPrintable(offline));
        // A file URL: the file's size.
        entry.url = QUrl::fromLocalFile(m_modelPath).toString();
        QCOMPARE(manager(entry).remoteSize(QStringLiteral("tiny-clip")), qint64(m_model.size()));
    }

    void refusedConnectionSaysOfflineAndHowToImport()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        ModelEntry entry = tinyEntry();
        entry.url = QStringLiteral("http://127.0.0.1:%1/models/%2").arg(port).arg(kFileName);
        const ModelManager models = manager(entry);
        const QString error = errorOf([&] { models.download(QStringLiteral("tiny-clip")); });
        QVERIFY2(error.contains(QStringLiteral("offline?")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("faultline-cli models import tiny-clip FILE")), qPrintable(error));
        QVERIFY2(error.contains(entry.url), qPrintable(error));
    }

    void cancelStopsTheDownloadAndKeepsThePart()
    {
        m_server->setMode(HttpTestServer::Mode::Stall); // some bytes, then nothing: cancel must not wait for data
        const ModelManager models = manager(tinyEntry(), 30000);
        JobControl control;
        QTimer::singleShot(300, [&] { control.requestCancel(); }); // runs inside the download's event loop
        QElapsedTimer clock;
        clock.start();
        bool cancelled = false;
        try {
            models.download(QStringLiteral("tiny-clip"), &control);
        } catch (const JobCancelled &) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(QFileInfo(part()).size(), m_server->stallAfter());
        QVERIFY(!QFileInfo::exists(target()));

        // Cancelled from the progress handler, on the downloading thread, at the first report
        // (before the data arrives).
        m_server->setMode(HttpTestServer::Mode::Normal);
        QFile::remove(part());
        JobControl early;
        early.setProgressHandler([&](qint64, qint64, const QString &) { early.requestCancel(); });
        cancelled = false;
        try {
            models.download(QStringLiteral("tiny-clip"), &early);
        } catch (const JobCancelled &) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QVERIFY(!QFileInfo::exists(target()));

        // Cancelled before it starts: the server is not even asked.
        const int requests = m_server->requests();
        JobControl before;
        before.requestCancel();
        cancelled = false;
        try {
            models.download(QStringLiteral("tiny-clip"), &before);
        } catch (const JobCancelled &) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(m_server->requests(), requests);
        QVERIFY(!QFileInfo::exists(target()));
    }

    // --- import and resolve ------------------------------------------------------------------

    void importInstallsAVerifiedCopy()
    {
        const ModelManager models = manager(tinyEntry());
        JobControl control;
        QString stage;
        control.setProgressHandler([&](qint64, qint64, const QString &s) { stage = s; });
        QCOMPARE(models.importFile(QStringLiteral("tiny-clip"), m_modelPath, &control), target());
        QCOMPARE(stage, QStringLiteral("import tiny-clip"));
        QCOMPARE(readAll(target()), m_model);
        QVERIFY(QFileInfo::exists(m_modelPath)); // copied, not moved
        QCOMPARE(models.resolve(QStringLiteral("tiny-clip")), target());
        QCOMPARE(m_server->requests(), 0);
        // Importing the installed file onto itself just verifies it.
        QCOMPARE(models.importFile(QStringLiteral("tiny-clip"), target()), target());
    }

    void importOfAWrongFileInstallsNothing()
    {
        const ModelManager models = manager(tinyEntry(0)); // size unknown: the hash decides
        QByteArray corrupt = m_model;
        corrupt[100] = char(corrupt.at(100) ^ 1);
        const QString wrongPath = m_dir->filePath(QStringLiteral("elsewhere.bin"));
        QFile file(wrongPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(corrupt);
        file.close();
        const QString error = errorOf([&] { models.importFile(QStringLiteral("tiny-clip"), wrongPath); });
        QVERIFY2(error.contains(QStringLiteral("SHA-256 mismatch")), qPrintable(error));
        QVERIFY2(error.contains(m_sha256) && error.contains(sha256Hex(corrupt)), qPrintable(error));
        QVERIFY(!QFileInfo::exists(target()));

        const ModelManager sized = manager(tinyEntry());
        const QString sizeError = errorOf([&] {
            sized.importFile(QStringLiteral("tiny-clip"), QDir(qEnvironmentVariable("FAULTLINE_CLIP_REFERENCE"))
                                                              .filePath(QStringLiteral("bpe_simple_vocab_16e6.txt.gz")));
        });
        QVERIFY2(sizeError.contains(QStringLiteral("bytes, but model 'tiny-clip' has")), qPrintable(sizeError));
        const QString unknown = errorOf([&] { sized.importFile(QStringLiteral("ViT-Z/99"), m_modelPath); });
        QVERIFY2(unknown.contains(QStringLiteral("unknown model 'ViT-Z/99'")), qPrintable(unknown));
        QVERIFY(!QFileInfo::exists(target()));
    }

    void resolveTakesPathsAndNames()
    {
        const ModelManager models = manager(tinyEntry());
        // An existing file is used as is, whatever its name.
        QCOMPARE(models.resolve(m_modelPath), QFileInfo(m_modelPath).absoluteFilePath());
        // A known name that is not installed says how to get it; nothing is downloaded.
        const QString missing = errorOf([&] { models.resolve(QStringLiteral("tiny-clip")); });
        QVERIFY2(missing.contains(QStringLiteral("not installed")), qPrintable(missing));
        QVERIFY2(missing.contains(QStringLiteral("faultline-cli models download tiny-clip")), qPrintable(missing));
        QVERIFY2(missing.contains(QStringLiteral("faultline-cli models import tiny-clip FILE")), qPrintable(missing));
        QCOMPARE(m_server->requests(), 0);
        const QString unknown = errorOf([&] { models.resolve(QStringLiteral("no/such/thing.pt")); });
        QVERIFY2(unknown.contains(QStringLiteral("neither a file nor a known model")), qPrintable(unknown));

        // ensure() downloads on first use.
        QCOMPARE(models.ensure(QStringLiteral("tiny_clip")), target()); // file base name works as a name
        QCOMPARE(m_server->requests(), 1);
        QCOMPARE(models.resolve(QStringLiteral("TINY-CLIP")), target());

        // A file changed after installation is hashed again and rejected.
        QFile file(target());
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(1000);
        file.write("garbage");
        file.close();
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
        file.close();
        const QString corrupt = errorOf([&] { models.resolve(QStringLiteral("tiny-clip")); });
        QVERIFY2(corrupt.contains(QStringLiteral("SHA-256 mismatch")), qPrintable(corrupt));
        // download() replaces the damaged file.
        QCOMPARE(models.download(QStringLiteral("tiny-clip")), target());
        QCOMPARE(readAll(target()), m_model);
    }
};

QTEST_GUILESS_MAIN(TestModelManager)
#include "test_model_manager.moc"
