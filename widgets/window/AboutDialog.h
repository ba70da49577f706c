#pragma once
#include <QDialog>

namespace faultline {

// Help ▸ About: the version and git revision, what Faultline does, and the libraries it is built
// on with their licences (the AppImage ships their notices under usr/share/doc).
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);
};

} // namespace faultline
