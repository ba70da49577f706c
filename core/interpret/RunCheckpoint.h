#pragma once

#include <QString>

namespace faultline {

class ProjectStore;

// Text embeddings must come from the model that embedded a run's images, or caption scores and
// slider queries are meaningless. The CLIP checkpoint file that embedded run `runId`'s images;
// empty when the run's embeddings were imported (Faultline does not know their model) or the
// checkpoint file is gone.
QString runCheckpointPath(const ProjectStore &store, qint64 runId);

// The dimension of run `runId`'s embeddings (a text model must produce the same). Throws Error
// when the run's embedding model is no longer in the project.
int runEmbeddingDim(const ProjectStore &store, qint64 runId);

} // namespace faultline
