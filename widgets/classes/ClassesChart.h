#pragma once

#include "session/ProjectSession.h"

#include <QStringList>
#include "support/QCustomPlotInclude.h"

namespace faultline {

// Bar chart of the classes' CV scores, highest first, with each class's error rate as a line
// on the right axis. Clicking a bar emits classClicked(); selectClass() highlights one.
class ClassesChart : public QCustomPlot
{
    Q_OBJECT
public:
    explicit ClassesChart(QWidget *parent = nullptr);

    void setClasses(const QVector<ClassSummary> &classes);
    const QStringList &barOrder() const { return m_order; }   // class of each bar, left to right
    int barIndexOf(const QString &className) const { return m_order.indexOf(className); }
    QString selectedBarClass() const;
    // Pixel centre of a bar (for tests and tooltips); null point when out of range.
    QPoint barCenter(int index) const;

public Q_SLOTS:
    void selectClass(const QString &className);

Q_SIGNALS:
    void classClicked(const QString &className);

private:
    void onPlottableClick(QCPAbstractPlottable *plottable, int dataIndex);

    QCPBars *m_cvBars = nullptr;
    QCPGraph *m_errorLine = nullptr;
    QStringList m_order;
    QVector<double> m_cv;
};

} // namespace faultline
