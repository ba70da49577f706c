#pragma once

#include "classify/ClassifierSpec.h"
#include "common/Diagnostic.h"
#include "shard/ShardSpec.h"

#include <QString>

namespace faultline {

class ClipModel;
class JobControl;

struct ShardWorkOptions
{
    int batchSize = 64;         // embeddings; predictions use the classifier spec's
    int checkpointImages = 1024; // a killed worker loses at most this many images' work
};

struct ShardWorkReport
{
    QString manifestPath;       // <out>/<stem>.json
    qint64 datasetImages = 0;   // image files in the dataset
    qint64 selected = 0;        // of them in this shard
    qint64 resumed = 0;         // done by an earlier, interrupted run of this shard
    qint64 computed = 0;        // done now
    qint64 failed = 0;          // could not be read or decoded; in diagnostics and the manifest
    bool alreadyComplete = false; // the shard was finished before: nothing was done
    Diagnostics diagnostics;
};

// A cluster worker's share of `embed` / `predict`: no project store (thousands of nodes must not
// write one SQLite file), only the dataset folder and an output folder, usually shared. Writes
// <out>/<kind>-KKKKK-of-NNNNN.{npy,paths.txt | csv} and, last, its .json manifest. Work is
// checkpointed every options.checkpointImages images into <stem>.partial/, so a killed worker
// resumes where it stopped; a finished shard is not redone. Rows are in path order.
// Throws Error (the output folder holds this shard of another model, a write fails, …) or
// JobCancelled (checkpoints are kept).
ShardWorkReport embedShard(const QString &datasetRoot, const ShardSpec &shard, const QString &outDir,
                           const ClipModel &model, const QString &modelName, const QString &modelSource,
                           const ShardWorkOptions &options, JobControl *control = nullptr);
ShardWorkReport predictShard(const QString &datasetRoot, const ShardSpec &shard, const QString &outDir,
                             const ClassifierSpec &spec, const ShardWorkOptions &options, JobControl *control = nullptr);

} // namespace faultline
