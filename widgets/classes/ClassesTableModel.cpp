#include "classes/ClassesTableModel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace faultline {

ClassesTableModel::ClassesTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void ClassesTableModel::setClasses(const QVector<ClassSummary> &classes)
{
    beginResetModel();
    m_classes = classes;
    endResetModel();
}

int ClassesTableModel::rowOf(const QString &className) const
{
    for (int i = 0; i < m_classes.size(); ++i)
        if (m_classes[i].className == className)
            return i;
    return -1;
}

int ClassesTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_classes.size();
}

int ClassesTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClassesTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_classes.size())
        return QVariant();
    const ClassSummary &c = m_classes[index.row()];
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ClassColumn: return c.className;
        case ImagesColumn: return locale.toString(c.images);
        case ErrorsColumn: return locale.toString(c.errors);
        case ErrorRateColumn: return tr("%1%").arg(locale.toString(c.errorRate * 100.0, 'f', 1));
        case CvColumn: return c.cv ? locale.toString(*c.cv, 'f', 3) : tr("—");
        case StatusColumn: return c.status;
        }
        break;
    case SortRole:
        switch (index.column()) {
        case ClassColumn: return c.className;
        case ImagesColumn: return c.images;
        case ErrorsColumn: return c.errors;
        case ErrorRateColumn: return c.errorRate;
        case CvColumn: return c.cv ? *c.cv : -1.0; // skipped classes sort last
        case StatusColumn: return c.status;
        }
        break;
    case ClassNameRole:
        return c.className;
    case Qt::TextAlignmentRole:
        if (index.column() != ClassColumn && index.column() != StatusColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && !c.fitted)
            return QBrush(QColor(0x9a, 0x60, 0x00));
        break;
    case Qt::ToolTipRole:
        if (index.column() == CvColumn)
            return tr("Cross-validated balanced accuracy of the class's failure direction: how well a linear "
                      "direction separates its errors from its correct images (0.5 = chance).");
        if (index.column() == StatusColumn)
            return c.status;
        break;
    }
    return QVariant();
}

QVariant ClassesTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ClassColumn: return tr("Class");
    case ImagesColumn: return tr("Images");
    case ErrorsColumn: return tr("Errors");
    case ErrorRateColumn: return tr("Error rate");
    case CvColumn: return tr("CV score");
    case StatusColumn: return tr("Status");
    }
    return QVariant();
}

} // namespace faultline
