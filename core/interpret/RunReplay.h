#pragma once

#include "analysis/AnalysisTypes.h"
#include "analysis/EmbeddingWhitener.h"

#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace faultline {

class ProjectStore;

// A stored run's inputs rebuilt exactly: its rows in the order it analysed them (folds depend
// on it), their labels/predictions/splits as they were, the embeddings, its parameters and
// whitening. Further analyses of a run (more failure modes per class) start from here.
struct RunReplay
{
    AnalysisData data;
    AnalysisParams params;
    EmbeddingWhitener whitener;
    std::vector<qint64> imageIds;   // per row
    QStringList paths;              // per row
};

RunReplay replayRun(const ProjectStore &store, qint64 runId);

// A split a run's parameters (RunInfo::params, JSON) name under `key` ("fit_split",
// "whiten_split"); Split::Unassigned when absent.
Split storedSplit(const QJsonObject &params, const QString &key);

} // namespace faultline
