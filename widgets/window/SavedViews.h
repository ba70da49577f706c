#pragma once

#include "dataset/Split.h"
#include "gallery/GalleryModel.h"

#include <QByteArray>
#include <QString>
#include <QVector>
#include <optional>

namespace faultline {

// A named way of looking at a dataset: the class, the gallery's split, Show filter, sort and
// Filters ranges. Kept per dataset (AppSettings::savedViewsJson) and listed in View ▸ Saved views.
struct SavedView
{
    QString name;
    QString className;
    std::optional<Split> split; // unset: every split
    GalleryModel::Filter filter = GalleryModel::Filter::All;
    GalleryModel::SortKey sortKey = GalleryModel::SortKey::DecisionValue;
    GalleryRanges ranges;
};

QByteArray savedViewsToJson(const QVector<SavedView> &views);
// Unknown or damaged entries are skipped, never fatal (the settings file is the user's).
QVector<SavedView> savedViewsFromJson(const QByteArray &json);

QVector<SavedView> loadSavedViews(const QString &datasetRoot);
// Adds `view`, replacing a saved view of the same name; returns the views as stored.
QVector<SavedView> saveView(const QString &datasetRoot, const SavedView &view);
QVector<SavedView> removeSavedView(const QString &datasetRoot, const QString &name);

} // namespace faultline
