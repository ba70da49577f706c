#pragma once

#include "interpret/RunConfusion.h"

#include <QAbstractTableModel>

namespace faultline {

// A ConfusionMatrix as a table: a row per label, a column per prediction, a last "Accuracy"
// column (the row's recall). Cells are tinted by their share of the row — the diagonal in
// green, confusions in red — so the worst confusions stand out at 1,000 classes too.
class ConfusionTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role { CountRole = Qt::UserRole + 1 }; // int (the cell's images)

    using QAbstractTableModel::QAbstractTableModel;
    void setMatrix(ConfusionMatrix matrix);
    const ConfusionMatrix &matrix() const { return m_matrix; }
    bool isAccuracyColumn(int column) const { return column == int(m_matrix.predictions.size()); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    ConfusionMatrix m_matrix;
};

} // namespace faultline
