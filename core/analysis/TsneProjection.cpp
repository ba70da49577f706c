#include "analysis/TsneProjection.h"

#include "analysis/PcaProjection.h"
#include "common/Error.h"
#include "common/JobControl.h"

#include <Eigen/Dense>
#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace faultline {

namespace {

constexpr double kExaggeration = 12;
constexpr int kExaggerationIterations = 250;
constexpr double kMinGain = 0.01;
constexpr double kMachineEpsilon = 2.220446049250313e-16; // np.finfo(np.double).eps
constexpr int kSearchSteps = 100;
constexpr double kSearchTolerance = 1e-5;

// Row i's conditional probabilities p(j|i) at the precision whose entropy is log(perplexity)
// (scikit-learn's _binary_search_perplexity over squared distances).
void conditionalRow(const Eigen::MatrixXd &distances, qint64 i, double perplexity, double *out)
{
    const qint64 n = distances.rows();
    const double desiredEntropy = std::log(perplexity);
    double beta = 1, betaMin = -INFINITY, betaMax = INFINITY;
    for (int step = 0; step < kSearchSteps; ++step) {
        double sum = 0;
        for (qint64 j = 0; j < n; ++j) {
            out[j] = j == i ? 0.0 : std::exp(-distances(i, j) * beta);
            sum += out[j];
        }
        if (sum == 0)
            sum = 1e-8; // EPSILON_DBL in scikit-learn
        double sumDP = 0;
        for (qint64 j = 0; j < n; ++j) {
            out[j] /= sum;
            sumDP += distances(i, j) * out[j];
        }
        const double entropy = std::log(sum) + beta * sumDP;
        const double difference = entropy - desiredEntropy;
        if (std::abs(difference) <= kSearchTolerance)
            break;
        if (difference > 0) {
            betaMin = beta;
            beta = betaMax == INFINITY ? beta * 2 : (beta + betaMax) / 2;
        } else {
            betaMax = beta;
            beta = betaMin == -INFINITY ? beta / 2 : (beta + betaMin) / 2;
        }
    }
}

} // namespace

std::vector<float> tsneProjection(const float *rows, qint64 n, int dim, const TsneOptions &options, JobControl *control)
{
    std::vector<float> out(static_cast<size_t>(n) * 2, 0.0f);
    if (n > kMaxTsneRows)
        throw Error(QStringLiteral("t-SNE: %1 images are more than the %2 an exact t-SNE maps; use PCA")
                        .arg(n).arg(kMaxTsneRows));
    if (n < 3)
        return out;
    // scikit-learn refuses a perplexity ≥ n; a small class gets a third of its size instead.
    const double perplexity = options.perplexity < double(n) ? options.perplexity : std::max(1.0, double(n - 1) / 3.0);
    Eigen::MatrixXd p(n, n);
    {
        using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const RowMatrix x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(rows, n, dim)
                                .cast<double>();
        // Squared Euclidean distances.
        const Eigen::VectorXd norms = x.rowwise().squaredNorm();
        Eigen::MatrixXd distances = (-2.0 * (x * x.transpose())).colwise() + norms;
        distances.rowwise() += norms.transpose();
        distances = distances.cwiseMax(0.0);
        distances.diagonal().setZero();
        // P: each row's conditional probabilities in parallel (column i holds p(·|i)), then
        // symmetrised (the same whichever way it is stored) and normalised.
        std::vector<qint64> indices(static_cast<size_t>(n));
        std::iota(indices.begin(), indices.end(), 0);
        Eigen::MatrixXd conditional(n, n);
        QtConcurrent::blockingMap(indices, [&](qint64 i) { conditionalRow(distances, i, perplexity, conditional.col(i).data()); });
        p = conditional + conditional.transpose();
    }
    p /= std::max(p.sum(), kMachineEpsilon);
    p = p.cwiseMax(kMachineEpsilon);
    p.diagonal().setZero();

    // Initialisation: PCA scaled so the first axis has std 1e-4.
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const PcaProjection pca = pcaProjection(rows, n, dim);
    RowMatrix y(n, 2);
    for (qint64 i = 0; i < n; ++i)
        y(i, 0) = pca.xy[size_t(i) * 2], y(i, 1) = pca.xy[size_t(i) * 2 + 1];
    const double std0 = std::sqrt((y.col(0).array() - y.col(0).mean()).square().mean());
    y *= std0 > 0 ? 1e-4 / std0 : 1.0;

    const double learningRate = std::max(double(n) / kExaggeration / 4.0, 50.0);
    RowMatrix update = RowMatrix::Zero(n, 2), gains = RowMatrix::Ones(n, 2), gradient(n, 2);
    Eigen::MatrixXd kernel(n, n);
    for (int it = 0; it < options.iterations; ++it) {
        if (control && it % 25 == 0) {
            control->checkCancelled();
            control->report(it, options.iterations, QStringLiteral("t-SNE"));
        }
        const bool early = it < kExaggerationIterations;
        const double exaggeration = early ? kExaggeration : 1.0, momentum = early ? 0.5 : 0.8;
        // Student-t kernel (1 + |yi − yj|²)⁻¹ and Q = kernel / Σ kernel.
        const Eigen::VectorXd yNorms = y.rowwise().squaredNorm();
        kernel = (-2.0 * (y * y.transpose())).colwise() + yNorms;
        kernel.rowwise() += yNorms.transpose();
        kernel = (1.0 + kernel.array().max(0.0)).inverse().matrix();
        kernel.diagonal().setZero();
        const double z = std::max(kernel.sum(), kMachineEpsilon);
        // grad_i = 4 Σ_j (αp_ij − q_ij) k_ij (y_i − y_j)
        const Eigen::MatrixXd w = ((exaggeration * p).array() - (kernel.array() / z).max(kMachineEpsilon)).matrix()
                                      .cwiseProduct(kernel);
        const Eigen::VectorXd rowSums = w.rowwise().sum();
        gradient = 4.0 * (rowSums.asDiagonal() * y - w * y);
        for (Eigen::Index i = 0; i < gradient.size(); ++i) {
            double &gain = gains.data()[i];
            const bool sameSign = update.data()[i] * gradient.data()[i] >= 0.0;
            gain = sameSign ? gain * 0.8 : gain + 0.2;
            gain = std::max(gain, kMinGain);
            update.data()[i] = momentum * update.data()[i] - learningRate * gain * gradient.data()[i];
        }
        y += update;
    }
    for (qint64 i = 0; i < n; ++i) {
        out[size_t(i) * 2] = float(y(i, 0));
        out[size_t(i) * 2 + 1] = float(y(i, 1));
    }
    return out;
}

} // namespace faultline
