#pragma once

#include "generation/SampleCheck.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;

namespace faultline {

// Paper 000 Fig. 8b for one class: the classifier's accuracy on its generated hard, reference
// and easy samples, as bars labelled with correct/checked. A group without checked samples has
// no bar; the plot says when nothing is checked yet.
class GroupAccuracyChart : public QWidget
{
    Q_OBJECT
public:
    explicit GroupAccuracyChart(QWidget *parent = nullptr);

    // The rows of one class (generatedAccuracy of its samples).
    void setGroups(const QVector<GroupAccuracy> &groups);
    QCustomPlot *plot() const { return m_plot; }
    // The bar heights, hard → reference → easy (NaN where a group has none checked).
    QVector<double> accuracies() const { return m_accuracies; }

private:
    QCustomPlot *m_plot;
    QCPBars *m_bars;
    QVector<double> m_accuracies;
};

} // namespace faultline
