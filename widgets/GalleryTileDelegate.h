#pragma once

#include <QColor>
#include <QStyledItemDelegate>

namespace faultline {

// The marks for an image the classifier got right and one it got wrong, in every view.
inline const QColor kCorrectColor{46, 160, 67};
inline const QColor kIncorrectColor{215, 58, 73};

// Paints one gallery tile: the thumbnail, the decision value, and label → prediction with a
// green (correct) or red (incorrect) mark. Its size follows the model's thumbnail size.
class GalleryTileDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit GalleryTileDelegate(QObject *parent = nullptr);

    void setThumbnailSize(int size) { m_thumbnailSize = size; }
    int thumbnailSize() const { return m_thumbnailSize; }
    // Also paints GalleryModel::DetailRole as a line under the decision value.
    void setShowsDetail(bool shows) { m_showsDetail = shows; }
    QSize tileSize(const QFont &font) const;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_thumbnailSize = 96;
    bool m_showsDetail = false;
};

} // namespace faultline
