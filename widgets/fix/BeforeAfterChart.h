#pragma once

#include <QWidget>

class QCustomPlot;
class QCPBars;

namespace faultline {

struct RetrainReport;

// A retraining's effect as paired bars: the original head's accuracy (grey) next to the
// retrained one's (blue), for the whole test split, every class's hard subpopulation together,
// and each class's hard subpopulation (paper 000 Fig. 6's measure).
class BeforeAfterChart : public QWidget
{
    Q_OBJECT
public:
    explicit BeforeAfterChart(QWidget *parent = nullptr);

    void setReport(const RetrainReport &report);
    void clear();
    QCustomPlot *plot() const { return m_plot; }
    QStringList groups() const { return m_groups; }   // the x axis, left to right
    QVector<double> before() const { return m_before; }
    QVector<double> after() const { return m_after; }

private:
    void show();

    QCustomPlot *m_plot;
    QCPBars *m_beforeBars;
    QCPBars *m_afterBars;
    QStringList m_groups;
    QVector<double> m_before, m_after;
};

} // namespace faultline
