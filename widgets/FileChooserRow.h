#pragma once

#include <QString>

class QLineEdit;
class QWidget;

namespace faultline {

// A line edit with a Browse… button that fills it from a file dialog (the dialogs' file fields).
QWidget *fileChooserRow(QLineEdit *edit, const QString &caption, const QString &filter, QWidget *parent);

} // namespace faultline
