#pragma once

#include "gallery/GalleryModel.h"
#include "gallery/GalleryTileDelegate.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QListView;
class QSlider;
class QStackedWidget;
class QToolButton;

namespace faultline {

struct RunClassImages;
class BackgroundJob;
class CaptionMatcher;
class GalleryFilterPanel;
class RunTextModel;
class ThumbnailCache;

// The gallery of one class: its hardest images (most negative decision value first) next to
// its easiest, as virtualised icon-mode lists (100k images scroll smoothly: no per-row widgets,
// thumbnails decoded off the GUI thread as rows become visible). Split and correctness filters,
// thumbnail zoom (slider, Ctrl+= / Ctrl+-), multi-selection and a context menu (open, reveal,
// copy path, tag). The caller loads the class in a job and hands it to showClass().
class GalleryView : public QWidget
{
    Q_OBJECT
public:
    explicit GalleryView(QWidget *parent = nullptr, ThumbnailCache *cache = nullptr);
    ~GalleryView() override;

    // Shows the images of a class; relative paths are resolved against datasetRoot.
    void showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot);
    // The run's CLIP text tower, which embeds the Filters popup's caption.
    void setTextModel(RunTextModel *model);
    // Back to the "select a class" state.
    void clearClass();

    ThumbnailCache *thumbnailCache() const { return m_cache; }
    GalleryModel *hardestModel() const { return m_hardest; }
    GalleryModel *easiestModel() const { return m_easiest; }
    QListView *hardestView() const { return m_hardestView; }
    QListView *easiestView() const { return m_easiestView; }

    int thumbnailSize() const { return m_thumbnailSize; }
    void setThumbnailSize(int size);
    void setFilter(GalleryModel::Filter filter);
    void setSplitFilter(std::optional<Split> split);
    // Hardest first by the paper's decision value or by hardness (offered when the run has it).
    void setSortKey(GalleryModel::SortKey key);
    QComboBox *sortCombo() const { return m_sortCombo; }
    void setTags(const QHash<QString, QString> &tagOfPath); // absolute path → "hard" | "ok"
    void setConfidences(const QHash<QString, double> &confidenceOfPath); // absolute path → confidence
    // The Filters popup's ranges and predicted class (what the popup shows too).
    void setRanges(const GalleryRanges &ranges);
    GalleryRanges ranges() const;
    GalleryFilterPanel *filterPanel() const { return m_filterPanel; }
    // Only these images of the class, every split, under a bar naming them (`title`) with a way
    // back; another class or clearSubset() shows the whole class again.
    void showSubset(const QString &title, const QSet<qint64> &imageIds);
    void clearSubset();
    QString subsetTitle() const; // empty when the whole class is shown

    QStringList selectedPaths() const; // of the list that has (or last had) the focus
    QString currentPath() const;
    QString emptyStateText() const; // empty when images are shown

    void zoomIn();
    void zoomOut();

Q_SIGNALS:
    void imageActivated(const QString &path);
    // The current image of the focused list; sourceRow indexes the RunClassImages shown.
    void currentImageChanged(const QString &path, int sourceRow);
    // The selected images of the list the user selects in (absolute paths), e.g. for the map.
    void selectedImagesChanged(const QStringList &paths);
    void tagRequested(const QStringList &paths, const QString &tag); // "hard", "ok" or "" (clear)
    void moreLikeRequested(const QString &path);                     // search for similar images
    void splitFilterChanged(const QString &splitName);              // "" = all splits
    void jobStarted(faultline::BackgroundJob *job);                  // matching a caption

private:
    QListView *makeView(GalleryModel *model);
    void updateState();
    void applyRanges(const GalleryRanges &ranges);
    void applyCaptionMatch(const GalleryRanges &ranges);
    void scrollToStart();
    void showContextMenu(QListView *view, const QPoint &pos);
    QStringList pathsFor(QListView *view, const QModelIndex &clicked) const;
    void applyThumbnailSize();

    ThumbnailCache *m_cache = nullptr;
    GalleryModel *m_hardest = nullptr;
    GalleryModel *m_easiest = nullptr;
    QListView *m_hardestView = nullptr;
    QListView *m_easiestView = nullptr;
    QListView *m_lastFocused = nullptr;
    GalleryTileDelegate *m_delegate = nullptr;
    QComboBox *m_splitCombo = nullptr;
    QComboBox *m_filterCombo = nullptr;
    QComboBox *m_sortCombo = nullptr;
    GalleryFilterPanel *m_filterPanel = nullptr;
    CaptionMatcher *m_captionMatcher = nullptr;
    QToolButton *m_filtersButton = nullptr;
    QSlider *m_zoom = nullptr;
    QLabel *m_summary = nullptr;
    QWidget *m_subsetBar = nullptr;
    QLabel *m_subsetTitle = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QStackedWidget *m_stack = nullptr;
    QString m_className;
    bool m_hasClass = false;
    int m_thumbnailSize = 96;
};

} // namespace faultline
