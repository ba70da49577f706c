#include "dataset/DatasetWalker.h"

#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "dataset/Split.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QScopeGuard>

#ifdef Q_OS_UNIX
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#endif

namespace faultline {

namespace {

bool isHidden(const QString &name)
{
    return name.startsWith(QLatin1Char('.'));
}

bool isImageName(const QString &name)
{
    const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
    const QString suffix = dot < 0 ? QString() : name.mid(dot + 1).toLower(); // QFileInfo::suffix()
    return DatasetScanner::imageExtensions().contains(suffix);
}

void addImage(const QString &relativePath, const QString &className, Split split, qint64 size, qint64 mtimeMs,
              DatasetWalk &walk)
{
    StoredImage image;
    image.path = relativePath;
    image.folderClass = className;
    image.folderSplit = split;
    image.stamp = {size, mtimeMs};
    walk.found.push_back(std::move(image));
}

// `dir` is the class folder or a folder nested in it; its images belong to `className`.
// `relative` is `dir` relative to the root.
void walkClassFolder(const QDir &root, const QString &dir, const QString &relative, const QString &className,
                     Split split, DatasetWalk &walk);

// One entry of a class folder, through QFileInfo (what QDirIterator gave before).
void walkEntry(const QDir &root, const QFileInfo &info, const QString &relative, const QString &className,
               Split split, DatasetWalk &walk)
{
    if (isHidden(info.fileName())) {
        ++walk.skippedHidden;
        return;
    }
    if (info.isDir() && info.isSymLink()) { // a link could loop back up the tree
        walk.diagnostics.push_back({Diagnostic::Severity::Warning, relative,
                                    0, QString(), QStringLiteral("symbolic link to a folder, not followed")});
        return;
    }
    if (info.isDir()) { // ImageFolder semantics: nested folders belong to the class
        walkClassFolder(root, info.absoluteFilePath(), relative, className, split, walk);
        return;
    }
    if (!isImageName(info.fileName())) {
        ++walk.skippedNonImage;
        return;
    }
    addImage(relative, className, split, info.size(), info.lastModified().toMSecsSinceEpoch(), walk);
}

#ifdef Q_OS_UNIX

// readdir's entry types spare the stat of every folder and non-image, and one fstatat gives an
// image its stamp (QDirIterator + QFileInfo cost a stat, an lstat and more per entry). Links and
// entries of unknown type take the QFileInfo path, with QDirIterator's filter (Files | Dirs |
// Hidden, no System): devices, FIFOs, sockets and broken links are not listed at all.
void walkClassFolder(const QDir &root, const QString &dir, const QString &relative, const QString &className,
                     Split split, DatasetWalk &walk)
{
    DIR *stream = ::opendir(QFile::encodeName(dir).constData());
    if (!stream)
        return; // as QDirIterator: an unreadable folder lists nothing
    const auto closeStream = qScopeGuard([&] { ::closedir(stream); });
    const int fd = ::dirfd(stream);
    while (const dirent *entry = ::readdir(stream)) {
        const char *raw = entry->d_name;
        if (raw[0] == '.' && (raw[1] == 0 || (raw[1] == '.' && raw[2] == 0)))
            continue;
        const unsigned char type = entry->d_type;
        if (type != DT_REG && type != DT_DIR && type != DT_LNK && type != DT_UNKNOWN)
            continue; // a device, FIFO or socket: not listed (no QDir::System)
        const QString name = QFile::decodeName(raw);
        const QString path = relative + QLatin1Char('/') + name;
        if (type == DT_LNK || type == DT_UNKNOWN) {
            const QFileInfo info(dir + QLatin1Char('/') + name);
            if (info.isSymLink() ? !info.exists() : !(info.isFile() || info.isDir()))
                continue;
            walkEntry(root, info, path, className, split, walk);
            continue;
        }
        if (isHidden(name)) {
            ++walk.skippedHidden;
            continue;
        }
        if (type == DT_DIR) { // ImageFolder semantics: nested folders belong to the class
            walkClassFolder(root, dir + QLatin1Char('/') + name, path, className, split, walk);
            continue;
        }
        if (!isImageName(name)) {
            ++walk.skippedNonImage;
            continue;
        }
        struct stat info;
        if (::fstatat(fd, raw, &info, 0) != 0 || !S_ISREG(info.st_mode)) { // gone or replaced meanwhile
            const QFileInfo file(dir + QLatin1Char('/') + name);
            if (file.exists())
                walkEntry(root, file, path, className, split, walk);
            continue;
        }
        addImage(path, className, split, qint64(info.st_size),
                 qint64(info.st_mtim.tv_sec) * 1000 + qint64(info.st_mtim.tv_nsec) / 1000000, walk);
    }
}

#else

void walkClassFolder(const QDir &root, const QString &dir, const QString &relative, const QString &className,
                     Split split, DatasetWalk &walk)
{
    QDirIterator it(dir, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        walkEntry(root, info, relative + QLatin1Char('/') + info.fileName(), className, split, walk);
    }
}

#endif

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
            walkClassFolder(root, entry.absoluteFilePath(), root.relativeFilePath(entry.absoluteFilePath()),
                            entry.fileName(), split, walk);
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
