#pragma once

#include "gallery/GalleryModel.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;

namespace faultline {

// The gallery's "Filters" popup: ranges of decision value, hardness and confidence (each end
// "any" by default) and a predicted class. Emits rangesChanged on every edit.
class GalleryFilterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit GalleryFilterPanel(QWidget *parent = nullptr);

    // The predicted classes offered (those of the shown class's images), keeping the choice
    // when it is still among them.
    void setPredictions(const QStringList &predictions);
    GalleryRanges ranges() const;
    void setRanges(const GalleryRanges &ranges);

Q_SIGNALS:
    void rangesChanged(const faultline::GalleryRanges &ranges);

private:
    QComboBox *m_prediction = nullptr;
    QDoubleSpinBox *m_bounds[6] = {}; // decision min/max, hardness min/max, confidence min/max
};

} // namespace faultline
