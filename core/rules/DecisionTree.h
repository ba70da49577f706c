#pragma once

#include <cstddef>
#include <vector>

namespace faultline {

// Column-major feature matrix as a decision tree reads it: column f is values[f * rows ...].
// Values are float, as scikit-learn's trees convert their input to float32.
struct FeatureColumns
{
    int rows = 0;
    int columns = 0;
    std::vector<float> values;

    float at(int row, int column) const { return values[std::size_t(column) * std::size_t(rows) + std::size_t(row)]; }
};

// One node of a fitted tree, in depth-first order (the root is 0, a left child follows its parent).
struct TreeNode
{
    int feature = -1;      // -1: a leaf
    double threshold = 0;  // rows with value <= threshold go left
    int left = -1, right = -1;
    int depth = 0;
    int samples = 0;                  // rows reaching the node
    double weightedCounts[2] = {0, 0}; // class weight sums (0 = success, 1 = failure)
    int failures = 0;                  // unweighted class-1 rows
    double impurity = 0;               // entropy (bits) of the weighted counts
};

// A binary classification tree grown exactly as scikit-learn 1.2's
// DecisionTreeClassifier(criterion="entropy", max_depth=D, class_weight={0: w0, 1: w1}) grows it
// with its other defaults (best splitter, min_samples_split 2, min_samples_leaf 1, every feature
// considered): thresholds halfway between neighbouring float values, values closer than 1e-7
// never split, a split kept when it is the strictly best so far. The one documented difference:
// where two features give exactly the same improvement, the lower column index wins
// (scikit-learn's winner depends on its random feature order).
class DecisionTree
{
public:
    static DecisionTree fit(const FeatureColumns &features, const std::vector<int> &target, int maxDepth,
                            const double classWeight[2]);

    const std::vector<TreeNode> &nodes() const { return m_nodes; }
    int leafOf(const FeatureColumns &features, int row) const; // node index of the row's leaf

private:
    std::vector<TreeNode> m_nodes;
};

} // namespace faultline
