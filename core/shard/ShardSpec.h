#pragma once

#include <QString>

namespace faultline {

// One part of a dataset split across machines: shard `index` of `count` (0-based). An image
// belongs to the shard FNV-1a(its dataset-relative path) mod count selects, so the partition is
// the same on every machine and run, and adding images never moves the others between shards.
struct ShardSpec
{
    static constexpr int kMaxCount = 1000000;

    int index = 0;
    int count = 1;

    // "K/N" with 0 ≤ K < N ≤ kMaxCount; Error naming `option` otherwise.
    static ShardSpec parse(const QString &text, const QString &option = QStringLiteral("--shard"));
    static int shardOfPath(const QString &relativePath, int count);

    bool contains(const QString &relativePath) const { return shardOfPath(relativePath, count) == index; }
    // "<kind>-00003-of-00016": a shard's files in its output folder.
    QString fileStem(const QString &kind) const;
    QString label() const { return QStringLiteral("%1/%2").arg(index).arg(count); }
};

} // namespace faultline
