#include "CliSupport.h"
#include "Commands.h"

#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "store/ProjectStore.h"

using namespace faultline;

int scanCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("scan"),
                               QStringLiteral("Scan a dataset folder into its project and report what was found."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        cli::ConsoleJob job;
        cli::printScanReport(DatasetScanner::scan(root, *store, job.control()));
        return cli::Ok;
    });
}
