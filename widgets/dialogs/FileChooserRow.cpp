#include "dialogs/FileChooserRow.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace faultline {

QWidget *fileChooserRow(QLineEdit *edit, const QString &caption, const QString &filter, QWidget *parent,
                        const QString &startFolder)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QPushButton(QCoreApplication::translate("faultline::FileChooserRow", "Browse…"), row);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit, caption, filter, parent, startFolder] {
        const QString start = edit->text().isEmpty() ? startFolder : QFileInfo(edit->text()).path();
        const QString file = QFileDialog::getOpenFileName(parent, caption, start, filter);
        if (!file.isEmpty())
            edit->setText(file);
    });
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    return row;
}

} // namespace faultline
