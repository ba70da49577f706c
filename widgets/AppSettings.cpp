#include "AppSettings.h"

#include <QSettings>
#include <algorithm>

namespace faultline::AppSettings {

namespace {

const char *const kClipModel = "engine/clipModel";
const char *const kDevice = "engine/device";
const char *const kThreads = "engine/threads";
const char *const kLanguage = "ui/language";
const char *const kThumbnailSize = "ui/thumbnailSize";

} // namespace

QString clipModel()
{
    return QSettings().value(QLatin1String(kClipModel), QStringLiteral("ViT-B/32")).toString();
}

void setClipModel(const QString &nameOrPath)
{
    QSettings().setValue(QLatin1String(kClipModel), nameOrPath);
}

ComputeDevice device()
{
    const QString name = QSettings().value(QLatin1String(kDevice)).toString();
    if (name == QLatin1String("cpu"))
        return ComputeDevice::Cpu;
    if (name == QLatin1String("cuda"))
        return ComputeDevice::Cuda;
    return ComputeDevice::Auto;
}

void setDevice(ComputeDevice device)
{
    QSettings().setValue(QLatin1String(kDevice), deviceName(device));
}

QString deviceName(ComputeDevice device)
{
    switch (device) {
    case ComputeDevice::Cpu: return QStringLiteral("cpu");
    case ComputeDevice::Cuda: return QStringLiteral("cuda");
    case ComputeDevice::Auto: break;
    }
    return QStringLiteral("auto");
}

int threadCount()
{
    return std::max(0, QSettings().value(QLatin1String(kThreads), 0).toInt());
}

void setThreadCount(int threads)
{
    QSettings().setValue(QLatin1String(kThreads), std::max(0, threads));
    applyThreadCount();
}

void applyThreadCount()
{
    ClipModel::setThreadCount(threadCount());
}

QString language()
{
    return QSettings().value(QLatin1String(kLanguage)).toString();
}

void setLanguage(const QString &language)
{
    QSettings().setValue(QLatin1String(kLanguage), language);
}

int thumbnailSize()
{
    return std::clamp(QSettings().value(QLatin1String(kThumbnailSize), 96).toInt(), 48, 256);
}

void setThumbnailSize(int size)
{
    QSettings().setValue(QLatin1String(kThumbnailSize), std::clamp(size, 48, 256));
}

} // namespace faultline::AppSettings
