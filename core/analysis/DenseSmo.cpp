#include "analysis/DenseSmo.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

namespace faultline {

namespace {

constexpr double kTau = 1e-12; // LIBSVM's TAU: the curvature used where it is not positive
constexpr double kInf = std::numeric_limits<double>::infinity();

} // namespace

DenseSmoSolution solveDenseSmo(const DenseSmoProblem &p)
{
    const int l = int(p.rows.size());
    const std::vector<int> &y = p.labels;
    std::vector<double> alpha(static_cast<size_t>(l), 0.0);
    std::vector<double> G(static_cast<size_t>(l), -1.0); // gradient of ½αᵀQα − eᵀα at α = 0
    const auto C = [&](int i) { return y[size_t(i)] > 0 ? p.Cp : p.Cn; };
    const auto upper = [&](int i) { return alpha[size_t(i)] >= C(i); };
    const auto lower = [&](int i) { return alpha[size_t(i)] <= 0; };
    // Q(i, ·) = y_i y_k K(i, k) for the rows of this fit, gathered from the Gram matrix in float
    // (LIBSVM's Qfloat) and widened where used.
    std::vector<float> Qi(static_cast<size_t>(l)), Qj(static_cast<size_t>(l));
    const auto fillQ = [&](int i, std::vector<float> &out) {
        const float *k = p.gram + static_cast<long long>(p.rows[size_t(i)]) * p.stride;
        const float yi = float(y[size_t(i)]);
        for (int t = 0; t < l; ++t)
            out[size_t(t)] = yi * float(y[size_t(t)]) * k[p.rows[size_t(t)]];
    };
    int lastI = -1, lastJ = -1; // rows whose Q is in Qi / Qj

    DenseSmoSolution solution;
    const long long maxIterations = std::max<long long>(10000000LL, l > INT_MAX / 100 ? INT_MAX : 100LL * l);
    while (solution.iterations < maxIterations) {
        // Working set (LIBSVM's select_working_set, WSS 2): i maximises −y∇ among the rows that
        // may move up, j minimises the second-order objective decrease with i.
        double Gmax = -kInf, Gmax2 = -kInf, objDiffMin = kInf;
        int i = -1, j = -1;
        for (int t = 0; t < l; ++t) {
            if (y[size_t(t)] == +1) {
                if (!upper(t) && -G[size_t(t)] >= Gmax)
                    Gmax = -G[size_t(t)], i = t;
            } else if (!lower(t) && G[size_t(t)] >= Gmax) {
                Gmax = G[size_t(t)], i = t;
            }
        }
        if (i != -1 && lastI != i) {
            fillQ(i, Qi);
            lastI = i;
        }
        for (int t = 0; t < l && i != -1; ++t) {
            const double gradDiff = y[size_t(t)] == +1 ? Gmax + G[size_t(t)] : Gmax - G[size_t(t)];
            if (y[size_t(t)] == +1 ? lower(t) : upper(t))
                continue;
            Gmax2 = std::max(Gmax2, y[size_t(t)] == +1 ? G[size_t(t)] : -G[size_t(t)]);
            if (gradDiff <= 0)
                continue;
            const double yQ = y[size_t(i)] * double(Qi[size_t(t)]);
            const double quad = p.diagonal[size_t(i)] + p.diagonal[size_t(t)] + (y[size_t(t)] == +1 ? -2.0 * yQ : 2.0 * yQ);
            const double objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : kTau);
            if (objDiff <= objDiffMin)
                j = t, objDiffMin = objDiff;
        }
        if (Gmax + Gmax2 < p.eps || j == -1)
            break;
        ++solution.iterations;
        if (lastJ != j) {
            fillQ(j, Qj);
            lastJ = j;
        }

        // The two-variable update with clipping to the box (LIBSVM's Solver::Solve).
        const double Ci = C(i), Cj = C(j);
        const double oldI = alpha[size_t(i)], oldJ = alpha[size_t(j)];
        double &ai = alpha[size_t(i)], &aj = alpha[size_t(j)];
        const double Qij = Qi[size_t(j)];
        if (y[size_t(i)] != y[size_t(j)]) {
            double quad = p.diagonal[size_t(i)] + p.diagonal[size_t(j)] + 2 * Qij;
            if (quad <= 0)
                quad = kTau;
            const double delta = (-G[size_t(i)] - G[size_t(j)]) / quad;
            const double diff = ai - aj;
            ai += delta;
            aj += delta;
            if (diff > 0) {
                if (aj < 0)
                    aj = 0, ai = diff;
            } else if (ai < 0) {
                ai = 0, aj = -diff;
            }
            if (diff > Ci - Cj) {
                if (ai > Ci)
                    ai = Ci, aj = Ci - diff;
            } else if (aj > Cj) {
                aj = Cj, ai = Cj + diff;
            }
        } else {
            double quad = p.diagonal[size_t(i)] + p.diagonal[size_t(j)] - 2 * Qij;
            if (quad <= 0)
                quad = kTau;
            const double delta = (G[size_t(i)] - G[size_t(j)]) / quad;
            const double sum = ai + aj;
            ai -= delta;
            aj += delta;
            if (sum > Ci) {
                if (ai > Ci)
                    ai = Ci, aj = sum - Ci;
            } else if (aj < 0) {
                aj = 0, ai = sum;
            }
            if (sum > Cj) {
                if (aj > Cj)
                    aj = Cj, ai = sum - Cj;
            } else if (ai < 0) {
                ai = 0, aj = sum;
            }
        }
        const double dI = ai - oldI, dJ = aj - oldJ;
        for (int t = 0; t < l; ++t)
            G[size_t(t)] += double(Qi[size_t(t)]) * dI + double(Qj[size_t(t)]) * dJ;
    }

    // rho (LIBSVM's calculate_rho): the mean of y∇ over free rows, else the middle of its bounds.
    double ub = kInf, lb = -kInf, sumFree = 0;
    int free = 0;
    for (int t = 0; t < l; ++t) {
        const double yG = y[size_t(t)] * G[size_t(t)];
        if (upper(t)) {
            if (y[size_t(t)] == -1)
                ub = std::min(ub, yG);
            else
                lb = std::max(lb, yG);
        } else if (lower(t)) {
            if (y[size_t(t)] == +1)
                ub = std::min(ub, yG);
            else
                lb = std::max(lb, yG);
        } else {
            ++free;
            sumFree += yG;
        }
    }
    solution.rho = free > 0 ? sumFree / free : (ub + lb) / 2;
    solution.alpha = std::move(alpha);
    return solution;
}

} // namespace faultline
