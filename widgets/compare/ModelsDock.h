#pragma once

#include <QDockWidget>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace faultline {

class GalleryModel;
class ProjectSession;
class ThumbnailCache;
class TileStripView;
struct ModelComparison;

// The project's models side by side (issue 13; paper 002 Fig. 4): a heatmap of how much their
// failures on the test split overlap (IoU of the misclassified images; the diagonal is each
// model's accuracy), for all classes or one. Clicking a cell shows the images both models get
// wrong (a diagonal cell: that model's errors) below it; double-click opens one in the inspector.
class ModelsDock : public QDockWidget
{
    Q_OBJECT
public:
    ModelsDock(ProjectSession *session, ThumbnailCache *thumbnails, QWidget *parent = nullptr);

    QTableWidget *heatmap() const { return m_heatmap; }
    QComboBox *classCombo() const { return m_class; }
    GalleryModel *imagesModel() const { return m_images; }
    QString statusText() const;

Q_SIGNALS:
    void imageActivated(const QString &absolutePath);

private:
    void showComparison(const std::shared_ptr<const ModelComparison> &comparison);
    void fillHeatmap();
    void showCell(int row, int column);

    ProjectSession *m_session;
    QPushButton *m_compare = nullptr;
    QComboBox *m_class = nullptr;
    QTableWidget *m_heatmap = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_cellTitle = nullptr;
    GalleryModel *m_images = nullptr;
    TileStripView *m_strip = nullptr;
    std::shared_ptr<const ModelComparison> m_comparison;
    QStringList m_models; // the state's, to compare again when they change
};

} // namespace faultline
