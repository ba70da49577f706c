#include "analysis/FloatProduct.h"

#ifdef FAULTLINE_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif
#include <Eigen/Core>

namespace faultline {

void floatProductTransposed(const float *queries, int rows, const float *pool, int poolRows, int dim, float *out)
{
    if (rows == 0 || poolRows == 0)
        return;
#ifdef FAULTLINE_HAVE_DNNL
    if (dnnl_sgemm('N', 'T', rows, poolRows, dim, 1.0f, queries, dim, pool, dim, 0.0f, out, poolRows) == dnnl_success)
        return;
#endif
    using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<Rows>(out, rows, poolRows).noalias() =
        Eigen::Map<const Rows>(queries, rows, dim) * Eigen::Map<const Rows>(pool, poolRows, dim).transpose();
}

} // namespace faultline
