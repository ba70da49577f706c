#include "interpret/RunConfusion.h"

#include "store/StoreTypes.h"

#include <QHash>
#include <QSet>
#include <algorithm>

namespace faultline {

int ConfusionMatrix::rowTotal(int row) const
{
    int sum = 0;
    for (int c = 0; c < predictions.size(); ++c)
        sum += at(row, c);
    return sum;
}

int ConfusionMatrix::columnTotal(int column) const
{
    int sum = 0;
    for (int r = 0; r < labels.size(); ++r)
        sum += at(r, column);
    return sum;
}

int ConfusionMatrix::total() const
{
    int sum = 0;
    for (int n : counts)
        sum += n;
    return sum;
}

double ConfusionMatrix::rowAccuracy(int row) const
{
    const int n = rowTotal(row);
    return n == 0 ? 0.0 : double(at(row, row)) / n;
}

ConfusionMatrix confusionMatrix(const QVector<RunScoreRow> &rows, std::optional<Split> split)
{
    // Every label of the run is a row, even one with no image in this split (a stable layout
    // when the split changes); predicted-only names follow the labels.
    QSet<QString> labels, predictedOnly;
    for (const RunScoreRow &row : rows)
        labels.insert(row.label);
    for (const RunScoreRow &row : rows)
        if (!labels.contains(row.prediction))
            predictedOnly.insert(row.prediction);
    ConfusionMatrix m;
    m.labels = QStringList(labels.begin(), labels.end());
    m.labels.sort();
    QStringList extra(predictedOnly.begin(), predictedOnly.end());
    extra.sort();
    m.predictions = m.labels + extra;
    QHash<QString, int> rowOf, columnOf;
    for (int i = 0; i < m.labels.size(); ++i)
        rowOf.insert(m.labels[i], i);
    for (int i = 0; i < m.predictions.size(); ++i)
        columnOf.insert(m.predictions[i], i);
    m.counts.assign(size_t(m.labels.size()) * size_t(m.predictions.size()), 0);
    for (const RunScoreRow &row : rows)
        if (!split || row.split == *split)
            ++m.counts[size_t(rowOf.value(row.label)) * size_t(m.predictions.size()) + size_t(columnOf.value(row.prediction))];
    return m;
}

QSet<qint64> confusionCellImages(const QVector<RunScoreRow> &rows, const QString &label, const QString &prediction,
                                 std::optional<Split> split)
{
    QSet<qint64> ids;
    for (const RunScoreRow &row : rows)
        if (row.label == label && row.prediction == prediction && (!split || row.split == *split))
            ids.insert(row.imageId);
    return ids;
}

} // namespace faultline
