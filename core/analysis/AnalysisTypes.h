#pragma once

#include "dataset/Split.h"

#include <Eigen/Core>
#include <QString>
#include <QStringList>
#include <vector>

namespace faultline {

using EmbeddingMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Everything one analysis run reads: one row per image that has a label, a prediction and
// an embedding. Kept in float32 so 1M × 512 embeddings fit in ~2 GiB.
struct AnalysisData
{
    QStringList classNames;
    std::vector<int> label;       // index into classNames
    std::vector<bool> correct;    // prediction == label
    std::vector<Split> split;
    EmbeddingMatrix embeddings;   // rows × dim
};

// The paper's recipe (Appendix A.3) with its public code's defaults.
struct AnalysisParams
{
    Split fitSplit = Split::Val;
    Split whitenSplit = Split::Train;   // all rows when no row is in this split
    int folds = 2;
    std::vector<double> cGrid = defaultCGrid();
    int threads = 0;                    // 0: one per core

    // logspace(-6, 0, 7)
    static std::vector<double> defaultCGrid();
};

struct ClassResult
{
    int classIndex = -1;
    bool ok = false;
    QString skipReason;                 // why the class was skipped when !ok
    int nFit = 0;
    int nFitErrors = 0;
    double cvBalancedAccuracy = 0;      // mean over folds, at the chosen C
    double C = 0;
    std::vector<double> cvScores;       // per C of the grid, same order
    Eigen::VectorXd normal;             // SVM normal in whitened+normalised space
    double bias = 0;                    // decision = normal·x + bias; positive = easy (correct)
    std::vector<int> rows;              // every row of the class, all splits
    std::vector<double> decisionValues; // aligned with rows
};

} // namespace faultline
