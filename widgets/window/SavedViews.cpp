#include "window/SavedViews.h"

#include "support/AppSettings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace faultline {

namespace {

QJsonValue bound(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

std::optional<double> boundFrom(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

} // namespace

QByteArray savedViewsToJson(const QVector<SavedView> &views)
{
    QJsonArray array;
    for (const SavedView &v : views) {
        const GalleryRanges &r = v.ranges;
        array.append(QJsonObject{
            {QStringLiteral("name"), v.name},
            {QStringLiteral("class"), v.className},
            {QStringLiteral("split"), v.split ? QJsonValue(splitName(*v.split)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("filter"), int(v.filter)},
            {QStringLiteral("sort"), int(v.sortKey)},
            {QStringLiteral("prediction"), r.prediction},
            {QStringLiteral("decision"), QJsonArray{bound(r.minDecision), bound(r.maxDecision)}},
            {QStringLiteral("hardness"), QJsonArray{bound(r.minHardness), bound(r.maxHardness)}},
            {QStringLiteral("confidence"), QJsonArray{bound(r.minConfidence), bound(r.maxConfidence)}},
            {QStringLiteral("caption"), r.caption},
            {QStringLiteral("captionPercent"), r.captionPercent},
        });
    }
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QVector<SavedView> savedViewsFromJson(const QByteArray &json)
{
    QVector<SavedView> views;
    for (const QJsonValue &value : QJsonDocument::fromJson(json).array()) {
        const QJsonObject o = value.toObject();
        SavedView v;
        v.name = o.value(QStringLiteral("name")).toString();
        if (v.name.isEmpty())
            continue;
        v.className = o.value(QStringLiteral("class")).toString();
        Split split;
        if (splitFromName(o.value(QStringLiteral("split")).toString(), &split))
            v.split = split;
        const int filter = o.value(QStringLiteral("filter")).toInt();
        if (filter >= int(GalleryModel::Filter::All) && filter <= int(GalleryModel::Filter::Untagged))
            v.filter = GalleryModel::Filter(filter);
        v.sortKey = o.value(QStringLiteral("sort")).toInt() == int(GalleryModel::SortKey::Hardness)
            ? GalleryModel::SortKey::Hardness : GalleryModel::SortKey::DecisionValue;
        v.ranges.prediction = o.value(QStringLiteral("prediction")).toString();
        const QJsonArray d = o.value(QStringLiteral("decision")).toArray(), h = o.value(QStringLiteral("hardness")).toArray(),
                         c = o.value(QStringLiteral("confidence")).toArray();
        v.ranges.minDecision = boundFrom(d.at(0)), v.ranges.maxDecision = boundFrom(d.at(1));
        v.ranges.minHardness = boundFrom(h.at(0)), v.ranges.maxHardness = boundFrom(h.at(1));
        v.ranges.minConfidence = boundFrom(c.at(0)), v.ranges.maxConfidence = boundFrom(c.at(1));
        v.ranges.caption = o.value(QStringLiteral("caption")).toString().trimmed();
        v.ranges.captionPercent = std::clamp(o.value(QStringLiteral("captionPercent")).toInt(v.ranges.captionPercent), 1, 100);
        views << v;
    }
    return views;
}

QVector<SavedView> loadSavedViews(const QString &datasetRoot)
{
    return savedViewsFromJson(AppSettings::savedViewsJson(datasetRoot));
}

QVector<SavedView> saveView(const QString &datasetRoot, const SavedView &view)
{
    QVector<SavedView> views = removeSavedView(datasetRoot, view.name);
    views << view;
    AppSettings::setSavedViewsJson(datasetRoot, savedViewsToJson(views));
    return views;
}

QVector<SavedView> removeSavedView(const QString &datasetRoot, const QString &name)
{
    QVector<SavedView> views = loadSavedViews(datasetRoot);
    views.removeIf([&](const SavedView &v) { return v.name == name; });
    AppSettings::setSavedViewsJson(datasetRoot, savedViewsToJson(views));
    return views;
}

} // namespace faultline
