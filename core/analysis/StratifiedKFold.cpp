#include "analysis/StratifiedKFold.h"

#include <algorithm>
#include <map>

namespace faultline {

std::vector<int> stratifiedTestFolds(const std::vector<int> &labels, int folds)
{
    // scikit-learn encodes classes by order of first appearance...
    std::map<int, int> code;
    std::vector<int> encoded(labels.size());
    for (size_t i = 0; i < labels.size(); ++i) {
        auto it = code.emplace(labels[i], int(code.size())).first;
        encoded[i] = it->second;
    }
    const int classes = int(code.size());

    // ...sorts the codes and deals them round-robin to the folds to get each fold's share per class...
    std::vector<int> sorted = encoded;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::vector<int>> allocation(size_t(folds), std::vector<int>(size_t(classes), 0));
    for (size_t i = 0; i < sorted.size(); ++i)
        ++allocation[i % size_t(folds)][size_t(sorted[i])];

    // ...then gives each class's samples, in data order, to fold 0 first, then fold 1, ...
    std::vector<int> testFold(labels.size());
    for (int k = 0; k < classes; ++k) {
        int fold = 0, usedInFold = 0;
        for (size_t i = 0; i < labels.size(); ++i) {
            if (encoded[i] != k)
                continue;
            while (usedInFold == allocation[size_t(fold)][size_t(k)]) {
                ++fold;
                usedInFold = 0;
            }
            testFold[i] = fold;
            ++usedInFold;
        }
    }
    return testFold;
}

double balancedAccuracy(const std::vector<int> &truth, const std::vector<int> &predicted)
{
    std::map<int, std::pair<int, int>> perClass; // class -> (hits, total)
    for (size_t i = 0; i < truth.size(); ++i) {
        auto &counts = perClass[truth[i]];
        counts.first += predicted[i] == truth[i];
        ++counts.second;
    }
    if (perClass.empty())
        return 0;
    double sum = 0;
    for (const auto &entry : perClass)
        sum += double(entry.second.first) / entry.second.second;
    return sum / double(perClass.size());
}

double meanOf(const std::vector<double> &values)
{
    double sum = 0;
    for (double v : values)
        sum += v;
    return values.empty() ? 0.0 : sum / double(values.size());
}

int firstBestIndex(const std::vector<double> &scores)
{
    int best = 0;
    for (int i = 1; i < int(scores.size()); ++i)
        if (scores[size_t(i)] > scores[size_t(best)])
            best = i;
    return best;
}

} // namespace faultline
