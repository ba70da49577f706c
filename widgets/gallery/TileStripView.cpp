#include "gallery/TileStripView.h"

#include "gallery/GalleryTileDelegate.h"
#include "gallery/GalleryModel.h"

namespace faultline {

TileStripView::TileStripView(QAbstractItemModel *model, int thumbnailSize, QWidget *parent)
    : QListView(parent)
{
    auto *delegate = new GalleryTileDelegate(this);
    delegate->setThumbnailSize(thumbnailSize);
    delegate->setShowsDetail(true);
    setModel(model);
    setItemDelegate(delegate);
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setSpacing(2);
    setMouseTracking(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QListView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT imageActivated(index.data(GalleryModel::PathRole).toString());
    });
}

} // namespace faultline
