#include "rules/FailureRules.h"

#include "common/Error.h"
#include "rules/MutualInformation.h"

#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <numeric>

namespace faultline {

FeatureColumns selectedColumns(const RuleFeatures &features, const std::vector<int> &selected)
{
    FeatureColumns out;
    out.rows = features.values.rows;
    out.columns = int(selected.size());
    out.values.reserve(size_t(out.rows) * selected.size());
    for (int column : selected) {
        const auto first = features.values.values.begin() + std::ptrdiff_t(column) * out.rows;
        out.values.insert(out.values.end(), first, first + out.rows);
    }
    return out;
}

namespace {

QString condition(const QString &name, bool left, double threshold)
{
    return QStringLiteral("%1 %2 %3").arg(name, left ? QStringLiteral("<=") : QStringLiteral(">"),
                                          QString::number(threshold, 'g', 6));
}

// Each leaf's path from the root, as conditions.
void collectLeaves(const FailureTree &tree, const QStringList &names, int node, QStringList path,
                   std::vector<FailureRuleLeaf> &leaves)
{
    const TreeNode &n = tree.tree.nodes()[size_t(node)];
    if (n.feature < 0) {
        FailureRuleLeaf leaf;
        leaf.node = node;
        leaf.rule = path.isEmpty() ? QStringLiteral("(all images)") : path.join(QStringLiteral(" AND "));
        leaf.samples = n.samples;
        leaf.failures = n.failures;
        leaves.push_back(leaf);
        return;
    }
    const QString &name = names[n.feature];
    collectLeaves(tree, names, n.left, path + QStringList{condition(name, true, n.threshold)}, leaves);
    collectLeaves(tree, names, n.right, path + QStringList{condition(name, false, n.threshold)}, leaves);
}

} // namespace

FailureTree fitFailureTree(const RuleFeatures &features, const std::vector<int> &failure,
                           const FailureRuleOptions &options)
{
    const int rows = features.values.rows;
    if (rows == 0)
        throw Error(QStringLiteral("no images to explain"));
    if (options.depth < 1 || options.depth > 3)
        throw Error(QStringLiteral("--depth: %1 is not 1, 2 or 3").arg(options.depth));
    if (options.topFeatures < 1)
        throw Error(QStringLiteral("--k: %1 is not a positive number of features").arg(options.topFeatures));

    FailureTree result;
    result.samples = rows;
    result.failures = std::accumulate(failure.begin(), failure.end(), 0);
    result.baseErrorRate = double(result.failures) / rows;

    // Mutual information of every column, on the pool (columns are independent).
    std::vector<int> columns(size_t(features.values.columns));
    std::iota(columns.begin(), columns.end(), 0);
    result.mutualInformation = QtConcurrent::blockingMapped<std::vector<double>>(columns, [&](int c) {
        const auto first = features.values.values.begin() + std::ptrdiff_t(c) * rows;
        return mutualInformation(std::vector<double>(first, first + rows), failure);
    });
    // Highest first; equal values keep the lower column first.
    std::vector<int> order = columns;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return result.mutualInformation[size_t(a)] > result.mutualInformation[size_t(b)];
    });
    result.ranked = order;
    order.resize(std::min(order.size(), size_t(options.topFeatures)));
    result.selected = order;
    result.names = features.names;

    const int successes = rows - result.failures;
    const double classWeight[2] = {1.0, result.failures > 0 && successes > 0 ? double(successes) / result.failures : 1.0};
    result.tree = DecisionTree::fit(selectedColumns(features, result.selected), failure, options.depth, classWeight);

    QStringList selectedNames;
    for (int column : result.selected)
        selectedNames << features.names.value(column);
    collectLeaves(result, selectedNames, 0, {}, result.leaves);
    for (FailureRuleLeaf &leaf : result.leaves) {
        leaf.errorRate = double(leaf.failures) / leaf.samples;
        leaf.errorCoverage = result.failures > 0 ? double(leaf.failures) / result.failures : 0;
        leaf.importance = leaf.errorRate * leaf.errorCoverage;
        result.averageLeafErrorRate += leaf.errorCoverage * leaf.errorRate;
    }
    std::stable_sort(result.leaves.begin(), result.leaves.end(),
                     [](const FailureRuleLeaf &a, const FailureRuleLeaf &b) { return a.importance > b.importance; });
    return result;
}

} // namespace faultline
