#pragma once

#include <QByteArray>
#include <QMainWindow>

class QLabel;
class QMenu;
class QMimeData;

namespace faultline {

class ClassesDock;
class JobsDock;
class MessageBar;
class ProjectSession;

// The workbench window: menus, docks (saved/restored layout), status bar and message bar.
// Everything it shows follows its ProjectSession; it never waits on engine work.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ProjectSession *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    ProjectSession *session() const { return m_session; }
    ClassesDock *classesDock() const { return m_classesDock; }
    JobsDock *jobsDock() const { return m_jobsDock; }
    MessageBar *messageBar() const { return m_messageBar; }
    QString activeJobText() const;
    QStringList recentDatasets() const;
    // Replaces the central view (the gallery plugs in here); the window takes ownership.
    void setCentralView(QWidget *view);

public Q_SLOTS:
    void openDataset(const QString &root);
    void showError(const QString &message);
    void resetLayout();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createMenus();
    void chooseDataset();
    void chooseEmbeddings();
    void runAnalysis();
    void rememberRecent(const QString &root);
    void updateRecentMenu();
    void updateTitle();
    void updateActions();

    ProjectSession *m_session;
    ClassesDock *m_classesDock = nullptr;
    JobsDock *m_jobsDock = nullptr;
    MessageBar *m_messageBar = nullptr;
    QWidget *m_centralHost = nullptr;
    QWidget *m_centralView = nullptr;
    QLabel *m_jobStatus = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_analyzeAction = nullptr;
    QByteArray m_defaultState;
};

// A dataset folder dropped onto the window, or empty when the drop holds none.
QString droppedFolder(const QMimeData *mime);

} // namespace faultline
