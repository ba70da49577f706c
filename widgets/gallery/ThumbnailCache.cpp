#include "gallery/ThumbnailCache.h"

#include <QGuiApplication>
#include <QImage>
#include <QImageReader>
#include <QMutex>
#include <QMutexLocker>
#include <QPainter>
#include <QPen>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace faultline {

namespace {

// Pending requests beyond this are dropped, oldest first (rows scrolled past long ago).
constexpr int kMaxPending = 1024;

QThreadPool *decodePool()
{
    // A pool of its own, so thumbnails never queue behind engine jobs on the global pool.
    // Leaked on purpose: no exit-time wait on a decode.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(std::clamp(QThread::idealThreadCount() - 1, 1, 4));
        p->setExpiryTimeout(10000);
        return p;
    }();
    return pool;
}

QImage decodeThumbnail(const QString &path, int pixels, QString *error)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    reader.setDecideFormatFromContent(true);
    const QSize full = reader.size();
    if (full.isValid() && (full.width() > pixels || full.height() > pixels)
        && reader.supportsOption(QImageIOHandler::ScaledSize)) {
        QSize scaled = full.scaled(pixels, pixels, Qt::KeepAspectRatio);
        reader.setScaledSize(scaled.expandedTo(QSize(1, 1)));
    }
    QImage image = reader.read();
    if (image.isNull()) {
        *error = reader.errorString();
        return {};
    }
    const int longest = std::max(image.width(), image.height());
    if (longest > pixels) {
        image = image.scaled(pixels, pixels, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    } else if (longest > 0 && longest < pixels) {
        const int factor = pixels / longest;
        if (factor >= 2) // small images (28 × 28, 32 × 32): crisp pixels, no blur
            image = image.scaled(image.width() * factor, image.height() * factor, Qt::IgnoreAspectRatio,
                                 Qt::FastTransformation);
    }
    return image.hasAlphaChannel() ? image.convertToFormat(QImage::Format_ARGB32_Premultiplied)
                                   : image.convertToFormat(QImage::Format_RGB32);
}

} // namespace

struct ThumbnailCache::Request
{
    QString key;
    QString path;
    int pixels = 0;
    quint64 generation = 0;
};

struct ThumbnailCache::Shared
{
    QMutex mutex;
    ThumbnailCache *receiver = nullptr; // null once the cache is gone
    std::deque<Request> queue;          // served from the back (newest first)
    int running = 0;
    int maxRunning = 1;
};

ThumbnailCache::ThumbnailCache(QObject *parent, qint64 maxBytes)
    : QObject(parent), m_shared(std::make_shared<Shared>())
{
    m_shared->receiver = this;
    m_shared->maxRunning = decodePool()->maxThreadCount();
    setMaxBytes(maxBytes);
    if (auto *app = qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        m_dpr = app->devicePixelRatio();
}

ThumbnailCache::~ThumbnailCache()
{
    // Never waits: queued requests are dropped, running decodes finish and deliver nothing
    // (they post under the mutex, and events posted to a deleted object are discarded).
    QMutexLocker lock(&m_shared->mutex);
    m_shared->receiver = nullptr;
    m_shared->queue.clear();
}

QString ThumbnailCache::key(const QString &path, int pixels)
{
    return QString::number(pixels) + QLatin1Char('|') + path;
}

bool ThumbnailCache::contains(const QString &absolutePath, int size) const
{
    const int pixels = std::max(1, int(std::lround(size * m_dpr)));
    return m_cache.contains(key(absolutePath, pixels));
}

QPixmap ThumbnailCache::thumbnail(const QString &absolutePath, int size)
{
    size = std::max(size, 1);
    const int pixels = std::max(1, int(std::lround(size * m_dpr)));
    const QString k = key(absolutePath, pixels);
    if (const QPixmap *cached = m_cache.object(k))
        return *cached;
    if (m_errors.contains(absolutePath))
        return placeholder(size, true);
    if (!m_inFlight.contains(k)) {
        m_inFlight.insert(k);
        bool startRunner = false;
        {
            QMutexLocker lock(&m_shared->mutex);
            m_shared->queue.push_back(Request{k, absolutePath, pixels, m_generation});
            while (int(m_shared->queue.size()) > kMaxPending) {
                m_inFlight.remove(m_shared->queue.front().key); // asked again if still wanted
                m_shared->queue.pop_front();
            }
            if (m_shared->running < m_shared->maxRunning) {
                ++m_shared->running;
                startRunner = true;
            }
        }
        if (startRunner) {
            std::shared_ptr<Shared> shared = m_shared;
            decodePool()->start([shared] {
                for (;;) {
                    Request request;
                    {
                        QMutexLocker lock(&shared->mutex);
                        if (!shared->receiver || shared->queue.empty()) {
                            --shared->running;
                            return;
                        }
                        request = std::move(shared->queue.back());
                        shared->queue.pop_back();
                    }
                    QString error;
                    const QImage image = decodeThumbnail(request.path, request.pixels, &error);
                    QMutexLocker lock(&shared->mutex);
                    if (ThumbnailCache *receiver = shared->receiver) {
                        QMetaObject::invokeMethod(
                            receiver,
                            [receiver, request, image, error] {
                                receiver->deliver(request.key, request.path, image, error, request.generation);
                            },
                            Qt::QueuedConnection);
                    }
                }
            });
        }
    }
    return placeholder(size, false);
}

void ThumbnailCache::deliver(const QString &k, const QString &path, const QImage &image, const QString &error,
                             quint64 generation)
{
    if (generation != m_generation)
        return; // cleared since the request
    m_inFlight.remove(k);
    if (image.isNull()) {
        m_errors.insert(path, error.isEmpty() ? tr("the file could not be decoded") : error);
    } else {
        auto *pixmap = new QPixmap(QPixmap::fromImage(image));
        pixmap->setDevicePixelRatio(m_dpr);
        const qint64 bytes = qint64(pixmap->width()) * pixmap->height() * std::max(pixmap->depth(), 8) / 8;
        m_cache.insert(k, pixmap, int(std::max<qint64>(1, bytes / 1024)));
    }
    Q_EMIT thumbnailReady(path);
}

QString ThumbnailCache::errorString(const QString &absolutePath) const
{
    return m_errors.value(absolutePath);
}

QPixmap ThumbnailCache::placeholder(int size, bool broken) const
{
    size = std::max(size, 1);
    const int pixels = std::max(1, int(std::lround(size * m_dpr)));
    const qint64 k = (qint64(pixels) << 1) | (broken ? 1 : 0);
    auto it = m_placeholders.constFind(k);
    if (it != m_placeholders.constEnd())
        return *it;
    QPixmap pixmap(pixels, pixels);
    pixmap.setDevicePixelRatio(m_dpr);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QRectF r(0.5, 0.5, size - 1.0, size - 1.0);
        painter.setPen(QPen(QColor(128, 128, 128, 90), 1.0));
        painter.setBrush(QColor(128, 128, 128, broken ? 30 : 45));
        painter.drawRoundedRect(r, 4, 4);
        if (broken) {
            const qreal m = size * 0.32;
            painter.setPen(QPen(QColor(200, 60, 60, 200), std::max(1.5, size / 32.0), Qt::SolidLine, Qt::RoundCap));
            painter.drawLine(QPointF(m, m), QPointF(size - m, size - m));
            painter.drawLine(QPointF(size - m, m), QPointF(m, size - m));
        }
    }
    m_placeholders.insert(k, pixmap);
    return pixmap;
}

void ThumbnailCache::setDevicePixelRatio(qreal ratio)
{
    if (ratio <= 0 || qFuzzyCompare(ratio, m_dpr))
        return;
    m_dpr = ratio;
    m_placeholders.clear();
}

qint64 ThumbnailCache::maxBytes() const
{
    return qint64(m_cache.maxCost()) * 1024;
}

void ThumbnailCache::setMaxBytes(qint64 bytes)
{
    m_cache.setMaxCost(int(std::clamp<qint64>(bytes / 1024, 1, std::numeric_limits<int>::max())));
}

qint64 ThumbnailCache::cachedBytes() const
{
    return qint64(m_cache.totalCost()) * 1024;
}

void ThumbnailCache::clear()
{
    ++m_generation;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->queue.clear();
    }
    m_inFlight.clear();
    m_cache.clear();
    m_errors.clear();
}

} // namespace faultline
