#pragma once

#include "rules/DecisionTree.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace faultline {

// Per-image features a rule can name: column f of `values` is named names[f].
struct RuleFeatures
{
    QStringList names;
    FeatureColumns values;
};

struct FailureRuleOptions
{
    int topFeatures = 50; // k: features kept by mutual information with failure
    int depth = 2;        // 1..3
};

// One leaf of a failure tree, with paper 003's numbers (Definitions 1–5).
struct FailureRuleLeaf
{
    int node = 0;        // index into FailureTree::tree.nodes()
    QString rule;        // the path's conditions joined by " AND "
    int samples = 0;     // n
    int failures = 0;    // f
    double errorRate = 0;     // ER = f / n
    double errorCoverage = 0; // EC = f / F
    double importance = 0;    // IV = ER · EC
};

struct FailureTree
{
    QStringList names;                // of every input column
    std::vector<double> mutualInformation; // of every input column
    std::vector<int> ranked;          // every column by mutual information, highest first (ties: lower first)
    std::vector<int> selected;        // the first k of them: the columns the tree saw
    DecisionTree tree;                // over the selected columns (its feature f = selected[f])
    std::vector<FailureRuleLeaf> leaves; // by importance, highest first
    int samples = 0, failures = 0;
    double baseErrorRate = 0; // BER = F / N
    double averageLeafErrorRate = 0; // ALER = Σ EC · ER ≥ BER
};

// Barlow (paper 003 Sec. 5): the top-k features by mutual information with failure, then a
// depth-limited entropy tree with class weights {success: 1, failure: N_success / N_failure}.
// `failure[i]` is 1 where row i was misclassified. Throws Error when there are no rows; a group
// with no failures (or no successes) gives a single leaf.
FailureTree fitFailureTree(const RuleFeatures &features, const std::vector<int> &failure,
                           const FailureRuleOptions &options);

// The selected columns of `features`, in the tree's order (for leafOf on new rows).
FeatureColumns selectedColumns(const RuleFeatures &features, const std::vector<int> &selected);

} // namespace faultline
