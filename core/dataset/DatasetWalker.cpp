#include "dataset/DatasetWalker.h"

#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "dataset/Split.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace faultline {

namespace {

bool isHidden(const QString &name)
{
    return name.startsWith(QLatin1Char('.'));
}

// `dir` is the class folder or a folder nested in it; its images belong to `className`.
void walkClassFolder(const QDir &root, const QFileInfo &dir, const QString &className, Split split, DatasetWalk &walk)
{
    QDirIterator it(dir.absoluteFilePath(), QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (isHidden(info.fileName())) {
            ++walk.skippedHidden;
            continue;
        }
        if (info.isDir() && info.isSymLink()) { // a link could loop back up the tree
            walk.diagnostics.push_back({Diagnostic::Severity::Warning, root.relativeFilePath(info.absoluteFilePath()),
                                        0, QString(), QStringLiteral("symbolic link to a folder, not followed")});
            continue;
        }
        if (info.isDir()) { // ImageFolder semantics: nested folders belong to the class
            walkClassFolder(root, info, className, split, walk);
            continue;
        }
        if (!DatasetScanner::imageExtensions().contains(info.suffix().toLower())) {
            ++walk.skippedNonImage;
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
void walkClasses(const QDir &root, const QDir &dir, Split split, DatasetWalk &walk)
{
    const QFileInfoList entries = dir.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden,
                                                    QDir::Name);
    for (const QFileInfo &entry : entries) {
        if (isHidden(entry.fileName())) {
            if (entry.fileName() != QLatin1String(".faultline"))
                ++walk.skippedHidden;
            continue;
        }
        if (entry.isDir()) {
            walkClassFolder(root, entry, entry.fileName(), split, walk);
        } else if (DatasetScanner::imageExtensions().contains(entry.suffix().toLower())) {
            walk.diagnostics.push_back({Diagnostic::Severity::Warning, root.relativeFilePath(entry.absoluteFilePath()),
                                        0, QString(), QStringLiteral("image outside a class folder, skipped")});
            ++walk.skippedNonImage;
        } else if (dir != root) {
            ++walk.skippedNonImage;
        }
    }
}

} // namespace

DatasetWalk walkDataset(const QString &rootPath)
{
    const QDir root(rootPath);
    if (!root.exists())
        throw Error(QStringLiteral("%1: no such dataset folder").arg(rootPath));
    DatasetWalk walk;
    const QFileInfoList top = root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    bool anySplit = false;
    for (const QFileInfo &dir : top) {
        Split split;
        anySplit |= !isHidden(dir.fileName()) && splitFromName(dir.fileName(), &split);
    }
    walk.layout = anySplit ? DatasetLayout::SplitClassFile : DatasetLayout::ClassFile;
    if (!anySplit) {
        walkClasses(root, root, Split::Unassigned, walk);
        return walk;
    }
    for (const QFileInfo &dir : top) {
        if (isHidden(dir.fileName()))
            continue;
        Split split;
        if (splitFromName(dir.fileName(), &split))
            walkClasses(root, QDir(dir.absoluteFilePath()), split, walk);
        else
            walk.diagnostics.push_back({Diagnostic::Severity::Warning, dir.fileName(), 0, QString(),
                                        QStringLiteral("folder is not a split (train, val, test, pool), skipped")});
    }
    return walk;
}

QString layoutName(DatasetLayout layout)
{
    return layout == DatasetLayout::SplitClassFile ? QStringLiteral("ROOT/<split>/<class>/<file>")
                                                   : QStringLiteral("ROOT/<class>/<file>");
}

} // namespace faultline
