#pragma once

#include <QDockWidget>
#include <QHash>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace faultline {

class BackgroundJob;
class NeighborListModel;
class RunSearchSpace;
class RunTextModel;
class ThumbnailCache;
class TileStripView;
struct SearchHit;

// Search the run's images by CLIP: a text ("a boot on grass", embedded with the run's text
// tower) or an image ("more like this", from the gallery's context menu), over the selected
// class or every class. The index of a scope is built once per run in a job (RunSearchSpace),
// every query also runs in a job, so typing never waits on the text tower.
class SearchDock : public QDockWidget
{
    Q_OBJECT
public:
    enum class Scope { SelectedClass, WholeRun };

    SearchDock(RunTextModel *textModel, ThumbnailCache *thumbnails, QWidget *parent = nullptr);
    ~SearchDock() override;

    // The run searched (a new run drops the built indexes) and the class "selected class" means.
    void setRun(const QString &datasetRoot, const QString &projectPath, qint64 runId);
    void setSelectedClass(const QString &className);
    void clear();

    void setScope(Scope scope);
    Scope scope() const;
    // Searches the text in the query field / the images most like `absolutePath`.
    void searchText();
    void moreLike(const QString &absolutePath);

    QLineEdit *queryEdit() const { return m_query; }
    QComboBox *scopeCombo() const { return m_scope; }
    NeighborListModel *results() const { return m_results; }
    QStringList resultClasses() const; // the label of each result, in row order
    QString statusText() const;

Q_SIGNALS:
    // A result was opened: its absolute path and class (the window selects the class first
    // when it is another one).
    void imageActivated(const QString &absolutePath, const QString &className);
    void jobStarted(faultline::BackgroundJob *job);
    void finished(); // a search showed its results or its error

private:
    struct Query;
    void run(const Query &query);
    void showHits(const QString &title, const std::vector<SearchHit> &hits);
    void updateControls();
    QString scopeKey(Scope scope) const;

    RunTextModel *m_textModel;
    QString m_root, m_projectPath, m_className;
    qint64 m_runId = 0;
    QHash<QString, std::shared_ptr<const RunSearchSpace>> m_spaces; // per scope key, this run
    quint64 m_generation = 0;
    BackgroundJob *m_job = nullptr;
    QStringList m_resultClasses;
    QLineEdit *m_query = nullptr;
    QComboBox *m_scope = nullptr;
    QComboBox *m_count = nullptr;
    QPushButton *m_search = nullptr;
    QLabel *m_status = nullptr;
    NeighborListModel *m_results = nullptr;
    TileStripView *m_strip = nullptr;
};

} // namespace faultline
