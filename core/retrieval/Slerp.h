#pragma once

#include <Eigen/Core>

namespace faultline {

// Spherical interpolation between two directions (paper Sec. 2.2 / App. A.6: rotating the
// reference caption's CLIP embedding toward −v or +v, v = the normalised SVM direction).
//
// Both inputs are L2-normalised internally (in double); the result has unit length and lies on
// the great circle through `from` and `to`, at angle α·θ from `from` (θ = angle between them),
// so α = 0 gives `from`, α = 1 gives `to` (both normalised), and the angle to `from` grows
// linearly with α.
//
// Special cases (sinθ = |to − cosθ·from| below 1e-6):
//   * nearly parallel (cosθ > 0): normalised linear interpolation (1−α)·from + α·to — the arc is
//     shorter than 1e-6 rad, so this equals the slerp to float precision;
//   * antipodal (cosθ < 0): every great circle through `from` reaches −from, so the path is
//     chosen deterministically from `from` alone: it rotates toward p = the unit component,
//     orthogonal to `from`, of the coordinate axis e_i with the smallest |from_i| (the first such
//     i on ties): result = cos(απ)·from + sin(απ)·p. One-dimensional inputs have no such p: Error.
//
// Throws Error when the sizes differ, a vector is empty, zero or not finite, or α is outside
// [0, 1] (or NaN).
Eigen::VectorXf slerp(const Eigen::VectorXf &from, const Eigen::VectorXf &to, double alpha);

// The single parameter the GUI's difficulty slider drives. difficulty ∈ [−1, 1]:
//   < 0: slerp(reference, −direction, |difficulty|) — toward "harder" images,
//   > 0: slerp(reference, +direction,  difficulty ) — toward "easier" images,
//   = 0: the normalised reference.
// (The SVM's decision value is positive for correctly classified images, so +direction points at
// the easy side.) Throws Error like slerp(), and when difficulty is outside [−1, 1] or NaN.
Eigen::VectorXf difficultyVector(const Eigen::VectorXf &reference, const Eigen::VectorXf &direction,
                                 double difficulty);

} // namespace faultline
