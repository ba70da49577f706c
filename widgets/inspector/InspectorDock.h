#pragma once

#include "gallery/GalleryModel.h"
#include "retrieval/EmbeddingIndex.h"

#include <QDockWidget>
#include <QHash>
#include <QPixmap>

#include <memory>
#include <vector>

class QFormLayout;
class QGridLayout;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace faultline {

class BackgroundJob;
struct RunClassImages;
class ThumbnailCache;

// Paints one pixmap scaled to fit (aspect kept, centred, high-DPI aware) and tells when it
// needs a different decode size.
class ImagePreview : public QWidget
{
    Q_OBJECT
public:
    explicit ImagePreview(QWidget *parent = nullptr);
    void setPixmap(const QPixmap &pixmap);
    const QPixmap &pixmap() const { return m_pixmap; }
    int decodeSize() const; // the square (device-independent pixels) a decode should fit
    QSize sizeHint() const override;

Q_SIGNALS:
    void decodeSizeChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QPixmap m_pixmap;
    int m_lastDecodeSize = 0;
};

// The current image of the gallery, large, with its label, prediction, correctness, decision
// value, split and path, and its k = 8 nearest neighbours by cosine among the class's images
// (an EmbeddingIndex built once per class, off the GUI thread; each search runs in a job too).
class InspectorDock : public QDockWidget
{
    Q_OBJECT
public:
    static constexpr int kNeighbours = 8;

    explicit InspectorDock(QWidget *parent = nullptr, ThumbnailCache *cache = nullptr);
    ~InspectorDock() override;

    // Keeps `images` (shared with the other class views) for its index job: nothing is copied.
    void showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot);
    void clearClass();
    // Shows the image with this absolute path (one of the class's); false if it is not.
    bool setCurrentImage(const QString &absolutePath);
    // Optional: the classifier's confidence per absolute path, shown when known.
    void setConfidences(QHash<QString, double> confidences);
    // The user's tags per absolute path ("hard" | "ok").
    void setTags(QHash<QString, QString> tags);

    QString currentPath() const { return m_currentPath; }
    bool indexReady() const { return m_indexReady; }
    QStringList neighbourPaths() const; // of the current image, best first
    std::vector<float> neighbourCosines() const;
    QString fieldText(const QString &name) const; // "label", "prediction", "correct", "decision", "hardness", "split", "tag", "path", "confidence"
    ImagePreview *preview() const { return m_preview; }

Q_SIGNALS:
    void neighbourActivated(const QString &path);
    void imageActivated(const QString &path);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void layoutNeighbours();
    void updateFields();
    void updatePreview();
    void searchNeighbours();
    void showNeighbours(const std::vector<EmbeddingIndex::Neighbor> &neighbours);
    void refreshNeighbourIcons();

    ThumbnailCache *m_cache = nullptr;
    std::shared_ptr<const GalleryModel::Items> m_items;
    QHash<QString, int> m_rowOfPath;
    std::shared_ptr<const EmbeddingIndex> m_index;
    bool m_indexReady = false;
    quint64 m_classGeneration = 0;
    quint64 m_searchGeneration = 0;
    std::unique_ptr<BackgroundJob> m_indexJob;
    std::unique_ptr<BackgroundJob> m_searchJob;
    QHash<QString, double> m_confidences;
    QHash<QString, QString> m_tags;
    QString m_currentPath;
    int m_currentRow = -1;
    std::vector<EmbeddingIndex::Neighbor> m_neighbours; // rows of m_items

    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyLabel = nullptr;
    ImagePreview *m_preview = nullptr;
    QHash<QString, QLabel *> m_fields;
    QLabel *m_confidenceCaption = nullptr;
    QLabel *m_hardnessCaption = nullptr;
    QLabel *m_neighboursStatus = nullptr;
    std::vector<QToolButton *> m_neighbourButtons;
    QGridLayout *m_neighbourGrid = nullptr;
    int m_neighbourColumns = 0; // as many as the dock's width holds, 1 to 4
};

} // namespace faultline
