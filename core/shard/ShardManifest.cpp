#include "shard/ShardManifest.h"

#include "common/Error.h"
#include "io/AtomicFileWriter.h"
#include "io/BoundedFile.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <limits>

namespace faultline {

namespace {

constexpr int kFormatVersion = 1;
constexpr qint64 kMaxManifestBytes = qint64(2) << 30; // ~100 bytes a row: about 20M rows

[[noreturn]] void fieldError(const QString &path, const QString &field, const QString &problem)
{
    throw Error(QStringLiteral("%1: %2: %3").arg(path, field, problem));
}

QString requiredString(const QJsonObject &json, const QString &field, const QString &path)
{
    const QJsonValue value = json.value(field);
    if (!value.isString() || value.toString().isEmpty())
        fieldError(path, field, QStringLiteral("missing or not a non-empty string"));
    return value.toString();
}

qint64 requiredInteger(const QJsonObject &json, const QString &field, qint64 minimum, qint64 maximum, const QString &path)
{
    const QJsonValue value = json.value(field);
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number != double(qint64(number)) || number < double(minimum) || number > double(maximum))
        fieldError(path, field, QStringLiteral("missing or not an integer from %1 to %2").arg(minimum).arg(maximum));
    return qint64(number);
}

QStringList stringArray(const QJsonObject &json, const QString &field, const QString &path)
{
    const QJsonValue value = json.value(field);
    if (!value.isArray())
        fieldError(path, field, QStringLiteral("missing or not an array"));
    QStringList strings;
    const QJsonArray array = value.toArray();
    strings.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array[i].isString() || array[i].toString().isEmpty())
            fieldError(path, QStringLiteral("%1[%2]").arg(field).arg(i), QStringLiteral("not a non-empty string"));
        strings << array[i].toString();
    }
    return strings;
}

} // namespace

QJsonArray ShardManifest::failuresToJson(const Failures &failed)
{
    QJsonArray array;
    for (const auto &[path, why] : failed)
        array.append(QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("error"), why}});
    return array;
}

ShardManifest::Failures ShardManifest::failuresFromJson(const QJsonValue &json, const QString &path)
{
    Failures failed;
    const QJsonArray failures = json.toArray();
    for (qsizetype i = 0; i < failures.size(); ++i) {
        const QJsonObject failure = failures[i].toObject();
        const QString failedPath = failure.value(QStringLiteral("path")).toString();
        if (failedPath.isEmpty())
            fieldError(path, QStringLiteral("failed[%1].path").arg(i), QStringLiteral("missing"));
        failed.push_back({failedPath, failure.value(QStringLiteral("error")).toString()});
    }
    return failed;
}

QJsonObject ShardManifest::toJson() const
{
    QJsonObject json{{QStringLiteral("format"), QStringLiteral("faultline-shard")},
                     {QStringLiteral("version"), kFormatVersion},
                     {QStringLiteral("kind"), kindName(kind)},
                     {QStringLiteral("shard"), shard.index},
                     {QStringLiteral("shards"), shard.count},
                     {QStringLiteral("model"), model},
                     {QStringLiteral("modelSource"), modelSource},
                     {QStringLiteral("datasetRoot"), datasetRoot},
                     {QStringLiteral("faultline"), faultlineVersion},
                     {QStringLiteral("selected"), selected},
                     {QStringLiteral("rows"), paths.size()},
                     {QStringLiteral("paths"), QJsonArray::fromStringList(paths)},
                     {QStringLiteral("contentHashes"), QJsonArray::fromStringList(contentHashes)},
                     {QStringLiteral("dataFile"), dataFile},
                     {QStringLiteral("dataSha256"), dataSha256}};
    if (kind == Kind::Embeddings)
        json.insert(QStringLiteral("dim"), dim);
    else
        json.insert(QStringLiteral("classifier"), classifier);
    json.insert(QStringLiteral("failed"), failuresToJson(failed));
    return json;
}

ShardManifest ShardManifest::fromJson(const QJsonObject &json, const QString &path)
{
    if (json.value(QStringLiteral("format")).toString() != QLatin1String("faultline-shard"))
        fieldError(path, QStringLiteral("format"), QStringLiteral("not \"faultline-shard\": not a Faultline shard manifest"));
    if (json.value(QStringLiteral("version")).toInt(-1) != kFormatVersion)
        fieldError(path, QStringLiteral("version"),
                   QStringLiteral("%1 is not supported (this build reads version %2)")
                       .arg(json.value(QStringLiteral("version")).toVariant().toString()).arg(kFormatVersion));
    ShardManifest manifest;
    const QString kind = requiredString(json, QStringLiteral("kind"), path);
    if (kind == QLatin1String("embeddings"))
        manifest.kind = Kind::Embeddings;
    else if (kind == QLatin1String("predictions"))
        manifest.kind = Kind::Predictions;
    else
        fieldError(path, QStringLiteral("kind"), QStringLiteral("'%1' is not embeddings or predictions").arg(kind));
    manifest.shard.count = int(requiredInteger(json, QStringLiteral("shards"), 1, ShardSpec::kMaxCount, path));
    manifest.shard.index = int(requiredInteger(json, QStringLiteral("shard"), 0, manifest.shard.count - 1, path));
    manifest.model = requiredString(json, QStringLiteral("model"), path);
    manifest.modelSource = json.value(QStringLiteral("modelSource")).toString();
    manifest.datasetRoot = json.value(QStringLiteral("datasetRoot")).toString();
    manifest.faultlineVersion = json.value(QStringLiteral("faultline")).toString();
    manifest.paths = stringArray(json, QStringLiteral("paths"), path);
    manifest.contentHashes = stringArray(json, QStringLiteral("contentHashes"), path);
    const qint64 rows = requiredInteger(json, QStringLiteral("rows"), 0, std::numeric_limits<int>::max(), path);
    if (rows != manifest.paths.size() || rows != manifest.contentHashes.size())
        fieldError(path, QStringLiteral("rows"), QStringLiteral("%1, but %2 paths and %3 content hashes")
                                                     .arg(rows).arg(manifest.paths.size()).arg(manifest.contentHashes.size()));
    manifest.dataFile = requiredString(json, QStringLiteral("dataFile"), path);
    if (manifest.dataFile.contains(QLatin1Char('/')) || manifest.dataFile.contains(QLatin1Char('\\')))
        fieldError(path, QStringLiteral("dataFile"), QStringLiteral("must be a file name beside the manifest"));
    manifest.dataSha256 = requiredString(json, QStringLiteral("dataSha256"), path);
    if (manifest.kind == Kind::Embeddings) {
        manifest.dim = int(requiredInteger(json, QStringLiteral("dim"), 1, 65536, path));
    } else {
        if (!json.value(QStringLiteral("classifier")).isObject())
            fieldError(path, QStringLiteral("classifier"), QStringLiteral("missing or not an object"));
        manifest.classifier = json.value(QStringLiteral("classifier")).toObject();
    }
    manifest.failed = failuresFromJson(json.value(QStringLiteral("failed")), path);
    manifest.selected = requiredInteger(json, QStringLiteral("selected"), rows + manifest.failed.size(),
                                        std::numeric_limits<int>::max(), path);
    return manifest;
}

ShardManifest ShardManifest::read(const QString &path)
{
    const QByteArray bytes = readBoundedFile(path, kMaxManifestBytes, QStringLiteral("shard manifest"));
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("%1: offset %2: %3").arg(path).arg(parseError.offset).arg(parseError.errorString()));
    if (!document.isObject())
        throw Error(QStringLiteral("%1: not a JSON object").arg(path));
    return fromJson(document.object(), path);
}

void ShardManifest::write(const QString &path) const
{
    AtomicFileWriter file(path);
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    file.commit();
}

} // namespace faultline
