#include "io/BoundedFile.h"

#include "common/Error.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace faultline {

namespace {

Error tooLarge(const QString &path, qint64 size, qint64 maxBytes, const QString &kind)
{
    return Error(QStringLiteral("%1: %2 MiB is larger than the %3 MiB a %4 may be")
                     .arg(path)
                     .arg(double(size) / (1 << 20), 0, 'f', 1)
                     .arg(maxBytes >> 20)
                     .arg(kind));
}

Error notRegular(const QString &path)
{
    return Error(QStringLiteral("%1: not a regular file (a folder, device, pipe or socket)").arg(path));
}

Error grewPastLimit(const QString &path, qint64 maxBytes, const QString &kind)
{
    return Error(QStringLiteral("%1: larger than the %2 MiB a %3 may be").arg(path).arg(maxBytes >> 20).arg(kind));
}

} // namespace

#ifdef Q_OS_UNIX

// One stat, one open, reads until EOF, one close: a scan reads every image of a dataset through
// here, and QFileInfo + QFile cost several more stat/statx/access calls per file.
namespace {

// The size of a regular file within the limit (Error otherwise); 0 when it cannot be stat'ed,
// which the open that follows then explains ("cannot open: No such file or directory").
qint64 checkedRegularSize(const QByteArray &name, const QString &path, qint64 maxBytes, const QString &kind)
{
    struct stat info;
    if (::stat(name.constData(), &info) != 0)
        return 0;
    if (!S_ISREG(info.st_mode))
        throw notRegular(path);
    if (qint64(info.st_size) > maxBytes)
        throw tooLarge(path, info.st_size, maxBytes, kind);
    return qint64(info.st_size);
}

} // namespace

void requireRegularFile(const QString &path, qint64 maxBytes, const QString &kind)
{
    checkedRegularSize(QFile::encodeName(path), path, maxBytes, kind);
}

QByteArray readBoundedFile(const QString &path, qint64 maxBytes, const QString &kind)
{
    const QByteArray name = QFile::encodeName(path);
    const qint64 expected = checkedRegularSize(name, path, maxBytes, kind);
    int fd;
    do {
        fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        throw Error(QStringLiteral("%1: cannot open: %2").arg(path, qt_error_string(errno)));
    // Up to the stat's size plus one byte, then in chunks while it keeps growing, stopping past
    // the limit: a file that grew since the check is refused too, and nothing is allocated for
    // bytes that are not there.
    QByteArray bytes;
    bytes.resize(qsizetype(std::min(expected + 1, maxBytes + 1)));
    qsizetype filled = 0;
    constexpr qsizetype kChunk = qsizetype(1) << 20;
    int readErrno = 0;
    while (true) {
        if (filled == bytes.size()) {
            if (filled > maxBytes)
                break;
            bytes.resize(qsizetype(std::min<qint64>(qint64(filled) + kChunk, maxBytes + 1)));
        }
        const ssize_t got = ::read(fd, bytes.data() + filled, size_t(bytes.size() - filled));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            readErrno = errno;
            break;
        }
        if (got == 0)
            break;
        filled += got;
    }
    ::close(fd);
    if (readErrno != 0)
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, qt_error_string(readErrno)));
    if (filled > maxBytes)
        throw grewPastLimit(path, maxBytes, kind);
    bytes.truncate(filled);
    return bytes;
}

#else

void requireRegularFile(const QString &path, qint64 maxBytes, const QString &kind)
{
    const QFileInfo info(path);
    if (!info.exists())
        return; // opening it says "cannot open: No such file or directory", as before
    if (!info.isFile())
        throw notRegular(path);
    if (info.size() > maxBytes)
        throw tooLarge(path, info.size(), maxBytes, kind);
}

QByteArray readBoundedFile(const QString &path, qint64 maxBytes, const QString &kind)
{
    requireRegularFile(path, maxBytes, kind);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
    // In chunks, stopping past the limit: a file that grew since the check is refused too, and
    // nothing is allocated for bytes that are not there (QFile::read(n) reserves n up front).
    QByteArray bytes;
    bytes.reserve(qsizetype(std::min(file.size(), maxBytes)));
    constexpr qint64 kChunk = qint64(1) << 20;
    while (!file.atEnd() && bytes.size() <= maxBytes) {
        const QByteArray chunk = file.read(kChunk);
        if (chunk.isEmpty())
            break;
        bytes.append(chunk);
    }
    if (file.error() != QFileDevice::NoError)
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    if (bytes.size() > maxBytes)
        throw grewPastLimit(path, maxBytes, kind);
    return bytes;
}

#endif

} // namespace faultline
