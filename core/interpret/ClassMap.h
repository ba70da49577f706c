#pragma once

#include <QString>
#include <vector>

namespace faultline {

class ProjectStore;
class JobControl;
struct RunClassImages;

enum class MapMethod { Pca, Tsne }; // t-SNE: up to kMaxTsneRows images (TsneProjection.h)

// The 2-D map of a class's images — or of the whole run's (loadRunImages) — for the embedding
// map: PCA or t-SNE of the run's embeddings (every split), computed once and stored in the
// project (run_projections; class '' for the whole run), so reopening the map reads it back.
// xy is aligned with the images' order.
struct ClassMap
{
    std::vector<float> xy;  // images.size() × 2
    bool fromStore = false; // read back rather than computed
};

// Reads the stored map of `images` (run `runId`) or computes and stores it; images whose
// coordinates are missing from a stored map (the class changed) recompute the whole map.
ClassMap classMap(ProjectStore &store, qint64 runId, const RunClassImages &images, MapMethod method = MapMethod::Pca,
                  JobControl *control = nullptr);

} // namespace faultline
