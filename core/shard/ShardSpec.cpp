#include "shard/ShardSpec.h"

#include "common/Error.h"
#include "common/Fnv1a.h"

#include <QStringList>

namespace faultline {

ShardSpec ShardSpec::parse(const QString &text, const QString &option)
{
    const QStringList parts = text.split(QLatin1Char('/'));
    bool indexOk = false;
    bool countOk = false;
    ShardSpec spec;
    if (parts.size() == 2) {
        spec.index = parts[0].trimmed().toInt(&indexOk);
        spec.count = parts[1].trimmed().toInt(&countOk);
    }
    if (!indexOk || !countOk)
        throw Error(QStringLiteral("%1: '%2' is not K/N (shard K of N, 0-based, e.g. 0/16)").arg(option, text));
    if (spec.count < 1 || spec.count > kMaxCount)
        throw Error(QStringLiteral("%1: the shard count must be 1 to %2, got %3").arg(option).arg(kMaxCount).arg(spec.count));
    if (spec.index < 0 || spec.index >= spec.count)
        throw Error(QStringLiteral("%1: the shard index must be 0 to %2 for %3 shards, got %4")
                        .arg(option).arg(spec.count - 1).arg(spec.count).arg(spec.index));
    return spec;
}

int ShardSpec::shardOfPath(const QString &relativePath, int count)
{
    const QByteArray utf8 = relativePath.toUtf8();
    return int(fnv1a(utf8.constData(), size_t(utf8.size())) % quint64(count));
}

QString ShardSpec::fileStem(const QString &kind) const
{
    return QStringLiteral("%1-%2-of-%3").arg(kind).arg(index, 5, 10, QLatin1Char('0')).arg(count, 5, 10, QLatin1Char('0'));
}

} // namespace faultline
