#pragma once

#include "common/Diagnostic.h"

#include <QString>

namespace faultline {

class ClipModel;
class JobControl;
class ProjectStore;

struct DatasetEmbeddingOptions
{
    int batchSize = 64;
    int decodeThreads = 0; // 0: one per core
    QString modelSource;   // where the checkpoint came from (its path), kept with the embeddings
};

struct DatasetEmbeddingReport
{
    qint64 modelId = 0;
    int pending = 0;     // readable images without an embedding from this model at the start
    int computed = 0;    // ran through the model
    int fromCache = 0;   // same file content embedded before (moved, copied, re-added files)
    int failed = 0;      // could not be decoded; reported in diagnostics
    Diagnostics diagnostics;
};

// The project's name for embeddings made by a CLIP checkpoint: "clip:<file name>@<first 12 hex
// digits of its SHA-256>", so two checkpoints with one file name (every Hugging Face model is
// "model.safetensors") never share stored embeddings. Throws Error when the file is unreadable.
QString clipEmbeddingModelName(const QString &checkpointPath, JobControl *control = nullptr);

// Embeds every readable image of the dataset that has no embedding from `modelName` yet:
// files are read, hashed, decoded and preprocessed on a thread pool while the previous batch
// runs through the model; each batch is committed as it completes, so a cancelled or killed
// job resumes where it stopped and a re-run costs nothing. Vectors are also kept by file
// content, so identical files are embedded once. A corrupt image is skipped and reported.
// Throws JobCancelled (finished batches stay stored) or Error.
DatasetEmbeddingReport embedDataset(ProjectStore &store, const QString &datasetRoot, const ClipModel &model,
                                    const QString &modelName, const DatasetEmbeddingOptions &options,
                                    JobControl *control = nullptr);

} // namespace faultline
