#pragma once

#include "gallery/ThumbnailCache.h"

#include <QDir>
#include <QPixmap>
#include <QTest>
#include <QWidget>

namespace faultline::testing {

// Renders `widget` once the thumbnails its first paint asked for are decoded, and saves the PNG
// as FAULTLINE_GUI_SHOTS/name when that folder is set (to look at the docks).
inline bool saveScreenshot(QWidget *widget, ThumbnailCache *cache, const QString &name)
{
    widget->show();
    widget->grab();
    if (!QTest::qWaitFor([cache] { return !cache || cache->pendingCount() == 0; }, 10000))
        return false;
    QTest::qWait(50); // the decoded thumbnails' dataChanged
    const QPixmap shot = widget->grab();
    const QString dir = qEnvironmentVariable("FAULTLINE_GUI_SHOTS");
    return !shot.isNull() && (dir.isEmpty() || (QDir().mkpath(dir) && shot.save(QDir(dir).filePath(name))));
}

} // namespace faultline::testing
