#pragma once

#include "shard/ShardSpec.h"

#include <QCommandLineParser>
#include <optional>

namespace faultline {
struct ShardWorkOptions;
struct ShardWorkReport;
}

// `embed` and `predict` as one cluster worker's share: --shard K/N --out DIR (no project store).
namespace cli {

void addShardOptions(QCommandLineParser &parser);
std::optional<faultline::ShardSpec> shardOption(const QCommandLineParser &parser); // Error when malformed
// --out DIR (required with --shard) and --checkpoint N into `options`; returns the folder.
QString shardOutputFolder(const QCommandLineParser &parser, faultline::ShardWorkOptions &options);
// The summary line and the failed images; exit status 1 when images failed.
int finishShard(const faultline::ShardWorkReport &report, const faultline::ShardSpec &shard, const QString &what,
                double seconds);

} // namespace cli
