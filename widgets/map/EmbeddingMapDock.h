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

// The selected class — or every class of the run — on a 2-D map of its CLIP embeddings (PCA or
// t-SNE; computed in a job once and stored in the project), each image a dot coloured by
// correct/incorrect, decision value, tag or (every class) class. Drag a box, or draw a lasso, to
// select images: the gallery shows exactly them (selectionChosen; on the whole-run map, those of
// the class most of them belong to, which becomes the selected class); a click on a dot inspects
// it; the gallery's current image is ringed and the images selected in the gallery are
// highlighted on the map. Wheel zooms, Fit resets the view.
class EmbeddingMapDock : public QDockWidget
{
    Q_OBJECT
public:
    enum class Colouring { Correctness, DecisionValue, Tag, Class }; // Class: the whole-run map only
    enum class Tool { Box, Lasso };
    enum class Scope { SelectedClass, WholeRun };

    explicit EmbeddingMapDock(QWidget *parent = nullptr);
    ~EmbeddingMapDock() override;

    void showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                   const QString &projectPath, qint64 runId);
    void clearClass();
    void setTags(const QHash<QString, QString> &tagOfPath); // absolute path → tag
    void setColouring(Colouring colouring);
    // PCA (default) or t-SNE (up to kMaxTsneRows images); the map is projected again.
    void setMethod(MapMethod method);
    MapMethod method() const;
    // The selected class (default) or every class of the run on one map, which stays as the
    // selected class changes.
    void setScope(Scope scope);
    Scope scope() const;
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
    const std::vector<float> &coordinates() const { return m_xy; } // per image drawn (mapImages()), x y
    const std::shared_ptr<const RunClassImages> &mapImages() const { return m_images; }
    bool storedMap() const { return m_fromStore; }
    QString statusText() const;
    int pointCount() const; // dots drawn

Q_SIGNALS:
    // The images selected on the map, to show in the gallery of `className`.
    void selectionChosen(const QString &className, const QString &title, const QSet<qint64> &imageIds);
    void imageActivated(const QString &absolutePath, const QString &className);
    void jobStarted(faultline::BackgroundJob *job);
    void mapShown();

private:
    void project(std::shared_ptr<const RunClassImages> images, const QString &projectPath, qint64 runId);
    void reproject();
    void redraw();
    void updateStatus();
    void fitView();
    void onSelectionChanged();
    void lassoPress(QMouseEvent *event);
    void lassoMove(QMouseEvent *event);
    void lassoRelease(QMouseEvent *event);
    void setSelectedRows(const std::vector<char> &selected); // per image row of the class
    QString pathOf(int row) const;

    QString m_root, m_projectPath;
    qint64 m_runId = 0;
    std::shared_ptr<const RunClassImages> m_shown;  // the selected class (drawn once projected)
    std::shared_ptr<const RunClassImages> m_images; // the images drawn: the class or the whole run
    std::vector<float> m_xy;
    QHash<QString, int> m_rowOfPath; // absolute path → row of m_images
    bool m_fromStore = false;
    std::function<void()> m_pending; // the projection to start once the dock is shown
    bool m_wholeRunAsked = false;    // the whole run's map is drawn, being made or pending
    QHash<QString, QString> m_tags;
    quint64 m_generation = 0;
    std::vector<std::vector<int>> m_rowsOfCurve; // per curve: the image row of each dot
    std::vector<QCPCurve *> m_curves;
    QCPCurve *m_lasso = nullptr;      // the lasso being drawn (pixel path kept in m_lassoPath)
    QPolygonF m_lassoPath;
    QCPCurve *m_current = nullptr;
    QComboBox *m_colouring = nullptr;
    QComboBox *m_method = nullptr;
    QComboBox *m_scope = nullptr;
    QToolButton *m_lassoTool = nullptr; // checked: lasso, else box
    QToolButton *m_reset = nullptr;
    QLabel *m_status = nullptr;
    QCustomPlot *m_plot = nullptr;
};

} // namespace faultline
