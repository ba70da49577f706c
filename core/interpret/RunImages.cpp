#include "interpret/RunImages.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "store/ProjectStore.h"

#include <limits>

namespace faultline {

RunClassImages loadRunClassImages(const ProjectStore &store, qint64 runId, const QString &className,
                                  std::optional<Split> split)
{
    const RunInfo run = store.run(runId);
    const int dim = store.embeddingModel(run.embeddingModelId).dim;

    RunClassImages images;
    images.dim = dim;
    images.className = className;
    const QVector<RunScoreRow> rows = store.runScores(runId, className);
    if (rows.isEmpty())
        throw Error(QStringLiteral("run %1 has no class '%2'").arg(runId).arg(className));
    for (const RunScoreRow &row : rows) {
        if (split && row.split != *split)
            continue;
        images.imageIds.push_back(row.imageId);
        images.paths << row.path;
        images.splits.push_back(row.split);
        images.correct.push_back(row.label == row.prediction);
        images.predictions << row.prediction;
        images.decisionValues.push_back(row.decisionValue.value_or(std::numeric_limits<double>::quiet_NaN()));
        images.hardness.push_back(row.hardness.value_or(std::numeric_limits<double>::quiet_NaN()));
    }
    images.embeddings.resize(images.imageIds.size() * size_t(dim));
    const QVector<qint64> ids(images.imageIds.begin(), images.imageIds.end());
    const QVector<qint64> missing = store.loadRunEmbeddings(runId, ids, images.embeddings.data(), dim);
    if (!missing.isEmpty())
        throw Error(QStringLiteral("run %1: %2 images of class '%3' lost their embedding since the run")
                        .arg(runId).arg(missing.size()).arg(className));
    return images;
}

RunClassImages loadRunImages(const ProjectStore &store, qint64 runId, JobControl *control)
{
    const QVector<RunClassRow> classes = store.runClasses(runId);
    RunClassImages all;
    for (qsizetype c = 0; c < classes.size(); ++c) {
        if (control) {
            control->checkCancelled();
            control->report(c, classes.size(), QStringLiteral("images"));
        }
        RunClassImages images = loadRunClassImages(store, runId, classes[c].className);
        all.dim = images.dim;
        all.imageIds.insert(all.imageIds.end(), images.imageIds.begin(), images.imageIds.end());
        all.paths += images.paths;
        for (qsizetype i = 0; i < images.size(); ++i)
            all.labels << images.className;
        all.splits.insert(all.splits.end(), images.splits.begin(), images.splits.end());
        all.correct.insert(all.correct.end(), images.correct.begin(), images.correct.end());
        all.predictions += images.predictions;
        all.decisionValues.insert(all.decisionValues.end(), images.decisionValues.begin(), images.decisionValues.end());
        all.hardness.insert(all.hardness.end(), images.hardness.begin(), images.hardness.end());
        all.embeddings.insert(all.embeddings.end(), images.embeddings.begin(), images.embeddings.end());
    }
    if (all.imageIds.empty())
        throw Error(QStringLiteral("run %1 has no classes").arg(runId));
    return all;
}

RunClassImages imagesOfSplit(const RunClassImages &images, Split split)
{
    RunClassImages subset;
    subset.dim = images.dim;
    subset.className = images.className;
    for (qsizetype i = 0; i < images.size(); ++i) {
        if (images.splits[size_t(i)] != split)
            continue;
        subset.imageIds.push_back(images.imageIds[size_t(i)]);
        subset.paths << images.paths[i];
        subset.splits.push_back(split);
        subset.correct.push_back(images.correct[size_t(i)]);
        if (i < images.predictions.size())
            subset.predictions << images.predictions[i];
        subset.decisionValues.push_back(images.decisionValues[size_t(i)]);
        if (size_t(i) < images.hardness.size())
            subset.hardness.push_back(images.hardness[size_t(i)]);
        const auto row = images.embeddings.begin() + i * images.dim;
        subset.embeddings.insert(subset.embeddings.end(), row, row + images.dim);
    }
    return subset;
}

RunClassImages validationImages(const RunClassImages &images, Split split)
{
    RunClassImages subset = imagesOfSplit(images, split);
    return subset.size() > 0 ? subset : images;
}

qint64 resolveRun(const ProjectStore &store, const QString &text)
{
    if (text.isEmpty() || text == QLatin1String("latest")) {
        const qint64 latest = store.latestCompletedRun();
        if (latest == 0)
            throw Error(QStringLiteral("the project has no completed analysis run: run faultline-cli analyze first"));
        return latest;
    }
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        throw Error(QStringLiteral("--run: '%1' is not a run id or 'latest'").arg(text));
    const RunInfo run = store.run(id);
    if (run.status != QLatin1String("done"))
        throw Error(QStringLiteral("run %1 did not complete (%2)").arg(id).arg(run.status));
    return id;
}

} // namespace faultline
