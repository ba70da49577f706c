#pragma once

#include <QtGlobal>
#include <vector>

namespace faultline {

// Mutual information (nats) between one continuous feature and a discrete target, estimated
// from k-nearest-neighbour distances (Ross 2014) as scikit-learn's mutual_info_classif does it:
// the feature is divided by its standard deviation, noise of 1e-10 · max(1, mean |x|) breaks tied
// values apart (as Kraskov et al. advise), points whose label occurs once are ignored, negative
// estimates become 0. The noise comes from a fixed generator seeded with `seed` (the same for every
// column, so identical columns get identical estimates), so results are deterministic; on tied values they differ from scikit-learn's as its own do from one random_state
// to the next (docs/RULES.md). Neighbour distances are exact (scikit-learn computes them as
// x² + y² − 2xy in groups of fewer than 2·k + 2 members). A constant feature gets 0 (scikit-learn's
// noise gives it an arbitrary value).
double mutualInformation(const std::vector<double> &feature, const std::vector<int> &labels, int neighbours = 3,
                         quint64 seed = 0);

// ψ(n) for a positive integer n: −γ + Σ_{k<n} 1/k.
double digammaOfInteger(int n);

} // namespace faultline
