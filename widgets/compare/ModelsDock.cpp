#include "compare/ModelsDock.h"

#include "gallery/GalleryModel.h"
#include "session/ProjectSession.h"
#include "gallery/TileStripView.h"
#include "compare/ModelComparison.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace faultline {

namespace {

const QString kAllClasses = QStringLiteral("all");
constexpr int kThumbnail = 88; // wide enough for "✗ Sandal → Sneaker" under each tile

// White (no overlap) to orange (the same failures).
QColor heat(double value)
{
    const QColor low(0xff, 0xff, 0xff), high(0xf2, 0x8e, 0x2b);
    const double t = std::clamp(value, 0.0, 1.0);
    return QColor::fromRgbF(float(low.redF() + t * (high.redF() - low.redF())),
                            float(low.greenF() + t * (high.greenF() - low.greenF())),
                            float(low.blueF() + t * (high.blueF() - low.blueF())));
}

} // namespace

ModelsDock::ModelsDock(ProjectSession *session, ThumbnailCache *thumbnails, QWidget *parent)
    : QDockWidget(tr("Models"), parent), m_session(session)
{
    setObjectName(QStringLiteral("ModelsDock"));
    m_compare = new QPushButton(tr("&Compare models"));
    m_compare->setToolTip(tr("Compare every model of the project on the test split"));
    m_class = new QComboBox;
    m_class->setObjectName(QStringLiteral("ModelsClassCombo"));
    m_class->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_class->setMinimumContentsLength(10);
    auto *top = new QHBoxLayout;
    top->addWidget(m_compare);
    top->addWidget(new QLabel(tr("Class:")));
    top->addWidget(m_class, 1);
    m_status = new QLabel(tr("A project holds one model per prediction set: classify with another model or retrain a"
                             " head to compare them."));
    m_status->setWordWrap(true);
    m_heatmap = new QTableWidget;
    m_heatmap->setObjectName(QStringLiteral("ModelsHeatmap"));
    m_heatmap->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_heatmap->setSelectionMode(QAbstractItemView::SingleSelection);
    m_heatmap->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_heatmap->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_cellTitle = new QLabel;
    m_cellTitle->setWordWrap(true);
    m_images = new GalleryModel(thumbnails, this);
    m_images->setThumbnailSize(kThumbnail);
    m_strip = new TileStripView(m_images, kThumbnail);
    auto *lower = new QWidget;
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_cellTitle);
    lowerLayout->addWidget(m_strip, 1);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_heatmap);
    split->addWidget(lower);

    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
    setWidget(content);

    connect(m_compare, &QPushButton::clicked, m_session, &ProjectSession::compareModels);
    connect(m_session, &ProjectSession::modelsCompared, this, &ModelsDock::showComparison);
    connect(m_class, &QComboBox::currentIndexChanged, this, &ModelsDock::fillHeatmap);
    connect(m_heatmap, &QTableWidget::cellClicked, this, &ModelsDock::showCell);
    connect(m_strip, &TileStripView::imageActivated, this, &ModelsDock::imageActivated);
    connect(m_session, &ProjectSession::stateChanged, this, [this](const DatasetState &state) {
        m_compare->setEnabled(state.models.size() >= 2);
        if (state.models != m_models) {
            m_models = state.models;
            if (m_models.size() >= 2)
                m_session->compareModels();
        }
    });
    connect(m_session, &ProjectSession::opened, this, [this] {
        m_models.clear();
        showComparison(nullptr);
    });
    m_compare->setEnabled(false);
}

QString ModelsDock::statusText() const
{
    return m_status->text();
}

void ModelsDock::showComparison(const std::shared_ptr<const ModelComparison> &comparison)
{
    m_comparison = comparison;
    const QString chosen = m_class->currentData().toString();
    {
        const QSignalBlocker blocker(m_class);
        m_class->clear();
        m_class->addItem(tr("all classes"), kAllClasses);
        if (comparison)
            for (const QString &className : comparison->classes)
                m_class->addItem(className, className);
        m_class->setCurrentIndex(std::max(0, m_class->findData(chosen)));
    }
    if (comparison)
        m_status->setText(tr("%Ln test image(s) every model predicted. Cells: IoU of the two models' failures; the"
                             " diagonal: each model's accuracy. Click a cell for its images.", nullptr,
                             comparison->images));
    fillHeatmap();
}

void ModelsDock::fillHeatmap()
{
    m_heatmap->clear();
    m_images->clear();
    m_cellTitle->clear();
    if (!m_comparison) {
        m_heatmap->setRowCount(0);
        m_heatmap->setColumnCount(0);
        return;
    }
    const QStringList &models = m_comparison->models;
    const QString className = m_class->currentData().toString();
    m_heatmap->setRowCount(int(models.size()));
    m_heatmap->setColumnCount(int(models.size()));
    m_heatmap->setHorizontalHeaderLabels(models);
    m_heatmap->setVerticalHeaderLabels(models);
    for (const ModelAccuracy &accuracy : m_comparison->accuracy) {
        if (accuracy.className != className)
            continue;
        const int i = int(models.indexOf(accuracy.model));
        auto *item = new QTableWidgetItem(tr("acc. %1").arg(QLocale().toString(accuracy.accuracy(), 'f', 3)));
        item->setToolTip(tr("%1: %2 of %3 right").arg(accuracy.model).arg(accuracy.correct).arg(accuracy.images));
        item->setBackground(palette().color(QPalette::AlternateBase));
        m_heatmap->setItem(i, i, item);
    }
    for (const FailureOverlap &overlap : m_comparison->overlaps) {
        if (overlap.className != className)
            continue;
        const int a = int(models.indexOf(overlap.modelA)), b = int(models.indexOf(overlap.modelB));
        for (const auto &[row, column] : {std::pair{a, b}, std::pair{b, a}}) {
            auto *item = new QTableWidgetItem(overlap.iou() ? QLocale().toString(*overlap.iou(), 'f', 2) : QStringLiteral("–"));
            item->setToolTip(tr("%1 and %2: %3 failures in common of %4 in either")
                                 .arg(overlap.modelA, overlap.modelB).arg(overlap.intersection()).arg(overlap.unionCount));
            item->setBackground(heat(overlap.iou().value_or(0)));
            item->setForeground(QColor(Qt::black)); // on the light heat colours, in dark mode too
            item->setTextAlignment(Qt::AlignCenter);
            m_heatmap->setItem(row, column, item);
        }
    }
}

void ModelsDock::showCell(int row, int column)
{
    if (!m_comparison || row < 0 || column < 0)
        return;
    const QStringList &models = m_comparison->models;
    const QString className = m_class->currentData().toString();
    QVector<qint64> ids;
    QString title;
    if (row == column) {
        for (const ModelAccuracy &accuracy : m_comparison->accuracy)
            if (accuracy.className == className && accuracy.model == models[row])
                ids = accuracy.wrong;
        title = tr("%Ln image(s) %1 gets wrong", nullptr, int(ids.size())).arg(models[row]);
    } else {
        for (const FailureOverlap &overlap : m_comparison->overlaps)
            if (overlap.className == className
                && ((overlap.modelA == models[row] && overlap.modelB == models[column])
                    || (overlap.modelA == models[column] && overlap.modelB == models[row])))
                ids = overlap.both;
        title = tr("%Ln image(s) both %1 and %2 get wrong", nullptr, int(ids.size())).arg(models[row], models[column]);
    }
    auto items = std::make_shared<GalleryModel::Items>();
    const int predictionOf = int(row);
    for (qint64 id : std::as_const(ids)) {
        const ComparedImage image = m_comparison->compared.value(id);
        GalleryItem item;
        item.path = m_session->absolutePath(image.path);
        item.relativePath = image.path;
        item.decisionValue = image.decisionValue.value_or(qQNaN());
        item.label = image.label;
        item.prediction = image.predictions.value(predictionOf);
        item.correct = false;
        item.imageId = id;
        items->push_back(item);
    }
    m_cellTitle->setText(title);
    m_images->setItems(std::move(items));
}

} // namespace faultline
