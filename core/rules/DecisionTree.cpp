#include "rules/DecisionTree.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>

namespace faultline {

namespace {

constexpr float kFeatureThreshold = 1e-7f; // scikit-learn's FEATURE_THRESHOLD

// Entropy in bits of two weighted counts (scikit-learn's Entropy.node_impurity).
double entropy(const double counts[2])
{
    const double total = counts[0] + counts[1];
    double h = 0;
    for (int c = 0; c < 2; ++c) {
        if (counts[c] > 0) {
            const double p = counts[c] / total;
            h -= p * (std::log(p) / std::log(2.0));
        }
    }
    return h;
}

struct Split
{
    int feature = -1;
    double threshold = 0;
    int leftRows = 0; // rows going left; 0: no valid split
    double impurityLeft = 0, impurityRight = 0;
};

struct Grower
{
    const FeatureColumns &x;
    const std::vector<int> &y;
    std::vector<double> weight;
    int maxDepth;
    std::vector<TreeNode> nodes;

    // Best split of rows[begin, end) over all features; the rows stay in place.
    Split bestSplit(const std::vector<int> &rows, int begin, int end, const double parentCounts[2]) const
    {
        Split best;
        double bestProxy = -INFINITY;
        const double parentWeight = parentCounts[0] + parentCounts[1];
        std::vector<std::pair<float, int>> sorted(size_t(end - begin));
        for (int f = 0; f < x.columns; ++f) {
            for (int i = begin; i < end; ++i)
                sorted[size_t(i - begin)] = {x.at(rows[size_t(i)], f), rows[size_t(i)]};
            std::sort(sorted.begin(), sorted.end(),
                      [](const auto &a, const auto &b) { return a.first < b.first; });
            const int n = end - begin;
            if (sorted[size_t(n - 1)].first <= sorted[0].first + kFeatureThreshold)
                continue; // constant within the node
            double left[2] = {0, 0};
            int p = 0;
            while (p < n) {
                while (p + 1 < n && sorted[size_t(p + 1)].first <= sorted[size_t(p)].first + kFeatureThreshold) {
                    left[y[size_t(sorted[size_t(p)].second)]] += weight[size_t(sorted[size_t(p)].second)];
                    ++p;
                }
                left[y[size_t(sorted[size_t(p)].second)]] += weight[size_t(sorted[size_t(p)].second)];
                ++p;
                if (p >= n)
                    break;
                const double right[2] = {parentCounts[0] - left[0], parentCounts[1] - left[1]};
                const double wl = left[0] + left[1];
                const double wr = parentWeight - wl;
                const double proxy = -wr * entropy(right) - wl * entropy(left);
                if (proxy > bestProxy) {
                    bestProxy = proxy;
                    best.feature = f;
                    best.leftRows = p;
                    const double a = sorted[size_t(p - 1)].first, b = sorted[size_t(p)].first;
                    best.threshold = a / 2.0 + b / 2.0;
                    if (best.threshold == b || std::isinf(best.threshold))
                        best.threshold = a;
                }
            }
        }
        return best;
    }

    void counts(const std::vector<int> &rows, int begin, int end, TreeNode &node) const
    {
        node.samples = end - begin;
        for (int i = begin; i < end; ++i) {
            const int r = rows[size_t(i)];
            node.weightedCounts[y[size_t(r)]] += weight[size_t(r)];
            node.failures += y[size_t(r)];
        }
        node.impurity = entropy(node.weightedCounts);
    }

    int grow(std::vector<int> &rows, int begin, int end, int depth)
    {
        const int id = int(nodes.size());
        nodes.emplace_back();
        TreeNode node;
        node.depth = depth;
        counts(rows, begin, end, node);
        bool leaf = depth >= maxDepth || node.samples < 2 || node.impurity <= DBL_EPSILON;
        Split split;
        if (!leaf) {
            split = bestSplit(rows, begin, end, node.weightedCounts);
            leaf = split.feature < 0;
        }
        if (leaf) {
            nodes[size_t(id)] = node;
            return id;
        }
        // Rows with value <= threshold first, in their order (the order does not matter later).
        const auto middle = std::stable_partition(rows.begin() + begin, rows.begin() + end, [&](int r) {
            return double(x.at(r, split.feature)) <= split.threshold;
        });
        const int mid = int(middle - rows.begin());
        node.feature = split.feature;
        node.threshold = split.threshold;
        nodes[size_t(id)] = node;
        const int left = grow(rows, begin, mid, depth + 1);
        const int right = grow(rows, mid, end, depth + 1);
        nodes[size_t(id)].left = left;
        nodes[size_t(id)].right = right;
        return id;
    }
};

} // namespace

DecisionTree DecisionTree::fit(const FeatureColumns &features, const std::vector<int> &target, int maxDepth,
                               const double classWeight[2])
{
    Grower grower{features, target, {}, maxDepth, {}};
    grower.weight.resize(target.size());
    for (size_t i = 0; i < target.size(); ++i)
        grower.weight[i] = classWeight[target[i]];
    std::vector<int> rows(size_t(features.rows));
    std::iota(rows.begin(), rows.end(), 0);
    DecisionTree tree;
    if (features.rows > 0)
        grower.grow(rows, 0, features.rows, 0);
    tree.m_nodes = std::move(grower.nodes);
    return tree;
}

int DecisionTree::leafOf(const FeatureColumns &features, int row) const
{
    int node = 0;
    while (m_nodes[size_t(node)].feature >= 0) {
        const TreeNode &n = m_nodes[size_t(node)];
        node = double(features.at(row, n.feature)) <= n.threshold ? n.left : n.right;
    }
    return node;
}

} // namespace faultline
