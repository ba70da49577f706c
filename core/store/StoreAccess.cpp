#include "store/StoreAccess.h"

#include "common/Error.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QMutex>

#include <limits>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <sys/stat.h>
#endif

namespace faultline {

namespace {

// SQLite's WAL-index locks in the -shm file (https://sqlite.org/walformat.html): byte 120 is the
// write lock, 121 the checkpointer's, 122 recovery's. Whoever holds one of them is writing.
constexpr qint64 kFirstWriteLockByte = 120;
constexpr qint64 kLastWriteLockByte = 122;

#ifdef Q_OS_LINUX
// The pid holding a write lock on the file with this inode, from /proc/locks: read, not locked,
// so this process's own SQLite locks on the file stay untouched (closing any descriptor of a
// file drops all of a process's POSIX locks on it).
qint64 writeLockPid(quint64 inode)
{
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return 0;
    // "1: POSIX  ADVISORY  WRITE 12417 fe:00:10952984 120 120"
    for (const QByteArray &line : locks.readAll().split('\n')) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() < 8 || f[1] != "POSIX")
            continue;
        const QList<QByteArray> id = f[5].split(':');
        if (id.size() != 3 || id[2].toULongLong() != inode)
            continue;
        const qint64 start = f[6].toLongLong();
        const qint64 end = f[7] == "EOF" ? std::numeric_limits<qint64>::max() : f[7].toLongLong();
        if (start <= kLastWriteLockByte && end >= kFirstWriteLockByte)
            return f[4].toLongLong();
    }
    return 0;
}

// "faultline-cli analyze": the program's name and first argument.
QString processName(qint64 pid)
{
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return QString();
    const QList<QByteArray> args = cmdline.read(4096).split('\0');
    QString name = QFileInfo(QString::fromLocal8Bit(args.value(0))).fileName();
    if (args.size() > 1 && !args[1].isEmpty() && !args[1].startsWith('-'))
        name += QLatin1Char(' ') + QString::fromLocal8Bit(args[1]);
    return name.left(80);
}
#endif

QMutex g_reporterMutex;
std::function<void(const QString &)> g_reporter;

} // namespace

bool processAlive(qint64 pid)
{
#ifdef Q_OS_UNIX
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
#else
    Q_UNUSED(pid);
    return false;
#endif
}

QString storeLockHolder(const QString &databasePath)
{
#ifdef Q_OS_LINUX
    struct stat shm = {};
    if (::stat(QFile::encodeName(databasePath + QStringLiteral("-shm")).constData(), &shm) == 0) {
        const qint64 pid = writeLockPid(quint64(shm.st_ino));
        if (pid == QCoreApplication::applicationPid())
            return QStringLiteral("another connection of this process");
        if (processAlive(pid)) {
            const QString name = processName(pid);
            return name.isEmpty() ? QStringLiteral("another process (pid %1)").arg(pid)
                                  : QStringLiteral("another process (pid %1, %2)").arg(pid).arg(name);
        }
    }
#else
    Q_UNUSED(databasePath);
#endif
    return QStringLiteral("another writer");
}

int storeLockTimeoutSeconds()
{
    constexpr int kDefault = 120, kMax = 86400;
    const QString text = qEnvironmentVariable("FAULTLINE_LOCK_TIMEOUT").trimmed();
    if (text.isEmpty())
        return kDefault;
    bool ok = false;
    const int seconds = text.toInt(&ok);
    if (!ok || seconds < 0 || seconds > kMax)
        throw Error(QStringLiteral("FAULTLINE_LOCK_TIMEOUT: '%1' is not a number of seconds from 0 to %2").arg(text).arg(kMax));
    return seconds;
}

void setStoreWaitReporter(std::function<void(const QString &)> reporter)
{
    const QMutexLocker lock(&g_reporterMutex);
    g_reporter = std::move(reporter);
}

void reportStoreWait(const QString &line)
{
    const QMutexLocker lock(&g_reporterMutex);
    if (g_reporter)
        g_reporter(line);
}

QString storeWriteProblem(const QString &databasePath)
{
    const QFileInfo store(databasePath);
    if (store.exists() && !store.isWritable())
        return QStringLiteral("%1: the project store is read-only (no write permission on the file); make it writable"
                              " or open a copy").arg(databasePath);
    bool sideFilesExist = true;
    for (const char *suffix : {"-wal", "-shm"}) {
        const QFileInfo side(databasePath + QLatin1String(suffix));
        sideFilesExist &= side.exists();
        if (side.exists() && !side.isWritable())
            return QStringLiteral("%1: read-only (no write permission); SQLite writes the project store %2 through it")
                .arg(side.filePath(), databasePath);
    }
    const QFileInfo folder(store.absolutePath());
    if (!sideFilesExist && !folder.isWritable())
        return QStringLiteral("%1: the folder of the project store %2 is read-only; SQLite needs to create %3-wal and"
                              " %3-shm in it").arg(folder.filePath(), databasePath, store.fileName());
    return QString();
}

} // namespace faultline
