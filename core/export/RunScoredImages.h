#pragma once

#include "dataset/Split.h"
#include "export/HardSubsetSelector.h"

#include <QHash>
#include <QMap>
#include <QVector>

namespace faultline {

class ProjectStore;

// What a hard subset is selected from: the images of a stored run that have a decision value
// (their class was fitted), per split, in the store's path order. Throws Error for an unknown run.
QMap<Split, QVector<ScoredImage>> scoredImagesBySplit(const ProjectStore &store, qint64 runId);
// The same for one split (empty when the run scored no image there).
QVector<ScoredImage> scoredImagesOfRun(const ProjectStore &store, qint64 runId, Split split);

// The images the user tagged `tag` ("hard" or "ok"; tags: the store's imageTags()), in order.
QVector<ScoredImage> imagesTagged(const QVector<ScoredImage> &images, const QHash<qint64, QString> &tags,
                                  const QString &tag);

} // namespace faultline
