#include "map/EmbeddingMapDock.h"

#include "session/JobLauncher.h"
#include "support/QCustomPlotInclude.h"
#include "appearance/Appearance.h"
#include "common/JobControl.h"
#include "analysis/TsneProjection.h"
#include "interpret/ClassMap.h"
#include "interpret/RunImages.h"
#include "store/ProjectStore.h"

#include <QComboBox>
#include <QDir>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPolygonF>
#include <QToolButton>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>
#include <cmath>

namespace faultline {

namespace {

struct Category
{
    QString name;
    QColor colour;
};

constexpr int kDecisionBins = 5;

// Ten distinguishable hues (Tableau 10) for the classes; more classes reuse them darker.
QColor classColour(int index)
{
    static const QColor hues[] = {QColor(78, 121, 167), QColor(242, 142, 43), QColor(225, 87, 89), QColor(118, 183, 178),
                                  QColor(89, 161, 79), QColor(237, 201, 72), QColor(176, 122, 161), QColor(255, 157, 167),
                                  QColor(156, 117, 95), QColor(186, 176, 172)};
    const QColor hue = hues[index % 10];
    return index < 10 ? hue : hue.darker(100 + 40 * (index / 10));
}

} // namespace

EmbeddingMapDock::EmbeddingMapDock(QWidget *parent) : QDockWidget(tr("Map"), parent)
{
    setObjectName(QStringLiteral("mapDock"));
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    // Two short rows: the dock often shares the bottom with the slider at a third of the width.
    auto *row = new QHBoxLayout;
    auto *second = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Colour by:")));
    m_colouring = new QComboBox;
    m_colouring->addItem(tr("Correct / incorrect"), int(Colouring::Correctness));
    m_colouring->addItem(tr("Decision value"), int(Colouring::DecisionValue));
    m_colouring->addItem(tr("Tag"), int(Colouring::Tag));
    m_colouring->addItem(tr("Class"), int(Colouring::Class));
    row->addWidget(m_colouring);
    m_scope = new QComboBox;
    m_scope->setObjectName(QStringLiteral("MapScope"));
    m_scope->addItem(tr("This class"), int(Scope::SelectedClass));
    m_scope->addItem(tr("All classes"), int(Scope::WholeRun));
    m_scope->setToolTip(tr("The selected class's images, or every image of the run on one map"));
    m_method = new QComboBox;
    m_method->addItem(tr("PCA"), int(MapMethod::Pca));
    m_method->addItem(tr("t-SNE"), int(MapMethod::Tsne));
    m_method->setToolTip(tr("PCA: the two directions of largest variance (instant). t-SNE: neighbourhoods kept,"
                            " clusters apart (exact up to %1 images, Barnes–Hut up to %2; computed once and stored)")
                             .arg(QLocale().toString(kMaxExactTsneRows), QLocale().toString(kMaxTsneRows)));
    // Reset view sits beside the colouring, so neither row is wider than a third of 1024 px.
    m_reset = new QToolButton;
    m_reset->setText(tr("Fit"));
    m_reset->setToolTip(tr("Reset view: fit the whole map"));
    row->addWidget(m_reset);
    row->addStretch(1);
    second->addWidget(m_scope);
    second->addWidget(m_method);
    // One toggle rather than a labelled combo: the row stays within a third of 1024 px.
    m_lassoTool = new QToolButton;
    m_lassoTool->setText(tr("Lasso"));
    m_lassoTool->setCheckable(true);
    m_lassoTool->setToolTip(tr("Lasso: draw around the dots to select them. Off: drag a box."));
    second->addWidget(m_lassoTool);
    second->addStretch(1);
    layout->addLayout(row);
    layout->addLayout(second);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_plot = new QCustomPlot;
    m_plot->setMinimumSize(240, 180);
    m_plot->setInteractions(QCP::iSelectPlottables | QCP::iMultiSelect | QCP::iRangeZoom);
    m_plot->setSelectionRectMode(QCP::srmSelect);
    m_plot->xAxis->setLabel(tr("PC 1"));
    m_plot->yAxis->setLabel(tr("PC 2"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->setToolTip(tr("Drag a box or draw a lasso to show those images in the gallery; click a dot to inspect it;"
                          " the wheel zooms."));
    followPalette(m_plot);
    layout->addWidget(m_plot, 1);
    setWidget(page);

    connect(m_colouring, &QComboBox::currentIndexChanged, this, &EmbeddingMapDock::redraw);
    connect(m_method, &QComboBox::currentIndexChanged, this, &EmbeddingMapDock::reproject);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &EmbeddingMapDock::reproject);
    connect(m_lassoTool, &QToolButton::toggled, this, [this](bool lasso) {
        m_plot->setSelectionRectMode(lasso ? QCP::srmNone : QCP::srmSelect);
    });
    connect(m_plot, &QCustomPlot::mousePress, this, &EmbeddingMapDock::lassoPress);
    connect(m_plot, &QCustomPlot::mouseMove, this, &EmbeddingMapDock::lassoMove);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &EmbeddingMapDock::lassoRelease);
    connect(m_reset, &QToolButton::clicked, this, [this] {
        fitView();
        m_plot->replot();
    });
    connect(m_plot, &QCustomPlot::selectionChangedByUser, this, &EmbeddingMapDock::onSelectionChanged);
    connect(m_plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable *plottable, int dataIndex, QMouseEvent *) {
        const auto it = std::find(m_curves.begin(), m_curves.end(), plottable);
        if (it == m_curves.end())
            return;
        const std::vector<int> &rows = m_rowsOfCurve[size_t(it - m_curves.begin())];
        if (dataIndex >= 0 && dataIndex < int(rows.size()))
            Q_EMIT imageActivated(pathOf(rows[size_t(dataIndex)]), labelOf(*m_images, rows[size_t(dataIndex)]));
    });
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && m_pending)
            std::exchange(m_pending, nullptr)();
    });
    clearClass();
}

EmbeddingMapDock::~EmbeddingMapDock() = default;

QString EmbeddingMapDock::statusText() const
{
    return m_status->text();
}

int EmbeddingMapDock::pointCount() const
{
    int n = 0;
    for (const std::vector<int> &rows : m_rowsOfCurve)
        n += int(rows.size());
    return n;
}

QString EmbeddingMapDock::pathOf(int row) const
{
    return QDir(m_root).filePath(m_images->paths[row]);
}

void EmbeddingMapDock::clearClass()
{
    ++m_generation;
    m_pending = nullptr;
    m_wholeRunAsked = false;
    m_shown.reset();
    m_images.reset();
    m_rowOfPath.clear();
    m_xy.clear();
    m_fromStore = false;
    m_plot->clearPlottables();
    m_curves.clear();
    m_rowsOfCurve.clear();
    m_current = nullptr;
    m_lasso = nullptr;
    m_lassoPath.clear();
    m_plot->replot();
    m_status->setText(tr("Select a class to see its images on a map of their CLIP embeddings."));
}

void EmbeddingMapDock::showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot,
                                 const QString &projectPath, qint64 runId)
{
    // The whole run's map stays as another of its classes is selected.
    if (scope() == Scope::WholeRun && m_wholeRunAsked && runId == m_runId && projectPath == m_projectPath) {
        m_shown = std::move(images);
        updateStatus();
        return;
    }
    clearClass();
    m_root = datasetRoot;
    m_projectPath = projectPath;
    m_runId = runId;
    m_shown = images;
    // Class colours belong to the whole-run map.
    if (auto *model = qobject_cast<QStandardItemModel *>(m_colouring->model()))
        model->item(m_colouring->findData(int(Colouring::Class)))->setEnabled(scope() == Scope::WholeRun);
    if (scope() == Scope::SelectedClass && Colouring(m_colouring->currentData().toInt()) == Colouring::Class) {
        const QSignalBlocker blocker(m_colouring);
        m_colouring->setCurrentIndex(m_colouring->findData(int(Colouring::Correctness)));
    }
    // t-SNE is offered up to kMaxTsneRows images (the whole run's size is known once it is
    // loaded: a larger one says so instead of a map).
    const bool tsneFits = scope() == Scope::WholeRun || images->size() <= kMaxTsneRows;
    if (auto *model = qobject_cast<QStandardItemModel *>(m_method->model()))
        model->item(m_method->findData(int(MapMethod::Tsne)))->setEnabled(tsneFits);
    if (!tsneFits && method() == MapMethod::Tsne) {
        const QSignalBlocker blocker(m_method);
        m_method->setCurrentIndex(m_method->findData(int(MapMethod::Pca)));
    }
    // Projected only when the map is looked at (a hidden tab costs nothing), then stored.
    m_pending = [this, images, projectPath, runId] { project(images, projectPath, runId); };
    m_wholeRunAsked = scope() == Scope::WholeRun;
    if (isVisible())
        std::exchange(m_pending, nullptr)();
}

void EmbeddingMapDock::reproject()
{
    if (!m_shown)
        return;
    m_wholeRunAsked = false; // another projection or scope: not the map drawn or asked for now
    showClass(m_shown, m_root, m_projectPath, m_runId);
}

void EmbeddingMapDock::project(std::shared_ptr<const RunClassImages> images, const QString &projectPath, qint64 runId)
{
    const quint64 generation = m_generation;
    const MapMethod method = this->method();
    const bool wholeRun = scope() == Scope::WholeRun;
    auto result = std::make_shared<ClassMap>();
    auto mapped = std::make_shared<std::shared_ptr<const RunClassImages>>(images);
    m_status->setText(wholeRun ? tr("Projecting every class's images…")
                               : tr("Projecting %1's %n images…", nullptr, int(images->size())).arg(images->className));
    m_plot->replot();
    BackgroundJob *job = launchJob(
        this, wholeRun ? tr("Map of every class") : tr("Map of %1").arg(images->className),
        [=](JobControl &control) {
            ProjectStore store(projectPath);
            if (wholeRun)
                *mapped = std::make_shared<const RunClassImages>(loadRunImages(store, runId, &control));
            *result = classMap(store, runId, **mapped, method, &control);
        },
        [=] {
            if (generation != m_generation)
                return;
            m_images = *mapped;
            m_xy = result->xy;
            m_rowOfPath.clear();
            for (qsizetype i = 0; i < m_images->size(); ++i)
                m_rowOfPath.insert(pathOf(int(i)), int(i));
            const bool tsne = method == MapMethod::Tsne;
            m_plot->xAxis->setLabel(tsne ? tr("t-SNE 1") : tr("PC 1"));
            m_plot->yAxis->setLabel(tsne ? tr("t-SNE 2") : tr("PC 2"));
            m_fromStore = result->fromStore;
            redraw();
            fitView();
            m_plot->replot();
            Q_EMIT mapShown();
        },
        [=](const QString &message) {
            if (generation == m_generation)
                m_status->setText(message);
        });
    Q_EMIT jobStarted(job);
}

void EmbeddingMapDock::setTags(const QHash<QString, QString> &tagOfPath)
{
    m_tags = tagOfPath;
    if (Colouring(m_colouring->currentData().toInt()) == Colouring::Tag)
        redraw();
}

void EmbeddingMapDock::setMethod(MapMethod method)
{
    m_method->setCurrentIndex(m_method->findData(int(method)));
}

MapMethod EmbeddingMapDock::method() const
{
    return MapMethod(m_method->currentData().toInt());
}

void EmbeddingMapDock::setScope(Scope scope)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
}

EmbeddingMapDock::Scope EmbeddingMapDock::scope() const
{
    return Scope(m_scope->currentData().toInt());
}

void EmbeddingMapDock::setColouring(Colouring colouring)
{
    m_colouring->setCurrentIndex(m_colouring->findData(int(colouring)));
}

void EmbeddingMapDock::redraw()
{
    m_plot->clearPlottables();
    m_curves.clear();
    m_rowsOfCurve.clear();
    m_current = nullptr;
    m_lasso = nullptr;
    m_lassoPath.clear();
    if (!m_images) {
        m_plot->replot();
        return;
    }
    const RunClassImages &images = *m_images;
    const int n = int(images.size());
    const Colouring colouring = Colouring(m_colouring->currentData().toInt());
    std::vector<Category> categories;
    std::vector<int> categoryOf(static_cast<size_t>(n), 0);
    if (colouring == Colouring::Class && !images.labels.isEmpty()) {
        QHash<QString, int> indexOf; // the run's class order (loadRunImages)
        for (int i = 0; i < n; ++i) {
            const QString &label = images.labels[i];
            auto it = indexOf.constFind(label);
            if (it == indexOf.constEnd()) {
                it = indexOf.insert(label, int(categories.size()));
                categories.push_back({label, classColour(int(categories.size()))});
            }
            categoryOf[size_t(i)] = *it;
        }
    } else if (colouring == Colouring::Correctness || colouring == Colouring::Class) {
        categories = {{tr("correct"), QColor(46, 160, 67)}, {tr("incorrect"), QColor(218, 54, 51)}};
        for (int i = 0; i < n; ++i)
            categoryOf[size_t(i)] = images.correct[size_t(i)] ? 0 : 1;
    } else if (colouring == Colouring::Tag) {
        categories = {{tr("tagged hard"), QColor(218, 54, 51)}, {tr("tagged OK"), QColor(46, 160, 67)},
                      {tr("untagged"), QColor(140, 140, 140)}};
        for (int i = 0; i < n; ++i) {
            const QString tag = m_tags.value(pathOf(i));
            categoryOf[size_t(i)] = tag == QLatin1String("hard") ? 0 : tag == QLatin1String("ok") ? 1 : 2;
        }
    } else {
        // Quantile bins of the decision value, hardest (red) to easiest (blue); unfitted grey.
        std::vector<double> values;
        for (double v : images.decisionValues)
            if (std::isfinite(v))
                values.push_back(v);
        std::sort(values.begin(), values.end());
        std::vector<double> edges;
        for (int b = 1; b < kDecisionBins; ++b)
            edges.push_back(values.empty() ? 0.0 : values[values.size() * size_t(b) / kDecisionBins]);
        const QColor ramp[kDecisionBins] = {QColor(215, 48, 39), QColor(252, 141, 89), QColor(200, 200, 120),
                                            QColor(145, 191, 219), QColor(69, 117, 180)};
        const QLocale locale;
        for (int b = 0; b < kDecisionBins; ++b) {
            const QString low = b == 0 ? QStringLiteral("…") : locale.toString(edges[size_t(b - 1)], 'f', 2);
            const QString high = b == kDecisionBins - 1 ? QStringLiteral("…") : locale.toString(edges[size_t(b)], 'f', 2);
            categories.push_back({QStringLiteral("%1 – %2").arg(low, high), ramp[b]});
        }
        categories.push_back({tr("not fitted"), QColor(140, 140, 140)});
        for (int i = 0; i < n; ++i) {
            const double v = images.decisionValues[size_t(i)];
            categoryOf[size_t(i)] = !std::isfinite(v) ? kDecisionBins
                                                      : int(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
        }
    }
    m_rowsOfCurve.assign(categories.size(), {});
    for (int i = 0; i < n; ++i)
        m_rowsOfCurve[size_t(categoryOf[size_t(i)])].push_back(i);
    // Dots shrink as the class grows, so 100k points stay a picture rather than a blot.
    const double dot = n > 20000 ? 3 : n > 2000 ? 5 : 7;
    for (size_t c = 0; c < categories.size(); ++c) {
        auto *curve = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
        curve->setName(QStringLiteral("%1 (%2)").arg(categories[c].name, QLocale().toString(int(m_rowsOfCurve[c].size()))));
        curve->setLineStyle(QCPCurve::lsNone);
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, categories[c].colour, dot));
        curve->setSelectable(QCP::stMultipleDataRanges);
        auto *decorator = new QCPSelectionDecorator;
        decorator->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, m_plot->palette().color(QPalette::Highlight), dot + 2),
                                   QCPScatterStyle::spAll);
        curve->setSelectionDecorator(decorator);
        QVector<double> t, x, y;
        const std::vector<int> &rows = m_rowsOfCurve[c];
        t.reserve(qsizetype(rows.size()));
        for (size_t k = 0; k < rows.size(); ++k) {
            t << double(k); // the curve keeps dots in t order: a dot's index is its place in `rows`
            x << m_xy[size_t(rows[k]) * 2];
            y << m_xy[size_t(rows[k]) * 2 + 1];
        }
        curve->setData(t, x, y, true);
        if (rows.empty())
            curve->removeFromLegend();
        m_curves.push_back(curve);
    }
    // As many legend entries per row as fit whole (ten classes in one row cut their names).
    const QFontMetrics metrics(m_plot->legend->font());
    int widest = 1;
    for (const QCPCurve *curve : m_curves)
        widest = std::max(widest, metrics.horizontalAdvance(curve->name()) + 40); // + the dot and padding
    m_plot->legend->setWrap(std::max(1, (m_plot->width() - 16) / widest));
    m_current = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
    m_current->setLineStyle(QCPCurve::lsNone);
    m_current->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(m_plot->palette().color(QPalette::WindowText), 2),
                                               Qt::NoBrush, 16));
    m_current->setSelectable(QCP::stNone);
    m_current->removeFromLegend();
    updateStatus();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingMapDock::updateStatus()
{
    if (!m_images)
        return;
    const int n = int(m_images->size());
    const QString what = m_images->labels.isEmpty() ? m_images->className : tr("Every class");
    QString text = (method() == MapMethod::Tsne
                        ? tr("%1: %n images, t-SNE of their CLIP embeddings%2.", nullptr, n)
                        : tr("%1: %n images, PCA of their CLIP embeddings%2.", nullptr, n))
                       .arg(what, m_fromStore ? tr(" (stored)") : QString());
    if (!m_images->labels.isEmpty() && m_shown)
        text += QLatin1Char(' ') + tr("Gallery: %1.").arg(m_shown->className);
    m_status->setText(text);
}

void EmbeddingMapDock::fitView()
{
    if (m_xy.empty())
        return;
    double x0 = m_xy[0], x1 = m_xy[0], y0 = m_xy[1], y1 = m_xy[1];
    for (size_t i = 0; i + 1 < m_xy.size(); i += 2) {
        x0 = std::min<double>(x0, m_xy[i]), x1 = std::max<double>(x1, m_xy[i]);
        y0 = std::min<double>(y0, m_xy[i + 1]), y1 = std::max<double>(y1, m_xy[i + 1]);
    }
    const double mx = std::max(1e-6, (x1 - x0) * 0.05), my = std::max(1e-6, (y1 - y0) * 0.05);
    m_plot->xAxis->setRange(x0 - mx, x1 + mx);
    m_plot->yAxis->setRange(y0 - my, y1 + my);
}

void EmbeddingMapDock::setCurrentImage(const QString &absolutePath)
{
    if (!m_current || !m_images)
        return;
    // Called on every move of the gallery's current image: a lookup, not a scan of the class.
    QVector<double> t, x, y;
    if (const auto it = m_rowOfPath.constFind(absolutePath); it != m_rowOfPath.constEnd()) {
        t << 0;
        x << m_xy[size_t(*it) * 2];
        y << m_xy[size_t(*it) * 2 + 1];
    }
    m_current->setData(t, x, y, true);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingMapDock::selectRect(double x0, double y0, double x1, double y1)
{
    if (!m_images)
        return;
    if (x0 > x1)
        std::swap(x0, x1);
    if (y0 > y1)
        std::swap(y0, y1);
    std::vector<char> selected(m_xy.size() / 2, 0);
    for (size_t i = 0; i < selected.size(); ++i) {
        const float x = m_xy[i * 2], y = m_xy[i * 2 + 1];
        selected[i] = x >= x0 && x <= x1 && y >= y0 && y <= y1;
    }
    setSelectedRows(selected);
    m_plot->replot();
    onSelectionChanged();
}

void EmbeddingMapDock::selectPolygon(const QPolygonF &polygon)
{
    if (!m_images || polygon.size() < 3)
        return;
    const QRectF bounds = polygon.boundingRect();
    std::vector<char> selected(m_xy.size() / 2, 0);
    for (size_t i = 0; i < selected.size(); ++i) {
        const QPointF p(m_xy[i * 2], m_xy[i * 2 + 1]);
        selected[i] = bounds.contains(p) && polygon.containsPoint(p, Qt::OddEvenFill);
    }
    setSelectedRows(selected);
    m_plot->replot();
    onSelectionChanged();
}

void EmbeddingMapDock::setSelectedRows(const std::vector<char> &selected)
{
    for (size_t c = 0; c < m_curves.size(); ++c) {
        QCPDataSelection selection;
        const std::vector<int> &rows = m_rowsOfCurve[c];
        for (size_t k = 0; k < rows.size(); ++k)
            if (selected[size_t(rows[k])])
                selection.addDataRange(QCPDataRange(int(k), int(k) + 1), false);
        selection.simplify();
        m_curves[c]->setSelection(selection);
    }
}

void EmbeddingMapDock::showSelectedImages(const QStringList &absolutePaths)
{
    if (!m_images || absolutePaths.isEmpty())
        return;
    std::vector<char> selected(m_xy.size() / 2, 0);
    for (const QString &path : absolutePaths)
        if (const auto it = m_rowOfPath.constFind(path); it != m_rowOfPath.constEnd())
            selected[size_t(*it)] = 1;
    setSelectedRows(selected);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int EmbeddingMapDock::selectedCount() const
{
    int count = 0;
    for (const QCPCurve *curve : m_curves)
        count += curve->selection().dataPointCount();
    return count;
}

void EmbeddingMapDock::setTool(Tool tool)
{
    m_lassoTool->setChecked(tool == Tool::Lasso);
}

// The lasso: a pixel path drawn while the left button is down, shown as a line, closed on release.
void EmbeddingMapDock::lassoPress(QMouseEvent *event)
{
    if (!m_lassoTool->isChecked() || event->button() != Qt::LeftButton || !m_images)
        return;
    m_lassoPath = QPolygonF{event->position()};
    if (!m_lasso) {
        m_lasso = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
        m_lasso->setPen(QPen(m_plot->palette().color(QPalette::Highlight), 1.5, Qt::DashLine));
        m_lasso->setSelectable(QCP::stNone);
        m_lasso->removeFromLegend();
    }
    m_lasso->data()->clear();
}

void EmbeddingMapDock::lassoMove(QMouseEvent *event)
{
    if (!m_lasso || m_lassoPath.isEmpty() || !(event->buttons() & Qt::LeftButton))
        return;
    m_lassoPath << event->position();
    m_lasso->addData(double(m_lassoPath.size()), m_plot->xAxis->pixelToCoord(event->position().x()),
                     m_plot->yAxis->pixelToCoord(event->position().y()));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingMapDock::lassoRelease(QMouseEvent *)
{
    if (!m_lasso || m_lassoPath.isEmpty())
        return;
    QPolygonF polygon;
    for (const QPointF &p : std::as_const(m_lassoPath))
        polygon << QPointF(m_plot->xAxis->pixelToCoord(p.x()), m_plot->yAxis->pixelToCoord(p.y()));
    m_lassoPath.clear();
    m_lasso->data()->clear();
    if (polygon.size() >= 3)
        selectPolygon(polygon);
    else
        m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingMapDock::onSelectionChanged()
{
    if (!m_images)
        return;
    QSet<qint64> ids;
    QHash<QString, int> perClass;
    for (size_t c = 0; c < m_curves.size(); ++c) {
        const std::vector<int> &rows = m_rowsOfCurve[c];
        for (const QCPDataRange &range : m_curves[c]->selection().dataRanges())
            for (int k = range.begin(); k < range.end() && k < int(rows.size()); ++k) {
                ids.insert(m_images->imageIds[size_t(rows[size_t(k)])]);
                perClass[labelOf(*m_images, rows[size_t(k)])] += 1;
            }
    }
    if (ids.isEmpty())
        return;
    // The gallery shows one class: the one most of the selection belongs to (the selected class
    // on a tie), which it then selects.
    QString className = m_shown ? m_shown->className : QString();
    for (auto it = perClass.constBegin(); it != perClass.constEnd(); ++it)
        if (it.value() > perClass.value(className) || (it.value() == perClass.value(className) && className.isEmpty()))
            className = it.key();
    const int inClass = perClass.value(className);
    const QString title = inClass == int(ids.size())
        ? tr("%n images selected on the map", nullptr, int(ids.size()))
        : tr("%1 of the %n images selected on the map (the others are of other classes)", nullptr, int(ids.size()))
              .arg(inClass);
    Q_EMIT selectionChosen(className, title, ids);
}

} // namespace faultline
