#pragma once

#include "gallery/GalleryModel.h"

#include <QAbstractListModel>
#include <QPointer>

#include <memory>
#include <vector>

namespace faultline {

class ThumbnailCache;

// Images nearest to a query vector (a caption, a slider position), best first, as a list model
// with GalleryModel's roles, so GalleryTileDelegate paints them: the decision value, then the
// cosine (DetailRole), then the label and prediction.
class NeighborListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { CosineRole = GalleryModel::DetailRole + 1 }; // float

    struct Neighbor
    {
        int item = 0;      // index into the items
        float cosine = 0;
    };

    explicit NeighborListModel(ThumbnailCache *cache, int thumbnailSize, QObject *parent = nullptr);

    void setNeighbors(std::shared_ptr<const GalleryModel::Items> items, std::vector<Neighbor> neighbors);
    void clear();

    const GalleryItem &itemAt(int row) const;
    float cosineAt(int row) const { return m_neighbors[size_t(row)].cosine; }
    QStringList paths() const; // absolute, in row order

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    void onThumbnailReady(const QString &path);

    QPointer<ThumbnailCache> m_cache;
    int m_thumbnailSize;
    std::shared_ptr<const GalleryModel::Items> m_items;
    std::vector<Neighbor> m_neighbors;
};

} // namespace faultline
