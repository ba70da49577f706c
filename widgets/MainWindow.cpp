#include "MainWindow.h"

#include "AnalysisDialog.h"
#include "ClassesDock.h"
#include "JobsDock.h"
#include "MessageBar.h"
#include "ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

namespace faultline {

namespace {

constexpr int kMaxRecent = 8;
const char *const kRecentKey = "recentDatasets";
const char *const kGeometryKey = "mainWindow/geometry";
const char *const kStateKey = "mainWindow/state";
constexpr int kStateVersion = 1;

} // namespace

QString droppedFolder(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return QString();
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir())
            return url.toLocalFile();
    return QString();
}

MainWindow::MainWindow(ProjectSession *session, QWidget *parent) : QMainWindow(parent), m_session(session)
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);

    m_messageBar = new MessageBar;
    auto *placeholder = new QLabel(tr("Select a class to inspect its images."));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setEnabled(false);
    m_centralView = placeholder;
    m_centralHost = new QWidget;
    auto *central = new QVBoxLayout(m_centralHost);
    central->setContentsMargins(0, 0, 0, 0);
    central->addWidget(m_messageBar);
    central->addWidget(m_centralView, 1);
    setCentralWidget(m_centralHost);

    m_classesDock = new ClassesDock(session, this);
    addDockWidget(Qt::LeftDockWidgetArea, m_classesDock);
    m_jobsDock = new JobsDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);
    resizeDocks({m_classesDock}, {560}, Qt::Horizontal);
    resizeDocks({m_jobsDock}, {150}, Qt::Vertical);

    m_jobStatus = new QLabel;
    statusBar()->addPermanentWidget(m_jobStatus);
    connect(m_jobsDock, &JobsDock::activeJobChanged, m_jobStatus, &QLabel::setText);

    connect(session, &ProjectSession::jobStarted, m_jobsDock, &JobsDock::addJob);
    connect(session, &ProjectSession::errorOccurred, this, &MainWindow::showError);
    connect(session, &ProjectSession::opened, this, [this](const QString &root) {
        rememberRecent(root);
        updateTitle();
        statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(root)), 5000);
    });
    connect(session, &ProjectSession::stateChanged, this, [this](const DatasetState &state) {
        statusBar()->showMessage(tr("%1: %n image(s), %2 predictions, %3 embedded", nullptr, state.images)
                                     .arg(QFileInfo(state.root).fileName())
                                     .arg(state.predictions)
                                     .arg(state.embeddedImages));
        if (!state.notes.isEmpty())
            m_messageBar->showMessage(state.notes.join(QLatin1Char('\n')), MessageBar::Kind::Warning);
        else
            m_messageBar->dismiss();
        updateActions();
    });
    connect(session, &ProjectSession::busyChanged, this, &MainWindow::updateActions);

    createMenus();
    updateTitle();
    updateActions();

    m_defaultState = saveState(kStateVersion);
    QSettings settings;
    if (!restoreGeometry(settings.value(QLatin1String(kGeometryKey)).toByteArray()))
        resize(1200, 760);
    restoreState(settings.value(QLatin1String(kStateKey)).toByteArray(), kStateVersion);
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open dataset folder…"), this, &MainWindow::chooseDataset);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    m_importAction = file->addAction(tr("&Import embeddings…"), this, &MainWindow::chooseEmbeddings);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    m_analyzeAction = analysis->addAction(tr("&Run analysis…"), this, &MainWindow::runAnalysis);
    m_analyzeAction->setShortcut(QKeySequence(tr("Ctrl+R")));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(m_classesDock->toggleViewAction());
    m_viewMenu->addAction(m_jobsDock->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("Reset &layout"), this, &MainWindow::resetLayout);
}

void MainWindow::setCentralView(QWidget *view)
{
    if (!view)
        return;
    auto *layout = static_cast<QVBoxLayout *>(m_centralHost->layout());
    layout->replaceWidget(m_centralView, view);
    delete m_centralView;
    m_centralView = view;
}

QString MainWindow::activeJobText() const
{
    return m_jobStatus->text();
}

void MainWindow::openDataset(const QString &root)
{
    m_session->open(root);
}

void MainWindow::showError(const QString &message)
{
    statusBar()->showMessage(message, 10000);
    m_messageBar->showMessage(message, MessageBar::Kind::Error);
}

void MainWindow::resetLayout()
{
    for (QDockWidget *dock : {static_cast<QDockWidget *>(m_classesDock), static_cast<QDockWidget *>(m_jobsDock)}) {
        dock->setFloating(false);
        dock->show();
    }
    restoreState(m_defaultState, kStateVersion);
}

void MainWindow::chooseDataset()
{
    const QString start = m_session->isOpen() ? QFileInfo(m_session->root()).absolutePath() : QDir::homePath();
    const QString root = QFileDialog::getExistingDirectory(this, tr("Open dataset folder"), start);
    if (!root.isEmpty())
        openDataset(root);
}

void MainWindow::chooseEmbeddings()
{
    if (!m_session->isOpen()) {
        showError(tr("Open a dataset folder before importing embeddings."));
        return;
    }
    const QString npy = QFileDialog::getOpenFileName(this, tr("Import embeddings"), m_session->root(),
                                                     tr("NumPy arrays (*.npy);;All files (*)"));
    if (npy.isEmpty())
        return;
    // The usual companion: E.npy → E.paths.txt; otherwise ask for it.
    QString paths = QFileInfo(npy).path() + QLatin1Char('/') + QFileInfo(npy).completeBaseName()
                    + QStringLiteral(".paths.txt");
    if (!QFileInfo::exists(paths))
        paths = QFileDialog::getOpenFileName(this, tr("Dataset-relative path of each embedding row"),
                                             QFileInfo(npy).path(), tr("Text files (*.txt);;All files (*)"));
    if (!paths.isEmpty())
        m_session->importEmbeddings(npy, paths);
}

void MainWindow::runAnalysis()
{
    if (!m_session->isOpen()) {
        showError(tr("Open a dataset folder before running an analysis."));
        return;
    }
    AnalysisDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        m_session->analyze(dialog.params());
}

QStringList MainWindow::recentDatasets() const
{
    return QSettings().value(QLatin1String(kRecentKey)).toStringList();
}

void MainWindow::rememberRecent(const QString &root)
{
    QStringList recent = recentDatasets();
    recent.removeAll(root);
    recent.prepend(root);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(QLatin1String(kRecentKey), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentDatasets();
    for (const QString &root : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(root), this, [this, root] { openDataset(root); });
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("No recent datasets"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear list"), this, [this] {
            QSettings().remove(QLatin1String(kRecentKey));
            updateRecentMenu();
        });
    }
}

void MainWindow::updateTitle()
{
    setWindowTitle(m_session->isOpen() ? tr("%1 — Faultline").arg(QFileInfo(m_session->root()).fileName())
                                       : tr("Faultline"));
}

void MainWindow::updateActions()
{
    const bool ready = m_session->isOpen() && !m_session->isBusy();
    m_importAction->setEnabled(ready);
    m_analyzeAction->setEnabled(ready);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
    settings.setValue(QLatin1String(kStateKey), saveState(kStateVersion));
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedFolder(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString root = droppedFolder(event->mimeData());
    if (root.isEmpty())
        return;
    event->acceptProposedAction();
    openDataset(root);
}

} // namespace faultline
