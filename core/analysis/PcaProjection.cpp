#include "analysis/PcaProjection.h"

#include <Eigen/Dense>
#include <algorithm>

namespace faultline {

PcaProjection pcaProjection(const float *rows, qint64 n, int dim)
{
    PcaProjection out;
    out.xy.assign(static_cast<size_t>(n) * 2, 0.0f);
    if (n < 2 || dim < 1)
        return out;
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(rows, n, dim);
    const Eigen::RowVectorXd mean = x.cast<double>().colwise().mean();
    const RowMatrix centred = x.cast<double>().rowwise() - mean;
    // The covariance's lower half by a rank update (half the products of Xᵀ·X).
    Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(dim, dim);
    covariance.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose(), 1.0 / double(n - 1));
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(covariance.selfadjointView<Eigen::Lower>());
    const double total = std::max(0.0, eigen.eigenvalues().sum());
    if (total <= 0)
        return out;
    Eigen::MatrixXd components(dim, 2);
    for (int c = 0; c < 2 && c < dim; ++c) {
        Eigen::VectorXd v = eigen.eigenvectors().col(dim - 1 - c); // eigenvalues ascend
        Eigen::Index largest = 0;
        v.cwiseAbs().maxCoeff(&largest);
        if (v(largest) < 0)
            v = -v;
        components.col(c) = v;
        out.explained[c] = std::max(0.0, eigen.eigenvalues()(dim - 1 - c)) / total;
    }
    if (dim < 2)
        components.col(1).setZero();
    const Eigen::MatrixXd projected = centred * components;
    for (qint64 i = 0; i < n; ++i) {
        out.xy[static_cast<size_t>(i) * 2] = float(projected(i, 0));
        out.xy[static_cast<size_t>(i) * 2 + 1] = float(projected(i, 1));
    }
    return out;
}

} // namespace faultline
