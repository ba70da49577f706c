#pragma once

#include <QColor>
#include <QFontMetrics>
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
    // The verdict line under a tile (after its ✓/✗ glyph), fitted to `width`: "label → prediction",
    // or where that does not fit a misclassified image's "→ prediction" (the label is the class
    // shown; what it was taken for is the news), elided only when even that is too long.
    static QString verdictText(const QString &label, const QString &prediction, bool correct, const QFontMetrics &metrics,
                               int width);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_thumbnailSize = 96;
    bool m_showsDetail = false;
};

} // namespace faultline
