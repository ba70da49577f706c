#pragma once

#include "analysis/AnalysisTypes.h"

#include <Eigen/Core>

namespace faultline {

// Whitening as in the paper's code: subtract the mean and divide by the unbiased standard
// deviation of the reference rows (the train split), then scale every row to unit length.
class EmbeddingWhitener
{
public:
    EmbeddingWhitener() = default;
    EmbeddingWhitener(Eigen::VectorXd mean, Eigen::VectorXd stddev);

    // Statistics over the rows in `split`; over all rows when no row is in that split.
    static EmbeddingWhitener fit(const AnalysisData &data, Split split);

    const Eigen::VectorXd &mean() const { return m_mean; }
    const Eigen::VectorXd &stddev() const { return m_std; }

    // Whitened, L2-normalised copy of the given rows (double: the SVM works in double).
    Eigen::MatrixXd transform(const EmbeddingRows &embeddings, const std::vector<int> &rows) const;
    // Same for vectors given directly (e.g. caption directions in later stages).
    Eigen::VectorXd transform(const Eigen::VectorXd &embedding) const;

private:
    Eigen::VectorXd m_mean;
    Eigen::VectorXd m_std;
};

} // namespace faultline
