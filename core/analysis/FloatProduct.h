#pragma once

namespace faultline {

// out (rows × poolRows, row-major) = queries (rows × dim, row-major) · poolᵀ (pool: poolRows × dim,
// row-major): the float similarity blocks of the hardness k-NN. oneDNN's sgemm where the build has
// it (JIT-compiled for the CPU it runs on: AVX2/AVX-512 from one binary), Eigen otherwise. Callers
// re-rank the best candidates in double, so the ISA's rounding does not reach their results.
void floatProductTransposed(const float *queries, int rows, const float *pool, int poolRows, int dim, float *out);

} // namespace faultline
