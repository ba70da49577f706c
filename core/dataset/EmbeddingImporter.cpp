#include "dataset/EmbeddingImporter.h"

#include "common/Error.h"
#include "dataset/DatasetPaths.h"
#include "io/NpyFile.h"
#include "store/ProjectStore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHash>

namespace faultline {

namespace {

// SHA-256 over the files' bytes, in order (streamed: an .npy may be gigabytes).
QString filesHash(const QStringList &paths)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &path : paths) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file))
            throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
        hash.addData(QByteArrayView("\0", 1)); // a boundary: (ab, c) differs from (a, bc)
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace

EmbeddingImportReport importEmbeddings(const QString &npyPath, const QString &pathsFile, ProjectStore &store,
                                       QString modelName)
{
    const NpyMatrix matrix = readNpyMatrix(npyPath);
    const QStringList lines = readPathLines(pathsFile);
    if (matrix.rows != lines.size())
        throw Error(QStringLiteral("%1 has %2 rows but %3 lists %4 paths: they must match row for row")
                        .arg(npyPath).arg(matrix.rows).arg(pathsFile).arg(lines.size()));
    if (matrix.cols < 1)
        throw Error(QStringLiteral("%1: embeddings have no dimensions").arg(npyPath));
    if (const qint64 bad = firstNonFiniteRow(matrix); bad >= 0)
        throw Error(QStringLiteral("%1: row %2 (%3:%4, '%5') holds NaN or Inf")
                        .arg(npyPath).arg(bad).arg(pathsFile).arg(bad + 1).arg(lines[int(bad)]));

    QHash<QString, qint64> idByPath;
    for (const StoredImage &image : store.images())
        idByPath.insert(image.path, image.id);
    QVector<qint64> ids;
    ids.reserve(lines.size());
    QHash<qint64, int> lineOf;
    for (int i = 0; i < lines.size(); ++i) {
        const QString path = normalizeDatasetPath(lines[i]);
        const qint64 id = idByPath.value(path, 0);
        if (id == 0)
            throw Error(QStringLiteral("%1:%2: '%3' is not an image of the dataset").arg(pathsFile).arg(i + 1).arg(lines[i]));
        if (const int first = lineOf.value(id); first > 0)
            throw Error(QStringLiteral("%1:%2: '%3' is listed twice (first at line %4)")
                            .arg(pathsFile).arg(i + 1).arg(lines[i]).arg(first));
        lineOf.insert(id, i + 1);
        ids.push_back(id);
    }

    // The content is the model's identity: the same files again are the same model; other
    // files under a taken default name are a new model, so no run's vectors change underneath it.
    const QString hash = filesHash({npyPath, pathsFile});
    const QVector<EmbeddingModelInfo> models = store.embeddingModels();
    const auto existing = [&](const QString &name) -> const EmbeddingModelInfo * {
        for (const EmbeddingModelInfo &model : models)
            if (model.name == name)
                return &model;
        return nullptr;
    };
    EmbeddingImportReport report;
    report.modelName = modelName;
    if (modelName.isEmpty()) {
        report.modelName = QStringLiteral("import:%1").arg(QFileInfo(npyPath).fileName());
        if (const EmbeddingModelInfo *model = existing(report.modelName); model && model->contentHash != hash)
            report.modelName += QStringLiteral("#") + hash.left(12);
    } else if (const EmbeddingModelInfo *model = existing(modelName);
               model && model->contentHash != hash && store.embeddingModelUsedByRuns(model->id)) {
        throw Error(QStringLiteral("%1: embedding model '%2' holds other vectors (from %3) that analysis runs were fitted"
                                   " on; import these under another --embedding-model name")
                        .arg(npyPath, modelName, model->source));
    }
    report.rows = matrix.rows;
    report.dim = int(matrix.cols);
    store.transaction([&] {
        report.modelId = store.ensureEmbeddingModel(report.modelName, report.dim, QFileInfo(npyPath).absoluteFilePath());
        store.storeEmbeddings(report.modelId, ids, matrix.values.data(), report.dim);
        store.setEmbeddingModelHash(report.modelId, hash);
    });
    return report;
}

} // namespace faultline
