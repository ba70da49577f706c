#pragma once

#include <QWidget>

class QListWidget;
class QPushButton;

namespace faultline {

// What the window shows before a dataset is open: how to start, what a dataset needs, and the
// recent datasets one click away.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);

    void setRecentDatasets(const QStringList &roots);
    // Shows the demo button (the installation ships a demo dataset).
    void setDemoAvailable(bool available);
    QPushButton *demoButton() const { return m_demo; }
    QListWidget *recentList() const { return m_recent; }

Q_SIGNALS:
    void openRequested();                    // the "Open dataset folder…" button
    void recentRequested(const QString &root);
    void demoRequested();                    // the "Open the demo dataset" button

private:
    QListWidget *m_recent = nullptr;
    QPushButton *m_demo = nullptr;
};

} // namespace faultline
