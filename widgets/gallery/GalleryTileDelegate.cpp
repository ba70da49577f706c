#include "gallery/GalleryTileDelegate.h"

#include "gallery/GalleryModel.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace faultline {

namespace {

constexpr int kPad = 5;

} // namespace

GalleryTileDelegate::GalleryTileDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

QString GalleryTileDelegate::verdictText(const QString &label, const QString &prediction, bool correct,
                                         const QFontMetrics &metrics, int width)
{
    QString text = correct || prediction.isEmpty() ? label : label + QStringLiteral(" \u2192 ") + prediction;
    if (text.isEmpty())
        text = correct ? QCoreApplication::translate("faultline::GalleryView", "correct")
                       : QCoreApplication::translate("faultline::GalleryView", "incorrect");
    if (metrics.horizontalAdvance(text) > width && !correct && !prediction.isEmpty())
        text = QStringLiteral("\u2192 ") + prediction;
    return metrics.elidedText(text, Qt::ElideRight, width);
}

QSize GalleryTileDelegate::tileSize(const QFont &font) const
{
    const QFontMetrics fm(font);
    const int lines = m_showsDetail ? 3 : 2;
    return QSize(m_thumbnailSize + 2 * kPad, kPad + m_thumbnailSize + 4 + lines * fm.height() + kPad);
}

QSize GalleryTileDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    // Never touches the model: a uniform tile, so views lay out 100k rows without data().
    return tileSize(option.font);
}

void GalleryTileDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect tile = option.rect.adjusted(1, 1, -1, -1);
    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver;
    const QPalette &pal = option.palette;

    if (selected || hovered) {
        QColor fill = pal.color(QPalette::Highlight);
        fill.setAlpha(selected ? 90 : 35);
        painter->setPen(selected ? QPen(pal.color(QPalette::Highlight), 1.5) : Qt::NoPen);
        painter->setBrush(fill);
        painter->drawRoundedRect(QRectF(tile).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
    }

    // Thumbnail, centred in its square, aspect kept.
    const int size = m_thumbnailSize;
    const QRect thumbRect(tile.left() + (tile.width() - size) / 2, tile.top() + kPad - 1, size, size);
    const QPixmap pixmap = index.data(Qt::DecorationRole).value<QPixmap>();
    if (!pixmap.isNull()) {
        QSizeF logical = pixmap.deviceIndependentSize();
        logical.scale(QSizeF(thumbRect.size()), Qt::KeepAspectRatio);
        const QRectF target(thumbRect.left() + (thumbRect.width() - logical.width()) / 2.0,
                            thumbRect.top() + (thumbRect.height() - logical.height()) / 2.0, logical.width(),
                            logical.height());
        painter->setRenderHint(QPainter::SmoothPixmapTransform,
                               logical.width() < pixmap.deviceIndependentSize().width());
        painter->drawPixmap(target, pixmap, QRectF(pixmap.rect()));
    }
    // The user's tag as a pill in the thumbnail's corner.
    const QString tag = index.data(GalleryModel::TagRole).toString();
    if (!tag.isEmpty()) {
        QFont tagFont = option.font;
        tagFont.setBold(true);
        tagFont.setPointSizeF(std::max(6.0, option.font.pointSizeF() * 0.75));
        const QString text = tag == QLatin1String("hard")
                                 ? QCoreApplication::translate("faultline::GalleryView", "HARD")
                                 : QCoreApplication::translate("faultline::GalleryView", "OK");
        const QFontMetrics tfm(tagFont);
        const QRectF pill(thumbRect.left() + 3, thumbRect.top() + 3, tfm.horizontalAdvance(text) + 8, tfm.height() + 2);
        painter->setPen(Qt::NoPen);
        painter->setBrush(tag == QLatin1String("hard") ? kIncorrectColor : kCorrectColor);
        painter->drawRoundedRect(pill, 4, 4);
        painter->setFont(tagFont);
        painter->setPen(Qt::white);
        painter->drawText(pill, Qt::AlignCenter, text);
    }

    const QString error = index.data(GalleryModel::ThumbnailErrorRole).toString();
    QFont small = option.font;
    small.setPointSizeF(std::max(6.0, option.font.pointSizeF() * 0.85));
    if (!error.isEmpty()) {
        painter->setFont(small);
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(thumbRect.adjusted(4, 0, -4, -4), Qt::AlignHCenter | Qt::AlignBottom,
                          QCoreApplication::translate("faultline::GalleryView", "unreadable"));
    }

    // Correctness bar under the thumbnail, for scanning a grid at a glance.
    // No verdict (a generated sample not checked yet): a neutral bar and "?".
    const QVariant verdict = index.data(GalleryModel::CorrectRole);
    const bool known = verdict.isValid();
    const bool correct = verdict.toBool();
    const QColor mark = !known ? pal.color(QPalette::PlaceholderText) : correct ? kCorrectColor : kIncorrectColor;
    painter->setPen(Qt::NoPen);
    painter->setBrush(mark);
    painter->drawRoundedRect(QRectF(thumbRect.left(), thumbRect.bottom() + 2, thumbRect.width(), 3), 1.5, 1.5);

    // Text: decision value, then (✓|✗) label → prediction.
    const QFontMetrics fm(option.font);
    const QColor textColor = pal.color(selected ? QPalette::Text : QPalette::Text);
    QRect line(tile.left() + kPad, thumbRect.bottom() + 6, tile.width() - 2 * kPad, fm.height());
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(textColor);
    const QString decision = index.data(Qt::DisplayRole).toString();
    painter->drawText(line, Qt::AlignHCenter | Qt::AlignVCenter, QFontMetrics(bold).elidedText(decision, Qt::ElideRight, line.width()));

    if (m_showsDetail) {
        line.translate(0, fm.height());
        painter->setFont(option.font);
        painter->drawText(line, Qt::AlignHCenter | Qt::AlignVCenter,
                          fm.elidedText(index.data(GalleryModel::DetailRole).toString(), Qt::ElideRight, line.width()));
    }

    line.translate(0, fm.height());
    const QString label = index.data(GalleryModel::LabelRole).toString();
    const QString prediction = index.data(GalleryModel::PredictionRole).toString();
    const QString glyph = !known ? QStringLiteral("?") : correct ? QStringLiteral("\u2713") : QStringLiteral("\u2717");
    painter->setFont(option.font);
    const int glyphWidth = fm.horizontalAdvance(glyph) + 3;
    const QString elided = verdictText(label, known ? prediction : QString(), correct, fm, line.width() - glyphWidth);
    const int total = glyphWidth + fm.horizontalAdvance(elided);
    const int x = line.left() + std::max(0, (line.width() - total) / 2);
    painter->setPen(mark);
    painter->setFont(bold);
    painter->drawText(QRect(x, line.top(), glyphWidth, line.height()), Qt::AlignLeft | Qt::AlignVCenter, glyph);
    painter->setFont(option.font);
    painter->setPen(correct ? textColor : mark);
    painter->drawText(QRect(x + glyphWidth, line.top(), line.width() - glyphWidth, line.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, elided);

    if (option.state & QStyle::State_HasFocus && !selected) {
        QPen focus(pal.color(QPalette::Highlight), 1, Qt::DotLine);
        painter->setPen(focus);
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(tile).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
    }
    painter->restore();
}

} // namespace faultline
