#pragma once

#include "analysis/AnalysisTypes.h"
#include "common/Diagnostic.h"

namespace faultline {

class JobControl;
class ProjectStore;

struct AnalysisOutcome
{
    qint64 runId = 0;
    int rows = 0;             // images analysed
    int classesOk = 0;
    int classesSkipped = 0;
    Diagnostics diagnostics;  // e.g. images left out for lack of an embedding
};

// One analysis run, from the store to the store: gathers labelled images with embeddings of
// `embeddingModelId`, fits every class's failure direction and stores each class as it
// completes (a kill keeps the finished classes; the run is then marked interrupted).
// The run ends 'done', 'cancelled' (JobCancelled is rethrown) or 'failed' (Error rethrown).
AnalysisOutcome runAnalysis(ProjectStore &store, qint64 embeddingModelId, AnalysisParams params,
                            JobControl *control = nullptr);

} // namespace faultline
