#include "classes/ClassesChart.h"

#include "appearance/Appearance.h"
#include <algorithm>
#include <numeric>

namespace faultline {

ClassesChart::ClassesChart(QWidget *parent) : QCustomPlot(parent)
{
    setObjectName(QStringLiteral("ClassesChart"));
    setMinimumHeight(180);
    setInteractions(QCP::iSelectPlottables);
    m_cvBars = new QCPBars(xAxis, yAxis);
    m_cvBars->setName(tr("CV score"));
    m_cvBars->setWidth(0.7);
    m_cvBars->setPen(QPen(QColor(0x2f, 0x6d, 0xb5)));
    m_cvBars->setBrush(QColor(0x5b, 0x9b, 0xd5));
    m_cvBars->setSelectable(QCP::stSingleData);
    auto *decorator = new QCPSelectionDecorator;
    decorator->setBrush(QColor(0xf0, 0x8c, 0x00));
    decorator->setPen(QPen(QColor(0xb0, 0x60, 0x00), 2));
    m_cvBars->setSelectionDecorator(decorator);

    m_errorLine = new QCPGraph(xAxis, yAxis2);
    m_errorLine->setName(tr("Error rate"));
    m_errorLine->setPen(QPen(QColor(0xc0, 0x39, 0x2b), 2));
    m_errorLine->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(0xc0, 0x39, 0x2b), Qt::white, 6));
    m_errorLine->setSelectable(QCP::stNone);

    yAxis->setLabel(tr("CV balanced accuracy"));
    yAxis->setRange(0, 1.05);
    yAxis2->setVisible(true);
    yAxis2->setLabel(tr("Error rate"));
    yAxis2->setLabelColor(QColor(0xc0, 0x39, 0x2b));
    yAxis2->setTickLabelColor(QColor(0xc0, 0x39, 0x2b));
    xAxis->setTickLabelRotation(40);
    xAxis->grid()->setVisible(false);
    // The legend sits in its own row above the axes, so it never hides a bar.
    legend->setVisible(true);
    legend->setFont(font());
    legend->setBorderPen(Qt::NoPen);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, legend);
    plotLayout()->setRowStretchFactor(0, 0.001);
    legend->setMargins(QMargins(4, 2, 4, 0));

    connect(this, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable *plottable, int dataIndex, QMouseEvent *) {
                onPlottableClick(plottable, dataIndex);
            });
    setClasses({});
    followPalette(this);
}

void ClassesChart::setClasses(const QVector<ClassSummary> &classes)
{
    QVector<int> order(classes.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return classes[a].cv.value_or(-1.0) > classes[b].cv.value_or(-1.0);
    });
    m_order.clear();
    m_cv.clear();
    QVector<double> keys, cv, errors;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double maxError = 0;
    for (int i = 0; i < order.size(); ++i) {
        const ClassSummary &c = classes[order[i]];
        keys << i;
        cv << c.cv.value_or(0.0);
        errors << c.errorRate;
        maxError = std::max(maxError, c.errorRate);
        m_order << c.className;
        ticker->addTick(i, c.className);
    }
    m_cv = cv;
    m_cvBars->setData(keys, cv, true);
    m_errorLine->setData(keys, errors, true);
    xAxis->setTicker(ticker);
    xAxis->setRange(-0.6, std::max<double>(order.size(), 1) - 0.4);
    yAxis2->setRange(0, maxError > 0 ? std::min(1.0, maxError * 1.15) : 1.0);
    m_cvBars->setSelection(QCPDataSelection());
    replot();
}

QString ClassesChart::selectedBarClass() const
{
    const QCPDataSelection selection = m_cvBars->selection();
    if (selection.isEmpty())
        return QString();
    const int index = selection.dataRange().begin();
    return index >= 0 && index < m_order.size() ? m_order[index] : QString();
}

QPoint ClassesChart::barCenter(int index) const
{
    if (index < 0 || index >= m_order.size())
        return QPoint();
    return QPoint(int(xAxis->coordToPixel(index)), int(yAxis->coordToPixel(std::max(m_cv[index], 0.02) / 2)));
}

void ClassesChart::selectClass(const QString &className)
{
    const int index = m_order.indexOf(className);
    const QCPDataSelection wanted = index < 0 ? QCPDataSelection() : QCPDataSelection(QCPDataRange(index, index + 1));
    if (m_cvBars->selection() == wanted)
        return;
    m_cvBars->setSelection(wanted);
    replot();
}

void ClassesChart::onPlottableClick(QCPAbstractPlottable *plottable, int dataIndex)
{
    if (plottable == m_cvBars && dataIndex >= 0 && dataIndex < m_order.size())
        Q_EMIT classClicked(m_order[dataIndex]);
}

} // namespace faultline
