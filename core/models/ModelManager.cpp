#include "models/ModelManager.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "io/AtomicFileWriter.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace faultline {

namespace {

constexpr qint64 kChunkBytes = 4 << 20;
constexpr qint64 kProgressIntervalMs = 100;

QString stampPath(const QString &path) { return path + QStringLiteral(".sha256"); }
QString partPath(const QString &path) { return path + QStringLiteral(".part"); }

QString bytesText(qint64 bytes) { return bytes > 0 ? QString::number(bytes) : QStringLiteral("unknown"); }

// <file>.sha256: the first line in sha256sum's format (so `sha256sum -c` works in the model
// directory), then a comment with the size and modification time the hash was taken at.
void writeStamp(const QString &path, const QString &sha256)
{
    const QFileInfo info(path);
    QString text = QStringLiteral("%1  %2\n# size=%3 mtime=%4\n")
                       .arg(sha256, info.fileName())
                       .arg(info.size())
                       .arg(info.lastModified().toMSecsSinceEpoch());
    try {
        AtomicFileWriter writer(stampPath(path));
        writer.write(text);
        writer.commit();
    } catch (const Error &) {
        // Only a cache: without it the file is hashed again next time.
    }
}

bool stampMatches(const QString &path, const QString &sha256)
{
    QFile file(stampPath(path));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QString text = QString::fromUtf8(file.read(4096));
    static const QRegularExpression pattern(
        QStringLiteral("^([0-9a-f]{64})  [^\\n]*\\n# size=(\\d+) mtime=(-?\\d+)"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return false;
    const QFileInfo info(path);
    return match.captured(1) == sha256 && match.captured(2).toLongLong() == info.size()
        && match.captured(3).toLongLong() == info.lastModified().toMSecsSinceEpoch();
}

bool syncToDisk(QFile &file)
{
#ifdef Q_OS_UNIX
    return ::fsync(file.handle()) == 0;
#else
    return file.flush();
#endif
}

// Errors that mean "no route to the server", as opposed to a server that answered badly.
bool isUnreachable(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
        return true;
    default:
        return false;
    }
}

// Progress reports at most every 100 ms, plus the final one.
class ProgressThrottle
{
public:
    ProgressThrottle(JobControl *control, QString stage) : m_control(control), m_stage(std::move(stage))
    {
        m_clock.start();
    }
    void report(qint64 done, qint64 total, bool force = false)
    {
        if (!m_control)
            return;
        if (m_last >= 0 && ((done == m_lastDone && total == m_lastTotal) || (!force && m_clock.elapsed() - m_last < kProgressIntervalMs)))
            return;
        m_last = m_clock.elapsed();
        m_lastDone = done;
        m_lastTotal = total;
        m_control->report(done, total, m_stage);
    }

private:
    JobControl *m_control;
    QString m_stage;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    qint64 m_lastDone = -1;
    qint64 m_lastTotal = -1;
};

// One model operation at a time per file, across processes too (a crashed holder's lock is stale).
class ModelFileLock
{
public:
    explicit ModelFileLock(const QString &target) : m_lock(target + QStringLiteral(".lock"))
    {
        m_lock.setStaleLockTime(0);
        if (!m_lock.tryLock(0)) {
            qint64 pid = 0;
            QString host, app;
            m_lock.getLockInfo(&pid, &host, &app);
            throw Error(QStringLiteral("%1: another download or import of this file is running (process %2)")
                            .arg(target).arg(pid));
        }
    }

private:
    QLockFile m_lock;
};

} // namespace

QString sha256OfFile(const QString &path, JobControl *control, const QString &stage)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    ProgressThrottle progress(control, stage);
    const qint64 total = file.size();
    qint64 done = 0;
    QByteArray buffer(kChunkBytes, Qt::Uninitialized);
    for (;;) {
        if (control)
            control->checkCancelled();
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0)
            throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
        if (n == 0)
            break;
        hash.addData(QByteArrayView(buffer.constData(), n));
        done += n;
        progress.report(done, total);
    }
    progress.report(done, total, true);
    return QString::fromLatin1(hash.result().toHex());
}

ModelManager::ModelManager(const QString &dataDir)
    : m_dataDir(dataDir.isEmpty() ? defaultDataDir() : dataDir)
    , m_catalog(ModelCatalog::standard())
    , m_mirror(qEnvironmentVariable("FAULTLINE_MODEL_MIRROR"))
{
    const QString userCatalog = QDir(m_dataDir).filePath(QStringLiteral("catalog.json"));
    if (QFileInfo(userCatalog).isFile())
        m_catalog.loadFile(userCatalog);
}

ModelManager::ModelManager(const QString &dataDir, ModelCatalog catalog)
    : m_dataDir(dataDir.isEmpty() ? defaultDataDir() : dataDir)
    , m_catalog(std::move(catalog))
    , m_mirror(qEnvironmentVariable("FAULTLINE_MODEL_MIRROR"))
{
}

QString ModelManager::defaultDataDir()
{
    const QString fromEnv = qEnvironmentVariable("FAULTLINE_MODEL_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    // Not AppLocalDataLocation itself: that ends in the application name, which differs between
    // faultline-cli and the workbench. This is AppLocalDataLocation for an application "faultline".
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/faultline/models");
}

const ModelEntry &ModelManager::entry(const QString &name) const
{
    if (const ModelEntry *found = m_catalog.find(name))
        return *found;
    throw Error(QStringLiteral("unknown model '%1' (known: %2)").arg(name, m_catalog.names().join(QStringLiteral(", "))));
}

QString ModelManager::installPath(const QString &name) const
{
    return QDir(m_dataDir).filePath(entry(name).fileName);
}

ModelStatus ModelManager::status(const QString &name) const
{
    ModelStatus status;
    status.entry = entry(name);
    status.path = QDir(m_dataDir).filePath(status.entry.fileName);
    const QFileInfo file(status.path);
    if (file.isFile()) {
        status.fileBytes = file.size();
        status.installed = status.entry.sizeBytes <= 0 || status.fileBytes == status.entry.sizeBytes;
    }
    const QFileInfo part(partPath(status.path));
    if (part.isFile())
        status.partialBytes = part.size();
    return status;
}

QVector<ModelStatus> ModelManager::list() const
{
    QVector<ModelStatus> all;
    for (const ModelEntry &e : m_catalog.entries())
        all.push_back(status(e.name));
    return all;
}

QString ModelManager::notInstalledMessage(const ModelEntry &e) const
{
    return QStringLiteral("model '%1' is not installed in %2; run `faultline-cli models download %1`, "
                          "or on a machine without network access fetch %3 elsewhere and run "
                          "`faultline-cli models import %1 FILE`")
        .arg(e.name, QDir::toNativeSeparators(m_dataDir), ModelCatalog::downloadUrl(e, m_mirror));
}

void ModelManager::verifyInstalled(const ModelEntry &e, const QString &path, JobControl *control) const
{
    const qint64 size = QFileInfo(path).size();
    if (e.sizeBytes > 0 && size != e.sizeBytes)
        throw Error(QStringLiteral("%1: %2 bytes, but model '%3' has %4 bytes; delete it and download or import it again")
                        .arg(path).arg(size).arg(e.name).arg(e.sizeBytes));
    if (e.sha256.isEmpty() || stampMatches(path, e.sha256))
        return;
    const QString actual = sha256OfFile(path, control, QStringLiteral("verify %1").arg(e.name));
    if (actual != e.sha256)
        throw Error(QStringLiteral("%1: SHA-256 mismatch for model '%2': expected %3, got %4; delete it and download or import it again")
                        .arg(path, e.name, e.sha256, actual));
    writeStamp(path, actual);
}

QString ModelManager::resolve(const QString &nameOrPath, JobControl *control) const
{
    const QFileInfo asFile(nameOrPath);
    if (asFile.isFile())
        return asFile.absoluteFilePath();
    const ModelEntry *e = m_catalog.find(nameOrPath);
    if (!e)
        throw Error(QStringLiteral("'%1' is neither a file nor a known model (known: %2)")
                        .arg(nameOrPath, m_catalog.names().join(QStringLiteral(", "))));
    const QString path = QDir(m_dataDir).filePath(e->fileName);
    if (!QFileInfo(path).isFile())
        throw Error(notInstalledMessage(*e));
    verifyInstalled(*e, path, control);
    return path;
}

QString ModelManager::ensure(const QString &nameOrPath, JobControl *control) const
{
    const QFileInfo asFile(nameOrPath);
    if (asFile.isFile())
        return asFile.absoluteFilePath();
    if (!m_catalog.find(nameOrPath))
        return resolve(nameOrPath, control); // throws the "neither a file nor a known model" error
    return download(nameOrPath, control);
}

qint64 ModelManager::remoteSize(const QString &name, int timeoutMs) const
{
    const ModelEntry &e = entry(name);
    if (e.sizeBytes > 0)
        return e.sizeBytes;
    const QString url = ModelCatalog::downloadUrl(e, m_mirror);
    const QUrl parsed(url);
    if (parsed.isLocalFile()) {
        const QFileInfo file(parsed.toLocalFile());
        if (!file.isFile())
            throw Error(QStringLiteral("%1: %2 does not exist").arg(e.name, QDir::toNativeSeparators(file.filePath())));
        return file.size();
    }
    // HEAD: the headers only, redirects followed as a download would follow them.
    QNetworkAccessManager network;
    QNetworkRequest request{parsed};
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Faultline"));
    request.setRawHeader("Accept-Encoding", "identity");
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.head(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    const QNetworkReply::NetworkError networkError = reply->error();
    const QString errorText = reply->errorString();
    reply->deleteLater();
    if (networkError != QNetworkReply::NoError && status == 0)
        throw Error(QStringLiteral("%1: cannot reach %2 (%3; offline?)").arg(e.name, url, errorText));
    if (status != 200)
        throw Error(QStringLiteral("%1: %2 answered HTTP %3").arg(e.name, url).arg(status));
    if (length <= 0)
        throw Error(QStringLiteral("%1: %2 did not report a size").arg(e.name, url));
    return length;
}

QString ModelManager::download(const QString &name, JobControl *control) const
{
    const ModelEntry &e = entry(name);
    if (control)
        control->checkCancelled();
    const QString target = QDir(m_dataDir).filePath(e.fileName);
    if (!QDir().mkpath(m_dataDir))
        throw Error(QStringLiteral("%1: cannot create the model directory").arg(m_dataDir));
    const QString url = ModelCatalog::downloadUrl(e, m_mirror);
    const QUrl parsed(url);
    if (parsed.isLocalFile())
        return importFile(e.name, parsed.toLocalFile(), control);
    ModelFileLock lock(target);
    if (QFileInfo(target).isFile()) {
        try {
            verifyInstalled(e, target, control);
            return target;
        } catch (const Error &) {
            // A damaged file: replace it.
            QFile::remove(target);
            QFile::remove(stampPath(target));
        }
    }
    for (int attempt = 0;; ++attempt) {
        bool restart = false;
        QString path;
        try {
            path = downloadOnce(e, url, control, &restart);
        } catch (...) {
            const QFileInfo part(partPath(target));
            if (part.isFile() && part.size() == 0)
                QFile::remove(part.filePath()); // nothing to resume
            throw;
        }
        if (!restart)
            return path;
        if (attempt >= 2)
            throw Error(QStringLiteral("%1: the server keeps refusing to resume the download").arg(url));
    }
}

QString ModelManager::downloadOnce(const ModelEntry &e, const QString &url, JobControl *control, bool *restart) const
{
    const QString target = QDir(m_dataDir).filePath(e.fileName);
    const QString part = partPath(target);
    const QString stage = QStringLiteral("download %1").arg(e.name);
    QFile file(part);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Unbuffered))
        throw Error(QStringLiteral("%1: cannot write: %2").arg(part, file.errorString()));
    qint64 offset = file.size();
    if (e.sizeBytes > 0 && offset > e.sizeBytes) {
        file.resize(0);
        offset = 0;
    }

    // The hash of what an earlier attempt already wrote, so the download resumes after it.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    ProgressThrottle progress(control, stage);
    if (offset > 0) {
        QByteArray buffer(kChunkBytes, Qt::Uninitialized);
        for (qint64 done = 0; done < offset;) {
            if (control)
                control->checkCancelled();
            const qint64 n = file.read(buffer.data(), qMin<qint64>(buffer.size(), offset - done));
            if (n <= 0)
                throw Error(QStringLiteral("%1: cannot read: %2").arg(part, file.errorString()));
            hash.addData(QByteArrayView(buffer.constData(), n));
            done += n;
        }
    }
    if (!file.seek(offset))
        throw Error(QStringLiteral("%1: cannot seek: %2").arg(part, file.errorString()));

    qint64 total = e.sizeBytes;  // total file size, -1/0 when unknown
    qint64 received = 0;         // body bytes of this response written to the file
    bool started = false, stalled = false, cancelled = false, misplacedResume = false, tooLarge = false;
    QString writeError;
    int httpStatus = 0;
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString networkErrorText;

    const bool alreadyComplete = e.sizeBytes > 0 && offset == e.sizeBytes;
    if (!alreadyComplete) {
        QNetworkAccessManager network;
        QNetworkRequest request{QUrl(url)};
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
        request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Faultline"));
        // Byte ranges of the file itself, not of a compressed transfer.
        request.setRawHeader("Accept-Encoding", "identity");
        if (offset > 0)
            request.setRawHeader("Range", "bytes=" + QByteArray::number(offset) + '-');
        QNetworkReply *reply = network.get(request);
        QEventLoop loop;
        QTimer stallTimer;
        stallTimer.setSingleShot(true);
        stallTimer.setInterval(m_stallTimeoutMs);
        QTimer cancelTimer;
        cancelTimer.setInterval(100);

        const auto onMetaData = [&] {
            if (started)
                return;
            httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
            if (httpStatus == 206) {
                static const QRegularExpression range(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)"));
                const QRegularExpressionMatch match =
                    range.match(QString::fromLatin1(reply->rawHeader("Content-Range")).trimmed());
                if (!match.hasMatch() || match.captured(1).toLongLong() != offset) {
                    misplacedResume = true;
                    reply->abort();
                    return;
                }
                if (match.captured(3) != QLatin1String("*"))
                    total = match.captured(3).toLongLong();
                else if (length > 0)
                    total = offset + length;
            } else if (httpStatus == 200) {
                if (offset > 0) {
                    // The server ignored the Range request and sends the whole file: start over.
                    if (!file.resize(0) || !file.seek(0)) {
                        writeError = file.errorString();
                        reply->abort();
                        return;
                    }
                    hash.reset();
                    offset = 0;
                }
                if (length > 0)
                    total = length;
            } else {
                return; // a redirect on its way, or an error status reported when finished
            }
            started = true;
        };
        const auto onData = [&] {
            if (!started) {
                onMetaData();
                if (!started) {
                    reply->readAll(); // an error page
                    return;
                }
            }
            const QByteArray chunk = reply->readAll();
            if (chunk.isEmpty())
                return;
            stallTimer.start();
            if (!writeFully(file, chunk.constData(), chunk.size())) {
                writeError = file.errorString();
                reply->abort();
                return;
            }
            hash.addData(chunk);
            received += chunk.size();
            if (e.sizeBytes > 0 && offset + received > e.sizeBytes) {
                tooLarge = true;
                reply->abort();
                return;
            }
            progress.report(offset + received, total);
            if (control && control->isCancelled()) {
                cancelled = true;
                reply->abort();
            }
        };
        QObject::connect(reply, &QNetworkReply::metaDataChanged, &loop, onMetaData);
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, onData);
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QObject::connect(&stallTimer, &QTimer::timeout, &loop, [&] {
            stalled = true;
            reply->abort();
        });
        QObject::connect(&cancelTimer, &QTimer::timeout, &loop, [&] {
            if (control && control->isCancelled()) {
                cancelled = true;
                reply->abort();
            }
        });
        if (offset > 0 || total > 0)
            progress.report(offset, total, true);
        stallTimer.start();
        cancelTimer.start();
        if (!reply->isFinished())
            loop.exec(QEventLoop::ExcludeUserInputEvents);
        stallTimer.stop();
        cancelTimer.stop();
        // Bytes that arrived together with the end of the response (e.g. a server closing early).
        if (!cancelled && !stalled && writeError.isEmpty() && !tooLarge && !misplacedResume && reply->bytesAvailable() > 0)
            onData();
        if (!started && httpStatus == 0)
            httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        networkError = reply->error();
        networkErrorText = reply->errorString();
        const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        if (!reason.isEmpty() && httpStatus >= 400)
            networkErrorText = reason;
        delete reply;
    }

    const qint64 have = offset + received;
    const QString kept = QStringLiteral("the partial download is kept in %1 and the next download resumes it")
                             .arg(QDir::toNativeSeparators(part));
    if (cancelled) {
        file.close();
        throw JobCancelled();
    }
    if (!writeError.isEmpty())
        throw Error(QStringLiteral("%1: cannot write: %2").arg(part, writeError));
    if (stalled)
        throw Error(QStringLiteral("%1: download stalled: no data for %2 s after %3 of %4 bytes; %5")
                        .arg(url).arg(m_stallTimeoutMs / 1000.0).arg(have).arg(bytesText(total)).arg(kept));
    if (misplacedResume || (httpStatus == 416 && offset > 0)) {
        file.close();
        QFile::remove(part);
        *restart = true;
        return {};
    }
    if (httpStatus >= 400)
        throw Error(QStringLiteral("%1: HTTP %2 %3").arg(url).arg(httpStatus).arg(networkErrorText));
    if (tooLarge) {
        file.close();
        QFile::remove(part);
        throw Error(QStringLiteral("%1: the server sent more than the %2 bytes model '%3' has; the download was deleted")
                        .arg(url).arg(e.sizeBytes).arg(e.name));
    }
    if (networkError != QNetworkReply::NoError) {
        if (!started && isUnreachable(networkError))
            throw Error(QStringLiteral("cannot download model '%1': %2 is unreachable (offline?): %3. Without network "
                                       "access, fetch %4 on another machine and run `faultline-cli models import %1 FILE`")
                            .arg(e.name, QUrl(url).host(), networkErrorText, url));
        throw Error(QStringLiteral("%1: download interrupted after %2 of %3 bytes (%4); %5")
                        .arg(url).arg(have).arg(bytesText(total)).arg(networkErrorText, kept));
    }
    if (!alreadyComplete && !started)
        throw Error(QStringLiteral("%1: unexpected HTTP status %2").arg(url).arg(httpStatus));
    if (total > 0 && have < total)
        throw Error(QStringLiteral("%1: download interrupted after %2 of %3 bytes; %4").arg(url).arg(have).arg(total).arg(kept));
    progress.report(have, total > 0 ? total : have, true);

    if (!syncToDisk(file))
        throw Error(QStringLiteral("%1: cannot write: %2").arg(part, file.errorString()));
    file.close();
    if (e.sizeBytes > 0 && have != e.sizeBytes) {
        QFile::remove(part);
        throw Error(QStringLiteral("%1: downloaded %2 bytes, but model '%3' has %4 bytes; the download was deleted")
                        .arg(url).arg(have).arg(e.name).arg(e.sizeBytes));
    }
    const QString actual = QString::fromLatin1(hash.result().toHex());
    if (!e.sha256.isEmpty() && actual != e.sha256) {
        QFile::remove(part);
        throw Error(QStringLiteral("%1: SHA-256 mismatch for model '%2': expected %3, got %4; the download was deleted")
                        .arg(url, e.name, e.sha256, actual));
    }
    QFile::remove(stampPath(target));
    if (QFileInfo::exists(target) && !QFile::remove(target))
        throw Error(QStringLiteral("%1: cannot replace the old file").arg(target));
    if (!QFile::rename(part, target))
        throw Error(QStringLiteral("%1: cannot rename to %2").arg(part, target));
    writeStamp(target, actual);
    return target;
}

QString ModelManager::importFile(const QString &name, const QString &path, JobControl *control) const
{
    const ModelEntry &e = entry(name);
    const QFileInfo source(path);
    if (!source.isFile())
        throw Error(QStringLiteral("%1: no such file").arg(path));
    const QString target = QDir(m_dataDir).filePath(e.fileName);
    if (!QDir().mkpath(m_dataDir))
        throw Error(QStringLiteral("%1: cannot create the model directory").arg(m_dataDir));
    ModelFileLock lock(target);
    if (QFileInfo(target).isFile() && source.canonicalFilePath() == QFileInfo(target).canonicalFilePath()) {
        verifyInstalled(e, target, control);
        return target;
    }
    if (e.sizeBytes > 0 && source.size() != e.sizeBytes)
        throw Error(QStringLiteral("%1: %2 bytes, but model '%3' has %4 bytes").arg(path).arg(source.size()).arg(e.name).arg(e.sizeBytes));

    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, in.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    ProgressThrottle progress(control, QStringLiteral("import %1").arg(e.name));
    const qint64 total = in.size();
    qint64 done = 0;
    AtomicFileWriter writer(target); // nothing appears unless commit() runs
    QByteArray buffer(kChunkBytes, Qt::Uninitialized);
    for (;;) {
        if (control)
            control->checkCancelled();
        const qint64 n = in.read(buffer.data(), buffer.size());
        if (n < 0)
            throw Error(QStringLiteral("%1: cannot read: %2").arg(path, in.errorString()));
        if (n == 0)
            break;
        hash.addData(QByteArrayView(buffer.constData(), n));
        writer.write(buffer.constData(), n);
        done += n;
        progress.report(done, total);
    }
    progress.report(done, total, true);
    const QString actual = QString::fromLatin1(hash.result().toHex());
    if (!e.sha256.isEmpty() && actual != e.sha256)
        throw Error(QStringLiteral("%1: SHA-256 mismatch for model '%2': expected %3, got %4; nothing was imported")
                        .arg(path, e.name, e.sha256, actual));
    QFile::remove(stampPath(target));
    writer.commit();
    QFile::remove(partPath(target)); // an interrupted download of the same file is now moot
    writeStamp(target, actual);
    return target;
}

} // namespace faultline
