#pragma once

#include <QByteArray>
#include <QString>
#include <QVector>

namespace faultline {

// One downloadable file: a CLIP checkpoint or the BPE vocabulary its tokenizer needs.
struct ModelEntry
{
    enum class Kind { ClipCheckpoint, BpeVocab };

    QString name;        // "ViT-B/32": what users type (case-insensitive; the file's base name works too)
    QString fileName;    // "ViT-B-32.pt": its name in the model directory and under a mirror
    QString url;         // where it is downloaded from (http, https or file)
    QString sha256;      // lower-case hex; empty = not checked
    qint64 sizeBytes = 0; // 0 = unknown
    Kind kind = Kind::ClipCheckpoint;
    QString description;
};

QString modelKindName(ModelEntry::Kind kind); // "clip-checkpoint" | "bpe-vocab"

// Name → file, URL, SHA-256 and size of the models Faultline knows. The built-in list is a
// JSON resource (resources/models/catalog.json); users add or override entries with their own
// JSON file in the same format:
//   {"models": [{"name": "...", "file": "...", "url": "...", "sha256": "...", "size": 0,
//                "kind": "clip-checkpoint|bpe-vocab", "description": "..."}]}
// An entry whose name is already known replaces only the fields it gives (e.g. just "url").
class ModelCatalog
{
public:
    ModelCatalog() = default;

    // The built-in catalogue plus the file named by FAULTLINE_MODEL_CATALOG, if set.
    static ModelCatalog standard();
    // Only the built-in catalogue.
    static ModelCatalog builtin();

    // Adds/overrides entries; throws Error "<source>: ..." naming the entry and field at fault.
    void loadJson(const QByteArray &json, const QString &source);
    void loadFile(const QString &path); // throws Error
    void add(const ModelEntry &entry);  // replaces an entry of the same name

    // By name (case-insensitive), file name or file base name ("ViT-B-32"); nullptr if unknown.
    const ModelEntry *find(const QString &name) const;
    const QVector<ModelEntry> &entries() const { return m_entries; }
    QStringList names() const;

    // The URL to fetch `entry` from: `<mirror>/<fileName>` when a mirror base URL is given,
    // else the entry's own URL.
    static QString downloadUrl(const ModelEntry &entry, const QString &mirror);

private:
    QVector<ModelEntry> m_entries;
};

} // namespace faultline
