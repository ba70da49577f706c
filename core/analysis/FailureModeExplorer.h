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
    Eigen::VectorXd normal;     // in whitened, normalised space; orthogonal to earlier modes
    double bias = 0;
    std::vector<double> decisionValues; // every row of the class (ClassResult::rows order)
};

struct FailureModes
{
    std::vector<int> rows;      // every row of the class, all splits
    std::vector<FailureMode> modes;
    QString stopReason;         // why no further mode was reported
};

// More than one failure mode per class (the paper leaves it open): after a direction is found,
// it is projected out of the class's whitened embeddings and the same recipe (C grid,
// stratified folds, balanced weights) is fitted again, so the next direction is orthogonal to
// the earlier ones and explains what they miss. A further mode is reported only while it is a
// real failure mode: its CV balanced accuracy reaches `minStrength` and lies more than two
// standard deviations above the chance level measured by refitting with shuffled targets.
// The first mode is exactly the class's direction from FailureDirectionFitter.
FailureModes exploreFailureModes(const AnalysisData &data, const EmbeddingWhitener &whitener, int classIndex,
                                 const AnalysisParams &params, const FailureModeParams &modeParams,
                                 JobControl *control = nullptr);

} // namespace faultline
