#include "io/BoundedFile.h"

#include "common/Error.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace faultline {

void requireRegularFile(const QString &path, qint64 maxBytes, const QString &kind)
{
    const QFileInfo info(path);
    if (!info.exists())
        return; // opening it says "cannot open: No such file or directory", as before
    if (!info.isFile())
        throw Error(QStringLiteral("%1: not a regular file (a folder, device, pipe or socket)").arg(path));
    if (info.size() > maxBytes)
        throw Error(QStringLiteral("%1: %2 MiB is larger than the %3 MiB a %4 may be")
                        .arg(path)
                        .arg(double(info.size()) / (1 << 20), 0, 'f', 1)
                        .arg(maxBytes >> 20)
                        .arg(kind));
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
        throw Error(QStringLiteral("%1: larger than the %2 MiB a %3 may be").arg(path).arg(maxBytes >> 20).arg(kind));
    return bytes;
}

} // namespace faultline
