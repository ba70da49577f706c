#pragma once
// Runs faultline-cli as a user would (tests/cli): exit code, stdout and stderr of one command.

#include "io/CsvReader.h"
#include "TestTime.h"

#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTest>

namespace faultline::testing {

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
    QStringList errLines() const { return err.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
    QStringList outLines() const { return out.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
};

// exitCode -1 when it crashed, did not start or ran past timeoutMs (scaled; then killed).
inline CliResult runCli(const QString &cli, const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(cli, args);
    CliResult r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(scaledTimeoutMs(timeoutMs))) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("did not run or timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// A failed command: `exitCode` and exactly one line on stderr, "faultline-cli: error: ...needle...".
inline void expectOneLineError(const CliResult &r, const QString &needle, int exitCode = 1)
{
    QVERIFY2(r.exitCode == exitCode, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.exitCode).arg(r.err)));
    const QStringList lines = r.errLines();
    QVERIFY2(lines.size() == 1, qPrintable(r.err));
    QVERIFY2(lines[0].startsWith(QLatin1String("faultline-cli: error: ")), qPrintable(r.err));
    QVERIFY2(lines[0].contains(needle), qPrintable(QStringLiteral("'%1' not in: %2").arg(needle, r.err)));
}

// A failed command whose error is its last stderr line (progress lines may come before it), the only error.
inline void expectLastLineError(const CliResult &r, const QString &needle, int exitCode = 1)
{
    QVERIFY2(r.exitCode == exitCode, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.exitCode).arg(r.err)));
    const QStringList lines = r.errLines();
    QVERIFY2(!lines.isEmpty() && lines.last().startsWith(QLatin1String("faultline-cli: error: ")), qPrintable(r.err));
    QVERIFY2(lines.last().contains(needle), qPrintable(QStringLiteral("'%1' not in: %2").arg(needle, r.err)));
    QCOMPARE(r.err.count(QLatin1String("error:")), qsizetype(1));
}

inline QStringList readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// A CSV file's records (RFC 4180, header first), as the CLI's reports write them.
inline QVector<QStringList> readCsv(const QString &path)
{
    QVector<QStringList> rows;
    CsvReader reader(path);
    CsvRecord record;
    while (reader.next(record))
        rows << record.fields;
    return rows;
}

} // namespace faultline::testing
