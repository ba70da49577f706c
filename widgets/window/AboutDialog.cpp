#include "window/AboutDialog.h"

#include "support/QCustomPlotInclude.h"
#include "common/BuildInfo.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace faultline {

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("About Faultline"));
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    auto *icon = new QLabel(this);
    icon->setPixmap(QApplication::windowIcon().pixmap(64, 64));
    icon->setAlignment(Qt::AlignTop);
    top->addWidget(icon);
    auto *header = new QLabel(this);
    header->setObjectName(QStringLiteral("aboutHeader"));
    header->setWordWrap(true);
    header->setTextFormat(Qt::RichText);
    header->setText(tr("<h2>Faultline %1</h2>"
                       "<p>Finds, explains and fixes the failure modes of an image classifier as directions in "
                       "CLIP space (Jain et al., <i>Distilling Model Failures as Directions in Latent "
                       "Space</i>).</p><p>Licensed under the GNU General Public License, version 3 or later. "
                       "The AppImage holds the licence notice of every library it bundles under "
                       "usr/share/doc.</p>")
                        .arg(versionString().toHtmlEscaped()));
    top->addWidget(header, 1);
    layout->addLayout(top);

    auto *builtOn = new QLabel(tr("Built on:"), this);
    layout->addWidget(builtOn);
    QVector<ThirdPartyComponent> components = thirdPartyComponents();
    components.append({QStringLiteral("QCustomPlot"), QStringLiteral(QCUSTOMPLOT_VERSION_STR),
                       QStringLiteral("GPL-3.0-or-later"), QStringLiteral("https://www.qcustomplot.com")});
    auto *table = new QTableWidget(int(components.size()), 3, this);
    table->setObjectName(QStringLiteral("aboutComponents"));
    table->setHorizontalHeaderLabels({tr("Library"), tr("Version"), tr("Licence")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    for (int row = 0; row < components.size(); ++row) {
        const ThirdPartyComponent &c = components.at(row);
        auto *name = new QTableWidgetItem(c.name);
        name->setToolTip(c.url);
        table->setItem(row, 0, name);
        table->setItem(row, 1, new QTableWidgetItem(c.version));
        table->setItem(row, 2, new QTableWidgetItem(c.licence));
    }
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    builtOn->setBuddy(table);
    layout->addWidget(table);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *aboutQt = buttons->addButton(tr("About &Qt"), QDialogButtonBox::HelpRole);
    connect(aboutQt, &QPushButton::clicked, qApp, &QApplication::aboutQt);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, 440);
}

} // namespace faultline
