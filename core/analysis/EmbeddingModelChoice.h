#pragma once
// Which stored embeddings an analysis uses when none are named. The newest model is not always
// the one: an `embed` that is still running or was interrupted leaves a newer model that covers
// only some images, and fitting on it leaves whole splits out.
#include "store/StoreTypes.h"

#include <QPair>
#include <QString>
#include <QVector>
#include <optional>

namespace faultline {

class ProjectStore;

struct EmbeddingModelChoice
{
    std::optional<EmbeddingModelInfo> model; // none: the project has no embeddings
    EmbeddingCoverage coverage;              // of model
    // Newer models passed over because they cover fewer of the images, newest first.
    QVector<QPair<EmbeddingModelInfo, EmbeddingCoverage>> skipped;

    // "embeddings: 'clip:…' (900 of 900 images); skipped the newer 'clip:…': it covers only 300
    // of 900 images (e.g. an embed still running or interrupted: run it again to finish it)"
    QString describe() const;
};

// The newest model that covers every image the analysis reads (ProjectStore::embeddingCoverage);
// when none does, the one covering the most (the newest of equals), described as incomplete.
EmbeddingModelChoice chooseEmbeddingModel(const ProjectStore &store);

} // namespace faultline
