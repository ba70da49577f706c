// tsneProjection(): an exact t-SNE keeps clusters apart and neighbourhoods intact (trustworthiness,
// as scikit-learn's sklearn.manifold.trustworthiness defines it, computed here), better than
// PCA on data whose clusters PCA overlaps; it is deterministic, and the bad sizes are handled.

#include "analysis/PcaProjection.h"
#include "analysis/TsneBarnesHut.h"
#include "analysis/TsneProjection.h"
#include "common/Error.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>

using namespace faultline;

namespace {

// sklearn.manifold.trustworthiness: 1 − 2/(n k (2n − 3k − 1)) Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k),
// U_k(i) the k nearest in the embedding that are not among the k nearest in the input, r the
// rank in the input.
double trustworthiness(const std::vector<double> &input, int dim, const std::vector<float> &embedded, int n, int k)
{
    const auto order = [&](int i, bool inInput) {
        std::vector<std::pair<double, int>> d;
        for (int j = 0; j < n; ++j) {
            if (j == i)
                continue;
            double s = 0;
            if (inInput)
                for (int c = 0; c < dim; ++c)
                    s += std::pow(input[size_t(i * dim + c)] - input[size_t(j * dim + c)], 2);
            else
                for (int c = 0; c < 2; ++c)
                    s += std::pow(double(embedded[size_t(i * 2 + c)]) - embedded[size_t(j * 2 + c)], 2);
            d.push_back({s, j});
        }
        std::sort(d.begin(), d.end());
        return d;
    };
    double penalty = 0;
    for (int i = 0; i < n; ++i) {
        const auto in = order(i, true), out = order(i, false);
        std::vector<int> rank(static_cast<size_t>(n), 0);
        for (size_t r = 0; r < in.size(); ++r)
            rank[size_t(in[r].second)] = int(r) + 1;
        for (int r = 0; r < k; ++r)
            penalty += std::max(0, rank[size_t(out[size_t(r)].second)] - k);
    }
    return 1.0 - 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0)) * penalty;
}

// How many of the n mapped rows have at least 3 of their 5 nearest rows on the map in their own
// cluster.
int nearestAgree(const std::vector<float> &map, int n, const std::function<int(int)> &clusterOf)
{
    int right = 0;
    for (int i = 0; i < n; ++i) {
        std::vector<std::pair<double, int>> d;
        for (int j = 0; j < n; ++j)
            if (j != i)
                d.push_back({std::hypot(map[size_t(i * 2)] - map[size_t(j * 2)], map[size_t(i * 2 + 1)] - map[size_t(j * 2 + 1)]), j});
        std::partial_sort(d.begin(), d.begin() + 5, d.end());
        int votes = 0;
        for (int r = 0; r < 5; ++r)
            votes += clusterOf(d[size_t(r)].second) == clusterOf(i) ? 1 : 0;
        right += votes >= 3 ? 1 : 0;
    }
    return right;
}

} // namespace

class TestTsneProjection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsClustersThatPcaOverlaps()
    {
        // Four clusters of 40 in 30 dims; the two largest-variance directions are one wide
        // noise axis and one shared offset, so PCA's plane mixes the clusters.
        const int perCluster = 40, clusters = 4, dim = 30, n = perCluster * clusters;
        std::mt19937 rng(5);
        std::normal_distribution<double> normal;
        std::vector<double> x(static_cast<size_t>(n * dim));
        std::vector<int> label(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            const int c = i / perCluster;
            label[size_t(i)] = c;
            for (int d = 0; d < dim; ++d)
                x[size_t(i * dim + d)] = 0.3 * normal(rng);
            x[size_t(i * dim + 0)] += 2.5 * normal(rng);     // wide noise, PCA's first axis
            x[size_t(i * dim + 2 + c)] += 4;                 // the cluster's own direction
        }
        const std::vector<float> rows(x.begin(), x.end());
        const std::vector<float> tsne = tsneProjection(rows.data(), n, dim);
        QCOMPARE(int(tsne.size()), 2 * n);
        QCOMPARE(tsneProjection(rows.data(), n, dim), tsne); // deterministic
        for (float v : tsne)
            QVERIFY(std::isfinite(v));

        // 5-NN in the map recovers each image's cluster
        const int right = nearestAgree(tsne, n, [&](int i) { return label[size_t(i)]; });
        QVERIFY2(right >= n * 95 / 100, qPrintable(QString::number(right)));

        const double tTsne = trustworthiness(x, dim, tsne, n, 5);
        const double tPca = trustworthiness(x, dim, pcaProjection(rows.data(), n, dim).xy, n, 5);
        QVERIFY2(tTsne > 0.9 && tTsne > tPca + 0.05, qPrintable(QStringLiteral("t-SNE %1, PCA %2").arg(tTsne).arg(tPca)));
    }

    // Barnes–Hut (above kMaxExactTsneRows): with angle 0 no cell is summarised, so its gradient
    // is the exact one over the same affinities; with 0.5 it stays close.
    void barnesHutGradientApproachesTheExactOne()
    {
        const int n = 300, dim = 5;
        std::mt19937 rng(11);
        std::normal_distribution<float> normal;
        std::vector<float> x(size_t(n) * dim);
        for (float &v : x)
            v = normal(rng);
        const SparseAffinities p = sparseAffinities(x.data(), n, dim, 30, n - 1);
        std::vector<double> y(size_t(n) * 2);
        for (double &v : y)
            v = normal(rng);
        // The exact gradient, pair by pair: 4 Σ_j (α p_ij − k_ij / Z) k_ij (y_i − y_j).
        std::vector<double> dense(size_t(n) * n, 0.0);
        for (int i = 0; i < n; ++i)
            for (qint64 e = p.rowStart[size_t(i)]; e < p.rowStart[size_t(i) + 1]; ++e)
                dense[size_t(i) * n + size_t(p.columns[size_t(e)])] = p.values[size_t(e)];
        const double alpha = 12;
        const auto kernel = [&](int i, int j) {
            return 1.0 / (1.0 + std::pow(y[2 * i] - y[2 * j], 2) + std::pow(y[2 * i + 1] - y[2 * j + 1], 2));
        };
        double z = 0;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                z += i == j ? 0 : kernel(i, j);
        std::vector<double> exact(size_t(n) * 2, 0.0);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                if (i == j)
                    continue;
                const double k = kernel(i, j), w = (alpha * dense[size_t(i) * n + size_t(j)] - k / z) * k;
                exact[2 * i] += 4 * w * (y[2 * i] - y[2 * j]);
                exact[2 * i + 1] += 4 * w * (y[2 * i + 1] - y[2 * j + 1]);
            }
        const auto relativeError = [&](double angle) {
            std::vector<double> g(size_t(n) * 2);
            barnesHutGradient(p, y.data(), n, alpha, angle, g.data());
            double diff = 0, norm = 0;
            for (size_t i = 0; i < g.size(); ++i)
                diff += std::pow(g[i] - exact[i], 2), norm += exact[i] * exact[i];
            return std::sqrt(diff / norm);
        };
        QVERIFY2(relativeError(0.0) < 1e-10, qPrintable(QString::number(relativeError(0.0))));
        QVERIFY2(relativeError(0.5) < 0.05, qPrintable(QString::number(relativeError(0.5))));
    }

    // The sparse affinities: symmetric, summing to 1, over each row's true nearest neighbours.
    void sparseAffinitiesOverTheNearestRows()
    {
        const int n = 400, dim = 8, k = 20;
        std::mt19937 rng(3);
        std::normal_distribution<float> normal;
        std::vector<float> x(size_t(n) * dim);
        for (float &v : x)
            v = normal(rng);
        const SparseAffinities p = sparseAffinities(x.data(), n, dim, 6, k);
        QCOMPARE(qint64(p.rowStart.size()), qint64(n + 1));
        const auto value = [&](int i, qint64 j) {
            for (qint64 e = p.rowStart[size_t(i)]; e < p.rowStart[size_t(i) + 1]; ++e)
                if (p.columns[size_t(e)] == j)
                    return p.values[size_t(e)];
            return -1.0;
        };
        double total = 0;
        for (int i = 0; i < n; ++i) {
            for (qint64 e = p.rowStart[size_t(i)]; e < p.rowStart[size_t(i) + 1]; ++e) {
                total += p.values[size_t(e)];
                QVERIFY(p.columns[size_t(e)] != i);
                QCOMPARE(value(int(p.columns[size_t(e)]), i), p.values[size_t(e)]);
            }
            // Row i holds at least its k nearest rows.
            std::vector<std::pair<double, int>> d;
            for (int j = 0; j < n; ++j) {
                double s = 0;
                for (int c = 0; c < dim; ++c)
                    s += std::pow(double(x[size_t(i) * dim + c]) - x[size_t(j) * dim + c], 2);
                if (j != i)
                    d.push_back({s, j});
            }
            std::partial_sort(d.begin(), d.begin() + k, d.end());
            for (int r = 0; r < k; ++r)
                QVERIFY(value(i, d[size_t(r)].second) > 0);
        }
        QVERIFY(std::abs(total - 1.0) < 1e-12);
    }

    // A map larger than the exact method takes: Barnes–Hut keeps the clusters, deterministically.
    void barnesHutKeepsClusters()
    {
        const int perCluster = 900, clusters = 4, dim = 30, n = perCluster * clusters;
        QVERIFY(n > kMaxExactTsneRows);
        std::mt19937 rng(5);
        std::normal_distribution<float> normal;
        std::vector<float> x(size_t(n) * dim);
        for (int i = 0; i < n; ++i) {
            for (int d = 0; d < dim; ++d)
                x[size_t(i) * dim + d] = 0.3f * normal(rng);
            x[size_t(i) * dim] += 2.5f * normal(rng);
            x[size_t(i) * dim + 2 + i / perCluster] += 4;
        }
        const std::vector<float> map = tsneProjection(x.data(), n, dim);
        QCOMPARE(tsneProjection(x.data(), n, dim), map);
        const int right = nearestAgree(map, n, [&](int i) { return i / perCluster; });
        QVERIFY2(right >= n * 95 / 100, qPrintable(QString::number(right)));
    }

    void sizes()
    {
        const float two[4] = {0, 1, 2, 3};
        QCOMPARE(tsneProjection(two, 2, 2), std::vector<float>(4, 0.0f));
        const float few[10] = {0, 0, 1, 0, 0, 1, 5, 5, 6, 5}; // 5 rows: perplexity shrinks below n
        for (float v : tsneProjection(few, 5, 2))
            QVERIFY(std::isfinite(v));
        std::vector<float> many(static_cast<size_t>(kMaxTsneRows + 1) * 2, 1.0f);
        bool threw = false;
        try {
            tsneProjection(many.data(), kMaxTsneRows + 1, 2);
        } catch (const Error &e) {
            threw = QString::fromUtf8(e.what()).contains(QLatin1String("use PCA"));
        }
        QVERIFY(threw);
    }
};

QTEST_GUILESS_MAIN(TestTsneProjection)
#include "test_tsne_projection.moc"
