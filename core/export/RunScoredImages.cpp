#include "export/RunScoredImages.h"

#include "store/ProjectStore.h"

namespace faultline {

QMap<Split, QVector<ScoredImage>> scoredImagesBySplit(const ProjectStore &store, qint64 runId)
{
    store.run(runId); // throws Error naming the run when it is not there
    QMap<Split, QVector<ScoredImage>> bySplit;
    for (const RunScoreRow &row : store.runScores(runId))
        if (row.decisionValue)
            bySplit[row.split].push_back({row.path, row.label, *row.decisionValue});
    return bySplit;
}

QVector<ScoredImage> scoredImagesOfRun(const ProjectStore &store, qint64 runId, Split split)
{
    return scoredImagesBySplit(store, runId).value(split);
}

} // namespace faultline
