#include "dataset/DatasetScanner.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/ImageDecoder.h"
#include "dataset/Split.h"
#include "store/ProjectStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

namespace faultline {

namespace {

// As DatasetEmbedder keys its cache: SHA-256 of the file's bytes.
QString contentHash(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

struct Walk
{
    ScanReport report;
    QVector<StoredImage> found;
};

bool isHidden(const QString &name)
{
    return name.startsWith(QLatin1Char('.'));
}

// `dir` is the class folder or a folder nested in it; its images belong to `className`.
void walkClassFolder(const QDir &root, const QFileInfo &dir, const QString &className, Split split, Walk &walk)
{
    QDirIterator it(dir.absoluteFilePath(), QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (isHidden(info.fileName())) {
            ++walk.report.skippedHidden;
            continue;
        }
        if (info.isDir() && info.isSymLink()) { // a link could loop back up the tree
            walk.report.diagnostics.push_back({Diagnostic::Severity::Warning, root.relativeFilePath(info.absoluteFilePath()),
                                               0, QString(), QStringLiteral("symbolic link to a folder, not followed")});
            continue;
        }
        if (info.isDir()) { // ImageFolder semantics: nested folders belong to the class
            walkClassFolder(root, info, className, split, walk);
            continue;
        }
        if (!DatasetScanner::imageExtensions().contains(info.suffix().toLower())) {
            ++walk.report.skippedNonImage;
            continue;
        }
        StoredImage image;
        image.path = root.relativeFilePath(info.absoluteFilePath());
        image.folderClass = className;
        image.folderSplit = split;
        image.stamp = {info.size(), info.lastModified().toMSecsSinceEpoch()};
        walk.found.push_back(image);
    }
}

// Class folders directly under `dir`; loose files there are reported, not guessed at.
void walkClasses(const QDir &root, const QDir &dir, Split split, Walk &walk)
{
    const QFileInfoList entries = dir.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden,
                                                    QDir::Name);
    for (const QFileInfo &entry : entries) {
        if (isHidden(entry.fileName())) {
            if (entry.fileName() != QLatin1String(".faultline"))
                ++walk.report.skippedHidden;
            continue;
        }
        if (entry.isDir()) {
            walkClassFolder(root, entry, entry.fileName(), split, walk);
        } else if (DatasetScanner::imageExtensions().contains(entry.suffix().toLower())) {
            walk.report.diagnostics.push_back({Diagnostic::Severity::Warning, root.relativeFilePath(entry.absoluteFilePath()),
                                               0, QString(), QStringLiteral("image outside a class folder, skipped")});
            ++walk.report.skippedNonImage;
        } else if (dir != root) {
            ++walk.report.skippedNonImage;
        }
    }
}

} // namespace

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

QString layoutName(DatasetLayout layout)
{
    return layout == DatasetLayout::SplitClassFile ? QStringLiteral("ROOT/<split>/<class>/<file>")
                                                   : QStringLiteral("ROOT/<class>/<file>");
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
    if (recorded.isEmpty() || store.images(true).isEmpty())
        return; // a new project takes any folder
    const auto canonical = [](const QString &path) {
        const QString c = QFileInfo(path).canonicalFilePath();
        return c.isEmpty() ? QDir::cleanPath(QFileInfo(path).absoluteFilePath()) : c;
    };
    if (canonical(recorded) != canonical(rootPath))
        throw Error(QStringLiteral("%1: this project belongs to the dataset %2, not %3; give that folder,"
                                   " or scan with --re-root to point the project at %3 (images not found there"
                                   " are marked missing, not deleted)")
                        .arg(store.path(), recorded, QDir(rootPath).absolutePath()));
}

ScanReport DatasetScanner::scan(const QString &rootPath, ProjectStore &store, JobControl *control, bool reRoot)
{
    const QDir root(rootPath);
    if (!root.exists())
        throw Error(QStringLiteral("%1: no such dataset folder").arg(rootPath));
    if (!reRoot)
        checkRoot(rootPath, store);

    Walk walk;
    const QFileInfoList top = root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    bool anySplit = false;
    for (const QFileInfo &dir : top) {
        Split split;
        anySplit |= !isHidden(dir.fileName()) && splitFromName(dir.fileName(), &split);
    }
    walk.report.layout = anySplit ? DatasetLayout::SplitClassFile : DatasetLayout::ClassFile;
    if (anySplit) {
        for (const QFileInfo &dir : top) {
            if (isHidden(dir.fileName()))
                continue;
            Split split;
            if (splitFromName(dir.fileName(), &split))
                walkClasses(root, QDir(dir.absoluteFilePath()), split, walk);
            else
                walk.report.diagnostics.push_back(
                    {Diagnostic::Severity::Warning, dir.fileName(), 0, QString(),
                     QStringLiteral("folder is not a split (train, val, test, pool), skipped")});
        }
    } else {
        walkClasses(root, root, Split::Unassigned, walk);
    }
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
            ++walk.report.unchanged;
            if (!old->readable) {
                ++walk.report.unreadable;
                walk.report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(),
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
            // The report names the path itself; keep only the reason.
            QString reason = error.message();
            if (reason.startsWith(path + QLatin1String(": ")))
                reason.remove(0, path.size() + 2);
            if (decode || image.contentHash.isEmpty())
                image.readError = reason;
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
                ++walk.report.changed;
            else
                ++walk.report.unchanged;
        } else if (!image.contentHash.isEmpty() && goneByHash.contains(image.contentHash)) {
            const StoredImage *old = goneByHash.take(image.contentHash);
            image.id = old->id;
            image.moved = true;
            movedIds.insert(old->id);
            ++walk.report.moved;
        } else {
            ++walk.report.added;
        }
    }
    QStringList removed;
    for (const StoredImage *image : gone)
        if (!movedIds.contains(image->id) && !image->missing)
            removed << image->path;
    walk.report.removed = int(removed.size());

    for (const StoredImage &image : toVerify) {
        if (image.readable)
            continue;
        ++walk.report.unreadable;
        walk.report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(),
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
    walk.report.missing = store.missingCount();
    if (walk.report.missing > 0)
        walk.report.diagnostics.push_back(
            {Diagnostic::Severity::Warning, root.absolutePath(), 0, QString(),
             QStringLiteral("%1 stored images are missing from the dataset folder; their rows are kept until"
                            " 'faultline-cli prune' deletes them").arg(walk.report.missing)});

    walk.report.images = int(walk.found.size());
    walk.report.classes = QStringList(classes.begin(), classes.end());
    walk.report.classes.sort();
    return walk.report;
}

} // namespace faultline
