#include "confusion/ConfusionTableModel.h"

#include <QColor>
#include <QLocale>

namespace faultline {

void ConfusionTableModel::setMatrix(ConfusionMatrix matrix)
{
    beginResetModel();
    m_matrix = std::move(matrix);
    endResetModel();
}

int ConfusionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_matrix.labels.size());
}

int ConfusionTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_matrix.labels.isEmpty() ? 0 : int(m_matrix.predictions.size()) + 1;
}

QVariant ConfusionTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const int row = index.row(), column = index.column();
    const int rowTotal = m_matrix.rowTotal(row);
    if (isAccuracyColumn(column)) {
        if (role == Qt::DisplayRole)
            return rowTotal == 0 ? QStringLiteral("–") : QLocale().toString(100 * m_matrix.rowAccuracy(row), 'f', 1) + QLatin1Char('%');
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole)
            return tr("%1: %2 of %3 images predicted correctly")
                .arg(m_matrix.labels[row], QLocale().toString(m_matrix.at(row, row)), QLocale().toString(rowTotal));
        return {};
    }
    const int count = m_matrix.at(row, column);
    switch (role) {
    case Qt::DisplayRole:
        return count == 0 ? QString() : QLocale().toString(count);
    case CountRole:
        return count;
    case Qt::TextAlignmentRole:
        return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole: {
        if (count == 0 || rowTotal == 0)
            return {};
        // Alpha by the share of the row (at least a little, so a single confusion is visible):
        // readable on light and dark palettes alike.
        const double share = double(count) / rowTotal;
        QColor tint = row == column ? QColor(46, 160, 67) : QColor(218, 54, 51);
        tint.setAlphaF(float(0.12 + 0.68 * share));
        return tint;
    }
    case Qt::ToolTipRole:
        return row == column
            ? tr("%1: %2 images predicted correctly (%3 of the class). Click to show them.")
                  .arg(m_matrix.labels[row], QLocale().toString(count),
                       QLocale().toString(100.0 * count / rowTotal, 'f', 1) + QLatin1Char('%'))
            : tr("%1 predicted as %2: %3 images (%4 of the class). Click to show them.")
                  .arg(m_matrix.labels[row], m_matrix.predictions[column], QLocale().toString(count),
                       QLocale().toString(100.0 * count / rowTotal, 'f', 1) + QLatin1Char('%'));
    default:
        return {};
    }
}

QVariant ConfusionTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (orientation == Qt::Vertical)
        return role == Qt::DisplayRole ? m_matrix.labels.value(section)
                                       : tr("True class %1 (%2 images)").arg(m_matrix.labels.value(section),
                                                                            QLocale().toString(m_matrix.rowTotal(section)));
    if (isAccuracyColumn(section))
        return role == Qt::DisplayRole ? tr("Accuracy") : tr("The share of the row predicted correctly");
    return role == Qt::DisplayRole ? m_matrix.predictions.value(section)
                                   : tr("Predicted %1").arg(m_matrix.predictions.value(section));
}

} // namespace faultline
