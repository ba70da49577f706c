#pragma once

#include "shard/ShardSpec.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>

namespace faultline {

// What a finished shard holds; `<stem>.json` beside its data. It is written last and atomically,
// so a shard without one is unfinished (killed, still running) and is never imported.
struct ShardManifest
{
    enum class Kind { Embeddings, Predictions };
    static QString kindName(Kind kind) { return kind == Kind::Embeddings ? QStringLiteral("embeddings") : QStringLiteral("predictions"); }

    Kind kind = Kind::Embeddings;
    ShardSpec shard;
    QString model;        // the project's name: "clip:<file>@<sha>" or "classifier:<file>"
    QString modelSource;  // the checkpoint or classifier path on the machine that made it
    int dim = 0;          // embeddings: floats per row
    QJsonObject classifier; // predictions: the ClassifierSpec as JSON
    QString datasetRoot;  // where the worker read the images (informational)
    QString faultlineVersion;
    qint64 selected = 0;  // images of the dataset in this shard (rows + failed)
    QStringList paths;    // rows, in order (dataset-relative)
    QStringList contentHashes; // SHA-256 of each row's file, so an import notices changed images
    QVector<QPair<QString, QString>> failed; // (path, why) of images that could not be read or decoded
    QString dataFile;     // "<stem>.npy" (embeddings) or "<stem>.csv" (predictions), beside the manifest
    QString dataSha256;   // of dataFile: a damaged or replaced file is refused

    using Failures = QVector<QPair<QString, QString>>;
    static QJsonArray failuresToJson(const Failures &failed);
    static Failures failuresFromJson(const QJsonValue &json, const QString &path); // Error naming path

    QJsonObject toJson() const;
    // Throws Error "<path>: <field>: …" for anything missing or out of range.
    static ShardManifest fromJson(const QJsonObject &json, const QString &path);
    static ShardManifest read(const QString &path);
    void write(const QString &path) const; // atomic
};

} // namespace faultline
