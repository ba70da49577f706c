#include "gallery/NeighborListModel.h"

#include <QLocale>

#include "gallery/ThumbnailCache.h"

namespace faultline {

NeighborListModel::NeighborListModel(ThumbnailCache *cache, int thumbnailSize, QObject *parent)
    : QAbstractListModel(parent), m_cache(cache), m_thumbnailSize(thumbnailSize)
{
    if (m_cache)
        connect(m_cache, &ThumbnailCache::thumbnailReady, this, &NeighborListModel::onThumbnailReady);
}

void NeighborListModel::setNeighbors(std::shared_ptr<const GalleryModel::Items> items, std::vector<Neighbor> neighbors)
{
    beginResetModel();
    m_items = std::move(items);
    m_neighbors = std::move(neighbors);
    endResetModel();
}

void NeighborListModel::clear()
{
    setNeighbors(nullptr, {});
}

const GalleryItem &NeighborListModel::itemAt(int row) const
{
    return (*m_items)[size_t(m_neighbors[size_t(row)].item)];
}

QStringList NeighborListModel::paths() const
{
    QStringList paths;
    for (int row = 0; row < rowCount(); ++row)
        paths << itemAt(row).path;
    return paths;
}

int NeighborListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_neighbors.size());
}

QVariant NeighborListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const GalleryItem &item = itemAt(index.row());
    const float cosine = cosineAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return GalleryModel::decisionText(item.decisionValue);
    case GalleryModel::DetailRole:
        return tr("cos %1").arg(QLocale().toString(cosine, 'f', 3)); // the same separator as the decision values
    case Qt::ToolTipRole:
        return tr("Cosine to the query: %1\nDecision value: %2\n%3\n%4")
              .arg(QLocale().toString(cosine, 'f', 4), GalleryModel::decisionText(item.decisionValue),
                 item.correct ? tr("correct") : tr("incorrect: predicted %1").arg(item.prediction), item.relativePath);
    case Qt::DecorationRole:
        return m_cache ? QVariant(m_cache->thumbnail(item.path, m_thumbnailSize)) : QVariant();
    case GalleryModel::PathRole:
        return item.path;
    case GalleryModel::RelativePathRole:
        return item.relativePath;
    case GalleryModel::DecisionRole:
        return item.decisionValue;
    case GalleryModel::CorrectRole:
        return item.correct;
    case GalleryModel::LabelRole:
        return item.label;
    case GalleryModel::PredictionRole:
        return item.prediction;
    case GalleryModel::SourceRowRole:
        return item.sourceRow;
    case GalleryModel::ThumbnailErrorRole:
        return m_cache ? m_cache->errorString(item.path) : QString();
    case GalleryModel::ThumbnailReadyRole:
        return m_cache && m_cache->contains(item.path, m_thumbnailSize);
    case CosineRole:
        return cosine;
    default:
        return {};
    }
}

Qt::ItemFlags NeighborListModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren : Qt::NoItemFlags;
}

void NeighborListModel::onThumbnailReady(const QString &path)
{
    for (int row = 0; row < rowCount(); ++row)
        if (itemAt(row).path == path)
            Q_EMIT dataChanged(index(row), index(row), {Qt::DecorationRole, GalleryModel::ThumbnailErrorRole,
                                                        GalleryModel::ThumbnailReadyRole});
}

} // namespace faultline
