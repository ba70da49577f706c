#include "interpret/ImageResultTabs.h"

#include "generation/GeneratedSamplesPanel.h"
#include "gallery/TileStripView.h"

namespace faultline {

ImageResultTabs::ImageResultTabs(QWidget *nearestView, RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent)
    : QTabWidget(parent), m_samples(new GeneratedSamplesPanel(textModel, cache, this))
{
    setDocumentMode(true);
    addTab(nearestView, tr("Nearest real images"));
    addTab(m_samples, tr("Generated"));
    if (auto *tiles = qobject_cast<TileStripView *>(nearestView))
        connect(tiles, &TileStripView::imageActivated, this, &ImageResultTabs::imageActivated);
    connect(m_samples, &GeneratedSamplesPanel::imageActivated, this, &ImageResultTabs::imageActivated);
    connect(m_samples, &GeneratedSamplesPanel::samplesChanged, this, [this](int count) {
        setTabText(indexOf(m_samples), count > 0 ? tr("Generated (%1)").arg(count) : tr("Generated"));
    });
}

void ImageResultTabs::showSamples()
{
    setCurrentWidget(m_samples);
}

} // namespace faultline
