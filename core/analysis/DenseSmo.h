#pragma once

#include <vector>

namespace faultline {

// The C-SVC dual that LIBSVM's svm_train solves for a two-class problem, solved by the same
// algorithm — SMO with LIBSVM's second-order working-set selection (Fan, Chen & Lin 2005), its
// two-variable update with clipping, tolerance and bias (rho) — over a kernel matrix held in
// memory as floats (LIBSVM caches kernel rows as floats too). Debian's LIBSVM reads samples only
// as sparse nodes: at 20,000 fit rows × 512 dims its kernel rows (sparse dot products, a cache
// of a tenth of them) take a quarter of an hour per fit, where one float Gram matrix, computed
// once by a blocked product and shared by every C and fold, makes each fit a few seconds.
// Unlike LIBSVM it does not shrink the active set (a full pass over rows in memory is cheap), so
// its iterations differ and its solution equals LIBSVM's up to the stopping tolerance.
struct DenseSmoProblem
{
    const float *gram = nullptr; // K(a, b) at gram[a * stride + b], over the full set of rows
    long long stride = 0;
    std::vector<int> rows;       // the rows of this fit (indices into the Gram matrix), in order
    std::vector<int> labels;     // +1 / −1 per entry of rows (LIBSVM's y)
    std::vector<double> diagonal; // K(row, row) per entry of rows, in double (LIBSVM's QD)
    double Cp = 1, Cn = 1;       // the box for +1 and −1 rows (C times the class weight)
    double eps = 1e-3;           // LIBSVM's stopping tolerance on the maximal violating pair
};

struct DenseSmoSolution
{
    std::vector<double> alpha; // per entry of rows, in [0, C_label]
    double rho = 0;            // decision(x) = Σ alpha_i y_i K(i, x) − rho
    long long iterations = 0;
};

DenseSmoSolution solveDenseSmo(const DenseSmoProblem &problem);

} // namespace faultline
