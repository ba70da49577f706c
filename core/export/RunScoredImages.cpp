#include "export/RunScoredImages.h"

#include "store/ProjectStore.h"

namespace faultline {

QMap<Split, QVector<ScoredImage>> scoredImagesBySplit(const ProjectStore &store, qint64 runId)
{
    store.run(runId); // throws Error naming the run when it is not there
    QMap<Split, QVector<ScoredImage>> bySplit;
    for (const RunScoreRow &row : store.runScores(runId))
        if (row.decisionValue)
            bySplit[row.split].push_back({row.path, row.label, *row.decisionValue, row.imageId});
    return bySplit;
}

QVector<ScoredImage> scoredImagesOfRun(const ProjectStore &store, qint64 runId, Split split)
{
    return scoredImagesBySplit(store, runId).value(split);
}

QVector<ScoredImage> imagesTagged(const QVector<ScoredImage> &images, const QHash<qint64, QString> &tags,
                                  const QString &tag)
{
    QVector<ScoredImage> tagged;
    for (const ScoredImage &image : images)
        if (tags.value(image.imageId) == tag)
            tagged << image;
    return tagged;
}

} // namespace faultline
