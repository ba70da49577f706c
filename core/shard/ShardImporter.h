#pragma once

#include "common/Diagnostic.h"

#include <QString>
#include <QStringList>

namespace faultline {

class JobControl;
class ProjectStore;

struct ShardImportOptions
{
    bool partialPredictions = false; // import predictions although some shards are missing
    QString predictionSet;           // the set (model) they are stored as; empty: the current one
};

struct ShardImportReport
{
    int finishedShards = 0;    // shards with a manifest in the folder
    int importedShards = 0;    // merged now
    int alreadyImported = 0;   // merged by an earlier import (nothing read again)
    int unfinishedShards = 0;  // <stem>.partial/ without a manifest: running or interrupted
    int damagedShards = 0;     // unreadable manifest or data, checksum mismatch: skipped, in diagnostics
    qint64 embeddingsStored = 0;
    qint64 alreadyEmbedded = 0; // rows whose image had this model's embedding already
    qint64 predictionsStored = 0;
    qint64 staleRows = 0;      // the image's content changed since the shard was made: not imported
    qint64 unknownRows = 0;    // the path is not a readable image of the project
    qint64 duplicateRows = 0;  // a path in more than one shard: the first is kept
    qint64 failedImages = 0;   // the workers could not read or decode them
    QStringList missingShards; // one line per model: "embeddings 'M': 2 of 16 shards missing: 3, 9"
    Diagnostics diagnostics;
    bool complete() const { return missingShards.isEmpty() && unfinishedShards == 0 && damagedShards == 0; }
};

// Merges the shards `embed --shard` / `predict --shard` wrote into the project: incremental
// (run it while a cluster is still working; shards already merged are recognised by their
// checksum and not read again) and idempotent. Embeddings are stored per image and by content
// exactly as a local `embed` stores them, under the same model name; a row whose image changed
// since (content hash) or is not in the project is left out and counted. Predictions replace
// the project's set in one transaction, only when every shard of the classifier is there
// (unless options.partialPredictions), with the same rows and order a local `predict` stores.
// Throws Error when the folder cannot be read or holds predictions of several classifiers.
ShardImportReport importShards(ProjectStore &store, const QString &shardDir, const ShardImportOptions &options = {},
                               JobControl *control = nullptr);

} // namespace faultline
