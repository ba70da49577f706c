#pragma once

#include <QListView>

namespace faultline {

// A wrapping row of image tiles (GalleryTileDelegate) over a list model with GalleryModel's roles
// (nearest real images, generated samples); double-click or Enter on a tile emits
// imageActivated with its absolute path.
class TileStripView : public QListView
{
    Q_OBJECT
public:
    TileStripView(QAbstractItemModel *model, int thumbnailSize, QWidget *parent = nullptr);

Q_SIGNALS:
    void imageActivated(const QString &absolutePath);
};

} // namespace faultline
