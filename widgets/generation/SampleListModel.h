#pragma once

#include "store/StoreTypes.h"

#include <QAbstractListModel>
#include <QPointer>

namespace faultline {

class ThumbnailCache;

// Generated samples (newest first) as a list model with GalleryModel's roles, so
// GalleryTileDelegate paints them like real images: the group and α or prompt, then the
// classifier's verdict (CorrectRole is invalid while a sample is unchecked: a neutral bar).
class SampleListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    SampleListModel(ThumbnailCache *cache, int thumbnailSize, QObject *parent = nullptr);

    void setSamples(const QVector<GeneratedSample> &samples, const QString &datasetRoot);
    // Newly stored samples go first, as they arrive.
    void prependSamples(const QVector<GeneratedSample> &samples);
    void clear();
    const GeneratedSample &sampleAt(int row) const { return m_samples[row]; }
    QString absolutePath(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    // "hard · α −0.50", "easy", "hard · background": what a sample's tile title says.
    static QString titleOf(const GeneratedSample &sample);
    // A stored group name ("hard", "easy", "reference") as the views show it, translated.
    static QString groupTitle(const QString &group);

private:
    void onThumbnailReady(const QString &path);

    QPointer<ThumbnailCache> m_cache;
    int m_thumbnailSize;
    QString m_root;
    QVector<GeneratedSample> m_samples;
};

} // namespace faultline
