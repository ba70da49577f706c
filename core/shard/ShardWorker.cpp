#include "shard/ShardWorker.h"

#include "classify/DatasetPredictor.h"
#include "classify/ImageClassifier.h"
#include "clip/ClipModel.h"
#include "common/BuildInfo.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/DatasetWalker.h"
#include "embedding/ImageEncodingPipeline.h"
#include "io/AtomicFileWriter.h"
#include "io/CsvWriter.h"
#include "io/NpyFile.h"
#include "models/ModelManager.h"
#include "shard/ShardManifest.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <numeric>
#include <optional>

namespace faultline {

namespace {

using Kind = ShardManifest::Kind;

// What a shard has done so far, in the order it was done.
struct ShardRows
{
    QStringList paths;
    QStringList hashes;
    std::vector<float> vectors;     // embeddings: paths.size() × dim
    QStringList predictions;        // predictions: one per path
    QVector<double> confidences;
    QVector<QPair<QString, QString>> failed;

    qsizetype images() const { return paths.size() + failed.size(); }
    void append(const ShardRows &other)
    {
        paths += other.paths;
        hashes += other.hashes;
        vectors.insert(vectors.end(), other.vectors.begin(), other.vectors.end());
        predictions += other.predictions;
        confidences += other.confidences;
        failed += other.failed;
    }
};

// This shard's images: those of the dataset the partition gives it, by path.
struct ShardSelection
{
    QStringList paths;
    QHash<QString, QString> labelOf; // path → its class folder
    QStringList classes;             // every class folder of the dataset, sorted
    qint64 datasetImages = 0;
};

ShardSelection selectShard(const QString &datasetRoot, const ShardSpec &shard, Diagnostics &diagnostics)
{
    DatasetWalk walk = walkDataset(datasetRoot);
    diagnostics += walk.diagnostics;
    ShardSelection selection;
    selection.datasetImages = walk.found.size();
    QSet<QString> classes;
    for (const StoredImage &image : std::as_const(walk.found)) {
        classes.insert(image.folderClass);
        if (shard.contains(image.path)) {
            selection.paths << image.path;
            selection.labelOf.insert(image.path, image.folderClass);
        }
    }
    selection.paths.sort();
    selection.classes = QStringList(classes.begin(), classes.end());
    selection.classes.sort();
    return selection;
}

// A shard's output folder: the finished files, and <stem>.partial/ with the checkpoints of an
// unfinished run (chunk-NNNNNN.json, written last, plus chunk-NNNNNN.npy for embeddings).
class ShardFolder
{
public:
    ShardFolder(const QString &outDir, const ShardSpec &shard, Kind kind, QString model)
        : m_out(outDir), m_stem(shard.fileStem(ShardManifest::kindName(kind))), m_kind(kind), m_model(std::move(model))
    {
        if (!QDir().mkpath(outDir))
            throw Error(QStringLiteral("%1: cannot create the shard folder").arg(outDir));
        m_partial = QDir(m_out.filePath(m_stem + QStringLiteral(".partial")));
    }

    QString manifestPath() const { return m_out.filePath(m_stem + QStringLiteral(".json")); }

    // The manifest of this shard when it is finished; Error when the folder holds it for another model.
    std::optional<ShardManifest> finished() const
    {
        if (!QFileInfo::exists(manifestPath()))
            return std::nullopt;
        ShardManifest manifest = ShardManifest::read(manifestPath());
        if (manifest.model != m_model)
            throw Error(QStringLiteral("%1: this folder holds shard %2 of '%3'; give another --out for '%4'")
                            .arg(manifestPath(), manifest.shard.label(), manifest.model, m_model));
        return manifest;
    }

    // The checkpoints of earlier runs, for images still in the shard; damaged ones are dropped.
    ShardRows resume(const QSet<QString> &selected, int dim, Diagnostics &diagnostics)
    {
        ShardRows rows;
        const QStringList chunks = m_partial.entryList({QStringLiteral("chunk-*.json")}, QDir::Files, QDir::Name);
        for (const QString &name : chunks) {
            const QString file = m_partial.filePath(name);
            try {
                const ShardRows chunk = readChunk(file, dim);
                for (qsizetype i = 0; i < chunk.paths.size(); ++i) {
                    if (!selected.contains(chunk.paths[i]))
                        continue;
                    rows.paths << chunk.paths[i];
                    rows.hashes << chunk.hashes[i];
                    if (m_kind == Kind::Embeddings)
                        rows.vectors.insert(rows.vectors.end(), chunk.vectors.begin() + i * dim,
                                            chunk.vectors.begin() + (i + 1) * dim);
                    else {
                        rows.predictions << chunk.predictions[i];
                        rows.confidences << chunk.confidences[i];
                    }
                }
                for (const auto &failure : chunk.failed)
                    if (selected.contains(failure.first))
                        rows.failed << failure;
            } catch (const Error &error) {
                diagnostics.push_back({Diagnostic::Severity::Warning, file, 0, QString(),
                                       QStringLiteral("checkpoint not used, its images are done again: %1")
                                           .arg(error.reasonFor(file))});
            }
            m_nextChunk = std::max(m_nextChunk, name.mid(6, 6).toInt() + 1);
        }
        return rows;
    }

    void checkpoint(const ShardRows &chunk, int dim)
    {
        if (chunk.images() == 0)
            return;
        if (!m_partial.mkpath(QStringLiteral(".")))
            throw Error(QStringLiteral("%1: cannot create the checkpoint folder").arg(m_partial.path()));
        const QString base = m_partial.filePath(QStringLiteral("chunk-%1").arg(m_nextChunk++, 6, 10, QLatin1Char('0')));
        if (m_kind == Kind::Embeddings)
            writeNpyMatrix(base + QStringLiteral(".npy"), chunk.vectors.data(), chunk.paths.size(), dim);
        QJsonObject json{{QStringLiteral("model"), m_model},
                         {QStringLiteral("paths"), QJsonArray::fromStringList(chunk.paths)},
                         {QStringLiteral("contentHashes"), QJsonArray::fromStringList(chunk.hashes)},
                         {QStringLiteral("failed"), ShardManifest::failuresToJson(chunk.failed)}};
        if (m_kind == Kind::Predictions) {
            json.insert(QStringLiteral("predictions"), QJsonArray::fromStringList(chunk.predictions));
            QJsonArray confidences;
            for (double c : chunk.confidences)
                confidences.append(c);
            json.insert(QStringLiteral("confidences"), confidences);
        }
        AtomicFileWriter file(base + QStringLiteral(".json")); // last: the chunk is complete
        file.write(QJsonDocument(json).toJson(QJsonDocument::Compact));
        file.commit();
    }

    // Writes the shard's files in path order, the manifest last, and drops the checkpoints.
    void finish(ShardManifest manifest, const ShardRows &rows, int dim)
    {
        QVector<qsizetype> order(rows.paths.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return rows.paths[a] < rows.paths[b]; });
        for (qsizetype i : std::as_const(order)) {
            manifest.paths << rows.paths[i];
            manifest.contentHashes << rows.hashes[i];
        }
        manifest.failed = rows.failed;
        std::sort(manifest.failed.begin(), manifest.failed.end());
        if (m_kind == Kind::Embeddings) {
            std::vector<float> sorted;
            sorted.reserve(rows.vectors.size());
            for (qsizetype i : std::as_const(order))
                sorted.insert(sorted.end(), rows.vectors.begin() + i * dim, rows.vectors.begin() + (i + 1) * dim);
            manifest.dataFile = m_stem + QStringLiteral(".npy");
            writeNpyMatrix(m_out.filePath(manifest.dataFile), sorted.data(), order.size(), dim);
            AtomicFileWriter list(m_out.filePath(m_stem + QStringLiteral(".paths.txt"))); // for analyze --embeddings
            for (const QString &path : std::as_const(manifest.paths))
                list.write(path + QLatin1Char('\n'));
            list.commit();
        } else {
            manifest.dataFile = m_stem + QStringLiteral(".csv");
            AtomicFileWriter csv(m_out.filePath(manifest.dataFile)); // also a predictions CSV for analyze
            csv.write(csvLine({QStringLiteral("path"), QStringLiteral("prediction"), QStringLiteral("confidence")}));
            for (qsizetype i : std::as_const(order))
                csv.write(csvLine({rows.paths[i], rows.predictions[i],
                                   QString::number(rows.confidences[i], 'g', QLocale::FloatingPointShortest)}));
            csv.commit();
        }
        manifest.dataSha256 = sha256OfFile(m_out.filePath(manifest.dataFile));
        manifest.write(manifestPath());
        m_partial.removeRecursively();
    }

private:
    ShardRows readChunk(const QString &file, int dim) const
    {
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("%1: cannot open: %2").arg(file, in.errorString()));
        const QJsonObject json = QJsonDocument::fromJson(in.readAll()).object();
        if (json.value(QStringLiteral("model")).toString() != m_model)
            throw Error(QStringLiteral("%1: made by another model or damaged").arg(file));
        ShardRows chunk;
        const auto strings = [&](const QString &field) {
            QStringList list;
            for (const QJsonValue &v : json.value(field).toArray())
                list << v.toString();
            return list;
        };
        chunk.paths = strings(QStringLiteral("paths"));
        chunk.hashes = strings(QStringLiteral("contentHashes"));
        chunk.failed = ShardManifest::failuresFromJson(json.value(QStringLiteral("failed")), file);
        bool consistent = chunk.hashes.size() == chunk.paths.size();
        if (m_kind == Kind::Embeddings) {
            QString npy = file;
            npy.replace(npy.size() - 5, 5, QStringLiteral(".npy"));
            NpyMatrix matrix = chunk.paths.isEmpty() ? NpyMatrix{0, dim, {}} : readNpyMatrix(npy);
            consistent = consistent && matrix.rows == chunk.paths.size() && matrix.cols == dim;
            chunk.vectors = std::move(matrix.values);
        } else {
            chunk.predictions = strings(QStringLiteral("predictions"));
            for (const QJsonValue &v : json.value(QStringLiteral("confidences")).toArray())
                chunk.confidences << v.toDouble();
            consistent = consistent && chunk.predictions.size() == chunk.paths.size()
                         && chunk.confidences.size() == chunk.paths.size();
        }
        if (!consistent)
            throw Error(QStringLiteral("%1: its rows do not match").arg(file));
        return chunk;
    }

    QDir m_out;
    QString m_stem;
    Kind m_kind;
    QString m_model;
    QDir m_partial;
    int m_nextChunk = 0;
};

// The steps both kinds share: select, resume, work in checkpointed chunks, finish.
ShardWorkReport runShard(const QString &datasetRoot, const ShardSpec &shard, ShardFolder &folder,
                         ShardManifest manifest, int dim, const ShardWorkOptions &options, JobControl *control,
                         const std::function<void(const ShardSelection &, const QStringList &todo,
                                                  const std::function<void(const ShardRows &, qsizetype)> &)> &work)
{
    if (options.checkpointImages < 1)
        throw Error(QStringLiteral("--checkpoint must be at least 1, got %1").arg(options.checkpointImages));
    ShardWorkReport report;
    report.manifestPath = folder.manifestPath();
    const ShardSelection selection = selectShard(datasetRoot, shard, report.diagnostics);
    report.datasetImages = selection.datasetImages;
    report.selected = selection.paths.size();
    if (const std::optional<ShardManifest> done = folder.finished()) {
        report.alreadyComplete = true;
        report.failed = done->failed.size();
        return report;
    }
    const QSet<QString> selected(selection.paths.begin(), selection.paths.end());
    ShardRows rows = folder.resume(selected, dim, report.diagnostics);
    report.resumed = rows.images();
    QSet<QString> done(rows.paths.begin(), rows.paths.end());
    for (const auto &failure : std::as_const(rows.failed))
        done.insert(failure.first);
    QStringList todo;
    for (const QString &path : selection.paths)
        if (!done.contains(path))
            todo << path;

    ShardRows chunk;
    const auto flush = [&] {
        folder.checkpoint(chunk, dim);
        rows.append(chunk);
        chunk = ShardRows();
    };
    try {
        work(selection, todo, [&](const ShardRows &batch, qsizetype finished) {
            chunk.append(batch);
            if (chunk.images() >= options.checkpointImages)
                flush();
            if (control)
                control->report(report.resumed + finished, report.selected, QStringLiteral("shard %1").arg(shard.label()));
        });
    } catch (const JobCancelled &) {
        flush(); // Ctrl-C keeps what is done
        throw;
    }
    flush();
    report.computed = rows.images() - report.resumed;
    report.failed = rows.failed.size();
    for (const auto &[path, why] : std::as_const(rows.failed))
        report.diagnostics.push_back({Diagnostic::Severity::Error, path, 0, QString(), why});
    manifest.shard = shard;
    manifest.datasetRoot = QDir(datasetRoot).absolutePath();
    manifest.faultlineVersion = versionString();
    manifest.selected = report.selected;
    folder.finish(manifest, rows, dim);
    return report;
}

} // namespace

ShardWorkReport embedShard(const QString &datasetRoot, const ShardSpec &shard, const QString &outDir,
                           const ClipModel &model, const QString &modelName, const QString &modelSource,
                           const ShardWorkOptions &options, JobControl *control)
{
    const int dim = model.hyperParams().embedDim;
    ShardFolder folder(outDir, shard, Kind::Embeddings, modelName);
    ShardManifest manifest;
    manifest.kind = Kind::Embeddings;
    manifest.model = modelName;
    manifest.modelSource = modelSource;
    manifest.dim = dim;
    return runShard(datasetRoot, shard, folder, manifest, dim, options, control,
                    [&](const ShardSelection &, const QStringList &todo, const auto &onRows) {
        ImageEncodingOptions encoding;
        encoding.batchSize = options.batchSize;
        encodeImageFiles(datasetRoot, todo, model, modelName, encoding, [&](const QVector<EncodedImage> &batch, qsizetype done) {
            ShardRows rows;
            for (const EncodedImage &image : batch) {
                if (!image.error.isEmpty()) {
                    rows.failed.push_back({image.path, image.error});
                    continue;
                }
                rows.paths << image.path;
                rows.hashes << image.contentHash;
                rows.vectors.insert(rows.vectors.end(), image.vector, image.vector + dim);
            }
            onRows(rows, done);
        }, control);
    });
}

ShardWorkReport predictShard(const QString &datasetRoot, const ShardSpec &shard, const QString &outDir,
                             const ClassifierSpec &spec, const ShardWorkOptions &options, JobControl *control)
{
    const QString source = classifierPredictionSource(spec.path);
    ShardFolder folder(outDir, shard, Kind::Predictions, source);
    ShardManifest manifest;
    manifest.kind = Kind::Predictions;
    manifest.model = source;
    manifest.modelSource = spec.path;
    manifest.classifier = spec.toJson();
    return runShard(datasetRoot, shard, folder, manifest, 0, options, control,
                    [&](const ShardSelection &selection, const QStringList &todo, const auto &onRows) {
        if (todo.isEmpty())
            return;
        const auto classifier = loadDatasetClassifier(spec, selection.classes);
        QVector<ImageToClassify> images;
        for (const QString &path : todo)
            images.push_back({path, selection.labelOf.value(path)});
        classifyImageFiles(*classifier, datasetRoot, images, [&](const QVector<ClassifiedImage> &batch, qsizetype done) {
            ShardRows rows;
            for (const ClassifiedImage &image : batch) {
                if (!image.error.isEmpty()) {
                    rows.failed.push_back({image.path, image.error});
                    continue;
                }
                rows.paths << image.path;
                rows.hashes << image.contentHash;
                rows.predictions << image.prediction;
                rows.confidences << image.confidence;
            }
            onRows(rows, done);
        }, control);
    });
}

} // namespace faultline
