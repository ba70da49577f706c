#pragma once

#include "store/StoreTypes.h"

#include <QStringList>
#include <memory>

namespace faultline {

class ImageClassifier;
class ProjectStore;

// The classes the dataset's folders name (each once, unordered: ImageClassifier sorts them).
QStringList datasetClassNames(const QVector<StoredImage> &images);

// The classifier a prediction set came from (empty: the current set; faultline-cli predict keeps
// its spec with the set), loaded; `overridePath` replaces its file (keeping the stored
// preprocessing) or names one for a project without a stored spec. nullptr when there is
// neither. Throws Error when the stored spec or the file does not load, or the named set is absent.
std::unique_ptr<ImageClassifier> loadProjectClassifier(const ProjectStore &store, const QString &overridePath = QString(),
                                                       const QString &predictionSet = QString());
// The classifier of the model a run analysed (runId 0: the latest completed run; the current
// model when there is none), as loadProjectClassifier.
std::unique_ptr<ImageClassifier> loadRunClassifier(const ProjectStore &store, qint64 runId,
                                                   const QString &overridePath = QString());

} // namespace faultline
