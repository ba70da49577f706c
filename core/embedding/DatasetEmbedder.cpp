#include "embedding/DatasetEmbedder.h"

#include "clip/ClipModel.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "embedding/ImageEncodingPipeline.h"
#include "models/ModelManager.h"
#include "store/ProjectStore.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>

namespace faultline {

DatasetEmbeddingReport embedDataset(ProjectStore &store, const QString &datasetRoot, const ClipModel &model,
                                    const QString &modelName, const DatasetEmbeddingOptions &options,
                                    JobControl *control)
{
    if (options.batchSize < 1)
        throw Error(QStringLiteral("--batch must be at least 1, got %1").arg(options.batchSize));
    const int dim = model.hyperParams().embedDim;
    DatasetEmbeddingReport report;
    report.modelId = store.ensureEmbeddingModel(modelName, dim, options.modelSource);
    const QVector<StoredImage> pending = store.imagesWithoutEmbedding(report.modelId);
    report.pending = int(pending.size());
    if (pending.isEmpty())
        return report;
    QStringList paths;
    QHash<QString, qint64> idOfPath;
    for (const StoredImage &image : pending) {
        paths << image.path;
        idOfPath.insert(image.path, image.id);
    }

    // Which contents this model has seen: workers skip decoding those (read-only while running).
    const QSet<QString> cachedContents = store.cachedContentHashes(report.modelId);
    ImageEncodingOptions encoding;
    encoding.batchSize = options.batchSize;
    encoding.decodeThreads = options.decodeThreads;
    encoding.isCached = [&](const QString &hash) { return cachedContents.contains(hash); };
    std::vector<float> vectors;
    encodeImageFiles(datasetRoot, paths, model, modelName, encoding, [&](const QVector<EncodedImage> &batch, qsizetype done) {
        QVector<qint64> ids;
        QStringList hashes;
        vectors.clear();
        for (const EncodedImage &image : batch) {
            if (!image.error.isEmpty()) {
                ++report.failed;
                report.diagnostics.push_back({Diagnostic::Severity::Error, image.path, 0, QString(), image.error});
                continue;
            }
            const size_t at = vectors.size();
            vectors.resize(at + size_t(dim));
            if (image.cached) {
                if (!store.cachedEmbedding(report.modelId, image.contentHash, vectors.data() + at, dim))
                    throw Error(QStringLiteral("%1: the cached embedding of '%2' is damaged").arg(store.path(), image.path));
                ++report.fromCache;
            } else {
                std::copy(image.vector, image.vector + dim, vectors.begin() + qsizetype(at));
                ++report.computed;
            }
            ids.push_back(idOfPath.value(image.path));
            hashes << image.contentHash;
        }
        store.storeComputedEmbeddings(report.modelId, ids, hashes, vectors.data(), dim);
        if (control)
            control->report(done, pending.size(), QStringLiteral("embed"));
    }, control);
    return report;
}

QString clipEmbeddingModelName(const QString &checkpointPath, JobControl *control)
{
    const QString sha = sha256OfFile(checkpointPath, control, QStringLiteral("fingerprint"));
    return QStringLiteral("clip:%1@%2").arg(QFileInfo(checkpointPath).fileName(), sha.left(12));
}

} // namespace faultline
