#include "window/MessageBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLayout>
#include <QResizeEvent>
#include <QStyle>
#include <QToolButton>

namespace faultline {

MessageBar::MessageBar(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("MessageBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_icon = new QLabel(this);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton(this);
    close->setAutoRaise(true);
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &MessageBar::dismiss);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 4, 4);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_label, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

QString MessageBar::text() const
{
    return isHidden() ? QString() : m_label->text();
}

void MessageBar::showMessage(const QString &text, Kind kind)
{
    m_history << text;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxCritical;
    QColor background(0xfb, 0xe3, 0xe1);
    if (kind == Kind::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        background = QColor(0xfd, 0xf1, 0xd6);
    } else if (kind == Kind::Info) {
        icon = QStyle::SP_MessageBoxInformation;
        background = QColor(0xdf, 0xec, 0xf8);
    }
    QPalette pal = palette();
    pal.setColor(QPalette::Window, background);
    pal.setColor(QPalette::WindowText, Qt::black);
    setPalette(pal);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(size, size));
    m_label->setText(text);
    fitHeight();
    setToolTip(m_history.size() > 1 ? tr("%n earlier message(s):\n", nullptr, int(m_history.size() - 1))
                                          + m_history.mid(0, m_history.size() - 1).join(QLatin1Char('\n'))
                                    : QString());
    show();
    Q_EMIT shownChanged(true);
}

void MessageBar::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    fitHeight();
}

// The bar sits in a toolbar, whose layout ignores height-for-width: left alone, the wrapped text
// is measured at its narrowest and the bar stood 90 px tall for two lines at 1024 px. Its height
// follows the lines the text takes at the bar's width instead.
void MessageBar::fitHeight()
{
    const int wanted = layout()->heightForWidth(width());
    if (wanted > 0 && wanted != height())
        setFixedHeight(wanted);
}

void MessageBar::dismiss()
{
    hide();
    Q_EMIT shownChanged(false);
}

} // namespace faultline
