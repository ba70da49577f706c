#pragma once

#include "dataset/Split.h"

#include <QSet>
#include <QStringList>
#include <optional>
#include <vector>

namespace faultline {

struct RunScoreRow;

// A run's confusion matrix: rows are the true classes (labels), columns the predicted classes
// (the labels in the same order, then names only the classifier used), each cell the number of
// images with that label and prediction — in one split or every split.
struct ConfusionMatrix
{
    QStringList labels;      // rows, sorted
    QStringList predictions; // columns: `labels`, then predicted-only names (sorted)
    std::vector<int> counts; // labels.size() × predictions.size(), row-major

    int at(int row, int column) const { return counts[size_t(row) * size_t(predictions.size()) + size_t(column)]; }
    int rowTotal(int row) const;
    int columnTotal(int column) const;
    int total() const;
    // Recall of a row: its diagonal cell over the row (0 for an empty row).
    double rowAccuracy(int row) const;
};

ConfusionMatrix confusionMatrix(const QVector<RunScoreRow> &rows, std::optional<Split> split = std::nullopt);

// The images of one cell (label, prediction) in `split` (every split when unset).
QSet<qint64> confusionCellImages(const QVector<RunScoreRow> &rows, const QString &label, const QString &prediction,
                                 std::optional<Split> split = std::nullopt);

} // namespace faultline
