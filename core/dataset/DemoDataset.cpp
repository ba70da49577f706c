#include "dataset/DemoDataset.h"

#include "common/Error.h"
#include "common/JobControl.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace faultline {

namespace {

const QString kDemoFolder = QStringLiteral("faultline/demo/fashion-mnist");

bool isDemo(const QString &dir)
{
    return !dir.isEmpty() && QFileInfo(QDir(dir).filePath(QStringLiteral("predictions.csv"))).isFile();
}

} // namespace

QString bundledDemoDataset()
{
    QStringList candidates{qEnvironmentVariable("FAULTLINE_DEMO_DATASET")};
    if (QCoreApplication::instance())
        candidates << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/") + kDemoFolder);
    candidates << QStandardPaths::locateAll(QStandardPaths::GenericDataLocation, kDemoFolder,
                                            QStandardPaths::LocateDirectory);
    for (const QString &candidate : candidates)
        if (isDemo(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    return {};
}

QString demoWorkingCopyPath(const QString &bundled)
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return QDir(base).filePath(QStringLiteral("demo/") + QFileInfo(bundled).fileName());
}

QString prepareDemoDataset(const QString &bundled, const QString &target, JobControl *control)
{
    if (QFileInfo(target).isDir())
        return target;
    if (!isDemo(bundled))
        throw Error(QStringLiteral("%1: not a demo dataset (no predictions.csv)").arg(QDir::toNativeSeparators(bundled)));

    QStringList files;
    const QDir source(bundled);
    for (QDirIterator it(bundled, QDir::Files, QDirIterator::Subdirectories); it.hasNext();)
        files << source.relativeFilePath(it.next());

    const QString partial = target + QStringLiteral(".partial");
    if (QFileInfo::exists(partial) && !QDir(partial).removeRecursively())
        throw Error(QStringLiteral("%1: cannot remove an earlier, unfinished copy").arg(QDir::toNativeSeparators(partial)));
    const QDir into(partial);
    for (qsizetype i = 0; i < files.size(); ++i) {
        if (control) {
            control->checkCancelled();
            if (i % 256 == 0)
                control->report(i, files.size(), QStringLiteral("copying the demo dataset"));
        }
        const QString to = into.filePath(files[i]);
        if (!QDir().mkpath(QFileInfo(to).path()))
            throw Error(QStringLiteral("%1: cannot create the folder").arg(QDir::toNativeSeparators(QFileInfo(to).path())));
        QFile from(source.filePath(files[i]));
        if (!from.copy(to))
            throw Error(QStringLiteral("%1: cannot copy to %2: %3")
                            .arg(QDir::toNativeSeparators(from.fileName()), QDir::toNativeSeparators(to), from.errorString()));
        // The installed files are read-only; the copy is the user's to change.
        QFile::setPermissions(to, QFile::permissions(to) | QFile::WriteOwner | QFile::ReadOwner);
    }
    if (!QDir().rename(partial, target))
        throw Error(QStringLiteral("%1: cannot move the finished copy into place").arg(QDir::toNativeSeparators(target)));
    if (control)
        control->report(files.size(), files.size(), QStringLiteral("copied the demo dataset"));
    return target;
}

} // namespace faultline
