#pragma once

#include "captions/CaptionVocabulary.h"
#include "interpret/CaptionRanking.h"

#include <QDockWidget>
#include <QPointer>

#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QCPGraph;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;
class QStackedWidget;
class QTreeWidget;

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
struct CaptionValidationSet;

// What the selected class's failure direction means in words (paper Sec. 2.2): the candidate
// captions of a vocabulary ranked by the class SVM, Hard (most negative first) beside Easy
// (most positive first). Stored scores show at once; otherwise the ranking runs as a job with
// the run's CLIP text model. Choosing a caption shows the test images nearest to it and its
// validation curve: the classifier's accuracy over the K nearest images, K = 10 … all, beside
// the reference caption's (a real failure caption's curve lies below).
class CaptionsDock : public QDockWidget
{
    Q_OBJECT
public:
    CaptionsDock(RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent = nullptr);
    ~CaptionsDock() override;

    // `images`: every split of the class, with raw embeddings; projectPath: the ProjectStore.
    void showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                   const QString &projectPath, qint64 runId);
    void clearClass();

    // A built-in vocabulary name or a vocabulary file; a file that cannot be read shows its error.
    void setVocabulary(const QString &nameOrPath);
    // The reference caption t₀; empty restores the vocabulary's.
    void setReferenceCaption(const QString &text);
    // Ranks the captions again with the text model (ignoring stored scores).
    void rankAgain();
    // Shows the nearest images and the validation curve of a caption.
    void chooseCaption(const QString &caption);
    // Generates images of the class (into the Generated tab): from the chosen caption, from the
    // top hard, easy and reference captions (paper 000 A.7), or from the backgrounds its
    // failures were matched to (paper 002 Sec. 4.3).
    enum class GenerateFrom { ChosenCaption, TopCaptions, FailureBackgrounds };
    void generate(GenerateFrom from);

    QTreeWidget *hardList() const { return m_hardList; }
    QTreeWidget *easyList() const { return m_easyList; }
    NeighborListModel *nearestModel() const { return m_nearest; }
    QCustomPlot *validationPlot() const { return m_plot; }
    QComboBox *vocabularyCombo() const { return m_vocabularyCombo; }
    QLineEdit *referenceEdit() const { return m_referenceEdit; }
    QString chosenCaption() const { return m_chosen; }
    QToolButton *generateButton() const { return m_generateButton; }
    GeneratedSamplesPanel *samplesPanel() const { return m_samplesPanel; }
    ImageResultTabs *resultTabs() const { return m_results; }
    QString referenceCaption() const;
    QString messageText() const;   // an error shown in place, or empty
    QString summaryText() const;
    QString modelStatusText() const;
    QString emptyStateText() const; // empty while a class is shown
    bool scoresFromStore() const { return m_fromStore; }
    bool isBusy() const;

    static constexpr int kShownPerSide = 25;  // captions per list
    static constexpr int kNearestImages = 24; // tiles for the chosen caption

Q_SIGNALS:
    void imageActivated(const QString &absolutePath);

private:
    void buildUi();
    void refresh();
    void resetValidationPlot();
    void loadStoredOrRank();
    void tryRank();
    void tryCaption();
    void showRanking(const QVector<RankedCaption> &ranked, double cv, bool fromStore);
    void showMessage(const QString &message);
    void onVocabularyActivated(int index);
    void onCaptionSelected(QTreeWidget *list);
    void setupPlot();

    RunTextModel *m_textModel;
    ThumbnailCache *m_cache;
    std::shared_ptr<const RunClassImages> m_images;
    std::shared_ptr<const CaptionValidationSet> m_validation;
    QString m_root, m_projectPath, m_className;
    qint64 m_runId = 0;
    std::optional<CaptionVocabulary> m_vocabulary;
    QString m_vocabularySource; // the name or file last chosen
    QString m_vocabularyError;  // why it cannot be used, empty when it can
    QString m_customReference;  // empty: the vocabulary's
    QVector<RankedCaption> m_ranked;
    QString m_chosen;
    bool m_fromStore = false;
    bool m_wantRank = false;
    bool m_wantCaption = false;
    quint64 m_rankGeneration = 0;
    quint64 m_captionGeneration = 0;
    QPointer<BackgroundJob> m_rankJob;
    QPointer<BackgroundJob> m_captionJob;

    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QComboBox *m_vocabularyCombo = nullptr;
    QLineEdit *m_referenceEdit = nullptr;
    QPushButton *m_rankButton = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_summary = nullptr;
    TextModelStatus *m_status = nullptr;
    QTreeWidget *m_hardList = nullptr;
    QTreeWidget *m_easyList = nullptr;
    NeighborListModel *m_nearest = nullptr;
    TileStripView *m_nearestView = nullptr;
    ImageResultTabs *m_results = nullptr; // nearest real images | generated samples
    GeneratedSamplesPanel *m_samplesPanel = nullptr;
    QToolButton *m_generateButton = nullptr;
    QAction *m_generateFromChosen = nullptr;
    QCustomPlot *m_plot = nullptr;
    QCPGraph *m_captionCurve = nullptr;
    QCPGraph *m_referenceCurve = nullptr;
};

} // namespace faultline
