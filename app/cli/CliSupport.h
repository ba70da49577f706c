#pragma once

#include "common/Diagnostic.h"
#include "common/JobControl.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <functional>
#include <QString>
#include <QVector>
#include <memory>

namespace faultline {
class ProjectStore;
struct ScanReport;
}

namespace cli {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2, Cancelled = 130 };

// Parses `args` for `command`; prints help or a usage error itself. Returns false when the
// caller should return `*exitCode` right away.
bool parseCommandLine(QCommandLineParser &parser, const QStringList &args, const QString &command,
                      const QString &description, int *exitCode);

// --dataset DIR and --project FILE, shared by every command that works on a dataset.
void addDatasetOptions(QCommandLineParser &parser);
// --dataset as an absolute path; Error when it is missing or not a folder.
QString datasetFolder(const QCommandLineParser &parser);
std::unique_ptr<faultline::ProjectStore> openProject(const QCommandLineParser &parser, QString *datasetRoot);

// Integer option values up to `maximum`; Error naming the option otherwise, and the range when
// the value is too big (a count the machine cannot hold is not "not a positive integer").
int positiveInt(const QCommandLineParser &parser, const QString &option, int maximum);
int nonNegativeInt(const QCommandLineParser &parser, const QString &option, int maximum);
// A finite number; Error naming the option otherwise.
double numberOption(const QCommandLineParser &parser, const QString &option);
// Comma-separated numbers in [minimum, maximum] (maximum may be infinity), at least one; Error
// naming the option and the range otherwise.
QVector<double> numberList(const QCommandLineParser &parser, const QString &option, double minimum, double maximum);

// Bounds of the count options (beyond them a typo costs gigabytes or thousands of threads).
constexpr int kMaxThreads = 256;      // 0: all cores
constexpr int kMaxBatch = 4096;
constexpr int kMaxPerClass = 1000000;
constexpr int kMaxNeighbours = 100000; // --k, --top
constexpr int kMaxImageSide = 8192;

// A CLIP checkpoint argument: an existing file, else a catalogue name, downloaded (with
// progress, into the model directory) on first use.
QString resolveModel(const QString &fileOrName, faultline::JobControl *control);

// Problems go to stderr, errors first; at most `limit` lines, then a count.
void printDiagnostics(const faultline::Diagnostics &diagnostics, int limit = 20);
void printError(const QString &message);
// Runs a command's body and turns its failures into the CLI's contract: Error → one line on
// stderr and exit 1; JobCancelled → `whenCancelled` and exit 130.
int runReportingErrors(const std::function<int()> &body,
                       const QString &whenCancelled = QStringLiteral("cancelled"));

// One summary line on stderr, then the scan's problems.
void printScanReport(const faultline::ScanReport &scan);

// A JobControl whose progress goes to stderr (a live line on a terminal, a few lines in logs)
// and which is cancelled by Ctrl-C.
class ConsoleJob
{
public:
    ConsoleJob();
    ~ConsoleJob();
    faultline::JobControl *control() { return &m_control; }

private:
    void onProgress(qint64 done, qint64 total, const QString &stage);

    faultline::JobControl m_control;
    QElapsedTimer m_clock;
    qint64 m_lastPrintMs = -1;
    QString m_lastStage;
    bool m_terminal = false;
};

} // namespace cli
