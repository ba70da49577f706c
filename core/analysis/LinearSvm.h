#pragma once

#include <Eigen/Core>
#include <memory>
#include <optional>
#include <vector>

namespace faultline {

// A linear decision function in the space of the training features.
struct LinearSvmModel
{
    Eigen::VectorXd normal;
    double bias = 0;   // decision(x) = normal·x + bias; positive means target 1
};

// One class's training rows prepared once and shared, read-only, by every C value and fold (so
// they can train concurrently). The problem is C-SVC with a linear kernel, solved as
// scikit-learn's SVC solves it (tolerance 1e-3, balanced class weights), which is what keeps
// Faultline at parity with the paper's public code. How, by size:
//   up to kPrecomputedKernelLimit rows  LIBSVM (the solver SVC wraps) on its precomputed-kernel
//                                       mode over one Gram matrix: identical results;
//   up to kDenseGramLimit rows          DenseSmo, LIBSVM's algorithm over a float Gram matrix
//                                       (LIBSVM's precomputed form would cost 16·n² bytes, its
//                                       sparse linear kernel a quarter of an hour per fit):
//                                       equal up to the solver's tolerance;
//   above                               LIBSVM's own linear kernel: O(n·d) memory, slow.
class LinearSvmProblem
{
public:
    enum class Kernel { LibsvmPrecomputed, DenseGram, LibsvmLinear };

    // targets: 1 = the classifier was right, 0 = it was wrong. `kernel` forces a path (tests);
    // by default it follows the size, as above.
    LinearSvmProblem(Eigen::MatrixXd features, std::vector<int> targets, std::optional<Kernel> kernel = std::nullopt);
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
    Kernel kernel() const;
    // Bytes of the kernel table a problem of n rows holds (0: none).
    static double kernelBytes(long long n);

    // Largest n for LIBSVM's precomputed kernel: its table costs 16·n² bytes, 1 GiB here.
    static constexpr int kPrecomputedKernelLimit = 8192;
    // Largest n for the float Gram matrix: 4·n² bytes, 4 GiB here.
    static constexpr int kDenseGramLimit = 32768;

private:
    LinearSvmModel trainDense(const std::vector<int> &ordered, double Cp, double Cn) const;

    struct Nodes;
    Eigen::MatrixXd m_features;
    std::vector<int> m_targets;
    std::unique_ptr<Nodes> m_nodes;
};

} // namespace faultline
