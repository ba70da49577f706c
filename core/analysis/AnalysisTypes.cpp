#include "analysis/AnalysisTypes.h"

#include "analysis/MappedEmbeddings.h"

namespace faultline {

EmbeddingRows AnalysisData::vectors() const
{
    if (mapped)
        return EmbeddingRows(mapped->data(), Eigen::Index(mapped->rows()), mapped->dim());
    return EmbeddingRows(embeddings.data(), embeddings.rows(), embeddings.cols());
}

std::vector<double> AnalysisParams::defaultCGrid()
{
    // numpy.logspace(-6, 0, 7) exactly as numpy computes it (its power() is one ulp below
    // 1e-5, 1e-4 and 0.1). On small, nearly separable folds LIBSVM's all-at-bound solutions
    // flip with a one-ulp change of C, so the grid must be the reference's to the last bit.
    return {1e-06, 9.999999999999999e-06, 9.999999999999999e-05, 0.001, 0.01, 0.09999999999999999, 1.0};
}

} // namespace faultline
