#pragma once

#include "generation/SamplePlan.h"
#include "store/StoreTypes.h"

#include <QStringList>
#include <functional>

namespace faultline {

class GenerationBackend;
class JobControl;
class ProjectStore;

struct SampleGenerationResult
{
    QVector<qint64> sampleIds;  // stored, in the order they arrived
    QStringList errors;         // one line per failed request
    int requests = 0;
};

// Runs a plan on a backend for one class and stores every image the moment it arrives: the PNG
// under ROOT/.faultline/generated/ (named by its content, written atomically), then its row in
// its own transaction. A crash, a kill or a failing request loses nothing already stored.
// Retrieved samples point at the real image instead of copying it. Throws Error when the backend
// cannot take the plan's kind of request (text vs. vector) or is unreachable, JobCancelled on
// cancel (samples stored so far stay).
SampleGenerationResult generateSamples(ProjectStore &store, const QString &datasetRoot, GenerationBackend &backend,
                                       const QString &className, qint64 runId, const QVector<PlannedSample> &plan,
                                       JobControl *control,
                                       const std::function<void(const GeneratedSample &)> &onSample = {});

// Where generated PNGs live, relative to the dataset root.
QString generatedSamplesFolder();

} // namespace faultline
