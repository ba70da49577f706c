#pragma once

#include <QByteArray>
#include <QMainWindow>
#include <functional>

class QLabel;
class QMenu;
class QAction;
class QComboBox;
class QMimeData;
class QStackedWidget;
class QToolBar;
class QUndoStack;

namespace faultline {

class CaptionsDock;
class ClassesDock;
class DifficultyDock;
class GalleryView;
class InspectorDock;
class InterventionsDock;
class JobsDock;
class ModelsDock;
class RulesDock;
class SearchDock;
struct RunInfo;
class EmbeddingMapDock;
class ConfusionDock;
class MessageBar;
class ProjectSession;
class RunTextModel;
class ThumbnailCache;
class WelcomePage;

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
    GalleryView *galleryView() const { return m_galleryView; }
    DifficultyDock *difficultyDock() const { return m_difficultyDock; }
    CaptionsDock *captionsDock() const { return m_captionsDock; }
    RunTextModel *textModel() const { return m_textModel; }
    InspectorDock *inspectorDock() const { return m_inspectorDock; }
    JobsDock *jobsDock() const { return m_jobsDock; }
    InterventionsDock *interventionsDock() const { return m_interventionsDock; }
    ModelsDock *modelsDock() const { return m_modelsDock; }
    RulesDock *rulesDock() const { return m_rulesDock; }
    SearchDock *searchDock() const { return m_searchDock; }
    EmbeddingMapDock *mapDock() const { return m_mapDock; }
    ConfusionDock *confusionDock() const { return m_confusionDock; }
    QComboBox *modelSwitcher() const { return m_modelCombo; }
    QComboBox *runPicker() const { return m_runCombo; }
    QToolBar *mainToolBar() const { return m_mainToolBar; }
    QUndoStack *undoStack() const { return m_undoStack; }
    MessageBar *messageBar() const { return m_messageBar; }
    WelcomePage *welcomePage() const { return m_welcome; }
    QString activeJobText() const;
    // An action's shortcuts as the Keyboard shortcuts list shows them: "Ctrl+= or Ctrl++".
    static QString shortcutText(const QAction &action);
    QStringList recentDatasets() const;
    QStringList savedViewNames() const; // of the open dataset

public Q_SLOTS:
    void openDataset(const QString &root);
    void showError(const QString &message);
    void resetLayout();
    void nextClass();
    void previousClass();
    void inspectImage(const QString &absolutePath);
    // Tags these images of the selected class ("" clears), as a step of undoStack().
    void tagImages(const QStringList &absolutePaths, const QString &tag);
    // View ▸ Saved views: the class and the gallery's split, Show, sort and Filters, by name.
    void saveCurrentView(const QString &name);
    bool applySavedView(const QString &name);

protected:
    bool event(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    // A run's parameters for the run picker's tooltip.
    static QString runDescription(const RunInfo &run);
    // The open dataset's class, gallery split, sort and zoom, kept for the next time it is opened.
    void saveDatasetView();
    void restoreDatasetView(const QString &root);
    void createDocks();
    void hideDocksForWelcome();
    // Runs `action` on class `className`'s views: now when it is the one shown, else after
    // selecting it and its images have loaded (a search hit or a confusion cell of another class).
    void inClass(const QString &className, std::function<void()> action);
    void createModelSwitcher();
    void applyDefaultDockSizes();
    void createMenus();
    void connectClassViews();
    void chooseDataset();
    void chooseEmbeddings();
    void runAnalysis();
    void runClassifier();
    void exportHardSubset();
    void showSettings();
    void showShortcuts();
    void rememberRecent(const QString &root);
    void updateRecentMenu();
    void updateTitle();
    void updateActions();
    void showMessage(const QString &text, int kind);
    QList<class QDockWidget *> docks() const;

    ProjectSession *m_session;
    ThumbnailCache *m_thumbnails = nullptr;
    WelcomePage *m_welcome = nullptr;
    ClassesDock *m_classesDock = nullptr;
    GalleryView *m_galleryView = nullptr;
    DifficultyDock *m_difficultyDock = nullptr;
    CaptionsDock *m_captionsDock = nullptr;
    RunTextModel *m_textModel = nullptr;
    InspectorDock *m_inspectorDock = nullptr;
    JobsDock *m_jobsDock = nullptr;
    InterventionsDock *m_interventionsDock = nullptr;
    ModelsDock *m_modelsDock = nullptr;
    RulesDock *m_rulesDock = nullptr;
    SearchDock *m_searchDock = nullptr;
    EmbeddingMapDock *m_mapDock = nullptr;
    ConfusionDock *m_confusionDock = nullptr;
    std::function<void()> m_afterClassLoads; // inClass()'s action, once its class has loaded
    QUndoStack *m_undoStack = nullptr;    // the tag steps (Edit ▸ Undo/Redo)
    QList<QAction *> m_tagActions;
    QToolBar *m_mainToolBar = nullptr;   // open, analyse, export, classes, search
    QToolBar *m_modelToolBar = nullptr;
    QComboBox *m_modelCombo = nullptr;  // the model switcher: one entry per prediction set
    QComboBox *m_runCombo = nullptr;    // the run picker: the current model's completed runs
    qint64 m_restoreRun = 0;            // the run to show once the dataset's runs are known
    MessageBar *m_messageBar = nullptr;
    QToolBar *m_messageToolBar = nullptr;
    QLabel *m_jobStatus = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_analyzeAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_searchAction = nullptr;
    QAction *m_nextClassAction = nullptr;
    QAction *m_previousClassAction = nullptr;
    QStackedWidget *m_centre = nullptr;  // the welcome page, then the gallery
    QByteArray m_defaultState;
    QByteArray m_layoutBeforeWelcome; // the docks' layout while the welcome page hides them
    bool m_restoredLayout = false; // the user's saved layout was restored
    bool m_layoutRestoreTried = false; // at the first show, when the docks have the window's size
    QString m_viewRoot;     // the dataset whose view saveDatasetView() keeps
    QString m_restoreClass; // selected once the classes of the dataset just opened are loaded
    bool m_selectStrongest = false; // the demo's analysis: select its strongest failure mode once in
    bool m_sizedDocks = false;
    bool m_sizedForClass = false;   // the default dock sizes were applied to a shown class
    bool m_offerSetup = false;     // the next state of a just-opened dataset may open the analysis dialog
};

// A dataset folder dropped onto the window, or empty when the drop holds none.
QString droppedFolder(const QMimeData *mime);

} // namespace faultline
