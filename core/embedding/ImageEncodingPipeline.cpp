#include "embedding/ImageEncodingPipeline.h"

#include "clip/ClipModel.h"
#include "clip/ClipPreprocessor.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/ContentHash.h"
#include "dataset/ImageDecoder.h"

#include <QDir>
#include <QFuture>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace faultline {

namespace {

struct PreparedBatch
{
    QVector<EncodedImage> images;
    std::vector<float> pixels; // images.size() × 3·R·R, only rows of decoded images are filled
};

} // namespace

void encodeImageFiles(const QString &rootPath, const QStringList &paths, const ClipModel &model,
                      const QString &modelName, const ImageEncodingOptions &options,
                      const std::function<void(const QVector<EncodedImage> &, qsizetype)> &onBatch,
                      JobControl *control)
{
    if (options.batchSize < 1)
        throw Error(QStringLiteral("--batch must be at least 1, got %1").arg(options.batchSize));
    if (paths.isEmpty())
        return;
    const int dim = model.hyperParams().embedDim;
    const ClipPreprocessor preprocessor(model.hyperParams().imageResolution);
    const int floats = preprocessor.floatsPerImage();
    const QDir root(rootPath);
    QThreadPool decodePool;
    decodePool.setMaxThreadCount(options.decodeThreads > 0 ? options.decodeThreads : QThread::idealThreadCount());

    auto prepare = [&](qsizetype begin) {
        PreparedBatch batch;
        const qsizetype end = std::min<qsizetype>(begin + options.batchSize, paths.size());
        for (qsizetype i = begin; i < end; ++i) {
            EncodedImage image;
            image.path = paths[i];
            batch.images.push_back(image);
        }
        batch.pixels.assign(size_t(batch.images.size()) * size_t(floats), 0.0f);
        QVector<int> rows(batch.images.size());
        std::iota(rows.begin(), rows.end(), 0);
        QtConcurrent::blockingMap(&decodePool, rows, [&](int row) {
            EncodedImage &image = batch.images[row];
            try {
                const QByteArray bytes = readImageFile(root.filePath(image.path));
                image.contentHash = contentHash(bytes);
                image.cached = options.isCached && options.isCached(image.contentHash);
                if (!image.cached)
                    preprocessor.loadEncoded(bytes, image.path, batch.pixels.data() + size_t(row) * size_t(floats));
            } catch (const Error &error) {
                image.error = error.reasonFor(root.filePath(image.path));
            }
        });
        return batch;
    };

    QThreadPool pipeline; // one thread: prepares the next batch while this one runs the model
    pipeline.setMaxThreadCount(1);
    QFuture<PreparedBatch> next = QtConcurrent::run(&pipeline, prepare, qsizetype(0));
    for (qsizetype begin = 0; begin < paths.size(); begin += options.batchSize) {
        PreparedBatch batch = next.result();
        if (control)
            control->checkCancelled();
        if (begin + options.batchSize < paths.size())
            next = QtConcurrent::run(&pipeline, prepare, begin + options.batchSize);

        // Gather the decoded images into one contiguous model batch.
        std::vector<float> modelInput;
        QVector<int> modelRows;
        for (int row = 0; row < batch.images.size(); ++row) {
            const EncodedImage &image = batch.images[row];
            if (!image.error.isEmpty() || image.cached)
                continue;
            modelInput.insert(modelInput.end(), batch.pixels.begin() + qsizetype(row) * floats,
                              batch.pixels.begin() + qsizetype(row + 1) * floats);
            modelRows.push_back(row);
        }
        const std::vector<float> encoded = model.encodeImages(modelInput.data(), int(modelRows.size()));
        for (int i = 0; i < modelRows.size(); ++i) {
            EncodedImage &image = batch.images[modelRows[i]];
            image.vector = encoded.data() + size_t(i) * size_t(dim);
            if (!std::all_of(image.vector, image.vector + dim, [](float v) { return std::isfinite(v); }))
                throw Error(QStringLiteral("%1: model '%2' made an embedding with NaN or Inf (are its weights"
                                           " damaged?); nothing more is stored").arg(image.path, modelName));
        }
        onBatch(batch.images, std::min<qsizetype>(begin + options.batchSize, paths.size()));
    }
}

} // namespace faultline
