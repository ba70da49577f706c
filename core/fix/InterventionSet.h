#pragma once
// Which images an intervention trains the head on, besides the original training split
// (paper 000 Sec. 3 and Fig. 6, Appendix A.4; paper 002 eq. 1):
// - filtering: K pool images per class are added, chosen by the SVM's decision value (most
//   negative first: the paper's arm), by the classifier's confidence (lowest first) or at random
//   (the two baselines), each weighted like an original training image;
// - upweighting: the training images flagged hard (the K hardest per class, or a decision value
//   below a threshold) get `factor` times the weight of the others;
// - synthetic: generated samples of the failure mode are added with weight λ (paper 002 eq. 1,
//   fix/HeadRetraining).
// Pure selection, no store and no model: the same input always gives the same choice.
#include <QString>
#include <QVector>
#include <optional>
#include <vector>

namespace faultline {

enum class Intervention { FilterSvm, FilterConfidence, FilterRandom, Upweight, Synthetic };

// "filter-svm", "filter-confidence", "filter-random", "upweight", "synthetic"
QString interventionName(Intervention intervention);
std::optional<Intervention> interventionFromName(const QString &name);

// An image an intervention may pick: its class (label), the run's decision value and the
// classifier's confidence in its label (NaN when unknown).
struct CandidateImage
{
    qint64 imageId = 0;
    QString className;
    double decisionValue = 0;
    double confidence = 0;
};

// The pool images a filtering arm adds: K per class, ordered by class then choice; ties broken
// by image id. Random draws are seeded (std::mt19937_64), the same seed giving the same images.
// Error naming the class when its pool holds fewer than K images, for K < 1, for a
// confidence arm where an image has no confidence, and for a non-filtering intervention.
QVector<qint64> chooseFilteredImages(const QVector<CandidateImage> &pool, Intervention arm, int k, quint64 seed = 0);

// Which training images upweighting flags hard: exactly one of perClass (K hardest per class)
// or threshold (decision value below it) set.
struct HardFlag
{
    int perClass = 0;
    std::optional<double> threshold;
};

// One weight per training image (in order): `factor` for those flagged hard, 1 for the others.
// Error for a factor that is not finite and ≥ 1, both or neither criterion, K < 1.
std::vector<float> upweightedTraining(const QVector<CandidateImage> &train, const HardFlag &flag, double factor);

} // namespace faultline
