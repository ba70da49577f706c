#pragma once

#include "interpret/ClassMap.h"

#include <QDockWidget>
#include <QHash>
#include <QSet>
#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QCPCurve;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QPolygonF;
class QToolButton;

namespace faultline {

class BackgroundJob;
struct RunClassImages;

// The selected class on a 2-D map of its CLIP embeddings (PCA; computed in a job once and stored
// in the project), each image a dot coloured by correct/incorrect, decision value or tag. Drag a
// box, or draw a lasso, to select images: the gallery shows exactly them (selectionChosen); a
// click on a dot inspects it; the gallery's current image is ringed and the images selected in
// the gallery are highlighted on the map. Wheel zooms, Fit resets the view.
class EmbeddingMapDock : public QDockWidget
{
    Q_OBJECT
public:
    enum class Colouring { Correctness, DecisionValue, Tag };
    enum class Tool { Box, Lasso };

    explicit EmbeddingMapDock(QWidget *parent = nullptr);
    ~EmbeddingMapDock() override;

    void showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                   const QString &projectPath, qint64 runId);
    void clearClass();
    void setTags(const QHash<QString, QString> &tagOfPath); // absolute path → tag
    void setColouring(Colouring colouring);
    // PCA (default) or t-SNE (classes up to kMaxTsneRows images); the class is projected again.
    void setMethod(MapMethod method);
    MapMethod method() const;
    // Rings this image (absolute path) on the map; unknown paths clear the ring.
    void setCurrentImage(const QString &absolutePath);
    // Selects the images whose dots lie in the rectangle (map coordinates), as a box drag does.
    void selectRect(double x0, double y0, double x1, double y1);
    // Selects the images whose dots lie inside the polygon (map coordinates), as a lasso does.
    void selectPolygon(const QPolygonF &polygon);
    void setTool(Tool tool);
    // Highlights these images (absolute paths; others of the class are deselected) without
    // choosing them for the gallery: the gallery's selection shown on the map. An empty list
    // leaves the map's own selection as it is.
    void showSelectedImages(const QStringList &absolutePaths);
    int selectedCount() const; // dots selected (highlighted) now

    QCustomPlot *plot() const { return m_plot; }
    const std::vector<float> &coordinates() const { return m_xy; } // per image of the class, x y
    bool storedMap() const { return m_fromStore; }
    QString statusText() const;
    int pointCount() const; // dots drawn

Q_SIGNALS:
    void selectionChosen(const QString &title, const QSet<qint64> &imageIds);
    void imageActivated(const QString &absolutePath);
    void jobStarted(faultline::BackgroundJob *job);
    void mapShown();

private:
    void project(std::shared_ptr<const RunClassImages> images, const QString &projectPath, qint64 runId);
    void redraw();
    void fitView();
    void onSelectionChanged();
    void lassoPress(QMouseEvent *event);
    void lassoMove(QMouseEvent *event);
    void lassoRelease(QMouseEvent *event);
    void setSelectedRows(const std::vector<char> &selected); // per image row of the class
    QString pathOf(int row) const;

    QString m_root, m_projectPath;
    qint64 m_runId = 0;
    std::shared_ptr<const RunClassImages> m_shown;  // the class asked for (drawn once projected)
    std::shared_ptr<const RunClassImages> m_images; // the class drawn
    std::vector<float> m_xy;
    QHash<QString, int> m_rowOfPath; // absolute path → row of m_images
    bool m_fromStore = false;
    std::function<void()> m_pending; // the projection to start once the dock is shown
    QHash<QString, QString> m_tags;
    quint64 m_generation = 0;
    std::vector<std::vector<int>> m_rowsOfCurve; // per curve: the image row of each dot
    std::vector<QCPCurve *> m_curves;
    QCPCurve *m_lasso = nullptr;      // the lasso being drawn (pixel path kept in m_lassoPath)
    QPolygonF m_lassoPath;
    QCPCurve *m_current = nullptr;
    QComboBox *m_colouring = nullptr;
    QComboBox *m_method = nullptr;
    QComboBox *m_tool = nullptr;
    QToolButton *m_reset = nullptr;
    QLabel *m_status = nullptr;
    QCustomPlot *m_plot = nullptr;
};

} // namespace faultline
