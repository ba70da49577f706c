#pragma once

#include <QWidget>

class QListWidget;

namespace faultline {

// What the window shows before a dataset is open: how to start, what a dataset needs, and the
// recent datasets one click away.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);

    void setRecentDatasets(const QStringList &roots);
    QListWidget *recentList() const { return m_recent; }

Q_SIGNALS:
    void openRequested();                    // the "Open dataset folder…" button
    void recentRequested(const QString &root);

private:
    QListWidget *m_recent = nullptr;
};

} // namespace faultline
