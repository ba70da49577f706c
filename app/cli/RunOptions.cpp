#include "RunOptions.h"

#include "CliSupport.h"

#include "clip/ClipModel.h"
#include "clip/ClipTokenizer.h"
#include "common/Error.h"
#include "embedding/TextEmbedder.h"
#include "interpret/RunCheckpoint.h"

using namespace faultline;

namespace cli {

void addRunIdOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("run"), QStringLiteral("Analysis run id or 'latest' (default)."),
                      QStringLiteral("ID"), QStringLiteral("latest")});
}

void addRunOptions(QCommandLineParser &parser)
{
    cli::addDatasetOptions(parser);
    addRunIdOption(parser);
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("CLIP checkpoint for the texts (default: the one that embedded the run's"
                                     " images)."), QStringLiteral("FILE|NAME")});
    parser.addOption({QStringLiteral("device"), QStringLiteral("auto (default), cpu or cuda."), QStringLiteral("DEVICE"),
                      QStringLiteral("auto")});
}

std::unique_ptr<ClipModel> loadRunModel(const QCommandLineParser &parser, const ProjectStore &store, qint64 runId,
                                        JobControl *control)
{
    QString checkpoint = parser.value(QStringLiteral("model"));
    if (checkpoint.isEmpty())
        checkpoint = runCheckpointPath(store, runId);
    if (checkpoint.isEmpty())
        throw Error(QStringLiteral("run %1 was not embedded by a CLIP checkpoint Faultline knows: pass --model with"
                                   " the checkpoint that made its embeddings").arg(runId));
    return ClipModel::load(cli::resolveModel(checkpoint, control),
                           parseComputeDevice(parser.value(QStringLiteral("device"))));
}

std::vector<float> embedOne(const ClipModel &model, const QString &text)
{
    return embedTexts(model, ClipTokenizer::builtin(), {text});
}

Split splitOption(const QCommandLineParser &parser)
{
    Split split;
    if (!splitFromName(parser.value(QStringLiteral("split")), &split))
        throw Error(QStringLiteral("--split: '%1' is not a split (train, val, test, pool)")
                        .arg(parser.value(QStringLiteral("split"))));
    return split;
}

} // namespace cli
