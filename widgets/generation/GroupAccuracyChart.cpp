#include "generation/GroupAccuracyChart.h"

#include "appearance/Appearance.h"
#include "support/QCustomPlotInclude.h"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace faultline {

namespace {

const char *const kGroups[] = {"hard", "reference", "easy"};

} // namespace

GroupAccuracyChart::GroupAccuracyChart(QWidget *parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_bars(new QCPBars(m_plot->xAxis, m_plot->yAxis))
{
    m_plot->setObjectName(QStringLiteral("GroupAccuracyPlot"));
    m_plot->setMinimumSize(210, 140);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    m_plot->xAxis->setTickLabelFont(small);
    m_plot->yAxis->setTickLabelFont(small);
    m_plot->plotLayout()->insertRow(0);
    auto *title = new QCPTextElement(m_plot, tr("Classifier accuracy"), small);
    m_plot->plotLayout()->addElement(0, 0, title);
    m_bars->setWidth(0.6);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(QColor(0x5b, 0x9b, 0xd5));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(0, tr("hard"));
    ticker->addTick(1, tr("ref."));
    ticker->addTick(2, tr("easy"));
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(-0.6, 2.6);
    m_plot->yAxis->setRange(0, 1.05);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setGroups({});
    followPalette(m_plot);
}

void GroupAccuracyChart::setGroups(const QVector<GroupAccuracy> &groups)
{
    m_accuracies = QVector<double>(3, qQNaN());
    m_plot->clearItems();
    QVector<double> keys, values;
    for (int i = 0; i < 3; ++i) {
        for (const GroupAccuracy &group : groups) {
            if (group.group != QLatin1String(kGroups[i]) || group.checked == 0)
                continue;
            m_accuracies[i] = group.accuracy();
            keys << i;
            values << group.accuracy();
            auto *label = new QCPItemText(m_plot);
            label->position->setCoords(i, group.accuracy());
            label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            label->setText(QStringLiteral("%1/%2").arg(group.correct).arg(group.checked));
        }
    }
    m_bars->setData(keys, values, true);
    if (keys.isEmpty()) {
        auto *empty = new QCPItemText(m_plot);
        empty->position->setType(QCPItemPosition::ptAxisRectRatio);
        empty->position->setCoords(0.5, 0.5);
        empty->setText(tr("No verdicts yet"));
        empty->setColor(palette().color(QPalette::PlaceholderText));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace faultline
