#include "CliSupport.h"
#include "Commands.h"

#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "store/ProjectStore.h"

#include <cstdio>

using namespace faultline;

int scanCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("re-root"),
                      QStringLiteral("Point the project at DIR although it was made for another folder"
                                     " (images not found in DIR are marked missing).")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("scan"),
                               QStringLiteral("Scan a dataset folder into its project and report what was found."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        cli::ConsoleJob job;
        cli::printScanReport(DatasetScanner::scan(root, *store, job.control(), parser.isSet(QStringLiteral("re-root"))));
        return cli::Ok;
    });
}

int pruneCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("prune"),
                               QStringLiteral("Scan the dataset, then delete the stored images missing from it, with their"
                                              " predictions and embeddings (scan only marks them missing)."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        QString root;
        auto store = cli::openProject(parser, &root);
        cli::ConsoleJob job;
        // Scan first: a file that is back is not pruned.
        cli::printScanReport(DatasetScanner::scan(root, *store, job.control()));
        std::fprintf(stderr, "pruned %d missing images\n", store->pruneMissing());
        return cli::Ok;
    });
}
