#include "appearance/Appearance.h"

#include "support/QCustomPlotInclude.h"

#include <QApplication>
#include <QEvent>
#include <QPalette>
#include <QPointer>
#include <QStyle>
#include <QStyleFactory>

namespace faultline {

namespace {

// What the platform gave at the first call: "system" goes back to it.
struct Startup
{
    QString style;
    QPalette palette;
};

const Startup &startup()
{
    static const Startup s{QApplication::style()->name(), QApplication::palette()};
    return s;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xdf, 0xe1, 0xe5), mid(0x5a, 0x5d, 0x63);
    const QColor highlight(0x35, 0x74, 0xf0);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8f, 0x94));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::Mid, mid);
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6e, 0xa8, 0xfe));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xf0));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7d, 0x82));
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    return p;
}

void stylePlot(QCustomPlot *plot)
{
    const QPalette &p = plot->palette();
    const QColor text = p.color(QPalette::WindowText), grid = p.color(QPalette::Mid);
    plot->setBackground(p.color(QPalette::Window));
    for (QCPAxis *axis : plot->axisRect() ? plot->axisRect()->axes() : QList<QCPAxis *>()) {
        // An axis given its own colour (e.g. the error rate's red) keeps it.
        const bool ownColour = axis->tickLabelColor() != Qt::black && axis->tickLabelColor() != axis->property("faultlineText").value<QColor>();
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        if (!ownColour) {
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            axis->setProperty("faultlineText", text);
        }
        axis->grid()->setPen(QPen(grid, 0, Qt::DotLine));
    }
    if (plot->legend) {
        plot->legend->setBrush(p.color(QPalette::Base));
        plot->legend->setTextColor(text);
        plot->legend->setBorderPen(QPen(grid));
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

// Restyles its plot when the palette changes (a switch of appearance, or of the system theme).
class PlotPaletteFollower : public QObject
{
public:
    explicit PlotPaletteFollower(QCustomPlot *plot) : QObject(plot), m_plot(plot) { plot->installEventFilter(this); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_plot && event->type() == QEvent::PaletteChange)
            stylePlot(m_plot);
        return false;
    }

private:
    QPointer<QCustomPlot> m_plot;
};

} // namespace

QString appearanceName(Appearance appearance)
{
    switch (appearance) {
    case Appearance::Light:
        return QStringLiteral("light");
    case Appearance::Dark:
        return QStringLiteral("dark");
    case Appearance::System:
        break;
    }
    return QStringLiteral("system");
}

Appearance appearanceFromName(const QString &name)
{
    if (name == QLatin1String("light"))
        return Appearance::Light;
    if (name == QLatin1String("dark"))
        return Appearance::Dark;
    return Appearance::System;
}

void applyAppearance(Appearance appearance)
{
    const Startup &system = startup();
    switch (appearance) {
    case Appearance::System:
        QApplication::setStyle(QStyleFactory::create(system.style));
        QApplication::setPalette(system.palette);
        break;
    case Appearance::Light:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    case Appearance::Dark:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    }
}

bool paletteIsDark()
{
    return QApplication::palette().color(QPalette::Window).lightness() < 128;
}

void followPalette(QCustomPlot *plot)
{
    stylePlot(plot);
    new PlotPaletteFollower(plot);
}

} // namespace faultline
