#include "interpret/RunCheckpoint.h"

#include "common/Error.h"
#include "store/ProjectStore.h"

#include <QFileInfo>

namespace faultline {

QString runCheckpointPath(const ProjectStore &store, qint64 runId)
{
    const RunInfo run = store.run(runId);
    for (const EmbeddingModelInfo &model : store.embeddingModels())
        if (model.id == run.embeddingModelId && QFileInfo(model.source).isFile()
            && model.name.startsWith(QLatin1String("clip:")))
            return model.source;
    return QString();
}

int runEmbeddingDim(const ProjectStore &store, qint64 runId)
{
    const RunInfo run = store.run(runId);
    for (const EmbeddingModelInfo &model : store.embeddingModels())
        if (model.id == run.embeddingModelId)
            return model.dim;
    throw Error(QStringLiteral("run %1: its embedding model is no longer in the project").arg(runId));
}

} // namespace faultline
