#pragma once

#include <QTabWidget>

namespace faultline {

class GeneratedSamplesPanel;
class RunTextModel;
class ThumbnailCache;

// The interpretation docks' two image tabs: the real images nearest to a query, and the class's
// generated samples ("Generated (N)"). Activating a tile in either emits imageActivated.
class ImageResultTabs : public QTabWidget
{
    Q_OBJECT
public:
    // `nearestView`: the dock's tile view of the nearest real images (a TileStripView).
    ImageResultTabs(QWidget *nearestView, RunTextModel *textModel, ThumbnailCache *cache, QWidget *parent = nullptr);

    GeneratedSamplesPanel *samplesPanel() const { return m_samples; }
    void showSamples(); // brings the Generated tab to the front

Q_SIGNALS:
    void imageActivated(const QString &absolutePath);

private:
    GeneratedSamplesPanel *m_samples;
};

} // namespace faultline
