#include "fix/BeforeAfterChart.h"

#include "appearance/Appearance.h"
#include "support/QCustomPlotInclude.h"
#include "fix/HeadRetraining.h"

#include <QVBoxLayout>
#include <algorithm>

namespace faultline {

BeforeAfterChart::BeforeAfterChart(QWidget *parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_beforeBars(new QCPBars(m_plot->xAxis, m_plot->yAxis)),
      m_afterBars(new QCPBars(m_plot->xAxis, m_plot->yAxis))
{
    m_plot->setObjectName(QStringLiteral("BeforeAfterPlot"));
    m_plot->setMinimumSize(240, 130);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    m_plot->xAxis->setTickLabelFont(small);
    m_plot->yAxis->setTickLabelFont(small);
    m_plot->yAxis->setLabelFont(small);
    m_plot->yAxis->setLabel(tr("accuracy"));
    m_plot->yAxis->setRange(0, 1.05);
    auto *group = new QCPBarsGroup(m_plot);
    for (QCPBars *bars : {m_beforeBars, m_afterBars}) {
        bars->setWidth(0.36);
        bars->setPen(Qt::NoPen);
        bars->setBarsGroup(group);
    }
    m_beforeBars->setName(tr("original head"));
    m_beforeBars->setBrush(QColor(0xa5, 0xa5, 0xa5));
    m_afterBars->setName(tr("retrained head"));
    m_afterBars->setBrush(QColor(0x5b, 0x9b, 0xd5));
    // The legend in a row of its own above the bars, never over them.
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(small);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    clear();
    followPalette(m_plot);
}

void BeforeAfterChart::clear()
{
    m_groups.clear();
    m_before.clear();
    m_after.clear();
    show();
}

void BeforeAfterChart::setReport(const RetrainReport &report)
{
    // Two short lines per tick, so they fit unrotated under narrow bars.
    m_groups = QStringList{tr("all\ntest"), tr("hard\n(all)")};
    m_before = {report.overall.before(), report.hard.before()};
    m_after = {report.overall.after(), report.hard.after()};
    for (const ClassBeforeAfter &c : report.classes) {
        if (c.hard.images == 0)
            continue;
        m_groups << tr("%1\n(hard)").arg(c.className);
        m_before << c.hard.before();
        m_after << c.hard.after();
    }
    show();
}

void BeforeAfterChart::show()
{
    QVector<double> keys;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < m_groups.size(); ++i) {
        keys << i;
        ticker->addTick(i, m_groups[i]);
    }
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(-0.7, std::max<qsizetype>(1, m_groups.size()) - 0.3);
    m_beforeBars->setData(keys, m_before, true);
    m_afterBars->setData(keys, m_after, true);
    m_plot->clearItems();
    if (m_groups.isEmpty()) {
        auto *empty = new QCPItemText(m_plot);
        empty->position->setType(QCPItemPosition::ptAxisRectRatio);
        empty->position->setCoords(0.5, 0.5);
        empty->setText(tr("Retrain to see before and after"));
        empty->setColor(palette().color(QPalette::PlaceholderText));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace faultline
