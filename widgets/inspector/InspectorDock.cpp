#include "inspector/InspectorDock.h"

#include "gallery/GalleryTileDelegate.h"
#include "support/SplitTitle.h"
#include "gallery/ThumbnailCache.h"
#include "common/JobControl.h"
#include "interpret/RunImages.h"
#include "jobs/BackgroundJob.h"

#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QResizeEvent>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace faultline {

namespace {
constexpr int kNeighbourIcon = 64;
constexpr int kDecodeBucket = 128;
constexpr int kMaxDecode = 1024;
} // namespace

// --- ImagePreview --------------------------------------------------------------------------

ImagePreview::ImagePreview(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMinimumSize(120, 120);
}

QSize ImagePreview::sizeHint() const
{
    return QSize(280, 280);
}

int ImagePreview::decodeSize() const
{
    const int longest = std::max(width(), height());
    return std::clamp((longest + kDecodeBucket - 1) / kDecodeBucket * kDecodeBucket, kDecodeBucket, kMaxDecode);
}

void ImagePreview::setPixmap(const QPixmap &pixmap)
{
    m_pixmap = pixmap;
    update();
}

void ImagePreview::paintEvent(QPaintEvent *)
{
    if (m_pixmap.isNull())
        return;
    QPainter painter(this);
    QSizeF logical = m_pixmap.deviceIndependentSize();
    const QSizeF available = QSizeF(size()) - QSizeF(8, 8);
    logical.scale(available, Qt::KeepAspectRatio);
    const QRectF target((width() - logical.width()) / 2.0, (height() - logical.height()) / 2.0, logical.width(),
                        logical.height());
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawPixmap(target, m_pixmap, QRectF(m_pixmap.rect()));
}

void ImagePreview::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    const int size = decodeSize();
    if (size != m_lastDecodeSize) {
        m_lastDecodeSize = size;
        Q_EMIT decodeSizeChanged();
    }
}

// --- InspectorDock -------------------------------------------------------------------------

InspectorDock::InspectorDock(QWidget *parent, ThumbnailCache *cache)
    : QDockWidget(tr("Inspector"), parent), m_cache(cache ? cache : new ThumbnailCache(this))
{
    setObjectName(QStringLiteral("InspectorDock"));
    m_stack = new QStackedWidget(this);
    m_emptyLabel = new QLabel(tr("Select an image in the gallery to inspect it."), m_stack);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyLabel->setMargin(24);
    m_stack->addWidget(m_emptyLabel);

    auto *page = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(6, 6, 6, 6);
    m_preview = new ImagePreview(page);
    layout->addWidget(m_preview, 1);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight);
    // A value that does not fit beside its caption in a narrow dock goes under it, not cut
    // ("Decision value: −1.3…" at 1024 × 700; issue 15.5).
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    auto addField = [&](const QString &key, const QString &caption) {
        auto *value = new QLabel(page);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setTextFormat(Qt::PlainText);
        auto *captionLabel = new QLabel(caption, page);
        form->addRow(captionLabel, value);
        m_fields.insert(key, value);
        return captionLabel;
    };
    addField(QStringLiteral("label"), tr("Label:"));
    addField(QStringLiteral("prediction"), tr("Prediction:"));
    addField(QStringLiteral("correct"), tr("Result:"));
    m_confidenceCaption = addField(QStringLiteral("confidence"), tr("Confidence:"));
    addField(QStringLiteral("decision"), tr("Decision value:"));
    m_hardnessCaption = addField(QStringLiteral("hardness"), tr("Hardness:"));
    addField(QStringLiteral("split"), tr("Split:"));
    addField(QStringLiteral("tag"), tr("Tag:"));
    addField(QStringLiteral("path"), tr("Path:"));
    // long values wrap rather than being cut in a narrow dock (German's tag hint; issue 15.5)
    for (const char *key : {"path", "tag"}) {
        m_fields.value(QLatin1String(key))->setWordWrap(true);
        m_fields.value(QLatin1String(key))->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    }
    layout->addLayout(form);

    auto *heading = new QLabel(tr("Nearest neighbours in the class"), page);
    heading->setWordWrap(true);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    layout->addWidget(heading);
    m_neighboursStatus = new QLabel(page);
    m_neighboursStatus->setForegroundRole(QPalette::PlaceholderText);
    m_neighboursStatus->setWordWrap(true);
    layout->addWidget(m_neighboursStatus);
    m_neighbourGrid = new QGridLayout;
    m_neighbourGrid->setSpacing(2);
    for (int i = 0; i < kNeighbours; ++i) {
        auto *button = new QToolButton(page);
        button->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
        button->setIconSize(QSize(kNeighbourIcon, kNeighbourIcon));
        button->setAutoRaise(true);
        button->setVisible(false);
        connect(button, &QToolButton::clicked, this, [this, i] {
            if (size_t(i) >= m_neighbours.size() || !m_items)
                return;
            const QString path = (*m_items)[size_t(m_neighbours[size_t(i)].row)].path;
            Q_EMIT neighbourActivated(path);
            setCurrentImage(path);
        });
        m_neighbourButtons.push_back(button);
    }
    layoutNeighbours();
    layout->addLayout(m_neighbourGrid);
    m_stack->addWidget(page);
    setWidget(m_stack);

    connect(m_preview, &ImagePreview::decodeSizeChanged, this, &InspectorDock::updatePreview);
    connect(m_cache, &ThumbnailCache::thumbnailReady, this, [this](const QString &path) {
        if (path == m_currentPath)
            updatePreview();
        refreshNeighbourIcons();
    });
    clearClass();
}

InspectorDock::~InspectorDock() = default;

void InspectorDock::resizeEvent(QResizeEvent *event)
{
    QDockWidget::resizeEvent(event);
    layoutNeighbours();
}

// The neighbour tiles in as many columns as the dock is wide for (four at most), so a narrow
// dock shows them in rows instead of cutting the right-hand ones off (issue 15.5).
void InspectorDock::layoutNeighbours()
{
    const int tile = m_neighbourButtons.front()->sizeHint().width() + m_neighbourGrid->spacing();
    const int columns = std::clamp((width() - 24) / std::max(1, tile), 1, 4);
    if (columns == m_neighbourColumns)
        return;
    m_neighbourColumns = columns;
    for (QToolButton *button : m_neighbourButtons)
        m_neighbourGrid->removeWidget(button);
    for (int i = 0; i < int(m_neighbourButtons.size()); ++i)
        m_neighbourGrid->addWidget(m_neighbourButtons[size_t(i)], i / columns, i % columns);
}

void InspectorDock::showClass(std::shared_ptr<const RunClassImages> images, const QString &datasetRoot)
{
    m_items = GalleryModel::itemsFrom(*images, datasetRoot);
    m_rowOfPath.clear();
    m_rowOfPath.reserve(qsizetype(m_items->size()));
    for (size_t i = 0; i < m_items->size(); ++i)
        m_rowOfPath.insert((*m_items)[i].path, int(i));
    m_index.reset();
    m_indexReady = false;
    m_searchJob.reset();
    m_neighbours.clear();
    m_currentPath.clear();
    m_currentRow = -1;
    const quint64 generation = ++m_classGeneration;

    if (images->dim > 0 && images->embeddings.size() == size_t(images->size()) * size_t(images->dim)
        && images->size() > 0) {
        // Build the index off the GUI thread; the job shares the (immutable) rows.
        auto result = std::make_shared<std::shared_ptr<const EmbeddingIndex>>();
        const QString title = tr("Indexing %1").arg(images->className);
        m_indexJob = std::make_unique<BackgroundJob>(title, [images, result](JobControl &) {
            // Float32: exact cosines read better in the inspector. Exact search: one query per
            // image inspected, not worth calibrating an approximate one for.
            *result = std::make_shared<const EmbeddingIndex>(
                EmbeddingIndex::build(images->embeddings.data(), images->size(), images->dim,
                                      EmbeddingIndex::Precision::Float32, EmbeddingIndex::Approximation::Never));
        });
        connect(m_indexJob.get(), &BackgroundJob::succeeded, this, [this, result, generation] {
            if (generation != m_classGeneration)
                return;
            m_index = *result;
            m_indexReady = true;
            searchNeighbours();
        });
        connect(m_indexJob.get(), &BackgroundJob::failed, this, [this, generation](const QString &message) {
            if (generation == m_classGeneration)
                m_neighboursStatus->setText(tr("No neighbours: %1").arg(message));
        });
        m_indexJob->start();
        m_neighboursStatus->setText(tr("Indexing the class\u2026"));
    } else {
        m_indexJob.reset();
        m_neighboursStatus->setText(tr("No embeddings for this class."));
    }
    showNeighbours({});
    m_stack->setCurrentIndex(0);
}

void InspectorDock::clearClass()
{
    m_items.reset();
    m_rowOfPath.clear();
    m_index.reset();
    m_indexReady = false;
    m_indexJob.reset();
    m_searchJob.reset();
    ++m_classGeneration;
    m_currentPath.clear();
    m_currentRow = -1;
    m_neighbours.clear();
    showNeighbours({});
    m_stack->setCurrentIndex(0);
}

void InspectorDock::setConfidences(QHash<QString, double> confidences)
{
    m_confidences = std::move(confidences);
    updateFields();
}

void InspectorDock::setTags(QHash<QString, QString> tags)
{
    m_tags = std::move(tags);
    updateFields();
}

bool InspectorDock::setCurrentImage(const QString &absolutePath)
{
    const auto it = m_rowOfPath.constFind(absolutePath);
    if (it == m_rowOfPath.constEnd())
        return false;
    m_currentPath = absolutePath;
    m_currentRow = *it;
    m_stack->setCurrentIndex(1);
    updateFields();
    m_preview->setPixmap(QPixmap());
    updatePreview();
    m_neighbours.clear();
    showNeighbours({});
    searchNeighbours();
    return true;
}

void InspectorDock::updateFields()
{
    if (!m_items || m_currentRow < 0)
        return;
    const GalleryItem &item = (*m_items)[size_t(m_currentRow)];
    m_fields.value(QStringLiteral("label"))->setText(item.label);
    m_fields.value(QStringLiteral("prediction"))
        ->setText(item.prediction.isEmpty() ? (item.correct ? item.label : tr("another class")) : item.prediction);
    QLabel *correct = m_fields.value(QStringLiteral("correct"));
    correct->setText(item.correct ? tr("\u2713 correct") : tr("\u2717 incorrect"));
    QPalette pal = correct->palette();
    pal.setColor(QPalette::WindowText, item.correct ? kCorrectColor : kIncorrectColor);
    correct->setPalette(pal);
    const auto confidence = m_confidences.constFind(item.path);
    const bool hasConfidence = confidence != m_confidences.constEnd();
    m_fields.value(QStringLiteral("confidence"))
        ->setText(hasConfidence ? QLocale().toString(*confidence, 'f', 3) : QString());
    m_fields.value(QStringLiteral("confidence"))->setVisible(hasConfidence);
    m_confidenceCaption->setVisible(hasConfidence);
    m_fields.value(QStringLiteral("decision"))->setText(GalleryModel::decisionText(item.decisionValue));
    const bool hasHardness = !std::isnan(item.hardness);
    m_fields.value(QStringLiteral("hardness"))->setText(hasHardness ? GalleryModel::decisionText(item.hardness) : QString());
    m_fields.value(QStringLiteral("hardness"))->setVisible(hasHardness);
    m_hardnessCaption->setVisible(hasHardness);
    m_fields.value(QStringLiteral("split"))->setText(splitTitle(item.split));
    const QString tag = m_tags.value(item.path);
    m_fields.value(QStringLiteral("tag"))->setText(tag == QLatin1String("hard") ? tr("hard")
                                                   : tag == QLatin1String("ok") ? tr("ok")
                                                                                 : tr("none (right-click a tile to tag it)"));
    QLabel *path = m_fields.value(QStringLiteral("path"));
    path->setText(item.relativePath);
    path->setToolTip(item.path);
}

void InspectorDock::updatePreview()
{
    if (m_currentPath.isEmpty())
        return;
    const int size = m_preview->decodeSize();
    const QPixmap pixmap = m_cache->thumbnail(m_currentPath, size);
    const QString error = m_cache->errorString(m_currentPath);
    if (m_cache->contains(m_currentPath, size) || !error.isEmpty() || m_preview->pixmap().isNull())
        m_preview->setPixmap(pixmap); // else keep the smaller decode until the bigger one arrives
    m_preview->setToolTip(error.isEmpty() ? QString() : tr("Cannot show the image: %1").arg(error));
}

void InspectorDock::searchNeighbours()
{
    if (!m_indexReady || !m_index || m_currentRow < 0)
        return;
    const quint64 generation = ++m_searchGeneration;
    std::shared_ptr<const EmbeddingIndex> index = m_index;
    const qint64 row = m_currentRow;
    auto result = std::make_shared<std::vector<EmbeddingIndex::Neighbor>>();
    m_searchJob = std::make_unique<BackgroundJob>(tr("Nearest neighbours"), [index, row, result](JobControl &) {
        const Eigen::VectorXf query = index->storedRow(row);
        std::vector<EmbeddingIndex::Neighbor> found;
        index->nearest(query.data(), kNeighbours + 1, found);
        for (const EmbeddingIndex::Neighbor &n : found)
            if (n.row != row && int(result->size()) < kNeighbours)
                result->push_back(n);
    });
    connect(m_searchJob.get(), &BackgroundJob::succeeded, this, [this, result, generation] {
        if (generation == m_searchGeneration)
            showNeighbours(*result);
    });
    connect(m_searchJob.get(), &BackgroundJob::failed, this, [this](const QString &message) {
        m_neighboursStatus->setText(tr("No neighbours: %1").arg(message));
    });
    m_neighboursStatus->setText(tr("Searching\u2026"));
    m_searchJob->start();
}

void InspectorDock::showNeighbours(const std::vector<EmbeddingIndex::Neighbor> &neighbours)
{
    m_neighbours = neighbours;
    if (m_indexReady && m_currentRow >= 0)
        m_neighboursStatus->setText(neighbours.empty() ? tr("The class has no other images.") : QString());
    m_neighboursStatus->setVisible(!m_neighboursStatus->text().isEmpty());
    refreshNeighbourIcons();
}

void InspectorDock::refreshNeighbourIcons()
{
    for (size_t i = 0; i < m_neighbourButtons.size(); ++i) {
        QToolButton *button = m_neighbourButtons[i];
        if (i >= m_neighbours.size() || !m_items) {
            button->setVisible(false);
            continue;
        }
        const GalleryItem &item = (*m_items)[size_t(m_neighbours[i].row)];
        button->setIcon(QIcon(m_cache->thumbnail(item.path, kNeighbourIcon)));
        const QString mark = item.correct ? QStringLiteral("\u2713") : QStringLiteral("\u2717");
        button->setText(QStringLiteral("%1 %2").arg(mark, QLocale().toString(m_neighbours[i].cosine, 'f', 2)));
        button->setToolTip(tr("Cosine %1 \u00b7 decision value %2 \u00b7 %3\n%4")
                               .arg(QLocale().toString(m_neighbours[i].cosine, 'f', 3),
                                    GalleryModel::decisionText(item.decisionValue),
                                    item.correct ? tr("correct") : tr("incorrect"), item.relativePath));
        button->setVisible(true);
    }
}

QStringList InspectorDock::neighbourPaths() const
{
    QStringList paths;
    if (m_items)
        for (const EmbeddingIndex::Neighbor &n : m_neighbours)
            paths << (*m_items)[size_t(n.row)].path;
    return paths;
}

std::vector<float> InspectorDock::neighbourCosines() const
{
    std::vector<float> cosines;
    for (const EmbeddingIndex::Neighbor &n : m_neighbours)
        cosines.push_back(n.cosine);
    return cosines;
}

QString InspectorDock::fieldText(const QString &name) const
{
    const QLabel *label = m_fields.value(name);
    return label ? label->text() : QString();
}

} // namespace faultline
