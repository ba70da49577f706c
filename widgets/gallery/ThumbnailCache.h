#pragma once

#include <QCache>
#include <QHash>
#include <QObject>
#include <QPixmap>
#include <QSet>
#include <QString>

#include <memory>

namespace faultline {

// Thumbnails of image files for the gallery and the inspector, decoded off the GUI thread.
//
// thumbnail() never blocks: it returns the cached pixmap, or a placeholder while the file is
// decoded on a small dedicated thread pool (QImageReader with setScaledSize, so a large JPEG
// is decoded at reduced size; Qt's image plugins, no OpenCV), and thumbnailReady(path) is
// emitted on the GUI thread when the pixmap is in the cache. A file that cannot be decoded
// gets a "broken" placeholder and errorString(path) says why; it is not retried.
//
// Sizes are in device-independent pixels: pixmaps are decoded at size × devicePixelRatio and
// carry that ratio, so they paint crisp on high-DPI screens.
//
// The cache is bounded by bytes (QCache, cost = pixmap bytes). Requests for the same (path,
// size) are de-duplicated while in flight. Pending requests are served newest first (what the
// user scrolled to last is what they look at) and the oldest are dropped beyond a bound.
// Destroying the cache cancels what has not started and discards what is still decoding; it
// never waits for a decode.
class ThumbnailCache : public QObject
{
    Q_OBJECT
public:
    explicit ThumbnailCache(QObject *parent = nullptr, qint64 maxBytes = 256ll * 1024 * 1024);
    ~ThumbnailCache() override;

    // The thumbnail of `absolutePath` fitting a size × size square (aspect ratio kept), or a
    // placeholder of that size while it is decoded (or when decoding failed).
    QPixmap thumbnail(const QString &absolutePath, int size);
    // Whether thumbnail(absolutePath, size) would return the real image now.
    bool contains(const QString &absolutePath, int size) const;
    // Why the file could not be decoded; empty when it could (or has not been tried yet).
    QString errorString(const QString &absolutePath) const;

    QPixmap placeholder(int size, bool broken = false) const;

    void setDevicePixelRatio(qreal ratio); // default: the application's
    qreal devicePixelRatio() const { return m_dpr; }

    qint64 maxBytes() const;
    void setMaxBytes(qint64 bytes);
    qint64 cachedBytes() const;
    int pendingCount() const { return int(m_inFlight.size()); }

    void clear(); // drops cached pixmaps, remembered errors and pending requests

Q_SIGNALS:
    void thumbnailReady(const QString &path);

private:
    struct Shared;
    struct Request;
    static QString key(const QString &path, int pixels);
    void deliver(const QString &key, const QString &path, const QImage &image, const QString &error,
                 quint64 generation);

    std::shared_ptr<Shared> m_shared;
    QCache<QString, QPixmap> m_cache; // cost in KiB
    QSet<QString> m_inFlight;
    QHash<QString, QString> m_errors;
    mutable QHash<qint64, QPixmap> m_placeholders;
    qreal m_dpr = 1.0;
    quint64 m_generation = 0;
};

} // namespace faultline
