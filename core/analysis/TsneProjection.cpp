#include "analysis/TsneProjection.h"

#include "analysis/PcaProjection.h"
#include "analysis/TsneBarnesHut.h"
#include "common/Error.h"
#include "common/JobControl.h"

#include <Eigen/Dense>
#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>

namespace faultline {

namespace {

constexpr double kExaggeration = 12;
constexpr int kExaggerationIterations = 250;
constexpr double kMinGain = 0.01;
constexpr double kMachineEpsilon = 2.220446049250313e-16; // np.finfo(np.double).eps

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// The KL gradient at y (n × 2) with P scaled by the exaggeration.
using Gradient = std::function<void(const RowMatrix &y, double exaggeration, RowMatrix &gradient)>;

// The exact joint probabilities: every pair's, symmetrised, normalised and floored at machine
// epsilon (scikit-learn's _joint_probabilities).
Eigen::MatrixXd exactAffinities(const float *rows, qint64 n, int dim, double perplexity)
{
    const RowMatrix x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(rows, n, dim)
                            .cast<double>();
    const Eigen::VectorXd norms = x.rowwise().squaredNorm();
    Eigen::MatrixXd distances = (-2.0 * (x * x.transpose())).colwise() + norms;
    distances.rowwise() += norms.transpose();
    distances = distances.cwiseMax(0.0);
    distances.diagonal().setZero();
    // Each row's conditional probabilities in parallel (column i holds p(·|i)), then symmetrised
    // (the same whichever way it is stored) and normalised.
    std::vector<qint64> indices(static_cast<size_t>(n));
    std::iota(indices.begin(), indices.end(), 0);
    Eigen::MatrixXd conditional(n, n);
    QtConcurrent::blockingMap(indices, [&](qint64 i) {
        conditionalProbabilities(distances.col(i).data(), n, i, perplexity, conditional.col(i).data());
    });
    Eigen::MatrixXd p = conditional + conditional.transpose();
    p /= std::max(p.sum(), kMachineEpsilon);
    p = p.cwiseMax(kMachineEpsilon);
    p.diagonal().setZero();
    return p;
}

// grad_i = 4 Σ_j (αp_ij − q_ij) k_ij (y_i − y_j) over every pair (Student-t kernel k, q = k / Σ k).
Gradient exactGradient(Eigen::MatrixXd p)
{
    return [p = std::move(p), kernel = Eigen::MatrixXd()](const RowMatrix &y, double exaggeration, RowMatrix &gradient) mutable {
        const Eigen::VectorXd yNorms = y.rowwise().squaredNorm();
        kernel = (-2.0 * (y * y.transpose())).colwise() + yNorms;
        kernel.rowwise() += yNorms.transpose();
        kernel = (1.0 + kernel.array().max(0.0)).inverse().matrix();
        kernel.diagonal().setZero();
        const double z = std::max(kernel.sum(), kMachineEpsilon);
        const Eigen::MatrixXd w = ((exaggeration * p).array() - (kernel.array() / z).max(kMachineEpsilon)).matrix()
                                      .cwiseProduct(kernel);
        const Eigen::VectorXd rowSums = w.rowwise().sum();
        gradient = 4.0 * (rowSums.asDiagonal() * y - w * y);
    };
}

// scikit-learn's _gradient_descent: gains (delta-bar-delta), early exaggeration with momentum 0.5
// for the first 250 iterations, then momentum 0.8.
void descend(RowMatrix &y, const Gradient &gradientAt, int iterations, JobControl *control)
{
    const qint64 n = y.rows();
    const double learningRate = std::max(double(n) / kExaggeration / 4.0, 50.0);
    RowMatrix update = RowMatrix::Zero(n, 2), gains = RowMatrix::Ones(n, 2), gradient(n, 2);
    for (int it = 0; it < iterations; ++it) {
        if (control && it % 25 == 0) {
            control->checkCancelled();
            control->report(it, iterations, QStringLiteral("t-SNE"));
        }
        const bool early = it < kExaggerationIterations;
        const double exaggeration = early ? kExaggeration : 1.0, momentum = early ? 0.5 : 0.8;
        gradientAt(y, exaggeration, gradient);
        for (Eigen::Index i = 0; i < gradient.size(); ++i) {
            double &gain = gains.data()[i];
            const bool sameSign = update.data()[i] * gradient.data()[i] >= 0.0;
            gain = sameSign ? gain * 0.8 : gain + 0.2;
            gain = std::max(gain, kMinGain);
            update.data()[i] = momentum * update.data()[i] - learningRate * gain * gradient.data()[i];
        }
        y += update;
    }
}

} // namespace

std::vector<float> tsneProjection(const float *rows, qint64 n, int dim, const TsneOptions &options, JobControl *control)
{
    std::vector<float> out(static_cast<size_t>(n) * 2, 0.0f);
    if (n > kMaxTsneRows)
        throw Error(QStringLiteral("t-SNE: %1 images are more than the %2 t-SNE maps; use PCA")
                        .arg(n).arg(kMaxTsneRows));
    if (n < 3)
        return out;
    // scikit-learn refuses a perplexity ≥ n; a small class gets a third of its size instead.
    const double perplexity = options.perplexity < double(n) ? options.perplexity : std::max(1.0, double(n - 1) / 3.0);
    Gradient gradient;
    if (n <= kMaxExactTsneRows) {
        gradient = exactGradient(exactAffinities(rows, n, dim, perplexity));
    } else {
        // scikit-learn's neighbour count for Barnes–Hut: 3 · perplexity + 1.
        auto p = std::make_shared<const SparseAffinities>(
            sparseAffinities(rows, n, dim, perplexity, int(3.0 * perplexity + 1), control));
        gradient = [p, angle = options.angle](const RowMatrix &y, double exaggeration, RowMatrix &g) {
            barnesHutGradient(*p, y.data(), y.rows(), exaggeration, angle, g.data());
        };
    }

    // Initialisation: PCA scaled so the first axis has std 1e-4.
    const PcaProjection pca = pcaProjection(rows, n, dim);
    RowMatrix y(n, 2);
    for (qint64 i = 0; i < n; ++i)
        y(i, 0) = pca.xy[size_t(i) * 2], y(i, 1) = pca.xy[size_t(i) * 2 + 1];
    const double std0 = std::sqrt((y.col(0).array() - y.col(0).mean()).square().mean());
    y *= std0 > 0 ? 1e-4 / std0 : 1.0;
    descend(y, gradient, options.iterations, control);
    for (qint64 i = 0; i < n; ++i) {
        out[size_t(i) * 2] = float(y(i, 0));
        out[size_t(i) * 2 + 1] = float(y(i, 1));
    }
    return out;
}

} // namespace faultline
