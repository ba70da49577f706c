#include "CliSupport.h"
#include "Commands.h"
#include "ShardOptions.h"

#include "classify/DatasetPredictor.h"
#include "clip/ClipModel.h"
#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "shard/ShardWorker.h"
#include "store/ProjectStore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <cstdio>

using namespace faultline;

namespace {

// --mean / --std: "a,b,c" or one value for every channel; Error naming the option otherwise.
std::array<float, 3> parseTriple(const QCommandLineParser &parser, const QString &option, std::array<float, 3> value)
{
    if (!parser.isSet(option))
        return value;
    const ChannelValues parsed = parseChannelValues(parser.value(option));
    if (parsed.values)
        return *parsed.values;
    if (!parsed.wrongCount)
        throw Error(QStringLiteral("--%1: '%2' is not a number").arg(option, parsed.badPart));
    throw Error(QStringLiteral("--%1: '%2' is not one number or three comma-separated numbers")
                    .arg(option, parser.value(option)));
}

// --name VALUE where VALUE is one of `choices` (in enum order); Error naming the option otherwise.
int parseChoice(const QCommandLineParser &parser, const QString &option, const QStringList &choices)
{
    const int index = int(choices.indexOf(parser.value(option)));
    if (index < 0)
        throw Error(QStringLiteral("--%1: '%2' is not one of %3")
                        .arg(option, parser.value(option), choices.join(QStringLiteral(", "))));
    return index;
}

ClassifierSpec parseSpec(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("classifier")))
        throw Error(QStringLiteral("--classifier FILE is required"));
    ClassifierSpec spec;
    spec.path = QFileInfo(parser.value(QStringLiteral("classifier"))).absoluteFilePath();
    spec.inputSize = cli::positiveInt(parser, QStringLiteral("input-size"), cli::kMaxImageSide);
    spec.resizeSize = cli::nonNegativeInt(parser, QStringLiteral("resize-size"), cli::kMaxImageSide);
    spec.resize = ClassifierSpec::Resize(parseChoice(parser, QStringLiteral("resize"),
                                                     {QStringLiteral("crop"), QStringLiteral("stretch")}));
    spec.channels = parseChoice(parser, QStringLiteral("channels"), {QStringLiteral("1"), QStringLiteral("3")}) == 0 ? 1 : 3;
    spec.mean = parseTriple(parser, QStringLiteral("mean"), spec.mean);
    spec.std = parseTriple(parser, QStringLiteral("std"), spec.std);
    spec.output = ClassifierSpec::Output(parseChoice(parser, QStringLiteral("output"),
                                                     {QStringLiteral("logits"), QStringLiteral("probabilities")}));
    if (parser.isSet(QStringLiteral("classes")))
        spec.classNamesPath = QFileInfo(parser.value(QStringLiteral("classes"))).absoluteFilePath();
    spec.device = parseComputeDevice(parser.value(QStringLiteral("device")));
    spec.batchSize = cli::positiveInt(parser, QStringLiteral("batch-size"), cli::kMaxBatch);
    spec.validate();
    return spec;
}

} // namespace

int predictCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    const ClassifierSpec defaults;
    parser.addOption({QStringLiteral("classifier"), QStringLiteral("TorchScript classifier (torch.jit.save)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("input-size"), QStringLiteral("Square input side the model takes (default 224)."),
                      QStringLiteral("N"), QString::number(defaults.inputSize)});
    parser.addOption({QStringLiteral("resize-size"),
                      QStringLiteral("crop: shorter side before the centre crop (default: the input size)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("resize"),
                      QStringLiteral("crop (Resize + CenterCrop, default) or stretch (Resize to N × N)."),
                      QStringLiteral("MODE"), QStringLiteral("crop")});
    parser.addOption({QStringLiteral("channels"), QStringLiteral("3 (RGB, default) or 1 (grey)."), QStringLiteral("C"),
                      QStringLiteral("3")});
    parser.addOption({QStringLiteral("mean"), QStringLiteral("Normalize mean per channel (default ImageNet's)."),
                      QStringLiteral("a,b,c")});
    parser.addOption({QStringLiteral("std"), QStringLiteral("Normalize std per channel (default ImageNet's)."),
                      QStringLiteral("a,b,c")});
    parser.addOption({QStringLiteral("output"), QStringLiteral("What the model outputs: logits (default) or probabilities."),
                      QStringLiteral("KIND"), QStringLiteral("logits")});
    parser.addOption({QStringLiteral("classes"),
                      QStringLiteral("Output index → class name: one name per line, index,name lines or JSON"
                                     " (default: the dataset's class folders, sorted)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("device"), QStringLiteral("auto (default: CUDA when available), cpu or cuda."),
                      QStringLiteral("DEVICE"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("batch-size"), QStringLiteral("Images per model batch (default 64)."),
                      QStringLiteral("N"), QString::number(defaults.batchSize)});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads for the model (default: one per core)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("With --shard: the folder the shard is written to."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("Store the predictions as this model (default: the current one, or \"default\");"
                                     " a project holds one prediction set per model."), QStringLiteral("NAME")});
    cli::addShardOptions(parser);
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("predict"),
                               QStringLiteral("Run a TorchScript classifier over a dataset and store its predictions"
                                              " (and the true label's probability as confidence) in the project."),
                               &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        // Argument errors are found before the project (ROOT/.faultline) is created.
        const ClassifierSpec spec = parseSpec(parser);
        const QString setName = parser.value(QStringLiteral("name"));
        if (parser.isSet(QStringLiteral("name")))
            ProjectStore::checkPredictionSetName(setName);
        ClipModel::setThreadCount(cli::nonNegativeInt(parser, QStringLiteral("threads"), cli::kMaxThreads));
        if (const std::optional<ShardSpec> shard = cli::shardOption(parser)) {
            ShardWorkOptions shardOptions;
            const QString out = cli::shardOutputFolder(parser, shardOptions);
            cli::ConsoleJob job;
            QElapsedTimer clock;
            clock.start();
            const ShardWorkReport report = predictShard(cli::datasetFolder(parser), *shard, out, spec, shardOptions,
                                                        job.control());
            return cli::finishShard(report, *shard, QStringLiteral("classified"), clock.elapsed() / 1000.0);
        }
        if (parser.isSet(QStringLiteral("out")))
            throw Error(QStringLiteral("--out DIR is for --shard K/N; without it the predictions go to the project"));
        QString root;
        auto store = cli::openProject(parser, &root);
        cli::ConsoleJob job;
        // A project scanned before is classified as stored (analyze and scan refresh it), so
        // classifier errors are the only line a failed run prints.
        if (store->imageCounts().images == 0)
            cli::printScanReport(DatasetScanner::scan(root, *store, job.control()));
        QElapsedTimer clock;
        clock.start();
        const DatasetPredictionReport report = predictDataset(*store, root, spec, job.control(), setName);
        cli::printDiagnostics(report.diagnostics);
        const double seconds = clock.elapsed() / 1000.0;
        std::fprintf(stderr, "model '%s' (%s): %d of %d images classified on %s (classes: %s), %d failed; accuracy %s;"
                             " %.1f s\n",
                     store->currentPredictionSet().toLocal8Bit().constData(), report.source.toLocal8Bit().constData(), report.predicted, report.images,
                     report.device.toLocal8Bit().constData(), report.classNamesSource.toLocal8Bit().constData(),
                     report.failed,
                     report.accuracy() ? QString::number(*report.accuracy(), 'f', 4).toLatin1().constData() : "-",
                     seconds);
        return int(report.failed > 0 ? cli::Failed : cli::Ok);
    }, QStringLiteral("cancelled; the project's predictions are unchanged"));
}
