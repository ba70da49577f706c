#include "ShardOptions.h"

#include "CliSupport.h"

#include "common/Error.h"
#include "shard/ShardWorker.h"

#include <QDir>
#include <cstdio>

namespace cli {

void addShardOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("shard"),
                      QStringLiteral("Do only shard K of N (0-based; by a hash of each image's path, the same on every"
                                     " machine) and write it to --out DIR instead of the project; merge the shards with"
                                     " faultline-cli import --shards DIR."), QStringLiteral("K/N")});
    parser.addOption({QStringLiteral("checkpoint"),
                      QStringLiteral("With --shard: images per checkpoint (default 1024); a killed worker resumes from"
                                     " the last one."), QStringLiteral("N"), QStringLiteral("1024")});
}

std::optional<faultline::ShardSpec> shardOption(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("shard")))
        return std::nullopt;
    return faultline::ShardSpec::parse(parser.value(QStringLiteral("shard")));
}

QString shardOutputFolder(const QCommandLineParser &parser, faultline::ShardWorkOptions &options)
{
    if (!parser.isSet(QStringLiteral("out")))
        throw faultline::Error(QStringLiteral("--shard needs --out DIR, the folder the shard is written to"));
    options.checkpointImages = positiveInt(parser, QStringLiteral("checkpoint"), kMaxPerClass);
    return QDir(parser.value(QStringLiteral("out"))).absolutePath();
}

int finishShard(const faultline::ShardWorkReport &report, const faultline::ShardSpec &shard, const QString &what,
                double seconds)
{
    printDiagnostics(report.diagnostics);
    if (report.alreadyComplete)
        std::fprintf(stderr, "shard %s was finished before (%s): nothing to do\n", qPrintable(shard.label()),
                     qPrintable(QDir::toNativeSeparators(report.manifestPath)));
    else
        std::fprintf(stderr, "shard %s: %lld of the dataset's %lld images; %lld %s now, %lld by an earlier run,"
                             " %lld failed; %.1f s; wrote %s\n",
                     qPrintable(shard.label()), static_cast<long long>(report.selected),
                     static_cast<long long>(report.datasetImages), static_cast<long long>(report.computed),
                     qPrintable(what), static_cast<long long>(report.resumed), static_cast<long long>(report.failed),
                     seconds, qPrintable(QDir::toNativeSeparators(report.manifestPath)));
    return report.failed > 0 ? Failed : Ok;
}

} // namespace cli
