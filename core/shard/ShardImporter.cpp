#include "shard/ShardImporter.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "io/CsvReader.h"
#include "io/NpyFile.h"
#include "models/ModelManager.h"
#include "shard/ShardManifest.h"
#include "store/ProjectStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace faultline {

namespace {

using Kind = ShardManifest::Kind;

struct FoundShard
{
    ShardManifest manifest;
    QString manifestPath;
    QString dataPath;
};

// Shards of one model, by (shard count, index).
using ShardGroup = QVector<FoundShard>;

QString importedKey(const ShardManifest &manifest)
{
    return QStringLiteral("shard_import:%1:%2").arg(manifest.model, manifest.shard.fileStem(ShardManifest::kindName(manifest.kind)));
}

void damaged(ShardImportReport &report, const QString &file, const QString &why)
{
    ++report.damagedShards;
    report.diagnostics.push_back({Diagnostic::Severity::Error, file, 0, QString(),
                                  reasonFor(why, file) + QStringLiteral("; shard skipped")});
}

// "2 of 16 shards missing: 3, 9" per shard count of the group; empty when every shard is there.
QStringList missingShards(const ShardGroup &group)
{
    QMap<int, QSet<int>> present;
    for (const FoundShard &shard : group)
        present[shard.manifest.shard.count].insert(shard.manifest.shard.index);
    QStringList lines;
    for (auto it = present.cbegin(); it != present.cend(); ++it) {
        QStringList missing;
        for (int index = 0; index < it.key(); ++index)
            if (!it.value().contains(index))
                missing << QString::number(index);
        if (missing.isEmpty())
            continue;
        constexpr int kShown = 10;
        QString listed = QStringList(missing.mid(0, kShown)).join(QStringLiteral(", "));
        if (missing.size() > kShown)
            listed += QStringLiteral(" and %1 more").arg(missing.size() - kShown);
        lines << QStringLiteral("%1 '%2': %3 of %4 shards missing: %5")
                     .arg(ShardManifest::kindName(group.first().manifest.kind), group.first().manifest.model)
                     .arg(missing.size()).arg(it.key()).arg(listed);
    }
    return lines;
}

// The data file is the one the worker finished: same SHA-256 as its manifest says.
bool verifyData(const FoundShard &shard, ShardImportReport &report)
{
    try {
        if (sha256OfFile(shard.dataPath) == shard.manifest.dataSha256)
            return true;
        damaged(report, shard.dataPath, QStringLiteral("its SHA-256 is not the one %1 gives (damaged or replaced)")
                                            .arg(QFileInfo(shard.manifestPath).fileName()));
    } catch (const Error &error) {
        damaged(report, shard.dataPath, error.message());
    }
    return false;
}

void importEmbeddingGroup(ProjectStore &store, const ShardGroup &group, ShardImportReport &report, JobControl *control)
{
    const ShardManifest &first = group.first().manifest;
    const qint64 modelId = store.ensureEmbeddingModel(first.model, first.dim, first.modelSource);
    QHash<QString, StoredImage> readable;
    for (const StoredImage &image : store.images())
        if (image.readable)
            readable.insert(image.path, image);
    QSet<qint64> pending;
    for (const StoredImage &image : store.imagesWithoutEmbedding(modelId))
        pending.insert(image.id);
    QSet<QString> seen;
    for (const FoundShard &shard : group) {
        if (control)
            control->checkCancelled();
        const ShardManifest &manifest = shard.manifest;
        report.failedImages += manifest.failed.size();
        if (store.meta(importedKey(manifest)) == manifest.dataSha256) {
            ++report.alreadyImported;
            for (const QString &path : manifest.paths)
                seen.insert(path);
            continue;
        }
        if (manifest.dim != first.dim) {
            damaged(report, shard.manifestPath, QStringLiteral("dim %1, but the model's other shards have %2").arg(manifest.dim).arg(first.dim));
            continue;
        }
        if (!verifyData(shard, report))
            continue;
        NpyMatrix matrix;
        try {
            matrix = readNpyMatrix(shard.dataPath);
        } catch (const Error &error) {
            damaged(report, shard.dataPath, error.message());
            continue;
        }
        if (matrix.rows != manifest.paths.size() || (matrix.rows > 0 && matrix.cols != manifest.dim)) {
            damaged(report, shard.dataPath, QStringLiteral("%1 × %2, but the manifest lists %3 rows of %4")
                                                .arg(matrix.rows).arg(matrix.cols).arg(manifest.paths.size()).arg(manifest.dim));
            continue;
        }
        if (const qint64 row = firstNonFiniteRow(matrix); row >= 0) {
            damaged(report, shard.dataPath, QStringLiteral("row %1 holds NaN or Inf").arg(row));
            continue;
        }
        QVector<qint64> ids;
        QStringList hashes;
        std::vector<float> values;
        for (qsizetype i = 0; i < manifest.paths.size(); ++i) {
            const QString &path = manifest.paths[i];
            if (seen.contains(path)) {
                ++report.duplicateRows;
                continue;
            }
            seen.insert(path);
            const auto image = readable.constFind(path);
            if (image == readable.cend()) {
                ++report.unknownRows;
            } else if (!pending.contains(image->id)) {
                ++report.alreadyEmbedded;
            } else if (!image->contentHash.isEmpty() && image->contentHash != manifest.contentHashes[i]) {
                ++report.staleRows;
            } else {
                ids.push_back(image->id);
                hashes << manifest.contentHashes[i];
                values.insert(values.end(), matrix.values.begin() + i * manifest.dim,
                              matrix.values.begin() + (i + 1) * manifest.dim);
                pending.remove(image->id);
            }
        }
        store.transaction([&] {
            if (!ids.isEmpty())
                store.storeComputedEmbeddings(modelId, ids, hashes, values.data(), manifest.dim);
            store.setMeta(importedKey(manifest), manifest.dataSha256);
        });
        report.embeddingsStored += ids.size();
        ++report.importedShards;
    }
}

void importPredictionGroup(ProjectStore &store, const ShardGroup &group, const ShardImportOptions &options,
                           ShardImportReport &report)
{
    const ShardManifest &first = group.first().manifest;
    for (const FoundShard &shard : group)
        report.failedImages += shard.manifest.failed.size();
    // One identity for the whole set: a re-import of the same shards changes nothing.
    QStringList checksums;
    for (const FoundShard &shard : group)
        checksums << shard.manifest.dataSha256;
    checksums.sort();
    const QString identity = QString::fromLatin1(
        QCryptographicHash::hash(checksums.join(QLatin1Char(',')).toLatin1(), QCryptographicHash::Sha256).toHex());
    QString setName = options.predictionSet.isEmpty() ? store.currentPredictionSet() : options.predictionSet;
    if (setName.isEmpty())
        setName = ProjectStore::defaultPredictionSet();
    const QString identityKey = QStringLiteral("prediction_shards:%1").arg(setName);
    if (store.meta(identityKey) == identity) {
        report.alreadyImported += int(group.size());
        return;
    }
    if (!missingShards(group).isEmpty() && !options.partialPredictions) {
        report.diagnostics.push_back({Diagnostic::Severity::Error, first.model, 0, QString(),
                                      QStringLiteral("predictions not imported: shards are missing (import again when they are"
                                                     " done, or give --partial to import the others)")});
        return;
    }
    struct Row
    {
        QString prediction;
        double confidence = 0;
        QString contentHash;
    };
    QHash<QString, Row> rows;
    const int damagedBefore = report.damagedShards;
    for (const FoundShard &shard : group) {
        if (!verifyData(shard, report))
            continue;
        try {
            CsvReader csv(shard.dataPath);
            CsvRecord record;
            if (!csv.next(record) || record.fields != QStringList{QStringLiteral("path"), QStringLiteral("prediction"), QStringLiteral("confidence")})
                throw Error(QStringLiteral("%1:1: the header is not path,prediction,confidence").arg(shard.dataPath));
            qsizetype row = 0;
            QHash<QString, Row> shardRows;
            while (csv.next(record)) {
                bool ok = false;
                const double confidence = record.fields.value(2).toDouble(&ok);
                if (record.fields.size() != 3 || !ok || row >= shard.manifest.paths.size()
                    || record.fields[0] != shard.manifest.paths[row])
                    throw Error(QStringLiteral("%1:%2: not the row its manifest lists").arg(shard.dataPath).arg(record.line));
                shardRows.insert(record.fields[0], {record.fields[1], confidence, shard.manifest.contentHashes[row]});
                ++row;
            }
            if (row != shard.manifest.paths.size())
                throw Error(QStringLiteral("%1: %2 rows, its manifest lists %3").arg(shard.dataPath).arg(row).arg(shard.manifest.paths.size()));
            for (auto it = shardRows.cbegin(); it != shardRows.cend(); ++it) {
                if (rows.contains(it.key()))
                    ++report.duplicateRows;
                else
                    rows.insert(it.key(), it.value());
            }
        } catch (const Error &error) {
            damaged(report, shard.dataPath, error.message());
        }
    }
    if (report.damagedShards > damagedBefore && !options.partialPredictions) {
        report.diagnostics.push_back({Diagnostic::Severity::Error, first.model, 0, QString(),
                                      QStringLiteral("predictions not imported: damaged shards")});
        return;
    }
    // The rows and order a local `predict` stores: readable images by path, line = index + 1.
    QVector<PredictionRecord> records;
    int line = 0;
    QSet<QString> used;
    for (const StoredImage &image : store.images()) {
        if (!image.readable)
            continue;
        ++line;
        const auto row = rows.constFind(image.path);
        if (row == rows.cend())
            continue;
        used.insert(image.path);
        if (!image.contentHash.isEmpty() && image.contentHash != row->contentHash) {
            ++report.staleRows;
            continue;
        }
        PredictionRecord record;
        record.imageId = image.id;
        record.prediction = row->prediction;
        record.confidence = row->confidence;
        record.sourceLine = line;
        records.push_back(record);
    }
    report.unknownRows += rows.size() - used.size();
    if (records.isEmpty()) {
        report.diagnostics.push_back({Diagnostic::Severity::Error, first.model, 0, QString(),
                                      QStringLiteral("no shard row is an image of the project; the stored predictions are kept")});
        return;
    }
    store.transaction([&] {
        store.replacePredictions(records, first.model, setName,
                                 QString::fromUtf8(QJsonDocument(first.classifier).toJson(QJsonDocument::Compact)));
        store.setMeta(identityKey, identity);
    });
    report.predictionsStored = records.size();
    report.importedShards += int(group.size());
}

} // namespace

ShardImportReport importShards(ProjectStore &store, const QString &shardDir, const ShardImportOptions &options,
                               JobControl *control)
{
    const QDir dir(shardDir);
    if (!dir.exists())
        throw Error(QStringLiteral("%1: no such shard folder").arg(shardDir));
    ShardImportReport report;
    static const QRegularExpression stemPattern(QStringLiteral("^(embeddings|predictions)-\\d{5,}-of-\\d{5,}$"));
    QMap<QPair<int, QString>, ShardGroup> groups; // (kind, model)
    QSet<QString> finishedStems;
    for (const QFileInfo &file : dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        if (!stemPattern.match(file.completeBaseName()).hasMatch())
            continue;
        FoundShard shard;
        shard.manifestPath = file.absoluteFilePath();
        try {
            shard.manifest = ShardManifest::read(shard.manifestPath);
        } catch (const Error &error) {
            damaged(report, shard.manifestPath, error.message());
            continue;
        }
        shard.dataPath = dir.absoluteFilePath(shard.manifest.dataFile);
        finishedStems.insert(file.completeBaseName());
        ++report.finishedShards;
        groups[{int(shard.manifest.kind), shard.manifest.model}].push_back(shard);
    }
    for (const QFileInfo &partial : dir.entryInfoList({QStringLiteral("*.partial")}, QDir::Dirs))
        if (!finishedStems.contains(partial.completeBaseName()))
            ++report.unfinishedShards;

    QStringList classifiers;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        if (it.key().first == int(Kind::Predictions))
            classifiers << it.key().second;
    if (classifiers.size() > 1)
        throw Error(QStringLiteral("%1: holds predictions of several classifiers (%2); give one folder per classifier")
                        .arg(shardDir, classifiers.join(QStringLiteral(", "))));

    for (auto it = groups.begin(); it != groups.end(); ++it) {
        ShardGroup &group = it.value();
        std::sort(group.begin(), group.end(), [](const FoundShard &a, const FoundShard &b) {
            return std::pair(a.manifest.shard.count, a.manifest.shard.index) < std::pair(b.manifest.shard.count, b.manifest.shard.index);
        });
        report.missingShards += missingShards(group);
        if (it.key().first == int(Kind::Embeddings))
            importEmbeddingGroup(store, group, report, control);
        else
            importPredictionGroup(store, group, options, report);
    }
    if (report.finishedShards == 0 && report.damagedShards == 0)
        report.diagnostics.push_back({Diagnostic::Severity::Warning, shardDir, 0, QString(),
                                      report.unfinishedShards > 0 ? QStringLiteral("no shard has finished yet")
                                                                  : QStringLiteral("no shards here (embed/predict --shard K/N --out DIR writes them)")});
    return report;
}

} // namespace faultline
