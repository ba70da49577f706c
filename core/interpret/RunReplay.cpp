#include "interpret/RunReplay.h"

#include "common/Error.h"
#include "store/ProjectStore.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace faultline {

Split storedSplit(const QJsonObject &params, const QString &key)
{
    Split split = Split::Unassigned;
    splitFromName(params.value(key).toString(), &split);
    return split;
}

RunReplay replayRun(const ProjectStore &store, qint64 runId)
{
    const RunInfo run = store.run(runId);
    const QJsonObject params = QJsonDocument::fromJson(run.params.toUtf8()).object();
    RunReplay replay;
    replay.params.fitSplit = storedSplit(params, QStringLiteral("fit_split"));
    replay.params.whitenSplit = storedSplit(params, QStringLiteral("whiten_split"));
    replay.params.folds = params.value(QStringLiteral("folds")).toInt(2);
    replay.params.cGrid.clear();
    for (const QJsonValue &c : params.value(QStringLiteral("c_grid")).toArray())
        replay.params.cGrid.push_back(c.toDouble());
    if (replay.params.cGrid.empty())
        throw Error(QStringLiteral("run %1: its parameters lack the C grid").arg(runId));

    const int dim = store.embeddingModel(run.embeddingModelId).dim;

    const QVector<RunScoreRow> rows = store.runScores(runId, ProjectStore::RunRowOrder::AsAnalysed);
    QStringList classes;
    for (const RunScoreRow &row : rows)
        classes << row.label;
    classes.removeDuplicates();
    classes.sort();
    QHash<QString, int> classIndex;
    for (int i = 0; i < classes.size(); ++i)
        classIndex.insert(classes[i], i);
    replay.data.classNames = classes;
    QVector<qint64> ids;
    for (const RunScoreRow &row : rows) {
        replay.data.label.push_back(classIndex.value(row.label));
        replay.data.correct.push_back(row.label == row.prediction);
        replay.data.split.push_back(row.split);
        replay.imageIds.push_back(row.imageId);
        replay.paths << row.path;
        ids.push_back(row.imageId);
    }
    replay.data.embeddings.resize(rows.size(), dim);
    const QVector<qint64> missing = store.loadRunEmbeddings(runId, ids, replay.data.embeddings.data(), dim);
    if (!missing.isEmpty())
        throw Error(QStringLiteral("run %1: %2 of its images lost their embedding since").arg(runId).arg(missing.size()));
    const RunWhitening whitening = store.runWhitening(runId);
    replay.whitener = EmbeddingWhitener(Eigen::Map<const Eigen::VectorXd>(whitening.mean.data(), Eigen::Index(whitening.mean.size())),
                                        Eigen::Map<const Eigen::VectorXd>(whitening.stddev.data(), Eigen::Index(whitening.stddev.size())));
    return replay;
}

} // namespace faultline
