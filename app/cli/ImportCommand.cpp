#include "CliSupport.h"
#include "Commands.h"

#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "shard/ShardImporter.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <cstdio>

using namespace faultline;

int importCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("shards"),
                      QStringLiteral("Folder of shards written by embed/predict --shard K/N --out DIR."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("partial"),
                      QStringLiteral("Import predictions although some of their shards are missing.")});
    parser.addOption({QStringLiteral("predictions-name"),
                      QStringLiteral("Store the shards' predictions as this model (default: the current one, or"
                                     " \"default\")."), QStringLiteral("NAME")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("import"),
                               QStringLiteral("Merge embedding and prediction shards computed elsewhere (a cluster) into"
                                              " the project. Incremental and idempotent: run it again as more shards"
                                              " finish. Exit status 1 while shards are missing, unfinished or damaged."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        if (!parser.isSet(QStringLiteral("shards")))
            throw Error(QStringLiteral("--shards DIR is required"));
        const QString shardDir = parser.value(QStringLiteral("shards"));
        if (!QDir(shardDir).exists())
            throw Error(QStringLiteral("%1: no such shard folder").arg(shardDir));
        QString root;
        auto store = cli::openProject(parser, &root);
        cli::ConsoleJob job;
        cli::printScanReport(DatasetScanner::scan(root, *store, job.control())); // rows are matched to the images now
        ShardImportOptions options;
        options.partialPredictions = parser.isSet(QStringLiteral("partial"));
        options.predictionSet = parser.value(QStringLiteral("predictions-name"));
        if (parser.isSet(QStringLiteral("predictions-name")))
            ProjectStore::checkPredictionSetName(options.predictionSet);
        const ShardImportReport report = importShards(*store, shardDir, options, job.control());
        cli::printDiagnostics(report.diagnostics);
        std::fprintf(stderr, "shards: %d finished (%d imported now, %d before), %d unfinished, %d damaged; stored %lld"
                             " embeddings and %lld predictions\n",
                     report.finishedShards, report.importedShards, report.alreadyImported, report.unfinishedShards,
                     report.damagedShards, static_cast<long long>(report.embeddingsStored),
                     static_cast<long long>(report.predictionsStored));
        if (report.alreadyEmbedded + report.staleRows + report.unknownRows + report.duplicateRows + report.failedImages > 0)
            std::fprintf(stderr, "rows left out: %lld already embedded, %lld of images changed since their shard, %lld not"
                                 " images of the project, %lld in two shards; %lld images the workers could not read\n",
                         static_cast<long long>(report.alreadyEmbedded), static_cast<long long>(report.staleRows),
                         static_cast<long long>(report.unknownRows), static_cast<long long>(report.duplicateRows),
                         static_cast<long long>(report.failedImages));
        for (const QString &line : report.missingShards)
            std::fprintf(stderr, "missing: %s\n", qPrintable(line));
        return report.complete() ? cli::Ok : cli::Failed;
    }, QStringLiteral("cancelled; the shards imported so far are kept"));
}
