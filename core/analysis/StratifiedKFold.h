#pragma once

#include <vector>

namespace faultline {

// Test-fold index per sample, exactly as scikit-learn's StratifiedKFold(n_splits, shuffle=False)
// assigns them (the paper's code uses it through cross_val_score), so CV scores are comparable.
// Requires every class to have at least `folds` members.
std::vector<int> stratifiedTestFolds(const std::vector<int> &labels, int folds);

// Mean per-class recall over the classes present in `truth` (scikit-learn's balanced_accuracy_score).
double balancedAccuracy(const std::vector<int> &truth, const std::vector<int> &predicted);

// Mean of the per-fold scores.
double meanOf(const std::vector<double> &values);

// Index of the highest score; the first one on ties ("first best wins", as the reference's
// strict > comparison over the C grid).
int firstBestIndex(const std::vector<double> &scores);

} // namespace faultline
