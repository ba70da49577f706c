#include "dataset/DatasetScanner.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/ImageDecoder.h"
#include "dataset/Split.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

namespace faultline {

namespace {

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

ScanReport DatasetScanner::scan(const QString &rootPath, ProjectStore &store, JobControl *control)
{
    const QDir root(rootPath);
    if (!root.exists())
        throw Error(QStringLiteral("%1: no such dataset folder").arg(rootPath));

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

    // Compare with the store: only new or changed files are read.
    const QHash<QString, FileStamp> known = store.fileStamps();
    QVector<StoredImage> toVerify;
    QSet<QString> present;
    QSet<QString> classes;
    const QVector<StoredImage> stored = store.images();
    QHash<QString, const StoredImage *> storedByPath;
    for (const StoredImage &image : stored)
        storedByPath.insert(image.path, &image);
    for (StoredImage &image : walk.found) {
        present.insert(image.path);
        classes.insert(image.folderClass);
        const auto it = known.constFind(image.path);
        if (it == known.constEnd()) {
            ++walk.report.added;
            toVerify.push_back(image);
        } else if (!(*it == image.stamp)) {
            ++walk.report.changed;
            image.id = storedByPath.value(image.path)->id;
            toVerify.push_back(image);
        } else {
            ++walk.report.unchanged;
            const StoredImage *old = storedByPath.value(image.path);
            if (!old->readable) {
                ++walk.report.unreadable;
                walk.report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(),
                                                   QStringLiteral("cannot decode image: %1").arg(old->readError)});
            }
        }
    }
    QStringList removed;
    for (auto it = known.constBegin(); it != known.constEnd(); ++it)
        if (!present.contains(it.key()))
            removed << it.key();
    walk.report.removed = int(removed.size());

    QThreadPool pool;
    std::atomic<qint64> verified{0};
    QtConcurrent::blockingMap(&pool, toVerify, [&](StoredImage &image) {
        if (control && control->isCancelled())
            return;
        image.readError = probeImage(root.filePath(image.path));
        image.readable = image.readError.isEmpty();
        if (control)
            control->report(++verified, toVerify.size(), QStringLiteral("verify images"));
    });
    if (control)
        control->checkCancelled();
    for (const StoredImage &image : toVerify) {
        if (image.readable)
            continue;
        ++walk.report.unreadable;
        walk.report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(),
                                           QStringLiteral("cannot decode image: %1").arg(image.readError)});
    }
    store.applyScan(toVerify, removed);
    store.setMeta(QStringLiteral("dataset_root"), root.absolutePath());

    walk.report.images = int(walk.found.size());
    walk.report.classes = QStringList(classes.begin(), classes.end());
    walk.report.classes.sort();
    return walk.report;
}

} // namespace faultline
