#pragma once

#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>

namespace faultline {

class ClipModel;
class JobControl;

// One image of a batch after the pipeline: its vector, or why it has none.
struct EncodedImage
{
    QString path;        // as given (dataset-relative)
    QString contentHash; // SHA-256 of the file's bytes; empty when the file could not be read
    QString error;       // why the file could not be read or decoded (without its path)
    bool cached = false; // the caller's cache knows this content: not decoded, `vector` is null
    const float *vector = nullptr; // dim floats, valid during the callback
};

struct ImageEncodingOptions
{
    int batchSize = 64;
    int decodeThreads = 0; // 0: one per core
    // Contents the caller has a vector for already (decoding skipped); may be empty.
    std::function<bool(const QString &contentHash)> isCached;
};

// The embedding pipeline shared by the project embedder and the cluster shard worker: files
// under `root` are read, hashed, decoded and preprocessed on a thread pool while the previous
// batch runs through the model; `onBatch` gets each batch in order with the number of paths
// done so far. A vector with NaN or Inf throws Error naming the image and `modelName` (damaged
// weights), so nothing non-finite reaches a caller. Cancellable between batches (JobCancelled).
void encodeImageFiles(const QString &root, const QStringList &paths, const ClipModel &model,
                      const QString &modelName, const ImageEncodingOptions &options,
                      const std::function<void(const QVector<EncodedImage> &batch, qsizetype done)> &onBatch,
                      JobControl *control = nullptr);

} // namespace faultline
