#include "generation/SampleListModel.h"

#include "gallery/GalleryModel.h"
#include "gallery/ThumbnailCache.h"

#include <QDir>
#include <algorithm>

namespace faultline {

SampleListModel::SampleListModel(ThumbnailCache *cache, int thumbnailSize, QObject *parent)
    : QAbstractListModel(parent), m_cache(cache), m_thumbnailSize(thumbnailSize)
{
    if (m_cache)
        connect(m_cache, &ThumbnailCache::thumbnailReady, this, &SampleListModel::onThumbnailReady);
}

void SampleListModel::setSamples(const QVector<GeneratedSample> &samples, const QString &datasetRoot)
{
    beginResetModel();
    m_root = datasetRoot;
    m_samples = samples;
    std::reverse(m_samples.begin(), m_samples.end());
    endResetModel();
}

void SampleListModel::prependSamples(const QVector<GeneratedSample> &samples)
{
    if (samples.isEmpty())
        return;
    beginInsertRows(QModelIndex(), 0, int(samples.size()) - 1);
    QVector<GeneratedSample> newestFirst = samples;
    std::reverse(newestFirst.begin(), newestFirst.end());
    m_samples = newestFirst + m_samples;
    endInsertRows();
}

void SampleListModel::clear()
{
    setSamples({}, QString());
}

QString SampleListModel::absolutePath(int row) const
{
    return QDir(m_root).filePath(m_samples[row].file);
}

int SampleListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_samples.size());
}

QString SampleListModel::groupTitle(const QString &group)
{
    return group == QLatin1String("hard")   ? tr("hard")
           : group == QLatin1String("easy") ? tr("easy")
                                            : tr("reference");
}

QString SampleListModel::titleOf(const GeneratedSample &sample)
{
    const QString group = groupTitle(sample.group);
    if (sample.alpha)
        return tr("%1 · α %2").arg(group, QLocale().toString(*sample.alpha, 'f', 2));
    return sample.origin == QLatin1String("background") ? tr("%1 · %2").arg(group, tr("background")) : group;
}

QVariant SampleListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const GeneratedSample &sample = m_samples[index.row()];
    const QString path = absolutePath(index.row());
    const std::optional<bool> correct = sample.correct();
    switch (role) {
    case Qt::DisplayRole:
        return titleOf(sample);
    case GalleryModel::DetailRole:
        return sample.backend == QLatin1String("retrieval") ? tr("real image") : sample.prompt;
    case Qt::ToolTipRole: {
        QString verdict = !correct ? tr("Not checked by a classifier yet")
                          : *correct ? tr("The classifier says %1 (p = %2): correct")
                                           .arg(sample.prediction, QString::number(sample.confidence.value_or(0), 'f', 2))
                                     : tr("The classifier says %1 (p(%2) = %3): wrong")
                                           .arg(sample.prediction, sample.className,
                                                QString::number(sample.confidence.value_or(0), 'f', 2));
        return tr("%1\nPrompt: %2\nBackend: %3, seed %4\n%5\n%6")
            .arg(titleOf(sample), sample.prompt, sample.backend, QString::number(sample.seed), verdict, sample.file);
    }
    case Qt::DecorationRole:
        return m_cache ? QVariant(m_cache->thumbnail(path, m_thumbnailSize)) : QVariant();
    case GalleryModel::PathRole:
        return path;
    case GalleryModel::RelativePathRole:
        return sample.file;
    case GalleryModel::CorrectRole:
        return correct ? QVariant(*correct) : QVariant();
    case GalleryModel::LabelRole:
        return sample.className;
    case GalleryModel::PredictionRole:
        return sample.prediction;
    case GalleryModel::ThumbnailErrorRole:
        return m_cache ? m_cache->errorString(path) : QString();
    case GalleryModel::ThumbnailReadyRole:
        return m_cache && m_cache->contains(path, m_thumbnailSize);
    default:
        return {};
    }
}

Qt::ItemFlags SampleListModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren : Qt::NoItemFlags;
}

void SampleListModel::onThumbnailReady(const QString &path)
{
    for (int row = 0; row < rowCount(); ++row)
        if (absolutePath(row) == path)
            Q_EMIT dataChanged(index(row), index(row), {Qt::DecorationRole, GalleryModel::ThumbnailErrorRole,
                                                        GalleryModel::ThumbnailReadyRole});
}

} // namespace faultline
