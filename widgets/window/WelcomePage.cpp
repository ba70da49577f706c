#include "window/WelcomePage.h"

#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace faultline {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("WelcomePage"));
    auto *title = new QLabel(tr("Faultline"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 2.0);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto *subtitle = new QLabel(tr("Find, explain and fix where your image classifier fails."));

    auto *open = new QPushButton(tr("Open dataset folder…"));
    open->setDefault(true);
    open->setMinimumHeight(open->sizeHint().height() + 8);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openRequested);

    m_demo = new QPushButton(tr("Open the demo dataset"));
    m_demo->setObjectName(QStringLiteral("OpenDemo"));
    m_demo->setToolTip(tr("9,000 Fashion-MNIST images with two planted failure modes (rotated bags and "
                          "sneakers), a classifier's predictions and embeddings: copied to your data "
                          "folder and analysed at once"));
    m_demo->setMinimumHeight(open->minimumHeight());
    m_demo->hide();
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(m_demo);
    buttons->addStretch(1);

    auto *needs = new QLabel(tr(
        "<p>A dataset folder holds images as <tt>ROOT/&lt;split&gt;/&lt;class&gt;/&lt;file&gt;</tt> or "
        "<tt>ROOT/&lt;class&gt;/&lt;file&gt;</tt> and the classifier's predictions as "
        "<tt>predictions.csv</tt> (<tt>path,prediction</tt>). Faultline asks for whatever is missing: "
        "predictions, embeddings or a CLIP model to compute them.</p>"
        "<p>You can also drop a folder onto this window.</p>"));
    needs->setWordWrap(true);
    needs->setTextFormat(Qt::RichText);

    auto *recentTitle = new QLabel(tr("Recent datasets"));
    QFont bold = recentTitle->font();
    bold.setBold(true);
    recentTitle->setFont(bold);
    m_recent = new QListWidget;
    m_recent->setObjectName(QStringLiteral("RecentDatasets"));
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (item->flags() & Qt::ItemIsEnabled)
            Q_EMIT recentRequested(item->data(Qt::UserRole).toString());
    });

    auto *column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(subtitle);
    column->addSpacing(16);
    column->addLayout(buttons);
    column->addSpacing(8);
    column->addWidget(needs);
    column->addSpacing(8);
    column->addWidget(recentTitle);
    column->addWidget(m_recent, 1);

    auto *centred = new QWidget;
    centred->setLayout(column);
    centred->setMaximumWidth(640);
    auto *outer = new QHBoxLayout(this);
    outer->setContentsMargins(32, 32, 32, 32);
    outer->addStretch(1);
    outer->addWidget(centred, 4);
    outer->addStretch(1);
}

void WelcomePage::setDemoAvailable(bool available)
{
    m_demo->setVisible(available);
}

void WelcomePage::setRecentDatasets(const QStringList &roots)
{
    m_recent->clear();
    for (const QString &root : roots) {
        auto *item = new QListWidgetItem(QDir::toNativeSeparators(root), m_recent);
        item->setData(Qt::UserRole, root);
        item->setToolTip(tr("Open %1").arg(QDir::toNativeSeparators(root)));
    }
    if (roots.isEmpty()) {
        auto *item = new QListWidgetItem(tr("None yet"), m_recent);
        item->setFlags(Qt::NoItemFlags);
    }
}

} // namespace faultline
