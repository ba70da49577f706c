#pragma once

#include "clip/ClipModel.h"
#include "generation/GenerationBackendConfig.h"
#include "generation/SamplePlan.h"

#include "appearance/Appearance.h"

#include <QString>

namespace faultline {

// The workbench's persistent preferences (QSettings), typed, with their defaults in one place.
// Read where they are used, so a change in the Settings dialog applies to the next job.
namespace AppSettings {

// CLIP checkpoint (catalogue name or file) for embedding datasets that have no embeddings yet.
QString clipModel();
void setClipModel(const QString &nameOrPath);

ComputeDevice device();                 // where CLIP runs: auto (CUDA when present), cpu, cuda
void setDevice(ComputeDevice device);

int threadCount();                      // engine worker threads; 0 = one per core
void setThreadCount(int threads);
// Applies threadCount() to libtorch's intra-op threads (the analysis and decoding read it per job).
void applyThreadCount();

QString language();                     // "" = follow the system, else a locale name ("de")
void setLanguage(const QString &language);
Appearance appearance();                // system (default), light or dark
void setAppearance(Appearance appearance); // stores it and applies it at once

int thumbnailSize();                    // gallery tile size in device-independent pixels
void setThumbnailSize(int size);

// What a dataset showed when the workbench last closed, restored when it is opened again.
struct DatasetView
{
    QString className;  // empty: none selected
    int split = -1;     // the gallery's split (int(Split)); -1: all splits
    int sortKey = 0;    // int(GalleryModel::SortKey)
    qint64 runId = 0;   // the run chosen in the run picker; 0: the latest
};
DatasetView datasetView(const QString &root);
void setDatasetView(const QString &root, const DatasetView &view);
// The dataset's saved views (window/SavedViews.h), as the JSON they are kept in.
QByteArray savedViewsJson(const QString &root);
void setSavedViewsJson(const QString &root, const QByteArray &json);

// Where Generate sends its requests: a server (kind, URL, limits; the token too, as the user
// typed it) or, by default, retrieval of real images.
GenerationBackendConfig generationBackend();
void setGenerationBackend(const GenerationBackendConfig &config);

// Image size, steps, guidance and images per request for Generate (the seed is always random).
SampleSettings sampleSettings();
void setSampleSettings(const SampleSettings &settings);

} // namespace AppSettings

} // namespace faultline
