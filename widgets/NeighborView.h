#pragma once

#include <QListView>

namespace faultline {

class NeighborListModel;

// A wrapping row of image tiles (GalleryTileDelegate) over a NeighborListModel; double-click or
// Enter on a tile emits imageActivated with its absolute path.
class NeighborView : public QListView
{
    Q_OBJECT
public:
    NeighborView(NeighborListModel *model, int thumbnailSize, QWidget *parent = nullptr);

    NeighborListModel *neighbors() const { return m_model; }

Q_SIGNALS:
    void imageActivated(const QString &absolutePath);

private:
    NeighborListModel *m_model;
};

} // namespace faultline
