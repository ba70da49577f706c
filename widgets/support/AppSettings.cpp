#include "support/AppSettings.h"

#include "appearance/Appearance.h"

#include "dataset/Split.h"

#include "common/Error.h"

#include <QJsonDocument>
#include <QFileInfo>
#include <QSettings>
#include <algorithm>

namespace faultline::AppSettings {

namespace {

const char *const kClipModel = "engine/clipModel";
const char *const kDevice = "engine/device";
const char *const kThreads = "engine/threads";
const char *const kLanguage = "ui/language";
const char *const kAppearance = "ui/appearance";
const char *const kThumbnailSize = "ui/thumbnailSize";
const char *const kGenerationBackend = "generation/backend";
const char *const kGenerationToken = "generation/token";
const char *const kSampleCount = "generation/imagesPerRequest";
const char *const kSampleWidth = "generation/width";
const char *const kSampleHeight = "generation/height";
const char *const kSampleSteps = "generation/steps";
const char *const kSampleGuidance = "generation/guidance";
const char *const kNegativePrompt = "generation/negativePrompt";

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
    QSettings().setValue(QLatin1String(kDevice), computeDeviceName(device));
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

Appearance appearance()
{
    return appearanceFromName(QSettings().value(QLatin1String(kAppearance)).toString());
}

void setAppearance(Appearance appearance)
{
    QSettings().setValue(QLatin1String(kAppearance), appearanceName(appearance));
    applyAppearance(appearance);
}

int thumbnailSize()
{
    return std::clamp(QSettings().value(QLatin1String(kThumbnailSize), 96).toInt(), 48, 256);
}

void setThumbnailSize(int size)
{
    QSettings().setValue(QLatin1String(kThumbnailSize), std::clamp(size, 48, 256));
}

namespace {

// One group per dataset folder, keyed by its canonical path (hex, as QSettings keys must be plain).
QString datasetViewGroup(const QString &root)
{
    const QString canonical = QFileInfo(root).canonicalFilePath();
    return QStringLiteral("datasets/") + QString::fromLatin1((canonical.isEmpty() ? root : canonical).toUtf8().toHex());
}

} // namespace

DatasetView datasetView(const QString &root)
{
    QSettings settings;
    settings.beginGroup(datasetViewGroup(root));
    DatasetView view;
    view.className = settings.value(QStringLiteral("class")).toString();
    view.split = settings.value(QStringLiteral("split"), int(Split::Test)).toInt();
    view.sortKey = settings.value(QStringLiteral("sort"), 0).toInt();
    view.runId = settings.value(QStringLiteral("run"), 0).toLongLong();
    return view;
}

void setDatasetView(const QString &root, const DatasetView &view)
{
    QSettings settings;
    settings.beginGroup(datasetViewGroup(root));
    settings.setValue(QStringLiteral("class"), view.className);
    settings.setValue(QStringLiteral("split"), view.split);
    settings.setValue(QStringLiteral("sort"), view.sortKey);
    settings.setValue(QStringLiteral("run"), view.runId);
}

QByteArray savedViewsJson(const QString &root)
{
    QSettings settings;
    settings.beginGroup(datasetViewGroup(root));
    return settings.value(QStringLiteral("savedViews")).toByteArray();
}

void setSavedViewsJson(const QString &root, const QByteArray &json)
{
    QSettings settings;
    settings.beginGroup(datasetViewGroup(root));
    settings.setValue(QStringLiteral("savedViews"), json);
}

GenerationBackendConfig generationBackend()
{
    const QSettings settings;
    GenerationBackendConfig config;
    config.kind = GenerationBackendConfig::kRetrieval;
    const QByteArray json = settings.value(QLatin1String(kGenerationBackend)).toByteArray();
    if (!json.isEmpty()) {
        try {
            config = GenerationBackendConfig::fromJson(QJsonDocument::fromJson(json).object());
        } catch (const Error &) {
            // A setting written by another version: fall back to retrieval rather than fail every Generate.
        }
    }
    config.token = settings.value(QLatin1String(kGenerationToken)).toString();
    return config;
}

void setGenerationBackend(const GenerationBackendConfig &config)
{
    QSettings settings;
    settings.setValue(QLatin1String(kGenerationBackend), QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact));
    settings.setValue(QLatin1String(kGenerationToken), config.token);
}

SampleSettings sampleSettings()
{
    const QSettings settings;
    SampleSettings samples;
    samples.imagesPerRequest = std::clamp(settings.value(QLatin1String(kSampleCount), 4).toInt(), 1, 16);
    samples.width = std::clamp(settings.value(QLatin1String(kSampleWidth), 512).toInt(), 64, 2048);
    samples.height = std::clamp(settings.value(QLatin1String(kSampleHeight), 512).toInt(), 64, 2048);
    samples.steps = std::clamp(settings.value(QLatin1String(kSampleSteps), 25).toInt(), 1, 200);
    samples.guidanceScale = std::clamp(settings.value(QLatin1String(kSampleGuidance), 7.0).toDouble(), 0.0, 50.0);
    samples.negativePrompt = settings.value(QLatin1String(kNegativePrompt)).toString();
    return samples;
}

void setSampleSettings(const SampleSettings &samples)
{
    QSettings settings;
    settings.setValue(QLatin1String(kSampleCount), samples.imagesPerRequest);
    settings.setValue(QLatin1String(kSampleWidth), samples.width);
    settings.setValue(QLatin1String(kSampleHeight), samples.height);
    settings.setValue(QLatin1String(kSampleSteps), samples.steps);
    settings.setValue(QLatin1String(kSampleGuidance), samples.guidanceScale);
    settings.setValue(QLatin1String(kNegativePrompt), samples.negativePrompt);
}

} // namespace faultline::AppSettings
