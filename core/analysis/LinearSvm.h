#pragma once

#include <Eigen/Core>
#include <memory>
#include <vector>

namespace faultline {

// A linear decision function in the space of the training features.
struct LinearSvmModel
{
    Eigen::VectorXd normal;
    double bias = 0;   // decision(x) = normal·x + bias; positive means target 1
};

// One class's training rows prepared once for LIBSVM and shared, read-only, by every C value
// and fold (so they can train concurrently). Small problems use LIBSVM's precomputed-kernel
// mode over one Gram matrix (the linear kernel's dot products are computed once, by Eigen's
// blocked product, instead of once per fit); large ones fall back to LIBSVM's linear kernel
// to keep memory at O(n·d) instead of O(n²).
// The solver is the one scikit-learn's SVC wraps, with the same defaults (tolerance 1e-3,
// shrinking), which is what keeps Faultline at parity with the paper's public code.
class LinearSvmProblem
{
public:
    // targets: 1 = the classifier was right, 0 = it was wrong.
    LinearSvmProblem(Eigen::MatrixXd features, std::vector<int> targets);
    ~LinearSvmProblem();
    LinearSvmProblem(const LinearSvmProblem &) = delete;
    LinearSvmProblem &operator=(const LinearSvmProblem &) = delete;

    // C-SVC with balanced class weights (n / (2·n_k) over `subset`) on the given rows.
    LinearSvmModel train(const std::vector<int> &subset, double C) const;

    // Trains on the rows whose test fold is not `fold` and returns the balanced accuracy of
    // its predictions (decision > 0 → correct) on the rows of `fold`: one cross-validation cell.
    double foldBalancedAccuracy(const std::vector<int> &testFold, int fold, double C) const;

    const Eigen::MatrixXd &features() const { return m_features; }
    const std::vector<int> &targets() const { return m_targets; }
    bool usesPrecomputedKernel() const;

    // Largest n for which the Gram matrix path is used (its LIBSVM form costs 16·n² bytes, 1 GiB
    // here). Above it LIBSVM's own linear kernel runs: O(n·d) memory but slower than
    // scikit-learn's dense copy of LIBSVM (see docs/BENCHMARKS.md).
    static constexpr int kPrecomputedKernelLimit = 8192;

private:
    struct Nodes;
    Eigen::MatrixXd m_features;
    std::vector<int> m_targets;
    std::unique_ptr<Nodes> m_nodes;
};

} // namespace faultline
