#pragma once

#include <vector>

namespace faultline {

// Test-fold index per sample, exactly as scikit-learn's StratifiedKFold(n_splits, shuffle=False)
// assigns them (the paper's code uses it through cross_val_score), so CV scores are comparable.
// Requires every class to have at least `folds` members.
std::vector<int> stratifiedTestFolds(const std::vector<int> &labels, int folds);

// Mean per-class recall over the classes present in `truth` (scikit-learn's balanced_accuracy_score).
double balancedAccuracy(const std::vector<int> &truth, const std::vector<int> &predicted);

} // namespace faultline
