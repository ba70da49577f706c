#pragma once

#include "dataset/Split.h"

#include <Eigen/Core>
#include <QDockWidget>
#include <QPointer>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QStackedWidget;

namespace faultline {

class BackgroundJob;
class GeneratedSamplesPanel;
class ImageResultTabs;
class NeighborListModel;
class TileStripView;
class RunTextModel;
class TextModelStatus;
class ThumbnailCache;
struct RunClassImages;
struct SliderSpace;

// The difficulty slider (paper Sec. 2.2, App. A.6): the reference caption's CLIP embedding
// rotated toward the class's hard side (right) or easy side (left) — difficultyVector(), with
// negative difficulty = harder — and the k real images of one split nearest to it, updated
// live while dragging. Queries run off the GUI thread one at a time; while one runs only the
// latest slider value waits, so a drag never queues stale work and always ends on its last value.
class DifficultyDock : public QDockWidget
{
    Q_OBJECT
public:
    DifficultyDock(RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent = nullptr);
    ~DifficultyDock() override;

    // `images`: every split of the class, with raw embeddings; projectPath: the ProjectStore.
    void showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                   const QString &projectPath, qint64 runId);
    void clearClass();

    void setSplit(Split split);
    Split split() const { return m_split; }
    // −1 = hardest … 0 = the reference … +1 = easiest (the slider runs the other way: hardest right).
    void setDifficulty(double difficulty);
    double difficulty() const;
    // The difficulty whose images are shown; NaN while none are.
    double shownDifficulty() const { return m_shownDifficulty; }
    void setNearestCount(int k);
    int nearestCount() const { return m_k; }

    QSlider *slider() const { return m_slider; }
    QComboBox *splitCombo() const { return m_splitCombo; }
    QPushButton *generateButton() const { return m_generate; }
    GeneratedSamplesPanel *samplesPanel() const { return m_samplesPanel; }
    ImageResultTabs *resultTabs() const { return m_results; }
    NeighborListModel *nearestModel() const { return m_nearest; }
    QString alphaText() const;
    QString referenceText() const;
    QString messageText() const;    // an error shown in place, or empty
    QString modelStatusText() const;
    QString emptyStateText() const; // empty while a class is shown
    int queriesRun() const { return m_queriesRun; }

    static constexpr double kStep = 0.1; // harder() / easier()

public Q_SLOTS:
    void harder();
    void easier();

    // A large class's approximate index is being calibrated (the slider searches exactly meanwhile).
    bool isCalibrating() const;
    bool searchesApproximately() const;

Q_SIGNALS:
    void imageActivated(const QString &absolutePath);
    // A large class's approximate index is there: `active` when the slider now searches
    // approximately, `stored` when it was read from the project store instead of calibrated.
    void approximateIndexReady(bool active, bool stored);

private:
    void buildUi();
    void prepareSpace();
    void approximateSpace(std::shared_ptr<const SliderSpace> exact, quint64 generation);
    void resetReference();
    void embedReference();
    void requestQuery();
    void startQuery();
    void showMessage(const QString &message);
    void updateAlpha();
    void generateAtSlider();

    RunTextModel *m_textModel;
    ThumbnailCache *m_cache;
    std::shared_ptr<const RunClassImages> m_images;
    QString m_root, m_projectPath, m_reference;
    qint64 m_runId = 0;
    Split m_split = Split::Test;
    std::shared_ptr<const SliderSpace> m_space; // index and direction of the class+split
    Eigen::VectorXf m_referenceEmbedding;       // empty until embedded
    quint64 m_generation = 0;          // class, split or run changes: older results are dropped
    quint64 m_referenceGeneration = 0; // class, run or checkpoint changes
    QPointer<BackgroundJob> m_spaceJob;
    QPointer<BackgroundJob> m_approximateJob; // large classes: the approximate index, swapped in when calibrated
    QPointer<BackgroundJob> m_referenceJob;
    QPointer<BackgroundJob> m_queryJob;
    bool m_queryPending = false;
    double m_shownDifficulty;
    int m_k = 12;
    int m_queriesRun = 0;

    QStackedWidget *m_stack = nullptr;
    QWidget *m_interactive = nullptr; // slider and images: hidden while no text model can serve them
    QLabel *m_emptyLabel = nullptr;
    QComboBox *m_splitCombo = nullptr;
    QLabel *m_referenceLabel = nullptr;
    QLabel *m_alphaLabel = nullptr;
    QSlider *m_slider = nullptr;
    QPushButton *m_generate = nullptr;
    QLabel *m_message = nullptr;
    TextModelStatus *m_status = nullptr;
    NeighborListModel *m_nearest = nullptr;
    TileStripView *m_nearestView = nullptr;
    ImageResultTabs *m_results = nullptr;          // nearest real images | generated samples
    GeneratedSamplesPanel *m_samplesPanel = nullptr;
};

} // namespace faultline
