#pragma once

#include "session/ProjectSession.h"

#include <QAbstractTableModel>

namespace faultline {

// The classes of a run as a table. DisplayRole is formatted text; SortRole holds the raw
// number (or name) so a QSortFilterProxyModel sorts numerically; ClassNameRole the class.
class ClassesTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { ClassColumn, ImagesColumn, ErrorsColumn, ErrorRateColumn, CvColumn, StatusColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, ClassNameRole };

    explicit ClassesTableModel(QObject *parent = nullptr);

    void setClasses(const QVector<ClassSummary> &classes);
    const QVector<ClassSummary> &classes() const { return m_classes; }
    int rowOf(const QString &className) const; // -1 when absent

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<ClassSummary> m_classes;
};

} // namespace faultline
