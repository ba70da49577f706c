#pragma once

#include <Eigen/Core>
#include <vector>

namespace faultline {

using DoubleRows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// For each query row, the k pool rows with the largest dot product (equal values: the lower pool
// index first), excluding the query's own pool index (self[q], −1 for none). Similarities are
// computed in float by blocks (FloatProduct), then the best k + margin candidates are re-ranked
// in double. The hardness k-NN uses it on unit rows; t-SNE on rows augmented so that the product
// orders by Euclidean distance.
std::vector<std::vector<int>> nearestByProduct(const DoubleRows &queries, const std::vector<int> &self,
                                               const DoubleRows &pool, int k);

} // namespace faultline
