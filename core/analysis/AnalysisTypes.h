#pragma once

#include "dataset/Split.h"

#include <Eigen/Core>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace faultline {

using EmbeddingMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using EmbeddingRows = Eigen::Map<const EmbeddingMatrix>;

class MappedEmbeddings;

// Everything one analysis run reads: one row per image that has a label, a prediction and
// an embedding. Kept in float32 so 1M × 512 embeddings fit in ~2 GiB; larger sets live in a
// mapped file instead (AnalysisParams::inMemoryEmbeddingBytes).
struct AnalysisData
{
    QStringList classNames;
    std::vector<int> label;       // index into classNames
    std::vector<bool> correct;    // prediction == label
    std::vector<Split> split;
    EmbeddingMatrix embeddings;   // rows × dim, unless `mapped` holds them
    std::shared_ptr<MappedEmbeddings> mapped;

    // The rows × dim embeddings, wherever they are held.
    EmbeddingRows vectors() const;
};

// The paper's recipe (Appendix A.3) with its public code's defaults.
struct AnalysisParams
{
    Split fitSplit = Split::Val;
    Split whitenSplit = Split::Train;   // all rows when no row is in this split
    int folds = 2;
    std::vector<double> cGrid = defaultCGrid();
    int threads = 0;                    // 0: one per core
    QString predictionSet;              // the model whose predictions are analysed; empty: the current one
    bool hardness = true;               // also rank each class's images by hardness (HardnessRanking.h)
    // Embeddings above this many bytes are kept in a mapped file beside the store, not in memory.
    qint64 inMemoryEmbeddingBytes = qint64(4) << 30;

    // 1e-6, 1e-5, …, 1 (the paper's logspace(-6, 0, 7), pinned to exact decades)
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
