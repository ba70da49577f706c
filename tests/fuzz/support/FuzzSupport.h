#pragma once

// Shared by the fuzz targets: a Qt application object, a scratch folder in /dev/shm, and the
// rule that faultline::Error is the expected way to refuse input (anything else is a finding:
// libFuzzer reports an uncaught exception as a crash).
#include "common/Error.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <unistd.h>

namespace faultline::fuzz {

// One QCoreApplication for the whole process (QSQLITE and Qt's codecs want one).
inline void initQt()
{
    static int argc = 1;
    static char name[] = "faultline-fuzz";
    static char *argv[] = {name, nullptr};
    if (QCoreApplication::instance())
        return;
    qputenv("QT_LOGGING_RULES", "*.debug=false;*.warning=false");
    new QCoreApplication(argc, argv); // lives until exit
}

// A folder of this process in RAM: /dev/shm/faultline-fuzz-<pid> (else the system's temp folder).
inline QString scratchDir()
{
    static const QString dir = [] {
        const QString base = QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm") : QDir::tempPath();
        const QString path = base + QStringLiteral("/faultline-fuzz-%1").arg(qint64(::getpid()));
        QDir().mkpath(path);
        return path;
    }();
    return dir;
}

// Writes the input to scratchDir()/name (replacing it) and returns the path. Aborts when the
// scratch file cannot be written: that is the harness failing, not the parser.
inline QString writeInput(const uint8_t *data, size_t size, const QString &name)
{
    const QString path = scratchDir() + QLatin1Char('/') + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size)) {
        fprintf(stderr, "fuzz harness: cannot write %s\n", qPrintable(path));
        std::abort();
    }
    return path;
}

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

} // namespace faultline::fuzz
