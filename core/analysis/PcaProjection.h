#pragma once

#include <QtGlobal>
#include <vector>

namespace faultline {

// The first two principal components of n rows (row-major, dim floats each): the coordinates of
// every row on them (n × 2, row-major) and the share of the variance each explains. As
// scikit-learn's PCA(n_components=2): centred on the mean, components of the covariance in
// double; each component's sign makes its largest-magnitude loading positive, so the map does
// not flip between runs. Fewer than 2 rows or a constant set give zeros.
struct PcaProjection
{
    std::vector<float> xy;
    double explained[2] = {0, 0};
};

PcaProjection pcaProjection(const float *rows, qint64 n, int dim);

} // namespace faultline
