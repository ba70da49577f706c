#include "analysis/EmbeddingWhitener.h"

#include "common/Error.h"

namespace faultline {

EmbeddingWhitener::EmbeddingWhitener(Eigen::VectorXd mean, Eigen::VectorXd stddev)
    : m_mean(std::move(mean)), m_std(std::move(stddev))
{
}

EmbeddingWhitener EmbeddingWhitener::fit(const AnalysisData &data, Split split)
{
    const EmbeddingRows embeddings = data.vectors();
    const Eigen::Index dim = embeddings.cols();
    std::vector<int> rows;
    for (size_t i = 0; i < data.split.size(); ++i)
        if (data.split[i] == split)
            rows.push_back(int(i));
    if (rows.empty())
        for (Eigen::Index i = 0; i < embeddings.rows(); ++i)
            rows.push_back(int(i));
    if (rows.size() < 2)
        throw Error(QStringLiteral("whitening needs at least two embeddings, found %1").arg(rows.size()));

    // Two passes in double: a one-pass sum of squares loses digits on CLIP features.
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(dim);
    for (int r : rows)
        mean += embeddings.row(r).transpose().cast<double>();
    mean /= double(rows.size());
    Eigen::VectorXd var = Eigen::VectorXd::Zero(dim);
    for (int r : rows)
        var += (embeddings.row(r).transpose().cast<double>() - mean).array().square().matrix();
    Eigen::VectorXd stddev = (var / double(rows.size() - 1)).cwiseSqrt();
    // A constant dimension carries no information; keep it at zero instead of dividing by zero.
    for (Eigen::Index d = 0; d < dim; ++d)
        if (stddev[d] == 0)
            stddev[d] = 1;
    return EmbeddingWhitener(std::move(mean), std::move(stddev));
}

Eigen::MatrixXd EmbeddingWhitener::transform(const EmbeddingRows &embeddings,
                                             const std::vector<int> &rows) const
{
    Eigen::MatrixXd out(Eigen::Index(rows.size()), embeddings.cols());
    for (size_t i = 0; i < rows.size(); ++i) {
        auto row = out.row(Eigen::Index(i));
        row = ((embeddings.row(rows[i]).cast<double>() - m_mean.transpose()).array()
               / m_std.transpose().array()).matrix();
        const double norm = row.norm();
        if (norm > 0)
            row /= norm;
    }
    return out;
}

Eigen::VectorXd EmbeddingWhitener::transform(const Eigen::VectorXd &embedding) const
{
    Eigen::VectorXd x = ((embedding - m_mean).array() / m_std.array()).matrix();
    const double norm = x.norm();
    return norm > 0 ? Eigen::VectorXd(x / norm) : x;
}

} // namespace faultline
