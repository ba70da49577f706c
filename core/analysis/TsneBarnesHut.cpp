#include "analysis/TsneBarnesHut.h"

#include "analysis/NearestRows.h"
#include "common/JobControl.h"

#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace faultline {

namespace {

constexpr int kSearchSteps = 100;
constexpr double kSearchTolerance = 1e-5;
constexpr double kMachineEpsilon = 2.220446049250313e-16; // np.finfo(np.double).eps
constexpr double kMinCellHalf = 1e-12; // points closer than this share a leaf
constexpr qint64 kPointsPerTask = 512; // rows of the repulsion per parallel task

// A square cell of the quadtree over the embedding: a leaf holds one position (one point, or
// several at the same place), an inner cell up to four children (−1: none).
struct Cell
{
    double centreX = 0, centreY = 0, half = 0; // the square
    double sumX = 0, sumY = 0;                 // of the points inside; / count = centre of mass
    qint64 count = 0;
    int child[4] = {-1, -1, -1, -1};
    bool leaf = true;
};

class QuadTree
{
public:
    QuadTree(const double *y, qint64 n) : m_y(y)
    {
        double minX = INFINITY, minY = INFINITY, maxX = -INFINITY, maxY = -INFINITY;
        for (qint64 i = 0; i < n; ++i) {
            minX = std::min(minX, y[2 * i]), maxX = std::max(maxX, y[2 * i]);
            minY = std::min(minY, y[2 * i + 1]), maxY = std::max(maxY, y[2 * i + 1]);
        }
        Cell root;
        root.centreX = (minX + maxX) / 2, root.centreY = (minY + maxY) / 2;
        root.half = std::max({maxX - minX, maxY - minY, kMinCellHalf}) / 2 * (1 + 1e-9);
        m_cells.reserve(size_t(n) * 2);
        m_cells.push_back(root);
        m_leafOf.assign(size_t(n), -1);
        for (qint64 i = 0; i < n; ++i)
            insert(i);
        for (qint64 i = 0; i < n; ++i)
            m_leafOf[size_t(i)] = descend(y[2 * i], y[2 * i + 1]);
    }

    // Point i's repulsion Σ_j q_ij² (y_i − y_j) (unnormalised, q = 1/(1 + d²)) and Σ_j q_ij,
    // cells narrower than `angle` times their distance taken as one body.
    void repulsion(qint64 i, double angle, std::vector<int> &stack, double *force, double *z) const
    {
        const double x = m_y[2 * i], y = m_y[2 * i + 1], angle2 = angle * angle;
        double fx = 0, fy = 0, sum = 0;
        stack.clear();
        stack.push_back(0);
        while (!stack.empty()) {
            const Cell &cell = m_cells[size_t(stack.back())];
            const int index = stack.back();
            stack.pop_back();
            if (cell.count == 0)
                continue;
            const double dx = x - cell.sumX / double(cell.count), dy = y - cell.sumY / double(cell.count);
            const double d2 = dx * dx + dy * dy;
            const double width2 = 4 * cell.half * cell.half;
            if (cell.leaf || width2 < angle2 * d2) {
                // The point's own leaf: the others at its place repel with zero force.
                const double bodies = double(cell.count) - (index == m_leafOf[size_t(i)] ? 1.0 : 0.0);
                const double q = 1.0 / (1.0 + d2);
                sum += bodies * q;
                fx += bodies * q * q * dx, fy += bodies * q * q * dy;
                continue;
            }
            for (int c : cell.child)
                if (c >= 0)
                    stack.push_back(c);
        }
        force[0] = fx, force[1] = fy;
        *z = sum;
    }

private:
    static int quadrant(const Cell &cell, double x, double y) { return (x >= cell.centreX ? 1 : 0) + (y >= cell.centreY ? 2 : 0); }

    int child(int parent, int q)
    {
        if (m_cells[size_t(parent)].child[q] < 0) {
            const Cell &p = m_cells[size_t(parent)];
            Cell c;
            c.half = p.half / 2;
            c.centreX = p.centreX + (q & 1 ? c.half : -c.half);
            c.centreY = p.centreY + (q & 2 ? c.half : -c.half);
            m_cells.push_back(c); // may move p: read it before
            m_cells[size_t(parent)].child[q] = int(m_cells.size()) - 1;
        }
        return m_cells[size_t(parent)].child[q];
    }

    void insert(qint64 i)
    {
        const double x = m_y[2 * i], y = m_y[2 * i + 1];
        int index = 0;
        for (;;) {
            Cell &cell = m_cells[size_t(index)];
            if (cell.leaf) {
                const bool samePlace = cell.count > 0 && cell.sumX / double(cell.count) == x && cell.sumY / double(cell.count) == y;
                if (cell.count == 0 || samePlace || cell.half < kMinCellHalf) {
                    cell.count += 1, cell.sumX += x, cell.sumY += y;
                    return;
                }
                // Split: the points already here (at one place) move to their quadrant's child.
                const double px = cell.sumX / double(cell.count), py = cell.sumY / double(cell.count);
                const qint64 count = cell.count;
                const double sumX = cell.sumX, sumY = cell.sumY;
                cell.leaf = false;
                const int moved = child(index, quadrant(m_cells[size_t(index)], px, py));
                Cell &target = m_cells[size_t(moved)];
                target.count = count, target.sumX = sumX, target.sumY = sumY;
            }
            Cell &inner = m_cells[size_t(index)];
            inner.count += 1, inner.sumX += x, inner.sumY += y;
            index = child(index, quadrant(m_cells[size_t(index)], x, y));
        }
    }

    int descend(double x, double y) const
    {
        int index = 0;
        while (!m_cells[size_t(index)].leaf)
            index = m_cells[size_t(index)].child[quadrant(m_cells[size_t(index)], x, y)];
        return index;
    }

    const double *m_y;
    std::vector<Cell> m_cells;
    std::vector<int> m_leafOf;
};

} // namespace

void conditionalProbabilities(const double *squaredDistances, qint64 count, qint64 skip, double perplexity, double *out)
{
    const double desiredEntropy = std::log(perplexity);
    double beta = 1, betaMin = -INFINITY, betaMax = INFINITY;
    for (int step = 0; step < kSearchSteps; ++step) {
        double sum = 0;
        for (qint64 j = 0; j < count; ++j) {
            out[j] = j == skip ? 0.0 : std::exp(-squaredDistances[j] * beta);
            sum += out[j];
        }
        if (sum == 0)
            sum = 1e-8; // EPSILON_DBL in scikit-learn
        double sumDP = 0;
        for (qint64 j = 0; j < count; ++j) {
            out[j] /= sum;
            sumDP += squaredDistances[j] * out[j];
        }
        const double entropy = std::log(sum) + beta * sumDP;
        const double difference = entropy - desiredEntropy;
        if (std::abs(difference) <= kSearchTolerance)
            break;
        if (difference > 0) {
            betaMin = beta;
            beta = betaMax == INFINITY ? beta * 2 : (beta + betaMax) / 2;
        } else {
            betaMax = beta;
            beta = betaMin == -INFINITY ? beta / 2 : (beta + betaMin) / 2;
        }
    }
}

SparseAffinities sparseAffinities(const float *rows, qint64 n, int dim, double perplexity, int neighbours,
                                  JobControl *control)
{
    const int k = int(std::min<qint64>(neighbours, n - 1));
    // The nearest rows by Euclidean distance as the largest products of [x, 1] · [x', −|x'|²/2]
    // = x·x' − |x'|²/2 = (|x|² − |x − x'|²) / 2, which orders x' as −|x − x'|² does.
    DoubleRows queries(n, dim + 1), pool(n, dim + 1);
    queries.leftCols(dim) = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(rows, n, dim)
                                .cast<double>();
    queries.col(dim).setOnes();
    pool.leftCols(dim) = queries.leftCols(dim);
    pool.col(dim) = -0.5 * queries.leftCols(dim).rowwise().squaredNorm();
    std::vector<int> self(static_cast<size_t>(n));
    std::iota(self.begin(), self.end(), 0);
    if (control)
        control->report(0, 2, QStringLiteral("t-SNE neighbours"));
    const std::vector<std::vector<int>> nearest = nearestByProduct(queries, self, pool, k);
    if (control) {
        control->checkCancelled();
        control->report(1, 2, QStringLiteral("t-SNE neighbours"));
    }

    // Each row's conditional probabilities over its neighbours, as (row, column, value) both ways.
    struct Entry
    {
        qint64 row, column;
        double value;
    };
    std::vector<Entry> entries(static_cast<size_t>(n) * size_t(k) * 2);
    std::vector<qint64> indices(static_cast<size_t>(n));
    std::iota(indices.begin(), indices.end(), 0);
    QtConcurrent::blockingMap(indices, [&](qint64 i) {
        std::vector<double> distances(static_cast<size_t>(k)), p(static_cast<size_t>(k));
        const std::vector<int> &mine = nearest[size_t(i)];
        for (int j = 0; j < k; ++j)
            distances[size_t(j)] = (queries.row(i).head(dim) - queries.row(mine[size_t(j)]).head(dim)).squaredNorm();
        conditionalProbabilities(distances.data(), k, -1, perplexity, p.data());
        for (int j = 0; j < k; ++j) {
            entries[(size_t(i) * size_t(k) + size_t(j)) * 2] = {i, mine[size_t(j)], p[size_t(j)]};
            entries[(size_t(i) * size_t(k) + size_t(j)) * 2 + 1] = {mine[size_t(j)], i, p[size_t(j)]};
        }
    });
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        return a.row != b.row ? a.row < b.row : a.column < b.column;
    });

    // P + Pᵀ: equal (row, column) pairs summed; then normalised.
    SparseAffinities p;
    p.rowStart.assign(size_t(n) + 1, 0);
    double total = 0;
    for (size_t e = 0; e < entries.size(); ++e) {
        if (!p.columns.empty() && e > 0 && entries[e].row == entries[e - 1].row && entries[e].column == entries[e - 1].column) {
            p.values.back() += entries[e].value;
        } else {
            p.columns.push_back(entries[e].column);
            p.values.push_back(entries[e].value);
            p.rowStart[size_t(entries[e].row) + 1] += 1;
        }
        total += entries[e].value;
    }
    for (qint64 i = 0; i < n; ++i)
        p.rowStart[size_t(i) + 1] += p.rowStart[size_t(i)];
    total = std::max(total, kMachineEpsilon);
    for (double &v : p.values)
        v /= total;
    return p;
}

void barnesHutGradient(const SparseAffinities &p, const double *y, qint64 n, double exaggeration, double angle,
                       double *gradient)
{
    const QuadTree tree(y, n);
    std::vector<double> repulsion(static_cast<size_t>(n) * 2), z(static_cast<size_t>(n));
    std::vector<qint64> tasks(static_cast<size_t>((n + kPointsPerTask - 1) / kPointsPerTask));
    std::iota(tasks.begin(), tasks.end(), 0);
    QtConcurrent::blockingMap(tasks, [&](qint64 task) {
        std::vector<int> stack;
        const qint64 end = std::min(n, (task + 1) * kPointsPerTask);
        for (qint64 i = task * kPointsPerTask; i < end; ++i) {
            tree.repulsion(i, angle, stack, repulsion.data() + 2 * i, z.data() + i);
            // Attraction over the row's affinities.
            double ax = 0, ay = 0;
            for (qint64 e = p.rowStart[size_t(i)]; e < p.rowStart[size_t(i) + 1]; ++e) {
                const qint64 j = p.columns[size_t(e)];
                const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                const double w = exaggeration * p.values[size_t(e)] / (1.0 + dx * dx + dy * dy);
                ax += w * dx, ay += w * dy;
            }
            gradient[2 * i] = ax, gradient[2 * i + 1] = ay;
        }
    });
    const double sumQ = std::max(std::accumulate(z.begin(), z.end(), 0.0), kMachineEpsilon);
    for (qint64 i = 0; i < 2 * n; ++i)
        gradient[i] = 4.0 * (gradient[i] - repulsion[size_t(i)] / sumQ);
}

} // namespace faultline
