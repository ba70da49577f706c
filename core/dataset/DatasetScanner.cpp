#include "dataset/DatasetScanner.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/ContentHash.h"
#include "dataset/ImageDecoder.h"
#include "dataset/Split.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

namespace faultline {

const QStringList &DatasetScanner::imageExtensions()
{
    static const QStringList extensions = {
        QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("jpe"),
        QStringLiteral("bmp"), QStringLiteral("dib"), QStringLiteral("webp"), QStringLiteral("tif"),
        QStringLiteral("tiff"), QStringLiteral("jp2"), QStringLiteral("pbm"), QStringLiteral("pgm"),
        QStringLiteral("ppm"), QStringLiteral("pxm"), QStringLiteral("pnm"), QStringLiteral("sr"),
        QStringLiteral("ras"), QStringLiteral("exr"), QStringLiteral("hdr"), QStringLiteral("pic")};
    return extensions;
}

QString DatasetScanner::recordedRoot(const ProjectStore &store)
{
    const QFileInfo file(store.path());
    const QDir folder(file.absolutePath());
    // A store inside a dataset (ROOT/.faultline/) belongs to that folder, wherever it is copied.
    if (folder.dirName() == QLatin1String(".faultline"))
        return QFileInfo(folder.absolutePath()).absolutePath();
    const QString recorded = store.meta(QStringLiteral("dataset_root"));
    return recorded.isEmpty() ? QString() : QDir::cleanPath(folder.absoluteFilePath(recorded));
}

void DatasetScanner::checkRoot(const QString &rootPath, const ProjectStore &store)
{
    const QString recorded = recordedRoot(store);
    if (recorded.isEmpty())
        return; // a new project takes any folder
    const auto canonical = [](const QString &path) {
        const QString c = QFileInfo(path).canonicalFilePath();
        return c.isEmpty() ? QDir::cleanPath(QFileInfo(path).absoluteFilePath()) : c;
    };
    // Every stored image is read only when the folders differ (a rescan of a large dataset
    // loaded them all here just to see that there are some).
    if (canonical(recorded) != canonical(rootPath) && !store.images(true).isEmpty())
        throw Error(QStringLiteral("%1: this project belongs to the dataset %2, not %3; give that folder,"
                                   " or scan with --re-root to point the project at %3 (images not found there"
                                   " are marked missing, not deleted)")
                        .arg(store.path(), recorded, QDir(rootPath).absolutePath()));
}

ScanReport DatasetScanner::scan(const QString &rootPath, ProjectStore &store, JobControl *control, bool reRoot)
{
    const QDir root(rootPath);
    DatasetWalk walk = walkDataset(rootPath); // first: a missing folder is the message
    if (!reRoot)
        checkRoot(rootPath, store);
    ScanReport report;
    report.layout = walk.layout;
    report.skippedHidden = walk.skippedHidden;
    report.skippedNonImage = walk.skippedNonImage;
    report.diagnostics = std::move(walk.diagnostics);
    if (control)
        control->checkCancelled();

    // Compare with the store: only new or changed files are read. A changed size or mtime
    // (touch, cp -r, git checkout, unzip) is not a changed image: the content hash decides.
    const QVector<StoredImage> stored = store.images(true);
    QHash<QString, const StoredImage *> storedByPath;
    for (const StoredImage &image : stored)
        storedByPath.insert(image.path, &image);
    QVector<StoredImage> toVerify; // new or changed stamp: hashed and decoded
    QVector<StoredImage> toHash;   // unchanged stamp, but stored before hashes were kept
    QSet<QString> present;
    QSet<QString> classes;
    for (StoredImage &image : walk.found) {
        present.insert(image.path);
        classes.insert(image.folderClass);
        const StoredImage *old = storedByPath.value(image.path);
        if (!old) {
            toVerify.push_back(image);
        } else if (!(old->stamp == image.stamp) || old->missing) { // a missing file is back: check it again
            image.id = old->id;
            toVerify.push_back(image);
        } else {
            if (old->contentHash.isEmpty()) {
                StoredImage hashOnly = *old;
                hashOnly.folderClass = image.folderClass;
                hashOnly.folderSplit = image.folderSplit;
                toHash.push_back(hashOnly);
            }
            ++report.unchanged;
            if (!old->readable) {
                ++report.unreadable;
                report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(),
                                                   QStringLiteral("cannot decode image: %1").arg(old->readError)});
            }
        }
    }
    QVector<const StoredImage *> gone; // not found now: gone at this scan or missing before
    for (const StoredImage &image : stored)
        if (!present.contains(image.path))
            gone.push_back(&image);

    QThreadPool pool;
    std::atomic<qint64> verified{0};
    const qint64 total = toVerify.size() + toHash.size();
    const auto read = [&](StoredImage &image, bool decode) {
        if (control && control->isCancelled())
            return;
        const QString path = root.filePath(image.path);
        try {
            const QByteArray bytes = readImageFile(path);
            image.contentHash = contentHash(bytes);
            if (decode)
                decodeImage(bytes, path);
            image.readError.clear();
        } catch (const Error &error) {
            if (decode || image.contentHash.isEmpty())
                image.readError = error.reasonFor(path); // the report names the path itself
        }
        if (decode)
            image.readable = image.readError.isEmpty();
        if (control)
            control->report(++verified, total, QStringLiteral("verify images"));
    };
    QtConcurrent::blockingMap(&pool, toVerify, [&](StoredImage &image) { read(image, true); });
    QtConcurrent::blockingMap(&pool, toHash, [&](StoredImage &image) { read(image, false); });
    if (control)
        control->checkCancelled();

    // A file gone from one path and found at another with the same bytes was moved or renamed:
    // it keeps its id and everything stored for it.
    QMultiHash<QString, const StoredImage *> goneByHash;
    for (const StoredImage *image : gone)
        if (!image->contentHash.isEmpty())
            goneByHash.insert(image->contentHash, image);
    QSet<qint64> movedIds;
    for (StoredImage &image : toVerify) {
        if (image.id != 0) {
            const StoredImage *old = storedByPath.value(image.path);
            image.contentChanged = old->contentHash.isEmpty() || image.contentHash != old->contentHash;
            if (image.contentChanged)
                ++report.changed;
            else
                ++report.unchanged;
        } else if (!image.contentHash.isEmpty() && goneByHash.contains(image.contentHash)) {
            const StoredImage *old = goneByHash.take(image.contentHash);
            image.id = old->id;
            image.moved = true;
            movedIds.insert(old->id);
            ++report.moved;
        } else {
            ++report.added;
        }
    }
    QStringList removed;
    for (const StoredImage *image : gone)
        if (!movedIds.contains(image->id) && !image->missing)
            removed << image->path;
    report.removed = int(removed.size());

    for (const StoredImage &image : toVerify) {
        if (image.readable)
            continue;
        ++report.unreadable;
        report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(),
                                           QStringLiteral("cannot decode image: %1").arg(image.readError)});
    }
    for (const StoredImage &image : std::as_const(toHash))
        if (!image.contentHash.isEmpty())
            toVerify.push_back(image);
    store.transaction([&] {
        store.applyScan(toVerify, removed);
        // Relative to the store's folder, so a dataset copied with its project stays whole.
        store.setMeta(QStringLiteral("dataset_root"),
                      QDir(QFileInfo(store.path()).absolutePath()).relativeFilePath(root.absolutePath()));
    });
    report.missing = store.missingCount();
    if (report.missing > 0)
        report.diagnostics.push_back(
            {Diagnostic::Severity::Warning, root.absolutePath(), 0, QString(),
             QStringLiteral("%1 stored images are missing from the dataset folder; their rows are kept until"
                            " 'faultline-cli prune' deletes them").arg(report.missing)});

    report.images = int(walk.found.size());
    report.classes = QStringList(classes.begin(), classes.end());
    report.classes.sort();
    return report;
}

} // namespace faultline
