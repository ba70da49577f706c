#pragma once

#include "analysis/AnalysisTypes.h"
#include "analysis/EmbeddingWhitener.h"

#include <Eigen/Core>
#include <QString>
#include <vector>

namespace faultline {

class JobControl;

struct FailureModeParams
{
    int maxModes = 3;
    double minStrength = 0.6;   // CV balanced accuracy a further mode needs
    int permutations = 8;       // label permutations for the chance level of each mode
};

struct FailureMode
{
    double cvBalancedAccuracy = 0;
    double C = 0;
    double chanceMean = 0;      // CV balanced accuracy with the targets shuffled, at the same C
    double chanceStd = 0;
    Eigen::VectorXd normal;     // in whitened, normalised space
    double bias = 0;
    Eigen::MatrixXd projectedOut; // orthonormal directions removed before this mode was fitted (d × k)
    std::vector<double> decisionValues; // every row of the class (ClassResult::rows order)

    // The mode's decision value for a vector already whitened and normalised (an image, or a
    // caption direction d = t − t₀ passed through the run's whitener).
    double decision(const Eigen::VectorXd &whitened) const;
};

struct FailureModes
{
    std::vector<int> rows;      // every row of the class, all splits
    std::vector<FailureMode> modes;
    QString stopReason;         // why no further mode was reported
};

// More than one failure mode per class (the paper leaves it open). Mode 1 is the class's
// failure direction exactly as the analysis fits it. A linear SVM describes two distinct failure
// subgroups by one direction between them, so next the errors are split in two by what mode 1
// does not explain (k-means on their components orthogonal to it) and each part is fitted
// against all correct images with the same recipe: when both parts are real failure modes and
// each part's direction leaves most of the other part's errors on its easy side, they become
// modes 2 and 3. Further modes come from refitting with every found direction projected
// out (directions the earlier ones miss). A mode after the first is reported only while it is a
// real failure mode: CV balanced accuracy ≥ `minStrength` and more than two standard deviations
// above the chance level measured by refitting with shuffled targets.
FailureModes exploreFailureModes(const AnalysisData &data, const EmbeddingWhitener &whitener, int classIndex,
                                 const AnalysisParams &params, const FailureModeParams &modeParams,
                                 JobControl *control = nullptr);

} // namespace faultline
