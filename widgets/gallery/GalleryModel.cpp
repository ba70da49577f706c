#include "gallery/GalleryModel.h"

#include "support/SplitTitle.h"
#include "gallery/ThumbnailCache.h"
#include "interpret/RunImages.h"

#include <QDir>
#include <QLocale>

#include <algorithm>
#include <limits>
#include <cmath>

namespace faultline {

GalleryModel::GalleryModel(ThumbnailCache *cache, QObject *parent)
    : QAbstractListModel(parent), m_cache(cache)
{
    if (cache)
        connect(cache, &ThumbnailCache::thumbnailReady, this, &GalleryModel::onThumbnailReady);
}

std::shared_ptr<const GalleryModel::Items> GalleryModel::itemsFrom(const RunClassImages &images,
                                                                   const QString &datasetRoot)
{
    auto items = std::make_shared<Items>();
    const qsizetype n = images.size();
    items->reserve(size_t(n));
    const QDir root(datasetRoot);
    for (qsizetype i = 0; i < n; ++i) {
        GalleryItem item;
        const QString &p = images.paths.at(i);
        item.relativePath = p;
        item.path = datasetRoot.isEmpty() ? p : root.filePath(p); // an absolute p is kept as it is
        item.decisionValue = size_t(i) < images.decisionValues.size() ? images.decisionValues[size_t(i)]
                                                                        : std::nan("");
        item.hardness = size_t(i) < images.hardness.size() ? images.hardness[size_t(i)] : std::nan("");
        item.label = images.className;
        item.prediction = i < images.predictions.size() ? images.predictions.at(i) : QString();
        item.correct = size_t(i) < images.correct.size() ? bool(images.correct[size_t(i)]) : true;
        item.split = size_t(i) < images.splits.size() ? images.splits[size_t(i)] : Split::Unassigned;
        item.imageId = size_t(i) < images.imageIds.size() ? images.imageIds[size_t(i)] : 0;
        item.sourceRow = int(i);
        items->push_back(std::move(item));
    }
    return items;
}

std::shared_ptr<const GalleryModel::PathIndex> GalleryModel::indexPaths(const Items &items)
{
    auto index = std::make_shared<PathIndex>();
    index->reserve(qsizetype(items.size()));
    for (size_t i = 0; i < items.size(); ++i)
        index->insert(items[i].path, int(i));
    return index;
}

void GalleryModel::setItems(std::shared_ptr<const Items> items, std::shared_ptr<const PathIndex> itemOfPath)
{
    beginResetModel();
    m_items = std::move(items);
    if (!m_items)
        m_itemOfPath.reset();
    else
        m_itemOfPath = itemOfPath ? std::move(itemOfPath) : indexPaths(*m_items);
    rebuild();
    endResetModel();
}

void GalleryModel::clear()
{
    setItems(nullptr);
}

void GalleryModel::setOrder(Order order)
{
    if (order == m_order)
        return;
    beginResetModel();
    m_order = order;
    rebuild();
    endResetModel();
}

void GalleryModel::setSortKey(SortKey key)
{
    if (key == m_sortKey)
        return;
    beginResetModel();
    m_sortKey = key;
    rebuild();
    endResetModel();
}

void GalleryModel::setFilter(Filter filter)
{
    if (filter == m_filter)
        return;
    beginResetModel();
    m_filter = filter;
    rebuild();
    endResetModel();
}

void GalleryModel::setSplitFilter(std::optional<Split> split)
{
    if (split == m_split)
        return;
    beginResetModel();
    m_split = split;
    rebuild();
    endResetModel();
}

void GalleryModel::setSubset(std::optional<QSet<qint64>> imageIds)
{
    if (!imageIds && !m_subset)
        return;
    beginResetModel();
    m_subset = std::move(imageIds);
    rebuild();
    endResetModel();
}

void GalleryModel::setCaptionMatch(std::optional<QSet<qint64>> imageIds)
{
    if (imageIds == m_captionMatch)
        return;
    const bool shown = !m_ranges.caption.isEmpty(); // otherwise nothing shown changes
    if (shown)
        beginResetModel();
    m_captionMatch = std::move(imageIds);
    if (shown) {
        rebuild();
        endResetModel();
    }
}

void GalleryModel::setThumbnailSize(int size)
{
    size = std::clamp(size, 16, 1024);
    if (size == m_thumbnailSize)
        return;
    m_thumbnailSize = size;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {Qt::DecorationRole, Qt::SizeHintRole});
}

bool GalleryRanges::active() const
{
    return count() > 0;
}

int GalleryRanges::count() const
{
    int n = (prediction.isEmpty() ? 0 : 1) + (caption.isEmpty() ? 0 : 1);
    for (const std::optional<double> *bound : {&minDecision, &maxDecision, &minHardness, &maxHardness, &minConfidence, &maxConfidence})
        n += bound->has_value() ? 1 : 0;
    return n;
}

bool GalleryRanges::accepts(const GalleryItem &item, std::optional<double> confidence) const
{
    const auto inside = [](double value, const std::optional<double> &low, const std::optional<double> &high) {
        if (!low && !high)
            return true;
        return !std::isnan(value) && (!low || value >= *low) && (!high || value <= *high);
    };
    if (!prediction.isEmpty() && item.prediction != prediction)
        return false;
    return inside(item.decisionValue, minDecision, maxDecision) && inside(item.hardness, minHardness, maxHardness)
        && inside(confidence.value_or(std::numeric_limits<double>::quiet_NaN()), minConfidence, maxConfidence);
}

bool GalleryRanges::operator==(const GalleryRanges &other) const
{
    return minDecision == other.minDecision && maxDecision == other.maxDecision && minHardness == other.minHardness
        && maxHardness == other.maxHardness && minConfidence == other.minConfidence
        && maxConfidence == other.maxConfidence && prediction == other.prediction && caption == other.caption
        && (caption.isEmpty() || captionPercent == other.captionPercent);
}

void GalleryModel::setRanges(const GalleryRanges &ranges)
{
    if (ranges == m_ranges)
        return;
    beginResetModel();
    m_ranges = ranges;
    rebuild();
    endResetModel();
}

void GalleryModel::setConfidences(const QHash<QString, double> &confidenceOfPath)
{
    // Only a confidence range reads them: otherwise nothing shown changes (and a reset would
    // throw away the view's scroll position and selection on every class load).
    if (!m_ranges.minConfidence && !m_ranges.maxConfidence) {
        m_confidences = confidenceOfPath;
        return;
    }
    beginResetModel();
    m_confidences = confidenceOfPath;
    rebuild();
    endResetModel();
}

void GalleryModel::setTags(const QHash<QString, QString> &tagOfPath)
{
    if (m_filter == Filter::TaggedHard || m_filter == Filter::TaggedOk || m_filter == Filter::Untagged) {
        // Filtered by tag: a newly tagged image leaves (or enters) the list.
        beginResetModel();
        m_tags = tagOfPath;
        rebuild();
        endResetModel();
        return;
    }
    m_tags = tagOfPath;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {TagRole});
}

void GalleryModel::rebuild()
{
    m_rows.clear();
    m_rowOfItem.clear();
    if (!m_items)
        return;
    const Items &items = *m_items;
    m_rows.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        const GalleryItem &item = items[i];
        if (m_filter == Filter::Correct && !item.correct)
            continue;
        if (m_filter == Filter::Incorrect && item.correct)
            continue;
        if (m_filter == Filter::TaggedHard && m_tags.value(item.path) != QLatin1String("hard"))
            continue;
        if (m_filter == Filter::TaggedOk && m_tags.value(item.path) != QLatin1String("ok"))
            continue;
        if (m_filter == Filter::Untagged && m_tags.contains(item.path))
            continue;
        if (m_split && item.split != *m_split)
            continue;
        if (m_subset && !m_subset->contains(item.imageId))
            continue;
        if (!m_ranges.caption.isEmpty() && (!m_captionMatch || !m_captionMatch->contains(item.imageId)))
            continue;
        if (m_ranges.active()) {
            const auto confidence = m_confidences.constFind(item.path);
            if (!m_ranges.accepts(item, confidence == m_confidences.constEnd() ? std::nullopt : std::optional<double>(*confidence)))
                continue;
        }
        m_rows.push_back(int(i));
    }
    const bool ascending = m_order == Order::HardestFirst;
    const auto key = [this](const GalleryItem &item) {
        return m_sortKey == SortKey::Hardness ? item.hardness : item.decisionValue;
    };
    std::stable_sort(m_rows.begin(), m_rows.end(), [&](int a, int b) {
        const double va = key(items[size_t(a)]);
        const double vb = key(items[size_t(b)]);
        const bool na = std::isnan(va), nb = std::isnan(vb);
        if (na || nb)
            return !na && nb; // unfitted last, in either order
        return ascending ? va < vb : va > vb;
    });
    m_rowOfItem.assign(items.size(), -1);
    for (size_t r = 0; r < m_rows.size(); ++r)
        m_rowOfItem[size_t(m_rows[r])] = int(r);
}

const GalleryItem &GalleryModel::itemAt(int row) const
{
    return (*m_items)[size_t(m_rows.at(size_t(row)))];
}

int GalleryModel::rowOfPath(const QString &absolutePath) const
{
    if (!m_itemOfPath)
        return -1;
    const auto it = m_itemOfPath->constFind(absolutePath);
    return it == m_itemOfPath->constEnd() ? -1 : m_rowOfItem[size_t(*it)];
}

int GalleryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString GalleryModel::decisionText(double value)
{
    if (std::isnan(value))
        return tr("not fitted");
    // U+2212 minus sign: reads better than a hyphen next to digits. Three decimals, or two
    // significant digits for the tiny values a small C gives (which would all read 0.000).
    const double magnitude = std::abs(value);
    QString text = magnitude > 0 && magnitude < 1e-3 ? QLocale().toString(magnitude, 'g', 2)
                                                     : QLocale().toString(magnitude, 'f', 3);
    return value < 0 ? QChar(0x2212) + text : QLatin1Char('+') + text;
}

QVariant GalleryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || size_t(index.row()) >= m_rows.size())
        return {};
    const GalleryItem &item = itemAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        // the value the tiles are sorted by
        return m_sortKey == SortKey::Hardness ? tr("h %1").arg(decisionText(item.hardness)) : decisionText(item.decisionValue);
    case Qt::DecorationRole:
        return m_cache ? QVariant(m_cache->thumbnail(item.path, m_thumbnailSize)) : QVariant();
    case Qt::ToolTipRole: {
        const QString prediction = item.prediction.isEmpty()
                                       ? (item.correct ? item.label : tr("(another class)"))
                                       : item.prediction;
        QString tip = tr("Decision value: %1\nHardness: %2\n%3 \u2192 %4 (%5)\nSplit: %6\n%7")
                          .arg(decisionText(item.decisionValue),
                               std::isnan(item.hardness) ? tr("none in this run") : decisionText(item.hardness),
                               item.label, prediction,
                               item.correct ? tr("correct") : tr("incorrect"),
                               splitTitle(item.split),
                               item.relativePath);
        if (m_cache) {
            const QString error = m_cache->errorString(item.path);
            if (!error.isEmpty())
                tip += QLatin1Char('\n') + tr("Cannot show the image: %1").arg(error);
        }
        return tip;
    }
    case PathRole:
        return item.path;
    case RelativePathRole:
        return item.relativePath;
    case DecisionRole:
        return item.decisionValue;
    case CorrectRole:
        return item.correct;
    case LabelRole:
        return item.label;
    case PredictionRole:
        return item.prediction;
    case SplitRole:
        return splitName(item.split);
    case SourceRowRole:
        return item.sourceRow;
    case ThumbnailErrorRole:
        return m_cache ? m_cache->errorString(item.path) : QString();
    case ThumbnailReadyRole:
        return m_cache && m_cache->contains(item.path, m_thumbnailSize);
    case TagRole:
        return m_tags.value(item.path);
    default:
        return {};
    }
}

Qt::ItemFlags GalleryModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> GalleryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(PathRole, "path");
    names.insert(RelativePathRole, "relativePath");
    names.insert(DecisionRole, "decisionValue");
    names.insert(CorrectRole, "correct");
    names.insert(LabelRole, "label");
    names.insert(PredictionRole, "prediction");
    names.insert(SplitRole, "split");
    names.insert(SourceRowRole, "sourceRow");
    names.insert(ThumbnailErrorRole, "thumbnailError");
    names.insert(ThumbnailReadyRole, "thumbnailReady");
    names.insert(TagRole, "tag");
    return names;
}

void GalleryModel::onThumbnailReady(const QString &path)
{
    const int row = rowOfPath(path);
    if (row < 0)
        return;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {Qt::DecorationRole, ThumbnailErrorRole, ThumbnailReadyRole});
}

} // namespace faultline
