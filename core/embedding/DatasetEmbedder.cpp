#include "embedding/DatasetEmbedder.h"

#include "clip/ClipModel.h"
#include "clip/ClipPreprocessor.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/ImageDecoder.h"
#include "models/ModelManager.h"
#include "store/ProjectStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QFuture>
#include <QSet>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace faultline {

namespace {

struct PreparedImage
{
    qint64 imageId = 0;
    QString path;
    QString contentHash;
    bool cached = false;   // the store has a vector for this content: no decode needed
    QString error;         // set when the file could not be read or decoded
};

struct PreparedBatch
{
    QVector<PreparedImage> images;
    std::vector<float> pixels;  // images.size() × 3·R·R, only rows of decoded images are filled
};

QString contentHash(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

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

    const ClipPreprocessor preprocessor(model.hyperParams().imageResolution);
    const int floats = preprocessor.floatsPerImage();
    const QDir root(datasetRoot);
    QThreadPool decodePool;
    decodePool.setMaxThreadCount(options.decodeThreads > 0 ? options.decodeThreads : QThread::idealThreadCount());

    // Which contents this model has seen: workers skip decoding those (read-only while running).
    const QSet<QString> cachedContents = store.cachedContentHashes(report.modelId);
    auto prepare = [&](qsizetype begin) {
        PreparedBatch batch;
        const qsizetype end = std::min<qsizetype>(begin + options.batchSize, pending.size());
        for (qsizetype i = begin; i < end; ++i)
            batch.images.push_back({pending[i].id, pending[i].path, QString(), false, QString()});
        batch.pixels.assign(size_t(batch.images.size()) * size_t(floats), 0.0f);
        QVector<int> rows(batch.images.size());
        std::iota(rows.begin(), rows.end(), 0);
        QtConcurrent::blockingMap(&decodePool, rows, [&](int row) {
            PreparedImage &image = batch.images[row];
            const QString file = root.filePath(image.path);
            try {
                const QByteArray bytes = readImageFile(file);
                image.contentHash = contentHash(bytes);
                image.cached = cachedContents.contains(image.contentHash);
                if (!image.cached)
                    preprocessor.loadEncoded(bytes, image.path, batch.pixels.data() + size_t(row) * size_t(floats));
            } catch (const Error &error) {
                image.error = error.message();
            }
        });
        return batch;
    };

    QThreadPool pipeline; // one thread: prepares the next batch while this one runs the model
    pipeline.setMaxThreadCount(1);
    QFuture<PreparedBatch> next = QtConcurrent::run(&pipeline, prepare, qsizetype(0));
    std::vector<float> vectors;
    for (qsizetype begin = 0; begin < pending.size(); begin += options.batchSize) {
        PreparedBatch batch = next.result();
        if (control)
            control->checkCancelled();
        if (begin + options.batchSize < pending.size())
            next = QtConcurrent::run(&pipeline, prepare, begin + options.batchSize);

        // Gather the decoded images into one contiguous model batch.
        std::vector<float> modelInput;
        QVector<int> modelRows;
        for (int row = 0; row < batch.images.size(); ++row) {
            const PreparedImage &image = batch.images[row];
            if (!image.error.isEmpty() || image.cached)
                continue;
            modelInput.insert(modelInput.end(), batch.pixels.begin() + qsizetype(row) * floats,
                              batch.pixels.begin() + qsizetype(row + 1) * floats);
            modelRows.push_back(row);
        }
        const std::vector<float> encoded = model.encodeImages(modelInput.data(), int(modelRows.size()));

        QVector<qint64> ids;
        QStringList hashes;
        vectors.clear();
        int encodedRow = 0;
        for (int row = 0; row < batch.images.size(); ++row) {
            const PreparedImage &image = batch.images[row];
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
                const float *source = encoded.data() + size_t(encodedRow++) * size_t(dim);
                if (!std::all_of(source, source + dim, [](float v) { return std::isfinite(v); }))
                    throw Error(QStringLiteral("%1: model '%2' made an embedding with NaN or Inf (are its weights"
                                               " damaged?); nothing more is stored").arg(image.path, modelName));
                std::copy(source, source + dim, vectors.begin() + qsizetype(at));
                ++report.computed;
            }
            ids.push_back(image.imageId);
            hashes << image.contentHash;
        }
        store.storeComputedEmbeddings(report.modelId, ids, hashes, vectors.data(), dim);
        if (control)
            control->report(std::min<qsizetype>(begin + options.batchSize, pending.size()), pending.size(),
                            QStringLiteral("embed"));
    }
    return report;
}

QString clipEmbeddingModelName(const QString &checkpointPath, JobControl *control)
{
    const QString sha = sha256OfFile(checkpointPath, control, QStringLiteral("fingerprint"));
    return QStringLiteral("clip:%1@%2").arg(QFileInfo(checkpointPath).fileName(), sha.left(12));
}

} // namespace faultline
