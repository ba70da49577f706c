#include "rules/ClassFailureRules.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "dataset/DatasetPaths.h"
#include "io/BoundedFile.h"
#include "interpret/RunReplay.h"
#include "io/NpyFile.h"
#include "rules/ConceptFeatures.h"
#include "store/ProjectStore.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <algorithm>

namespace faultline {

namespace {

// An imported per-image feature matrix, looked up by dataset path.
struct FileFeatures
{
    QStringList names;
    NpyMatrix matrix;
    QHash<QString, qint64> rowOfPath;
};

FileFeatures readFileFeatures(const RuleFeatureSource &source)
{
    if (source.pathsFile.isEmpty())
        throw Error(QStringLiteral("%1: the features need a paths file naming the image of each row").arg(source.file));
    FileFeatures features;
    features.matrix = readNpyMatrix(source.file);
    const QStringList paths = readPathLines(source.pathsFile);
    if (paths.size() != features.matrix.rows)
        throw Error(QStringLiteral("%1 has %2 rows but %3 names %4 images")
                        .arg(source.file).arg(features.matrix.rows).arg(source.pathsFile).arg(paths.size()));
    const qint64 bad = firstNonFiniteRow(features.matrix);
    if (bad >= 0)
        throw Error(QStringLiteral("%1: row %2 (%3:%4, '%5') holds a NaN or an infinity")
                        .arg(source.file).arg(bad).arg(source.pathsFile).arg(bad + 1).arg(paths[int(bad)]));
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString path = normalizeDatasetPath(paths[i]);
        if (features.rowOfPath.contains(path))
            throw Error(QStringLiteral("%1:%2: '%3' is listed twice").arg(source.pathsFile).arg(i + 1).arg(paths[i]));
        features.rowOfPath.insert(path, i);
    }
    if (!source.namesFile.isEmpty()) {
        features.names = QString::fromUtf8(readBoundedFile(source.namesFile, kMaxSmallTextBytes,
                                                           QStringLiteral("feature names file")))
                             .split(QLatin1Char('\n'));
        for (QString &name : features.names)
            name = name.trimmed();
        while (!features.names.isEmpty() && features.names.last().isEmpty())
            features.names.removeLast();
        if (features.names.size() != features.matrix.cols)
            throw Error(QStringLiteral("%1 names %2 features but %3 has %4 columns")
                            .arg(source.namesFile).arg(features.names.size()).arg(source.file).arg(features.matrix.cols));
    } else {
        for (qint64 c = 0; c < features.matrix.cols; ++c)
            features.names << QStringLiteral("feature[%1]").arg(c);
    }
    return features;
}

RuleFeatures embeddingFeatures(const std::vector<float> &embeddings, int dim)
{
    const int rows = int(embeddings.size() / size_t(dim));
    RuleFeatures features;
    features.values.rows = rows;
    features.values.columns = dim;
    features.values.values.resize(embeddings.size());
    for (int c = 0; c < dim; ++c) {
        features.names << QStringLiteral("embedding[%1]").arg(c);
        for (int r = 0; r < rows; ++r)
            features.values.values[size_t(c) * size_t(rows) + size_t(r)] = embeddings[size_t(r) * size_t(dim) + size_t(c)];
    }
    return features;
}

RuleFeatures fileFeaturesOf(const FileFeatures &file, const RuleFeatureSource &source, const QStringList &paths)
{
    RuleFeatures features;
    features.names = file.names;
    features.values.rows = int(paths.size());
    features.values.columns = int(file.matrix.cols);
    features.values.values.resize(size_t(paths.size()) * size_t(file.matrix.cols));
    for (qsizetype r = 0; r < paths.size(); ++r) {
        const auto row = file.rowOfPath.constFind(paths[r]);
        if (row == file.rowOfPath.constEnd())
            throw Error(QStringLiteral("%1 has no row for '%2' (%3 names the images it covers)")
                            .arg(source.file, paths[r], source.pathsFile));
        for (qint64 c = 0; c < file.matrix.cols; ++c)
            features.values.values[size_t(c) * size_t(paths.size()) + size_t(r)] =
                file.matrix.values[size_t(*row * file.matrix.cols + c)];
    }
    return features;
}

std::optional<Split> runFitSplit(const RunInfo &run)
{
    const Split split = storedSplit(QJsonDocument::fromJson(run.params.toUtf8()).object(), QStringLiteral("fit_split"));
    return split == Split::Unassigned ? std::nullopt : std::optional<Split>(split);
}

} // namespace

QVector<ClassFailureRules> explainClassFailures(ProjectStore &store, const RulesRequest &request, JobControl *control)
{
    const RunInfo run = store.run(request.runId);
    const int dim = store.embeddingModel(run.embeddingModelId).dim;
    QVector<RunScoreRow> rows = store.runScores(request.runId);
    const std::optional<Split> split = request.split ? request.split : runFitSplit(run);
    if (split && std::any_of(rows.begin(), rows.end(), [&](const RunScoreRow &r) { return r.split == *split; }))
        rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const RunScoreRow &r) { return r.split != *split; }),
                   rows.end());
    else if (request.split)
        throw Error(QStringLiteral("run %1 has no images in the %2 split").arg(request.runId).arg(splitName(*request.split)));

    QStringList classes = request.classes;
    if (classes.isEmpty()) {
        QSet<QString> labels;
        for (const RunScoreRow &row : rows)
            labels.insert(row.label);
        classes = QStringList(labels.begin(), labels.end());
        classes.sort();
    }
    FileFeatures file;
    if (request.features.kind == RuleFeatureKind::File)
        file = readFileFeatures(request.features);

    QVector<ClassFailureRules> results;
    for (qsizetype c = 0; c < classes.size(); ++c) {
        if (control) {
            control->checkCancelled();
            control->report(c, classes.size(), classes[c]);
        }
        ClassFailureRules result;
        result.className = classes[c];
        for (const RunScoreRow &row : rows) {
            const QString &group = request.grouping == RuleGrouping::Label ? row.label : row.prediction;
            if (group != classes[c])
                continue;
            result.imageIds.push_back(row.imageId);
            result.paths << row.path;
            result.failure.push_back(row.label != row.prediction ? 1 : 0);
        }
        if (result.imageIds.empty()) {
            result.skipReason = request.grouping == RuleGrouping::Label
                                    ? QStringLiteral("no images of this class in the split")
                                    : QStringLiteral("no images predicted as this class in the split");
            results << result;
            continue;
        }
        RuleFeatures all;
        if (request.features.kind == RuleFeatureKind::File) {
            all = fileFeaturesOf(file, request.features, result.paths);
        } else {
            std::vector<float> embeddings(result.imageIds.size() * size_t(dim));
            const QVector<qint64> ids(result.imageIds.begin(), result.imageIds.end());
            const QVector<qint64> missing = store.loadRunEmbeddings(request.runId, ids, embeddings.data(), dim);
            if (!missing.isEmpty())
                throw Error(QStringLiteral("run %1: %2 images of class '%3' lost their embedding since the run")
                                .arg(request.runId).arg(missing.size()).arg(classes[c]));
            if (request.features.kind == RuleFeatureKind::Embedding) {
                all = embeddingFeatures(embeddings, dim);
            } else {
                const QStringList texts = conceptTexts(request.features.vocabulary, classes[c],
                                                       request.features.userConcepts);
                if (texts.isEmpty())
                    throw Error(QStringLiteral("no concepts for class '%1': give a caption vocabulary or your own concepts")
                                    .arg(classes[c]));
                all = conceptFeatures(embeddings, dim, texts,
                                      conceptEmbeddings(store, run.embeddingModelId, dim, texts, request.features.encode));
            }
        }
        result.tree = fitFailureTree(all, result.failure, request.options);
        for (int column : result.tree.selected)
            result.features.names << all.names[column];
        result.features.values = selectedColumns(all, result.tree.selected);
        result.leafOfRow.resize(result.imageIds.size());
        for (size_t r = 0; r < result.imageIds.size(); ++r)
            result.leafOfRow[r] = result.tree.tree.leafOf(result.features.values, int(r));
        results << result;
    }
    return results;
}

} // namespace faultline
