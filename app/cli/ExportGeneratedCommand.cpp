// faultline-cli export-generated: the project's generated samples as ImageFolder trees (one per
// group) plus generated.csv with their provenance, to train or test on like real images.
#include "CliSupport.h"
#include "Commands.h"

#include "common/Error.h"
#include "export/GeneratedSampleExporter.h"
#include "store/ProjectStore.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

using namespace faultline;

namespace {

// The value of OPTION when it is set, checked against ALLOWED; empty when it is not set.
QString choiceOption(const QCommandLineParser &parser, const QString &option, const QStringList &allowed)
{
    const QString value = parser.value(option);
    if (parser.isSet(option) && !allowed.contains(value))
        throw Error(QStringLiteral("--%1: '%2' is not %3").arg(option, value, allowed.join(QStringLiteral(", "))));
    return value;
}

struct SampleFilter
{
    QString className;
    QString group;
    QString origin;
    bool wrongOnly = false;

    bool matches(const GeneratedSample &sample) const
    {
        return (group.isEmpty() || sample.group == group) && (origin.isEmpty() || sample.origin == origin)
               && (!wrongOnly || sample.correct() == std::optional<bool>(false));
    }

    // "--class cat --wrong-only", as the user gave it: what matched nothing.
    QString describe() const
    {
        QStringList parts;
        if (!className.isEmpty())
            parts << QStringLiteral("--class ") + className;
        if (!group.isEmpty())
            parts << QStringLiteral("--group ") + group;
        if (!origin.isEmpty())
            parts << QStringLiteral("--origin ") + origin;
        if (wrongOnly)
            parts << QStringLiteral("--wrong-only");
        return parts.join(QLatin1Char(' '));
    }
};

} // namespace

int exportGeneratedCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    parser.addOption({QStringLiteral("to"), QStringLiteral("Destination folder (nothing in it is overwritten)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("class"), QStringLiteral("Only this class's samples."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("group"), QStringLiteral("Only hard, easy or reference samples."),
                      QStringLiteral("GROUP")});
    parser.addOption({QStringLiteral("origin"), QStringLiteral("Only samples made from caption, slerp or background."),
                      QStringLiteral("ORIGIN")});
    parser.addOption({QStringLiteral("wrong-only"), QStringLiteral("Only samples the classifier got wrong.")});
    parser.addOption({QStringLiteral("mode"), QStringLiteral("copy (default), symlink or manifest."),
                      QStringLiteral("MODE"), QStringLiteral("copy")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("export-generated"),
                               QStringLiteral("Export generated samples as DIR/<group>/<class>/ folders plus"
                                              " generated.csv with each sample's provenance."), &exitCode))
        return exitCode;

    return cli::runReportingErrors([&] {
        if (!parser.isSet(QStringLiteral("to")))
            throw Error(QStringLiteral("--to DIR is required"));
        const ExportMode mode = parseExportMode(parser.value(QStringLiteral("mode")));
        SampleFilter filter;
        filter.className = parser.value(QStringLiteral("class"));
        filter.group = choiceOption(parser, QStringLiteral("group"),
                                    {QStringLiteral("hard"), QStringLiteral("easy"), QStringLiteral("reference")});
        filter.origin = choiceOption(parser, QStringLiteral("origin"),
                                     {QStringLiteral("caption"), QStringLiteral("slerp"), QStringLiteral("background")});
        filter.wrongOnly = parser.isSet(QStringLiteral("wrong-only"));

        QString root;
        auto store = cli::openProject(parser, &root);
        const QVector<GeneratedSample> stored = store->generatedSamples(filter.className);
        QVector<GeneratedSample> samples;
        std::copy_if(stored.begin(), stored.end(), std::back_inserter(samples),
                     [&](const GeneratedSample &sample) { return filter.matches(sample); });
        if (samples.isEmpty())
            throw Error(filter.describe().isEmpty()
                            ? QStringLiteral("no generated samples: run faultline-cli generate first")
                            : QStringLiteral("no generated samples match %1").arg(filter.describe()));

        cli::ConsoleJob job;
        const ExportSummary summary =
            exportGeneratedSamples(root, samples, parser.value(QStringLiteral("to")), mode, job.control());
        cli::printDiagnostics(summary.diagnostics);
        std::fprintf(stderr, "exported %d of %lld sample(s); %d existed already; provenance %s\n", summary.exported,
                     static_cast<long long>(samples.size()), summary.skippedExisting,
                     summary.manifestPath.toLocal8Bit().constData());
        return summary.stoppedEarly ? cli::Failed : cli::Ok;
    }, QStringLiteral("cancelled; each group's manifest.csv lists what was exported"));
}
