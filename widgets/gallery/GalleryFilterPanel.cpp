#include "gallery/GalleryFilterPanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

namespace faultline {

namespace {

// A spin box whose lowest value reads "any": an open end of the range.
QDoubleSpinBox *boundSpin(double low, double high, double step)
{
    auto *spin = new QDoubleSpinBox;
    spin->setRange(low - step, high);
    spin->setDecimals(3);
    spin->setSingleStep(step);
    spin->setSpecialValueText(GalleryFilterPanel::tr("any"));
    spin->setValue(spin->minimum());
    spin->setAccelerated(true);
    return spin;
}

std::optional<double> boundOf(const QDoubleSpinBox *spin)
{
    return spin->value() == spin->minimum() ? std::nullopt : std::optional<double>(spin->value());
}

void setBound(QDoubleSpinBox *spin, const std::optional<double> &value)
{
    spin->setValue(value ? *value : spin->minimum());
}

} // namespace

GalleryFilterPanel::GalleryFilterPanel(QWidget *parent) : QWidget(parent)
{
    auto *form = new QFormLayout(this);
    m_prediction = new QComboBox;
    m_prediction->addItem(tr("any class"), QString());
    form->addRow(tr("Predicted as:"), m_prediction);
    const struct { const char *label; double low, high, step; } rows[] = {
        {QT_TR_NOOP("Decision value:"), -1e6, 1e6, 0.1}, {QT_TR_NOOP("Hardness:"), -1e6, 1e6, 0.1},
        {QT_TR_NOOP("Confidence:"), 0, 1, 0.05}};
    for (int r = 0; r < 3; ++r) {
        auto *line = new QHBoxLayout;
        for (int end = 0; end < 2; ++end) {
            QDoubleSpinBox *&spin = m_bounds[r * 2 + end];
            spin = boundSpin(rows[r].low, rows[r].high, rows[r].step);
            spin->setToolTip(end == 0 ? tr("From (inclusive); the lowest value means no lower bound")
                                      : tr("To (inclusive); the lowest value means no upper bound"));
            if (end == 1)
                line->addWidget(new QLabel(tr("to")));
            line->addWidget(spin, 1);
            connect(spin, &QDoubleSpinBox::valueChanged, this, [this] { Q_EMIT rangesChanged(ranges()); });
        }
        form->addRow(tr(rows[r].label), line);
    }
    m_caption = new QLineEdit;
    m_caption->setObjectName(QStringLiteral("CaptionMatch"));
    m_caption->setPlaceholderText(tr("e.g. a photo of a dark boot"));
    m_caption->setClearButtonEnabled(true);
    m_caption->setToolTip(tr("Only the images closest to this text in CLIP space (embedded with the run's text model)"));
    m_captionPercent = new QSpinBox;
    m_captionPercent->setRange(1, 100);
    m_captionPercent->setValue(GalleryRanges().captionPercent);
    m_captionPercent->setSuffix(tr(" %"));
    m_captionPercent->setToolTip(tr("How much of the class counts as matching: the closest part, by cosine to the caption"));
    auto *captionLine = new QHBoxLayout;
    captionLine->addWidget(m_caption, 1);
    captionLine->addWidget(new QLabel(tr("closest")));
    captionLine->addWidget(m_captionPercent);
    form->addRow(tr("Caption:"), captionLine);
    m_captionStatus = new QLabel;
    m_captionStatus->setWordWrap(true);
    m_captionStatus->hide();
    form->addRow(QString(), m_captionStatus);
    connect(m_caption, &QLineEdit::editingFinished, this, [this] { Q_EMIT rangesChanged(ranges()); });
    connect(m_caption, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty()) // the clear button: no Return needed
            Q_EMIT rangesChanged(ranges());
    });
    connect(m_captionPercent, &QSpinBox::valueChanged, this, [this] {
        if (!m_caption->text().trimmed().isEmpty())
            Q_EMIT rangesChanged(ranges());
    });

    auto *clear = new QPushButton(tr("Clear filters"));
    form->addRow(QString(), clear);
    connect(clear, &QPushButton::clicked, this, [this] { setRanges({}); });
    connect(m_prediction, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT rangesChanged(ranges()); });
}

void GalleryFilterPanel::setPredictions(const QStringList &predictions)
{
    const QString current = m_prediction->currentData().toString();
    const QSignalBlocker blocker(m_prediction);
    while (m_prediction->count() > 1)
        m_prediction->removeItem(1);
    for (const QString &p : predictions)
        m_prediction->addItem(p, p);
    const int index = m_prediction->findData(current);
    m_prediction->setCurrentIndex(index >= 0 ? index : 0);
    if (index < 0 && !current.isEmpty())
        Q_EMIT rangesChanged(ranges());
}

GalleryRanges GalleryFilterPanel::ranges() const
{
    GalleryRanges r;
    r.prediction = m_prediction->currentData().toString();
    r.minDecision = boundOf(m_bounds[0]);
    r.maxDecision = boundOf(m_bounds[1]);
    r.minHardness = boundOf(m_bounds[2]);
    r.maxHardness = boundOf(m_bounds[3]);
    r.minConfidence = boundOf(m_bounds[4]);
    r.maxConfidence = boundOf(m_bounds[5]);
    r.caption = m_caption->text().trimmed();
    r.captionPercent = m_captionPercent->value();
    return r;
}

void GalleryFilterPanel::setRanges(const GalleryRanges &ranges)
{
    {
        const QSignalBlocker blocker(this);
        std::vector<QSignalBlocker> spins;
        for (QDoubleSpinBox *spin : m_bounds)
            spins.emplace_back(spin);
        const QSignalBlocker combo(m_prediction);
        const QSignalBlocker caption(m_caption);
        const QSignalBlocker percent(m_captionPercent);
        m_caption->setText(ranges.caption);
        m_captionPercent->setValue(ranges.captionPercent);
        const int index = m_prediction->findData(ranges.prediction);
        m_prediction->setCurrentIndex(index >= 0 ? index : 0);
        setBound(m_bounds[0], ranges.minDecision);
        setBound(m_bounds[1], ranges.maxDecision);
        setBound(m_bounds[2], ranges.minHardness);
        setBound(m_bounds[3], ranges.maxHardness);
        setBound(m_bounds[4], ranges.minConfidence);
        setBound(m_bounds[5], ranges.maxConfidence);
    }
    Q_EMIT rangesChanged(this->ranges());
}

void GalleryFilterPanel::setCaptionStatus(const QString &status)
{
    m_captionStatus->setText(status);
    m_captionStatus->setVisible(!status.isEmpty());
}

} // namespace faultline
