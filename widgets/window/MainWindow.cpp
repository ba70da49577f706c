#include "window/MainWindow.h"

#include "window/AboutDialog.h"
#include "dialogs/AnalysisDialog.h"
#include "support/AppSettings.h"
#include "dialogs/ClassifierDialog.h"
#include "interpret/CaptionsDock.h"
#include "classes/ClassesChart.h"
#include "classes/ClassesDock.h"
#include "interpret/DifficultyDock.h"
#include "dialogs/ExportDialog.h"
#include "gallery/GalleryView.h"
#include "inspector/InspectorDock.h"
#include "compare/ModelsDock.h"
#include "rules/RulesDock.h"
#include "search/SearchDock.h"
#include "map/EmbeddingMapDock.h"
#include "tags/TagCommand.h"
#include "window/SavedViews.h"
#include "confusion/ConfusionDock.h"
#include "fix/InterventionsDock.h"
#include "jobs/JobsDock.h"
#include "window/MessageBar.h"
#include "session/ProjectSession.h"
#include "session/RunTextModel.h"
#include "dialogs/SettingsDialog.h"
#include "gallery/ThumbnailCache.h"
#include "window/WelcomePage.h"
#include "dataset/DemoDataset.h"
#include "interpret/RunImages.h"
#include "store/StoreAccess.h"

#include <QAction>
#include <QComboBox>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMimeData>
#include <QPointer>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTableWidget>
#include <QTimer>
#include <QUndoStack>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace faultline {

namespace {

constexpr int kMaxRecent = 8;
const char *const kRecentKey = "recentDatasets";
const char *const kGeometryKey = "mainWindow/geometry";
const char *const kStateKey = "mainWindow/state";
constexpr int kStateVersion = 5; // bumped when the docks change: an old saved layout is ignored
// Below this a dock's content scrolls (the window never grows for a dock).
constexpr int kDockMinimumWidth = 160;
constexpr int kDockMinimumHeight = 90;

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
    setDockOptions(dockOptions() | QMainWindow::AllowTabbedDocks);
    m_thumbnails = new ThumbnailCache(this);

    // Messages sit above the views in a bar of their own that is hidden while empty.
    m_messageBar = new MessageBar;
    m_messageToolBar = new QToolBar(tr("Messages"));
    m_messageToolBar->setObjectName(QStringLiteral("MessageToolBar"));
    m_messageToolBar->setMovable(false);
    m_messageToolBar->setFloatable(false);
    m_messageToolBar->toggleViewAction()->setVisible(false);
    // Wrapped: a toolbar hides and shows its direct widgets itself, the bar does that on its own.
    auto *holder = new QWidget;
    auto *holderLayout = new QVBoxLayout(holder);
    holderLayout->setContentsMargins(0, 0, 0, 0);
    holderLayout->addWidget(m_messageBar);
    m_messageToolBar->addWidget(holder);
    m_messageToolBar->hide();
    addToolBar(Qt::TopToolBarArea, m_messageToolBar);
    connect(m_messageBar, &MessageBar::shownChanged, m_messageToolBar, &QToolBar::setVisible);

    // The centre is the welcome page until a dataset is open, then the gallery.
    m_welcome = new WelcomePage;
    connect(m_welcome, &WelcomePage::openRequested, this, &MainWindow::chooseDataset);
    connect(m_welcome, &WelcomePage::recentRequested, this, &MainWindow::openDataset);
    connect(m_welcome, &WelcomePage::demoRequested, this, [this] { m_session->openDemo(bundledDemoDataset()); });
    m_welcome->setDemoAvailable(!bundledDemoDataset().isEmpty());
    m_undoStack = new QUndoStack(this);
    m_galleryView = new GalleryView(nullptr, m_thumbnails);
    m_galleryView->setThumbnailSize(AppSettings::thumbnailSize());
    m_centre = new QStackedWidget;
    m_centre->addWidget(m_welcome);
    m_centre->addWidget(m_galleryView);
    setCentralWidget(m_centre);

    createDocks();
    createModelSwitcher();
    connectClassViews();

    m_jobStatus = new QLabel;
    statusBar()->addPermanentWidget(m_jobStatus);
    connect(m_jobsDock, &JobsDock::activeJobChanged, m_jobStatus, &QLabel::setText);
    connect(session, &ProjectSession::jobStarted, m_jobsDock, &JobsDock::addJob);
    // A job writing the store while another process holds it waits; the status bar says for whom.
    QPointer<QStatusBar> bar = statusBar();
    setStoreWaitReporter([bar](const QString &line) {
        QMetaObject::invokeMethod(qApp, [bar, line] {
            if (bar)
                bar->showMessage(line, 30000);
        }, Qt::QueuedConnection);
    });
    connect(session, &ProjectSession::errorOccurred, this, &MainWindow::showError);
    connect(session, &ProjectSession::opened, this, [this](const QString &root) {
        m_undoStack->clear(); // its steps name images of the dataset shown before
        saveDatasetView(); // of the dataset shown before
        restoreDatasetView(root);
        rememberRecent(root);
        updateTitle();
        m_centre->setCurrentWidget(m_galleryView);
        if (!m_layoutBeforeWelcome.isEmpty())
            restoreState(std::exchange(m_layoutBeforeWelcome, QByteArray()), kStateVersion);
        for (QDockWidget *dock : docks())
            dock->setEnabled(true);
        m_offerSetup = true;
        if (!m_restoredLayout && !m_sizedDocks) { // the docks just took the welcome page's room
            m_sizedDocks = true;
            QTimer::singleShot(0, this, &MainWindow::applyDefaultDockSizes);
        }
        statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(root)), 5000);
    });
    connect(session, &ProjectSession::stateChanged, this, [this](const DatasetState &state) {
        statusBar()->showMessage(tr("%1: %Ln image(s), %L2 predictions, %L3 embedded", nullptr, state.images)
                                     .arg(QFileInfo(state.root).fileName())
                                     .arg(state.predictions)
                                     .arg(state.embeddedImages));
        if (!state.notes.isEmpty())
            m_messageBar->showMessage(state.notes.join(QLatin1Char('\n')), MessageBar::Kind::Warning);
        else
            m_messageBar->dismiss();
        updateActions();
        // A freshly opened dataset without results: ask for what it lacks right away.
        if (std::exchange(m_offerSetup, false) && state.latestRun == 0) {
            if (m_session->isDemo()) { // the demo has everything: analyse it at once (issue 15.7)
                m_selectStrongest = true;
                m_session->analyze(ProjectSession::demoSetup(state.root));
            } else {
                runAnalysis();
            }
        }
    });
    connect(session, &ProjectSession::busyChanged, this, &MainWindow::updateActions);
    connect(session, &ProjectSession::classesLoaded, this, &MainWindow::updateActions);
    // The class shown when the dataset was last closed comes back once its run's classes are in.
    connect(session, &ProjectSession::classesLoaded, this, [this](const QVector<ClassSummary> &classes) {
        if (classes.isEmpty())
            return; // the run's classes are still to come
        QString wanted = std::exchange(m_restoreClass, QString());
        if (std::exchange(m_selectStrongest, false)) {
            // The highest CV score: the failure mode the demo is there to show.
            const auto strongest = std::max_element(classes.begin(), classes.end(), [](const ClassSummary &a, const ClassSummary &b) {
                return a.cv.value_or(0) < b.cv.value_or(0);
            });
            wanted = strongest->className;
        }
        if (wanted.isEmpty() || !m_session->selectedClass().isEmpty())
            return;
        for (const ClassSummary &c : classes)
            if (c.className == wanted)
                m_session->setSelectedClass(wanted);
    });

    createMenus();
    updateTitle();
    updateActions();
    m_welcome->setRecentDatasets(recentDatasets());

    m_defaultState = saveState(kStateVersion);
    QSettings settings;
    if (!restoreGeometry(settings.value(QLatin1String(kGeometryKey)).toByteArray())) {
        // First start: as much of the screen as the views use well, never more than it has.
        const QRect screen = this->screen() ? this->screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
        resize(std::min(1600, screen.width()), std::min(1000, screen.height()));
    }
}

void MainWindow::showEvent(QShowEvent *event)
{
    // Dock sizes restored before the window has its size are squeezed (the Classes dock came
    // back narrow after a restart, issue 15.2): restore the saved layout once it is shown.
    if (!std::exchange(m_layoutRestoreTried, true)) {
        // The docks take the window's size, never the other way round: a layout saved in a
        // larger window must not grow this one past the screen (or past what was asked).
        const QSize asked = size();
        m_restoredLayout = restoreState(QSettings().value(QLatin1String(kStateKey)).toByteArray(), kStateVersion);
        if (size() != asked)
            resize(asked);
        hideDocksForWelcome();
    }
    QMainWindow::showEvent(event);
}


MainWindow::~MainWindow()
{
    setStoreWaitReporter({});
}

void MainWindow::createDocks()
{
    // Classes down the left, the inspector down the right, the difficulty slider and the
    // captions (with the jobs behind them) under the gallery.
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_textModel = new RunTextModel(this);
    m_classesDock = new ClassesDock(m_session, this);
    m_difficultyDock = new DifficultyDock(m_textModel, m_thumbnails, this);
    m_captionsDock = new CaptionsDock(m_textModel, m_thumbnails, this);
    m_inspectorDock = new InspectorDock(this, m_thumbnails);
    m_jobsDock = new JobsDock(this);
    m_interventionsDock = new InterventionsDock(m_session, this);
    m_modelsDock = new ModelsDock(m_session, m_thumbnails, this);
    m_rulesDock = new RulesDock(m_textModel, m_thumbnails, this);
    m_searchDock = new SearchDock(m_textModel, m_thumbnails, this);
    m_confusionDock = new ConfusionDock(this);
    m_mapDock = new EmbeddingMapDock(this);
    addDockWidget(Qt::LeftDockWidgetArea, m_classesDock);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_difficultyDock);
    splitDockWidget(m_difficultyDock, m_captionsDock, Qt::Horizontal);
    tabifyDockWidget(m_difficultyDock, m_mapDock);
    m_difficultyDock->raise();
    tabifyDockWidget(m_captionsDock, m_searchDock);
    tabifyDockWidget(m_searchDock, m_confusionDock);
    tabifyDockWidget(m_confusionDock, m_rulesDock);
    tabifyDockWidget(m_rulesDock, m_interventionsDock);
    tabifyDockWidget(m_interventionsDock, m_modelsDock);
    tabifyDockWidget(m_modelsDock, m_jobsDock);
    m_captionsDock->raise();
    connect(m_modelsDock, &ModelsDock::imageActivated, this, &MainWindow::inspectImage);
    connect(m_rulesDock, &RulesDock::imageActivated, this, &MainWindow::inspectImage);
    connect(m_rulesDock, &RulesDock::jobStarted, m_jobsDock, &JobsDock::addJob);
    connect(m_searchDock, &SearchDock::jobStarted, m_jobsDock, &JobsDock::addJob);
    connect(m_confusionDock, &ConfusionDock::jobStarted, m_jobsDock, &JobsDock::addJob);
    connect(m_mapDock, &EmbeddingMapDock::jobStarted, m_jobsDock, &JobsDock::addJob);
    // A dock's content scrolls when the window is smaller than it wants, instead of pushing the
    // window past the screen (a 1366×768 laptop; issue 15.1): no dock sets the window's minimum.
    for (QDockWidget *dock : docks()) {
        auto *scroll = new QScrollArea;
        scroll->setObjectName(dock->objectName() + QStringLiteral("Scroll"));
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(dock->widget());
        scroll->setMinimumSize(kDockMinimumWidth, kDockMinimumHeight);
        dock->setWidget(scroll);
    }
    connect(m_textModel, &RunTextModel::jobStarted, m_jobsDock, &JobsDock::addJob);
    m_galleryView->setTextModel(m_textModel);
    connect(m_galleryView, &GalleryView::jobStarted, m_jobsDock, &JobsDock::addJob);
    for (QDockWidget *dock : docks())
        dock->setEnabled(m_session->isOpen());
}

void MainWindow::createModelSwitcher()
{
    // Which model's predictions (and latest run) every view shows; hidden while there is one.
    m_modelToolBar = new QToolBar(tr("Model"));
    m_modelToolBar->setObjectName(QStringLiteral("ModelToolBar"));
    m_modelToolBar->addWidget(new QLabel(tr("Model:") + QLatin1Char(' ')));
    m_modelCombo = new QComboBox;
    m_modelCombo->setObjectName(QStringLiteral("ModelSwitcher"));
    m_modelCombo->setToolTip(tr("The classifier whose predictions and failure modes are shown"));
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modelToolBar->addWidget(m_modelCombo);
    // The run picker: every view (gallery, captions, slider, export…) follows the chosen run.
    m_modelToolBar->addWidget(new QLabel(QLatin1Char(' ') + tr("Run:") + QLatin1Char(' ')));
    m_runCombo = new QComboBox;
    m_runCombo->setObjectName(QStringLiteral("RunPicker"));
    m_runCombo->setToolTip(tr("The analysis run every view shows; hover an entry for its parameters"));
    m_runCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modelToolBar->addWidget(m_runCombo);
    addToolBar(Qt::TopToolBarArea, m_modelToolBar);
    m_modelToolBar->setVisible(false);
    connect(m_modelCombo, &QComboBox::activated, this, [this](int index) { m_session->useModel(m_modelCombo->itemText(index)); });
    connect(m_runCombo, &QComboBox::activated, this,
            [this](int index) { m_session->useRun(index == 0 ? 0 : m_runCombo->itemData(index).toLongLong()); });
    connect(m_session, &ProjectSession::stateChanged, this, [this](const DatasetState &state) {
        const QSignalBlocker blocker(m_modelCombo);
        m_modelCombo->clear();
        m_modelCombo->addItems(state.models);
        m_modelCombo->setCurrentIndex(int(state.models.indexOf(state.currentModel)));
        const QSignalBlocker runBlocker(m_runCombo);
        m_runCombo->clear();
        for (const RunInfo &run : state.runs) {
            m_runCombo->addItem(tr("Run %1 · %2").arg(run.id).arg(QLocale().toString(run.created.toLocalTime(), QLocale::ShortFormat)),
                                run.id);
            m_runCombo->setItemData(m_runCombo->count() - 1, runDescription(run), Qt::ToolTipRole);
        }
        if (!state.runs.isEmpty())
            m_runCombo->setItemText(0, m_runCombo->itemText(0) + QLatin1Char(' ') + tr("(latest)"));
        m_runCombo->setCurrentIndex(m_runCombo->findData(state.latestRun));
        m_modelToolBar->setVisible(state.models.size() > 1 || state.runs.size() > 1);
        // The run chosen when the dataset was last closed, once its runs are known.
        if (m_restoreRun != 0 && !state.runs.isEmpty())
            m_session->useRun(std::exchange(m_restoreRun, 0));
    });
}

QList<QDockWidget *> MainWindow::docks() const
{
    return {m_classesDock, m_difficultyDock, m_mapDock, m_captionsDock, m_searchDock, m_confusionDock, m_rulesDock, m_inspectorDock,
            m_interventionsDock, m_modelsDock, m_jobsDock};
}

void MainWindow::connectClassViews()
{
    connect(m_session, &ProjectSession::classLoaded, this, [this](const SelectedClass &selected) {
        // The first class fills the docks: size them for their content once (unless the user's
        // own layout was restored).
        if (selected.images && !m_restoredLayout && !std::exchange(m_sizedForClass, true))
            QTimer::singleShot(0, this, &MainWindow::applyDefaultDockSizes);
        if (!selected.images) {
            m_galleryView->clearClass();
            m_inspectorDock->clearClass();
            m_difficultyDock->clearClass();
            m_captionsDock->clearClass();
            m_rulesDock->clearClass();
            m_mapDock->clearClass();
            return;
        }
        const QString &root = m_session->root();
        m_difficultyDock->showClass(selected.images, root, m_session->projectPath(), m_session->runId());
        m_captionsDock->showClass(selected.images, root, m_session->projectPath(), m_session->runId());
        m_rulesDock->showClass(selected.images, root, m_session->projectPath(), m_session->runId());
        m_mapDock->setTags(selected.tags);
        m_mapDock->showClass(selected.images, root, m_session->projectPath(), m_session->runId());
        m_galleryView->showClass(selected.images, m_session->root());
        m_galleryView->setTags(selected.tags);
        m_inspectorDock->showClass(selected.images, m_session->root());
        m_inspectorDock->setConfidences(selected.confidences);
        m_galleryView->setConfidences(selected.confidences);
        m_inspectorDock->setTags(selected.tags);
        // Start on the hardest image, so the inspector is never empty next to a full gallery,
        // unless a search result of this class is waiting to be inspected.
        if (selected.images->size() > 0)
            m_galleryView->hardestView()->setCurrentIndex(m_galleryView->hardestModel()->index(0));
        if (m_afterClassLoads)
            std::exchange(m_afterClassLoads, nullptr)();
    });
    // Search follows the shown run and the selected class; a hit of another class selects it.
    connect(m_session, &ProjectSession::stateChanged, m_searchDock, [this](const DatasetState &state) {
        if (state.latestRun > 0) {
            m_searchDock->setRun(m_session->root(), m_session->projectPath(), state.latestRun);
            m_confusionDock->setRun(m_session->projectPath(), state.latestRun);
        } else {
            m_searchDock->clear();
            m_confusionDock->clear();
        }
    });
    // A confusion cell: its class, and exactly its images in the gallery.
    connect(m_confusionDock, &ConfusionDock::cellChosen, this,
            [this](const QString &label, const QString &title, const QSet<qint64> &ids) {
                inClass(label, [this, title, ids] { m_galleryView->showSubset(title, ids); });
            });
    connect(m_session, &ProjectSession::classSelected, m_searchDock, &SearchDock::setSelectedClass);
    connect(m_searchDock, &SearchDock::imageActivated, this, [this](const QString &path, const QString &className) {
        inClass(className, [this, path] { inspectImage(path); });
    });
    connect(m_galleryView, &GalleryView::moreLikeRequested, m_searchDock, &SearchDock::moreLike);
    connect(m_session, &ProjectSession::tagsChanged, this, [this](const QHash<QString, QString> &tags) {
        m_galleryView->setTags(tags);
        m_inspectorDock->setTags(tags);
        m_mapDock->setTags(tags);
    });
    connect(m_galleryView, &GalleryView::tagRequested, this, &MainWindow::tagImages);
    connect(m_galleryView, &GalleryView::currentImageChanged, m_inspectorDock,
            [this](const QString &path) { m_inspectorDock->setCurrentImage(path); });
    connect(m_galleryView, &GalleryView::imageActivated, this, &MainWindow::inspectImage);
    // The map and the gallery, linked both ways: a box on the map is a subset of the gallery, the
    // gallery's current image is ringed on the map, a dot inspects its image.
    connect(m_galleryView, &GalleryView::currentImageChanged, m_mapDock,
            [this](const QString &path) { m_mapDock->setCurrentImage(path); });
    connect(m_mapDock, &EmbeddingMapDock::selectionChosen, this,
            [this](const QString &className, const QString &title, const QSet<qint64> &ids) {
                inClass(className, [this, title, ids] { m_galleryView->showSubset(title, ids); });
            });
    connect(m_galleryView, &GalleryView::selectedImagesChanged, m_mapDock, &EmbeddingMapDock::showSelectedImages);
    connect(m_mapDock, &EmbeddingMapDock::imageActivated, this, [this](const QString &path, const QString &className) {
        inClass(className, [this, path] { inspectImage(path); });
    });
    connect(m_inspectorDock, &InspectorDock::neighbourActivated, m_inspectorDock, &InspectorDock::setCurrentImage);
    connect(m_difficultyDock, &DifficultyDock::imageActivated, this, &MainWindow::inspectImage);
    connect(m_captionsDock, &CaptionsDock::imageActivated, this, &MainWindow::inspectImage);
    connect(m_rulesDock, &RulesDock::leafChosen, m_galleryView, &GalleryView::showSubset);
}

void MainWindow::inspectImage(const QString &absolutePath)
{
    m_inspectorDock->setCurrentImage(absolutePath);
    m_inspectorDock->show();
    m_inspectorDock->raise();
}

void MainWindow::applyDefaultDockSizes()
{
    // Dock sizes only take once the window has its size; the gallery gets what is left. Each
    // side dock gets its share or, where the window has room, what its content needs (so it
    // does not scroll sideways), never leaving the gallery less than its own minimum.
    const auto content = [](QDockWidget *dock) {
        const auto *scroll = qobject_cast<QScrollArea *>(dock->widget());
        return scroll && scroll->widget() ? scroll->widget()->minimumSizeHint() : QSize();
    };
    const QSize centre = centralWidget()->minimumSizeHint();
    int left = std::max(width() * 28 / 100, content(m_classesDock).width());
    int right = std::max(width() * 22 / 100, content(m_inspectorDock).width());
    if (const int room = width() - centre.width(); left + right > room && room > 0) {
        left = left * room / (left + right);
        right = room - left;
    }
    resizeDocks({m_classesDock, m_inspectorDock}, {left, right}, Qt::Horizontal);
    int bottom = height() * 40 / 100;
    for (QDockWidget *dock : std::initializer_list<QDockWidget *>{m_difficultyDock, m_captionsDock, m_rulesDock,
                                                                  m_interventionsDock, m_modelsDock, m_jobsDock})
        bottom = std::max(bottom, content(dock).height());
    resizeDocks({m_difficultyDock}, {std::min(bottom, std::max(height() - centre.height() - 80, height() * 40 / 100))},
                Qt::Vertical);
    // Under the gallery: the slider and the caption tabs share the width by what they need.
    int captions = 0;
    for (QDockWidget *dock : std::initializer_list<QDockWidget *>{m_captionsDock, m_rulesDock, m_interventionsDock,
                                                                  m_modelsDock})
        captions = std::max(captions, content(dock).width());
    const int under = std::max(1, width() - left - right);
    const int slider = std::max(1, content(m_difficultyDock).width());
    resizeDocks({m_difficultyDock}, {std::max(slider, under * slider / std::max(1, slider + captions))}, Qt::Horizontal);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open dataset folder…"), this, &MainWindow::chooseDataset);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    if (!bundledDemoDataset().isEmpty())
        file->addAction(tr("Open the &demo dataset"), this, [this] { m_session->openDemo(bundledDemoDataset()); });
    m_importAction = file->addAction(tr("&Import embeddings…"), this, &MainWindow::chooseEmbeddings);
    m_exportAction = file->addAction(tr("&Export hard subset…"), this, &MainWindow::exportHardSubset);
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    file->addSeparator();
    QAction *settings = file->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    settings->setShortcut(QKeySequence::Preferences);
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    // Tags: on the gallery's selection, one key each, undoable (by image id, across classes).
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undoStack->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undoStack->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addActions({undo, redo});
    edit->addSeparator();
    const auto tagAction = [this, edit](const QString &text, const QString &key, const QString &tag) {
        QAction *action = edit->addAction(text, this, [this, tag] { tagImages(m_galleryView->selectedPaths(), tag); });
        action->setShortcut(QKeySequence(key));
        m_tagActions << action;
    };
    tagAction(tr("Tag selection as &hard"), tr("H"), QStringLiteral("hard"));
    tagAction(tr("Tag selection as &OK"), tr("O"), QStringLiteral("ok"));
    tagAction(tr("&Clear the selection's tag"), tr("U"), QString());

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    m_analyzeAction = analysis->addAction(tr("&Run analysis…"), this, &MainWindow::runAnalysis);
    m_analyzeAction->setShortcut(QKeySequence(tr("Ctrl+R")));
    analysis->addAction(tr("Run &classifier…"), this, &MainWindow::runClassifier);
    analysis->addSeparator();
    m_nextClassAction = analysis->addAction(tr("&Next class"), this, &MainWindow::nextClass);
    m_nextClassAction->setShortcuts({QKeySequence(tr("Ctrl+PgDown")), QKeySequence(tr("Alt+Down"))});
    m_previousClassAction = analysis->addAction(tr("&Previous class"), this, &MainWindow::previousClass);
    m_previousClassAction->setShortcuts({QKeySequence(tr("Ctrl+PgUp")), QKeySequence(tr("Alt+Up"))});
    QAction *filter = analysis->addAction(tr("&Find class…"), m_classesDock, &ClassesDock::focusFilter);
    filter->setShortcut(QKeySequence::Find);
    QAction *search = analysis->addAction(tr("&Search images…"), this, [this] {
        m_searchDock->show();
        m_searchDock->raise();
        m_searchDock->queryEdit()->setFocus();
        m_searchDock->queryEdit()->selectAll();
    });
    search->setShortcut(QKeySequence(tr("Ctrl+Shift+F")));
    m_searchAction = search;
    analysis->addSeparator();
    QAction *harder = analysis->addAction(tr("Slider &harder"), m_difficultyDock, &DifficultyDock::harder);
    harder->setShortcut(QKeySequence(tr("Ctrl+]")));
    QAction *easier = analysis->addAction(tr("Slider &easier"), m_difficultyDock, &DifficultyDock::easier);
    easier->setShortcut(QKeySequence(tr("Ctrl+[")));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : docks())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addActions(m_galleryView->actions()); // thumbnail zoom
    m_viewMenu->addSeparator();
    // Saved views of this dataset: rebuilt each time the menu opens.
    QMenu *saved = m_viewMenu->addMenu(tr("Saved &views"));
    connect(saved, &QMenu::aboutToShow, this, [this, saved] {
        saved->clear();
        QAction *save = saved->addAction(tr("&Save current view…"), this, [this] {
            bool ok = false;
            const QString name = QInputDialog::getText(this, tr("Save view"), tr("Name of the view:"), QLineEdit::Normal,
                                                       m_session->selectedClass(), &ok).trimmed();
            if (ok && !name.isEmpty())
                saveCurrentView(name);
        });
        save->setEnabled(m_session->isOpen());
        const QStringList names = savedViewNames();
        if (names.isEmpty())
            return;
        saved->addSeparator();
        for (const QString &name : names)
            saved->addAction(name, this, [this, name] { applySavedView(name); });
        QMenu *remove = saved->addMenu(tr("&Delete"));
        for (const QString &name : names)
            remove->addAction(name, this, [this, name] { removeSavedView(m_session->root(), name); });
    });
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("Reset &layout"), this, &MainWindow::resetLayout);

    // The frequent actions one click away, with the platform's standard icons.
    m_mainToolBar = new QToolBar(tr("Main"));
    m_mainToolBar->setObjectName(QStringLiteral("MainToolBar"));
    m_mainToolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    const auto icon = [this](QStyle::StandardPixmap pixmap) { return style()->standardIcon(pixmap); };
    open->setIcon(icon(QStyle::SP_DirOpenIcon));
    m_analyzeAction->setIcon(icon(QStyle::SP_MediaPlay));
    m_exportAction->setIcon(icon(QStyle::SP_DialogSaveButton));
    search->setIcon(icon(QStyle::SP_FileDialogContentsView));
    m_previousClassAction->setIcon(icon(QStyle::SP_ArrowUp));
    m_nextClassAction->setIcon(icon(QStyle::SP_ArrowDown));
    m_mainToolBar->addActions({open, m_analyzeAction, m_exportAction});
    m_mainToolBar->addSeparator();
    m_mainToolBar->addActions({m_previousClassAction, m_nextClassAction, search});
    // Row one: the actions; then the model and run pickers (shown when there is a choice) and
    // the message bar, each in a row of its own so none is squeezed at 1024 px.
    insertToolBar(m_messageToolBar, m_mainToolBar);
    insertToolBar(m_messageToolBar, m_modelToolBar);
    insertToolBarBreak(m_modelToolBar);
    insertToolBarBreak(m_messageToolBar);
    m_viewMenu->insertAction(m_viewMenu->actions().value(0), m_mainToolBar->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Faultline"), this, [this] {
        auto *about = new AboutDialog(this);
        about->setAttribute(Qt::WA_DeleteOnClose);
        about->open();
    });
}

QString MainWindow::shortcutText(const QAction &action)
{
    // A standard key (QKeySequence::ZoomIn) often reads as one of the keys also set by hand.
    QStringList keys;
    for (const QKeySequence &key : action.shortcuts())
        keys << key.toString(QKeySequence::NativeText);
    keys.removeDuplicates();
    return keys.join(tr(" or "));
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard shortcuts"));
    auto *table = new QTableWidget(&dialog);
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QList<QAction *> actions;
    for (QAction *menu : menuBar()->actions())
        if (menu->menu())
            actions += menu->menu()->actions();
    for (QAction *action : actions) {
        if (action->shortcut().isEmpty() || action->text().isEmpty())
            continue;
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(action->text().remove(QLatin1Char('&'))));
        table->setItem(row, 1, new QTableWidgetItem(shortcutText(*action)));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog.resize(460, 420);
    dialog.exec();
}

QString MainWindow::activeJobText() const
{
    return m_jobStatus->text();
}

void MainWindow::openDataset(const QString &root)
{
    m_session->open(root);
}

void MainWindow::showMessage(const QString &text, int kind)
{
    m_messageBar->showMessage(text, MessageBar::Kind(kind));
}

void MainWindow::showError(const QString &message)
{
    statusBar()->showMessage(message, 10000);
    m_messageBar->showMessage(message, MessageBar::Kind::Error);
}

void MainWindow::resetLayout()
{
    for (QDockWidget *dock : docks()) {
        dock->setFloating(false);
        dock->show();
    }
    restoreState(m_defaultState, kStateVersion);
    applyDefaultDockSizes();
    m_layoutBeforeWelcome.clear();
    hideDocksForWelcome();
}

void MainWindow::hideDocksForWelcome()
{
    // The welcome page alone, not surrounded by empty grey docks (issue 15.7); the layout comes
    // back when a dataset opens.
    if (m_session->isOpen() || !m_layoutBeforeWelcome.isEmpty())
        return;
    m_layoutBeforeWelcome = saveState(kStateVersion);
    for (QDockWidget *dock : docks())
        dock->hide();
}

void MainWindow::nextClass()
{
    m_session->selectNeighbourClass(m_classesDock->classOrder(), +1);
}

void MainWindow::previousClass()
{
    m_session->selectNeighbourClass(m_classesDock->classOrder(), -1);
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
    auto *dialog = new AnalysisDialog(m_session->state(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        // The checkpoint chosen here is for this analysis; Settings keeps the user's default (issue 15.7).
        m_session->analyze(dialog->setup());
    });
    dialog->open();
}

void MainWindow::runClassifier()
{
    if (!m_session->isOpen()) {
        showError(tr("Open a dataset folder before running a classifier."));
        return;
    }
    auto *dialog = new ClassifierDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { m_session->predict(dialog->spec()); });
    dialog->open();
}

void MainWindow::exportHardSubset()
{
    if (m_session->runId() == 0) {
        showError(tr("Run an analysis before exporting a hard subset."));
        return;
    }
    auto *dialog = new ExportDialog(m_session->root(), m_session->projectPath(), m_session->runId(),
                                    m_session->selectedClass(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::jobStarted, m_jobsDock, &JobsDock::addJob);
    dialog->open();
}

void MainWindow::showSettings()
{
    // Parented to the window: a download still running when the dialog closes goes on.
    auto *dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::jobStarted, m_jobsDock, &JobsDock::addJob);
    dialog->open();
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
    m_welcome->setRecentDatasets(recent);
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
            m_welcome->setRecentDatasets({});
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
    m_exportAction->setEnabled(m_session->isOpen() && m_session->runId() != 0);
    const bool hasClasses = !m_session->classes().isEmpty();
    m_nextClassAction->setEnabled(hasClasses);
    m_previousClassAction->setEnabled(hasClasses);
    for (QAction *action : m_tagActions)
        action->setEnabled(hasClasses);
    if (m_searchAction)
        m_searchAction->setEnabled(m_session->isOpen() && m_session->runId() != 0);
}

void MainWindow::saveDatasetView()
{
    AppSettings::setThumbnailSize(m_galleryView->thumbnailSize());
    if (m_viewRoot.isEmpty())
        return;
    AppSettings::DatasetView view;
    view.className = m_session->selectedClass();
    view.runId = m_session->chosenRun();
    const std::optional<Split> split = m_galleryView->hardestModel()->splitFilter();
    view.split = split ? int(*split) : -1;
    view.sortKey = int(m_galleryView->hardestModel()->sortKey());
    AppSettings::setDatasetView(m_viewRoot, view);
}

QString MainWindow::runDescription(const RunInfo &run)
{
    // The run's parameters, one per line ("c_values: 0.01, 0.1, 1"), from its params JSON.
    QStringList lines{tr("Run %1 of %2, finished %3").arg(run.id).arg(run.predictionSet,
                                                                     QLocale().toString(run.finished.toLocalTime(), QLocale::ShortFormat))};
    const QJsonObject params = QJsonDocument::fromJson(run.params.toUtf8()).object();
    for (auto it = params.begin(); it != params.end(); ++it) {
        QString value;
        if (it->isArray()) {
            QStringList items;
            for (const QJsonValue &item : it->toArray())
                items << item.toVariant().toString();
            value = items.join(QStringLiteral(", "));
        } else {
            value = it->toVariant().toString();
        }
        lines << QStringLiteral("%1: %2").arg(it.key(), value);
    }
    return lines.join(QLatin1Char('\n'));
}

void MainWindow::restoreDatasetView(const QString &root)
{
    m_viewRoot = root;
    const AppSettings::DatasetView view = AppSettings::datasetView(root);
    m_restoreRun = view.runId;
    m_galleryView->setSplitFilter(view.split < 0 ? std::nullopt : std::optional<Split>(Split(view.split)));
    m_galleryView->setSortKey(GalleryModel::SortKey(view.sortKey));
    m_restoreClass = view.className;
}

void MainWindow::inClass(const QString &className, std::function<void()> action)
{
    if (className.isEmpty() || (className == m_session->selectedClass() && m_session->selected().images)) {
        action();
        return;
    }
    m_afterClassLoads = std::move(action); // a newer request replaces an older one
    m_session->setSelectedClass(className);
}

void MainWindow::saveCurrentView(const QString &name)
{
    if (!m_session->isOpen())
        return;
    SavedView view;
    view.name = name;
    view.className = m_session->selectedClass();
    view.split = m_galleryView->hardestModel()->splitFilter();
    view.filter = m_galleryView->hardestModel()->filter();
    view.sortKey = m_galleryView->hardestModel()->sortKey();
    view.ranges = m_galleryView->ranges();
    saveView(m_session->root(), view);
    statusBar()->showMessage(tr("Saved the view “%1”").arg(name), 5000);
}

QStringList MainWindow::savedViewNames() const
{
    QStringList names;
    if (m_session->isOpen())
        for (const SavedView &view : loadSavedViews(m_session->root()))
            names << view.name;
    return names;
}

bool MainWindow::applySavedView(const QString &name)
{
    if (!m_session->isOpen())
        return false;
    for (const SavedView &view : loadSavedViews(m_session->root())) {
        if (view.name != name)
            continue;
        // The gallery's settings first: they survive the class being loaded.
        m_galleryView->setSplitFilter(view.split);
        m_galleryView->setFilter(view.filter);
        m_galleryView->setSortKey(view.sortKey);
        m_galleryView->setRanges(view.ranges);
        if (!view.className.isEmpty())
            m_session->setSelectedClass(view.className);
        return true;
    }
    return false;
}

void MainWindow::tagImages(const QStringList &absolutePaths, const QString &tag)
{
    QHash<qint64, QString> before;
    const QHash<QString, qint64> ids = m_session->selectedImageIds(absolutePaths);
    for (auto it = ids.cbegin(); it != ids.cend(); ++it)
        before.insert(it.value(), m_session->selected().tags.value(it.key()));
    if (!before.isEmpty())
        m_undoStack->push(new TagCommand(m_session, std::move(before), tag));
}

bool MainWindow::event(QEvent *event)
{
    // Tabified docks: tabs show their whole title and scroll, instead of "Ca…" "Se…" at 1024 px.
    if (event->type() == QEvent::ChildPolished)
        if (auto *tabs = qobject_cast<QTabBar *>(static_cast<QChildEvent *>(event)->child())) {
            tabs->setElideMode(Qt::ElideNone);
            tabs->setUsesScrollButtons(true);
        }
    return QMainWindow::event(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveDatasetView();
    QSettings settings;
    settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
    // Closed from the welcome page: the layout the docks had, not the hidden one.
    settings.setValue(QLatin1String(kStateKey), m_layoutBeforeWelcome.isEmpty() ? saveState(kStateVersion) : m_layoutBeforeWelcome);
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
