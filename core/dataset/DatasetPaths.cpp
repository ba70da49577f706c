#include "dataset/DatasetPaths.h"

#include "common/Error.h"

#include <QDir>
#include <QFile>
#include <QStringDecoder>

namespace faultline {

QString normalizeDatasetPath(const QString &path)
{
    QString p = path.trimmed();
    p.replace(QLatin1Char('\\'), QLatin1Char('/'));
    p = QDir::cleanPath(p);
    while (p.startsWith(QLatin1String("./")))
        p.remove(0, 2);
    return p;
}

QStringList readPathLines(const QString &pathsFile)
{
    QFile file(pathsFile);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot open: %2").arg(pathsFile, file.errorString()));
    QStringList lines;
    int lineNumber = 0;
    while (!file.atEnd()) {
        QByteArray bytes = file.readLine();
        ++lineNumber;
        while (bytes.endsWith('\n') || bytes.endsWith('\r'))
            bytes.chop(1);
        QStringDecoder utf8(QStringDecoder::Utf8);
        const QString line = utf8(bytes);
        if (utf8.hasError())
            throw Error(QStringLiteral("%1:%2: not valid UTF-8").arg(pathsFile).arg(lineNumber));
        lines << line;
    }
    // A trailing empty line is the usual final newline, not a row.
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace faultline
