#include "CliSupport.h"
#include "Commands.h"
#include "RunOptions.h"

#include "common/Error.h"
#include "export/HardSubsetExporter.h"
#include "export/RunScoredImages.h"
#include "interpret/RunImages.h"
#include "store/ProjectStore.h"

#include <cstdio>
#include <limits>

using namespace faultline;


int exportCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    cli::addRunIdOption(parser);
    parser.addOption({QStringLiteral("split"), QStringLiteral("Split to export from (default pool)."),
                      QStringLiteral("SPLIT"), QStringLiteral("pool")});
    parser.addOption({QStringLiteral("per-class"), QStringLiteral("The K hardest images of each class."),
                      QStringLiteral("K")});
    parser.addOption({QStringLiteral("threshold"), QStringLiteral("Every image with decision value below T."),
                      QStringLiteral("T")});
    parser.addOption({QStringLiteral("tag"),
                      QStringLiteral("Only the images you tagged hard or ok (alone: every such image of the split)."),
                      QStringLiteral("hard|ok")});
    parser.addOption({QStringLiteral("to"), QStringLiteral("Destination folder (nothing in it is overwritten)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("mode"), QStringLiteral("copy (default), symlink or manifest."),
                      QStringLiteral("MODE"), QStringLiteral("copy")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("export"),
                               QStringLiteral("Export the hardest images of each class as an ImageFolder tree plus"
                                              " manifest.csv."), &exitCode))
        return exitCode;

    return cli::runReportingErrors([&] {
        HardSubsetCriteria criteria;
        if (parser.isSet(QStringLiteral("per-class")))
            criteria.perClass = cli::positiveInt(parser, QStringLiteral("per-class"), cli::kMaxPerClass);
        if (parser.isSet(QStringLiteral("threshold"))) {
            bool ok = false;
            criteria.threshold = parser.value(QStringLiteral("threshold")).toDouble(&ok);
            if (!ok)
                throw Error(QStringLiteral("--threshold: '%1' is not a number").arg(parser.value(QStringLiteral("threshold"))));
        }
        const QString tag = parser.value(QStringLiteral("tag"));
        if (parser.isSet(QStringLiteral("tag")) && tag != QLatin1String("hard") && tag != QLatin1String("ok"))
            throw Error(QStringLiteral("--tag: '%1' is not hard or ok").arg(tag));
        if (!tag.isEmpty() && criteria.perClass == 0 && !criteria.threshold)
            criteria.threshold = std::numeric_limits<double>::infinity(); // every tagged image
        if ((criteria.perClass > 0) == criteria.threshold.has_value())
            throw Error(QStringLiteral("give exactly one of --per-class K and --threshold T"));
        if (!parser.isSet(QStringLiteral("to")))
            throw Error(QStringLiteral("--to DIR is required"));
        const ExportMode mode = parseExportMode(parser.value(QStringLiteral("mode")));
        Split split;
        if (!splitFromName(parser.value(QStringLiteral("split")), &split))
            throw Error(QStringLiteral("--split: '%1' is not a split (train, val, test, pool)")
                            .arg(parser.value(QStringLiteral("split"))));

        QString root;
        auto store = cli::openProject(parser, &root);
        const qint64 runId = resolveRun(*store, parser.value(QStringLiteral("run")));
        QVector<ScoredImage> scored = scoredImagesOfRun(*store, runId, split);
        if (scored.isEmpty())
            throw Error(QStringLiteral("run %1 scored no image in split '%2'").arg(runId).arg(splitName(split)));
        if (!tag.isEmpty()) {
            scored = imagesTagged(scored, store->imageTags(), tag);
            if (scored.isEmpty())
                throw Error(QStringLiteral("no image of split '%1' is tagged %2").arg(splitName(split), tag));
        }

        const QVector<ExportItem> items = selectHardSubset(scored, criteria);
        cli::ConsoleJob job;
        const ExportSummary summary = exportHardSubset(root, items, parser.value(QStringLiteral("to")), mode, job.control());
        cli::printDiagnostics(summary.diagnostics);
        std::fprintf(stderr, "exported %d of %lld selected images (run %lld, split %s); %d existed already; manifest %s\n",
                     summary.exported, static_cast<long long>(items.size()), static_cast<long long>(runId),
                     splitName(split).toLatin1().constData(), summary.skippedExisting,
                     summary.manifestPath.toLocal8Bit().constData());
        return summary.stoppedEarly ? cli::Failed : cli::Ok;
    }, QStringLiteral("cancelled; the manifest lists what was exported"));
}
