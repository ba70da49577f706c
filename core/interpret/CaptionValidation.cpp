#include "interpret/CaptionValidation.h"

#include "common/Error.h"

#include <Eigen/Core>
#include <QString>

#include <algorithm>
#include <numeric>

namespace faultline {

std::vector<AccuracyAtK> accuracyAlongCaption(const std::vector<float> &images, const std::vector<bool> &correct,
                                              const std::vector<float> &caption)
{
    const Eigen::Index dim = Eigen::Index(caption.size());
    const Eigen::Index n = Eigen::Index(correct.size());
    if (dim == 0 || images.size() != size_t(n) * size_t(dim))
        throw Error(QStringLiteral("caption validation: %1 images need %2 × %3 values, got %4")
                        .arg(n).arg(n).arg(dim).arg(images.size()));
    if (n == 0)
        return {};
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMatrix> x(images.data(), n, dim);
    const Eigen::VectorXf t = Eigen::Map<const Eigen::VectorXf>(caption.data(), dim).normalized();
    const Eigen::VectorXf norms = x.rowwise().norm();
    Eigen::VectorXf cosine = x * t;
    for (Eigen::Index i = 0; i < n; ++i)
        cosine[i] = norms[i] > 0 ? cosine[i] / norms[i] : -1.0f;

    std::vector<Eigen::Index> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return cosine[a] > cosine[b]; });

    std::vector<AccuracyAtK> curve;
    int hits = 0;
    const int first = int(std::min<Eigen::Index>(10, n));
    for (Eigen::Index k = 1; k <= n; ++k) {
        hits += correct[size_t(order[size_t(k - 1)])] ? 1 : 0;
        if (k >= first)
            curve.push_back({int(k), double(hits) / double(k)});
    }
    return curve;
}

} // namespace faultline
