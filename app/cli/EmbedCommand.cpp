#include "CliSupport.h"
#include "Commands.h"
#include "ShardOptions.h"

#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "dataset/DatasetScanner.h"
#include "embedding/DatasetEmbedder.h"
#include "embedding/TextEmbedder.h"
#include "io/AtomicFileWriter.h"
#include "io/NpyFile.h"
#include "shard/ShardWorker.h"
#include "store/ProjectStore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <cstdio>

using namespace faultline;

namespace {

void addModelOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("CLIP checkpoint: a file (OpenAI .pt, safetensors) or a catalogue name"
                                     " (see faultline-cli models list)."), QStringLiteral("FILE|NAME")});
    parser.addOption({QStringLiteral("device"), QStringLiteral("auto (default: CUDA when available), cpu or cuda."),
                      QStringLiteral("DEVICE"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads for the model (default: one per core)."),
                      QStringLiteral("N"), QStringLiteral("0")});
}

struct LoadedModel
{
    std::unique_ptr<ClipModel> model;
    QString name; // the embedding model's name in the project: "clip:<file name>@<sha-256 prefix>"
    QString path; // the checkpoint, kept with the embeddings so captions can use the same model
};

LoadedModel loadModel(const QCommandLineParser &parser, JobControl *control)
{
    if (!parser.isSet(QStringLiteral("model")))
        throw Error(QStringLiteral("--model FILE|NAME is required"));
    const QString path = cli::resolveModel(parser.value(QStringLiteral("model")), control);
    ClipModel::setThreadCount(cli::nonNegativeInt(parser, QStringLiteral("threads"), cli::kMaxThreads));
    LoadedModel loaded;
    loaded.model = ClipModel::load(path, parseComputeDevice(parser.value(QStringLiteral("device"))));
    loaded.name = clipEmbeddingModelName(path, control);
    loaded.path = QFileInfo(path).absoluteFilePath();
    const ClipHyperParams &hp = loaded.model->hyperParams();
    std::fprintf(stderr, "model: %s (ViT %d layers × %d, patch %d, %d px, embed %d) on %s\n",
                 path.toLocal8Bit().constData(), hp.visionLayers, hp.visionWidth, hp.patchSize, hp.imageResolution,
                 hp.embedDim, loaded.model->deviceName().toLocal8Bit().constData());
    return loaded;
}

// E.npy and E.paths.txt: every stored embedding of the model, in path order.
void writeEmbeddings(const ProjectStore &store, qint64 modelId, int dim, const QString &npyPath)
{
    QVector<qint64> ids;
    QStringList paths;
    for (const StoredImage &image : store.images())
        if (image.readable) {
            ids.push_back(image.id);
            paths << image.path;
        }
    std::vector<float> values(size_t(ids.size()) * size_t(dim));
    const QVector<qint64> missing = store.loadEmbeddings(modelId, ids, values.data(), dim);
    if (!missing.isEmpty()) { // drop rows without an embedding (failed images)
        const QSet<qint64> skip(missing.begin(), missing.end());
        std::vector<float> kept;
        QStringList keptPaths;
        for (qsizetype i = 0; i < ids.size(); ++i) {
            if (skip.contains(ids[i]))
                continue;
            kept.insert(kept.end(), values.begin() + i * dim, values.begin() + (i + 1) * dim);
            keptPaths << paths[i];
        }
        values.swap(kept);
        paths = keptPaths;
    }
    writeNpyMatrix(npyPath, values.data(), paths.size(), dim);
    QString pathsFile = npyPath;
    if (pathsFile.endsWith(QLatin1String(".npy")))
        pathsFile.chop(4);
    AtomicFileWriter list(pathsFile + QStringLiteral(".paths.txt"));
    for (const QString &path : paths)
        list.write(path + QLatin1Char('\n'));
    list.commit();
    std::fprintf(stderr, "wrote %lld × %d to %s and %s.paths.txt\n", static_cast<long long>(paths.size()), dim,
                 npyPath.toLocal8Bit().constData(), pathsFile.toLocal8Bit().constData());
}

} // namespace

int embedCommand(const QStringList &args)
{
    QCommandLineParser parser;
    cli::addDatasetOptions(parser);
    addModelOptions(parser);
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Images per model batch (default 64)."),
                      QStringLiteral("N"), QStringLiteral("64")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Also write the embeddings as E.npy plus E.paths.txt (one path per row); with"
                                     " --shard, the folder the shard is written to."),
                      QStringLiteral("E.npy|DIR")});
    cli::addShardOptions(parser);
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("embed"),
                               QStringLiteral("Embed every image of a dataset with CLIP and store the vectors in the"
                                              " project (already embedded images are skipped)."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        DatasetEmbeddingOptions options;
        options.batchSize = cli::positiveInt(parser, QStringLiteral("batch"), cli::kMaxBatch);
        // Argument errors are found before the project (ROOT/.faultline) is created.
        if (!parser.isSet(QStringLiteral("model")))
            throw Error(QStringLiteral("--model FILE|NAME is required"));
        parseComputeDevice(parser.value(QStringLiteral("device")));
        if (const std::optional<ShardSpec> shard = cli::shardOption(parser)) {
            ShardWorkOptions shardOptions;
            shardOptions.batchSize = options.batchSize;
            const QString out = cli::shardOutputFolder(parser, shardOptions);
            const QString root = cli::datasetFolder(parser);
            cli::ConsoleJob job;
            const LoadedModel loaded = loadModel(parser, job.control());
            QElapsedTimer clock;
            clock.start();
            const ShardWorkReport report = embedShard(root, *shard, out, *loaded.model, loaded.name, loaded.path,
                                                      shardOptions, job.control());
            return cli::finishShard(report, *shard, QStringLiteral("embedded"), clock.elapsed() / 1000.0);
        }
        QString root;
        auto store = cli::openProject(parser, &root);
        cli::ConsoleJob job;
        const LoadedModel loaded = loadModel(parser, job.control());
        options.modelSource = loaded.path;
        const ScanReport scan = DatasetScanner::scan(root, *store, job.control());
        cli::printScanReport(scan);
        QElapsedTimer clock;
        clock.start();
        const DatasetEmbeddingReport report =
            embedDataset(*store, root, *loaded.model, loaded.name, options, job.control());
        cli::printDiagnostics(report.diagnostics);
        const double seconds = clock.elapsed() / 1000.0;
        std::fprintf(stderr, "embeddings '%s': %d images needed one: %d computed, %d from the cache, %d failed;"
                             " %.1f s (%.1f images/s)\n",
                     loaded.name.toLocal8Bit().constData(), report.pending, report.computed, report.fromCache,
                     report.failed, seconds, seconds > 0 ? report.computed / seconds : 0.0);
        if (parser.isSet(QStringLiteral("out")))
            writeEmbeddings(*store, report.modelId, loaded.model->hyperParams().embedDim, parser.value(QStringLiteral("out")));
        // Files the scan found undecodable never reach the embedder, but are not embedded either.
        const int undecodable = scan.unreadable + report.failed;
        if (undecodable > 0)
            cli::printError(QStringLiteral("undecodable images: %1 (listed above), not embedded; the others are stored")
                                .arg(undecodable));
        return int(undecodable > 0 ? cli::Failed : cli::Ok);
    }, QStringLiteral("cancelled; finished batches are kept in the project"));
}

int embedTextCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addModelOptions(parser);
    parser.addOption({QStringLiteral("text"), QStringLiteral("A text to embed (repeat for more)."), QStringLiteral("T")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write the embeddings as T.npy (texts × dim)."),
                      QStringLiteral("T.npy")});
    parser.addOption({QStringLiteral("no-truncate"),
                      QStringLiteral("Fail on texts longer than the context instead of truncating them.")});
    int exitCode = cli::Ok;
    if (!cli::parseCommandLine(parser, args, QStringLiteral("embed-text"),
                               QStringLiteral("Embed texts with CLIP's text tower (features, not normalised)."), &exitCode))
        return exitCode;
    return cli::runReportingErrors([&] {
        const QStringList texts = parser.values(QStringLiteral("text"));
        if (texts.isEmpty())
            throw Error(QStringLiteral("give at least one --text"));
        cli::ConsoleJob job;
        const LoadedModel loaded = loadModel(parser, job.control());
        const std::vector<float> vectors = embedTexts(*loaded.model, ClipTokenizer::builtin(), texts,
                                                      !parser.isSet(QStringLiteral("no-truncate")));
        const int dim = loaded.model->hyperParams().embedDim;
        if (parser.isSet(QStringLiteral("out"))) {
            writeNpyMatrix(parser.value(QStringLiteral("out")), vectors.data(), texts.size(), dim);
            std::fprintf(stderr, "wrote %lld × %d to %s\n", static_cast<long long>(texts.size()), dim,
                         parser.value(QStringLiteral("out")).toLocal8Bit().constData());
        } else {
            // One line per text: the text, a tab, then the vector (full precision).
            for (qsizetype t = 0; t < texts.size(); ++t) {
                QStringList values;
                for (int c = 0; c < dim; ++c)
                    values << QString::number(vectors[size_t(t) * size_t(dim) + size_t(c)], 'g', 9);
                std::printf("%s\t%s\n", texts[t].toUtf8().constData(), values.join(QLatin1Char(' ')).toLatin1().constData());
            }
        }
        return cli::Ok;
    });
}
