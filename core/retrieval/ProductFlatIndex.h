#pragma once

#include <faiss/IndexFlat.h>

namespace faultline {

// faiss's flat inner-product index, its search done with oneDNN's sgemm (analysis/FloatProduct)
// instead of the BLAS faiss links — Debian's netlib reference BLAS, ~3 GFLOP/s, ~30× slower here.
// faiss's k-means and IVF indexes ask it for every vector's nearest centroids; the results are
// IndexFlatIP's up to float rounding (ties: the lower id first).
struct ProductFlatIndex : faiss::IndexFlatIP
{
    explicit ProductFlatIndex(int dim) : faiss::IndexFlatIP(dim) {}

    void search(faiss::Index::idx_t n, const float *x, faiss::Index::idx_t k, float *distances, faiss::Index::idx_t *labels,
                const faiss::SearchParameters *params = nullptr) const override;
};

} // namespace faultline
