#pragma once

#include "dataset/Split.h"

#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace faultline {

class JobControl;
class ProjectStore;

// The images of one class of a stored run (optionally one split), with their raw embeddings
// from the run's embedding model: what the interpretation views and commands work on.
struct RunClassImages
{
    int dim = 0;
    QString className;                   // the class (the images' label); empty: every class
    QStringList labels;                  // per image where the images span classes (loadRunImages)
    std::vector<qint64> imageIds;
    QStringList paths;
    std::vector<Split> splits;
    std::vector<bool> correct;
    QStringList predictions;             // the classifier's prediction per image (may be empty)
    std::vector<double> decisionValues;  // NaN where the class was not fitted
    std::vector<double> hardness;        // HardnessRanking's score, lower = harder; NaN where absent
    std::vector<float> embeddings;       // size() × dim, row-major
    qsizetype size() const { return paths.size(); }
};

RunClassImages loadRunClassImages(const ProjectStore &store, qint64 runId, const QString &className,
                                  std::optional<Split> split = std::nullopt);

// Every class's images of the run, class by class (in the run's class order), with their labels:
// the whole-run map. Polls `control` between classes (may be null).
RunClassImages loadRunImages(const ProjectStore &store, qint64 runId, JobControl *control = nullptr);

// The label of image `row`: its entry in labels, or the class they all belong to.
inline QString labelOf(const RunClassImages &images, qsizetype row)
{
    return images.labels.isEmpty() ? images.className : images.labels.at(row);
}

// The images of `images` in `split`, in the same order.
RunClassImages imagesOfSplit(const RunClassImages &images, Split split);

// The images a caption is validated on (accuracy along a caption, nearest images): those in
// `split`, or every image of the class when it has none there (a flat dataset layout).
RunClassImages validationImages(const RunClassImages &images, Split split);

// The completed run `text` names: an id or "latest"/empty. Throws Error with what to do instead.
qint64 resolveRun(const ProjectStore &store, const QString &text);

} // namespace faultline
