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
    // The decades themselves, as the nearest doubles. numpy.logspace(-6, 0, 7) is not one grid:
    // its SIMD power() is one ulp below 1e-5, 1e-4 and 0.1 on AVX-512 machines and exact on
    // AVX2 ones, and on small, nearly separable folds LIBSVM's all-at-bound solutions flip with
    // a one-ulp change of C. The reference (tests/parity) pins the same values.
    return {1e-06, 1e-05, 1e-04, 1e-03, 1e-02, 1e-01, 1.0};
}

} // namespace faultline
