#include "CliSupport.h"

#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "models/ModelManager.h"
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <csignal>
#include <cmath>
#include <cstdio>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace cli {

namespace {

faultline::JobControl *g_interruptible = nullptr;

extern "C" void onInterrupt(int)
{
    if (g_interruptible)
        g_interruptible->requestCancel();
}

void printLine(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stderr);
    std::fputc('\n', stderr);
}

} // namespace

bool parseCommandLine(QCommandLineParser &parser, const QStringList &args, const QString &command,
                      const QString &description, int *exitCode)
{
    parser.setApplicationDescription(description);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(args)) {
        printError(parser.errorText() + QStringLiteral(" (see faultline-cli %1 --help)").arg(command));
        *exitCode = Usage;
        return false;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(QCoreApplication::applicationFilePath(), QStringLiteral("faultline-cli"));
        text.replace(QStringLiteral("Usage: faultline-cli"), QStringLiteral("Usage: faultline-cli ") + command);
        std::fputs(text.toLocal8Bit().constData(), stdout);
        *exitCode = Ok;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("unexpected argument '%1' (see faultline-cli %2 --help)")
                       .arg(parser.positionalArguments().first(), command));
        *exitCode = Usage;
        return false;
    }
    return true;
}

void addDatasetOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset folder (ImageFolder layout)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("project"),
                      QStringLiteral("Project store (default DIR/.faultline/project.sqlite)."), QStringLiteral("FILE")});
}

QString datasetFolder(const QCommandLineParser &parser)
{
    const QString dataset = parser.value(QStringLiteral("dataset"));
    if (dataset.isEmpty())
        throw faultline::Error(QStringLiteral("--dataset DIR is required"));
    if (!QFileInfo(dataset).isDir())
        throw faultline::Error(QStringLiteral("%1: no such dataset folder").arg(dataset));
    return QDir(dataset).absolutePath();
}

std::unique_ptr<faultline::ProjectStore> openProject(const QCommandLineParser &parser, QString *datasetRoot)
{
    *datasetRoot = datasetFolder(parser);
    const QString project = parser.isSet(QStringLiteral("project")) ? parser.value(QStringLiteral("project"))
                                                                    : faultline::ProjectStore::defaultPath(*datasetRoot);
    auto store = std::make_unique<faultline::ProjectStore>(project);
    // Another folder's project is refused before anything is read or written (scan --re-root moves it).
    if (!parser.optionNames().contains(QStringLiteral("re-root")))
        faultline::DatasetScanner::checkRoot(*datasetRoot, *store);
    return store;
}

namespace {

int intOption(const QCommandLineParser &parser, const QString &option, int minimum, int maximum, const char *what)
{
    const QString text = parser.value(option).trimmed();
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    static const QRegularExpression digits(QStringLiteral("^\\+?[0-9]+$"));
    if ((ok && value > maximum) || (!ok && digits.match(text).hasMatch())) // too big, even for 64 bits
        throw faultline::Error(QStringLiteral("--%1 must be between %2 and %3, got %4").arg(option).arg(minimum)
                                   .arg(maximum).arg(text));
    if (!ok || value < minimum)
        throw faultline::Error(QStringLiteral("--%1: '%2' is not a %3 integer").arg(option, parser.value(option),
                                                                                   QLatin1String(what)));
    return int(value);
}

} // namespace

int positiveInt(const QCommandLineParser &parser, const QString &option, int maximum)
{
    return intOption(parser, option, 1, maximum, "positive");
}

int nonNegativeInt(const QCommandLineParser &parser, const QString &option, int maximum)
{
    return intOption(parser, option, 0, maximum, "non-negative");
}

double numberOption(const QCommandLineParser &parser, const QString &option)
{
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || !std::isfinite(value))
        throw faultline::Error(QStringLiteral("--%1: '%2' is not a number").arg(option, parser.value(option)));
    return value;
}

QVector<double> numberList(const QCommandLineParser &parser, const QString &option, double minimum, double maximum)
{
    const QString range = std::isfinite(maximum) ? QStringLiteral("in [%1, %2]").arg(minimum).arg(maximum)
                                                 : QStringLiteral("≥ %1").arg(minimum);
    QVector<double> values;
    for (const QString &part : parser.value(option).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double value = part.trimmed().toDouble(&ok);
        if (!ok || !(value >= minimum && value <= maximum))
            throw faultline::Error(QStringLiteral("--%1: '%2' is not a number %3").arg(option, part, range));
        values << value;
    }
    if (values.isEmpty())
        throw faultline::Error(QStringLiteral("--%1: no values given").arg(option));
    return values;
}

QString resolveModel(const QString &fileOrName, faultline::JobControl *control)
{
    return faultline::ModelManager().ensure(fileOrName, control);
}

void printDiagnostics(const faultline::Diagnostics &diagnostics, int limit)
{
    faultline::Diagnostics ordered;
    for (const auto &d : diagnostics)
        if (d.severity == faultline::Diagnostic::Severity::Error)
            ordered.push_back(d);
    for (const auto &d : diagnostics)
        if (d.severity != faultline::Diagnostic::Severity::Error)
            ordered.push_back(d);
    for (qsizetype i = 0; i < ordered.size() && i < limit; ++i)
        printLine(ordered[i].toString());
    if (ordered.size() > limit)
        printLine(QStringLiteral("... and %1 more problems").arg(ordered.size() - limit));
}

void printError(const QString &message)
{
    printLine(QStringLiteral("faultline-cli: error: ") + message);
}

int runReportingErrors(const std::function<int()> &body, const QString &whenCancelled)
{
    try {
        return body();
    } catch (const faultline::JobCancelled &) {
        printError(whenCancelled);
        return Cancelled;
    } catch (const faultline::Error &error) {
        printError(error.message());
        return Failed;
    } catch (const std::bad_alloc &) {
        printError(QStringLiteral("out of memory"));
        return Failed;
    } catch (const std::exception &error) { // libtorch, OpenCV or a worker's exception: still one line
        printError(QString::fromLocal8Bit(error.what()).split(QLatin1Char('\n')).first());
        return Failed;
    }
}

void printScanReport(const faultline::ScanReport &scan)
{
    const QString moved = scan.moved > 0 ? QStringLiteral(", %1 moved").arg(scan.moved) : QString();
    printLine(QStringLiteral("dataset: %1 images in %2 classes (%3; %4 new, %5 changed, %6 unchanged%7, %8 removed;"
                             " %9 unreadable; skipped %10 hidden and %11 non-image files)")
                  .arg(scan.images).arg(scan.classes.size()).arg(faultline::layoutName(scan.layout)).arg(scan.added)
                  .arg(scan.changed).arg(scan.unchanged).arg(moved).arg(scan.removed).arg(scan.unreadable)
                  .arg(scan.skippedHidden).arg(scan.skippedNonImage));
    printDiagnostics(scan.diagnostics);
}

ConsoleJob::ConsoleJob()
{
#ifdef Q_OS_UNIX
    m_terminal = isatty(fileno(stderr));
#endif
    m_clock.start();
    m_control.setProgressHandler([this](qint64 done, qint64 total, const QString &stage) { onProgress(done, total, stage); });
    g_interruptible = &m_control;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

ConsoleJob::~ConsoleJob()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_interruptible = nullptr;
    if (m_terminal && m_lastPrintMs >= 0)
        std::fputc('\n', stderr);
}

void ConsoleJob::onProgress(qint64 done, qint64 total, const QString &stage)
{
    const qint64 now = m_clock.elapsed();
    const bool finished = done >= total;
    // Live line on a terminal; one line per 10 s in logs.
    const qint64 interval = m_terminal ? 200 : 10000;
    if (stage == m_lastStage && !finished && m_lastPrintMs >= 0 && now - m_lastPrintMs < interval)
        return;
    if (stage != m_lastStage)
        m_clock.restart(); // the ETA is per stage
    const qint64 elapsed = m_clock.elapsed();
    m_lastStage = stage;
    m_lastPrintMs = elapsed;
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    QString eta;
    if (fraction > 0.02 && !finished)
        eta = QStringLiteral(", ETA %1 s").arg(qRound64(elapsed / 1000.0 * (1 - fraction) / fraction));
    const QString text = QStringLiteral("%1: %2/%3 (%4%)%5").arg(stage).arg(done).arg(total)
                             .arg(qRound(fraction * 100)).arg(eta);
    if (m_terminal)
        std::fprintf(stderr, "\r\033[K%s", text.toLocal8Bit().constData());
    else
        printLine(text);
}

} // namespace cli
