#pragma once

#include <QString>

class QLineEdit;
class QWidget;

namespace faultline {

// A line edit with a Browse… button that fills it from a file dialog (the dialogs' file fields).
// The dialog opens beside the file already chosen, else in `startFolder` (e.g. the dataset's
// folder, where predictions and embeddings usually are), else in the home folder.
QWidget *fileChooserRow(QLineEdit *edit, const QString &caption, const QString &filter, QWidget *parent,
                        const QString &startFolder = QString());

} // namespace faultline
