#pragma once

#include "gallery/GalleryModel.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace faultline {

// The gallery's "Filters" popup: ranges of decision value, hardness and confidence (each end
// "any" by default), a predicted class and a caption to match. Emits rangesChanged on every
// edit (a caption once it is entered, not on every key).
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
    // Why the caption is not matched yet (CaptionMatcher::status()); empty hides the line.
    void setCaptionStatus(const QString &status);
    QLineEdit *captionEdit() const { return m_caption; }

Q_SIGNALS:
    void rangesChanged(const faultline::GalleryRanges &ranges);

private:
    QComboBox *m_prediction = nullptr;
    QDoubleSpinBox *m_bounds[6] = {}; // decision min/max, hardness min/max, confidence min/max
    QLineEdit *m_caption = nullptr;
    QSpinBox *m_captionPercent = nullptr;
    QLabel *m_captionStatus = nullptr;
};

} // namespace faultline
