#pragma once

#include <QDockWidget>
#include <QSet>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace faultline {

class BackgroundJob;
class NeighborListModel;
class RunTextModel;
class ThumbnailCache;
class TileStripView;
struct ClassFailureRules;
struct RunClassImages;

// The selected class's failures as Barlow's rules (paper 003): a depth-1..3 decision tree over
// concept cosines (the run's CLIP text tower; the embedding's dimensions where the run has none),
// drawn as a tree — each node its condition, n, error rate and error coverage — beside its
// leaves by importance. Choosing a leaf shows its images in the gallery (leafChosen); choosing
// any node shows the images that match its feature most and least (Barlow's "most activating
// images"). The tree is fitted in a cancellable job on the run's fit split.
class RulesDock : public QDockWidget
{
    Q_OBJECT
public:
    RulesDock(RunTextModel *textModel, ThumbnailCache *thumbnails, QWidget *parent = nullptr);
    ~RulesDock() override;

    void showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                   const QString &projectPath, qint64 runId);
    void clearClass();
    // Fits the tree again with the controls' settings.
    void explain();

    QTreeWidget *tree() const { return m_tree; }
    QTableWidget *leaves() const { return m_leaves; }
    QComboBox *featuresCombo() const { return m_features; }
    QSpinBox *depthSpin() const { return m_depth; }
    NeighborListModel *mostMatching() const { return m_most; }
    NeighborListModel *leastMatching() const { return m_least; }
    QString statusText() const;
    // Chooses the leaf at `rank` (0 = the most important) as a click on it does.
    void chooseLeaf(int rank);

Q_SIGNALS:
    void leafChosen(const QString &title, const QSet<qint64> &imageIds);
    void imageActivated(const QString &absolutePath);
    void jobStarted(faultline::BackgroundJob *job);

private:
    void showRules(std::shared_ptr<const ClassFailureRules> rules);
    void addNode(QTreeWidgetItem *parent, int node, const QString &condition);
    void chooseNode(int node);
    void showMatching(int feature);
    void updateFeatureChoice();

    RunTextModel *m_textModel;
    QString m_root, m_projectPath;
    qint64 m_runId = 0;
    std::shared_ptr<const RunClassImages> m_images;
    std::shared_ptr<const ClassFailureRules> m_rules;
    quint64 m_generation = 0;
    bool m_wantExplain = false; // explain once the text model has loaded (or failed to)
    BackgroundJob *m_job = nullptr;

    QComboBox *m_features = nullptr;
    QSpinBox *m_depth = nullptr;
    QSpinBox *m_k = nullptr;
    QPushButton *m_explain = nullptr;
    QLabel *m_status = nullptr;
    QTreeWidget *m_tree = nullptr;
    QTableWidget *m_leaves = nullptr;
    QLabel *m_matchingTitle = nullptr;
    NeighborListModel *m_most = nullptr;
    NeighborListModel *m_least = nullptr;
    TileStripView *m_mostStrip = nullptr;
    TileStripView *m_leastStrip = nullptr;
};

} // namespace faultline
