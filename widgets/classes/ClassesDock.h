#pragma once

#include "session/ProjectSession.h"

#include <QDockWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace faultline {

class ClassesChart;
class ClassesTableModel;

// The latest run's classes: a sortable, filterable table and a CV-score chart. Both follow
// and set the session's selected class.
class ClassesDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit ClassesDock(ProjectSession *session, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    ClassesChart *chart() const { return m_chart; }
    QLineEdit *filterEdit() const { return m_filter; }
    ClassesTableModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QString emptyText() const;       // the text shown instead of the table; empty when it shows
    QString selectedRowClass() const; // class of the table's selected row
    QStringList classOrder() const;   // classes as the table shows them (sorted, filtered)
    void focusFilter();

private:
    void showClasses(const QVector<ClassSummary> &classes);
    void followSelection(const QString &className);
    void updateEmptyState();

    ProjectSession *m_session;
    ClassesTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QLineEdit *m_filter = nullptr;
    QTableView *m_table = nullptr;
    ClassesChart *m_chart = nullptr;
    bool m_loaded = false;
};

} // namespace faultline
