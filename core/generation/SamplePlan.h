#pragma once

#include "generation/GenerationBackend.h"
#include "store/StoreTypes.h"

#include <Eigen/Core>
#include <QString>
#include <QVector>
#include <optional>

namespace faultline {

struct ClassCaptionRanking;

// One request of a plan and what the samples it makes are: which side of the failure mode
// (hard / easy / reference) and where the request came from.
struct PlannedSample
{
    GenerationRequest request;
    QString group;                 // hard | easy | reference
    QString origin;                // caption | slerp | background
    std::optional<double> alpha;   // slerp only
    std::vector<float> vector;     // slerp only: the slider's unit CLIP vector (kept with the sample
                                   // even when it is sent as its nearest caption)
    QString embeddingSpace;        // the CLIP model of `vector`
};

// What every request of a plan shares. seed < 0 picks a random base seed; each request then
// gets its own range (base + i·imagesPerRequest), so no two samples share a seed.
struct SampleSettings
{
    int imagesPerRequest = 4;
    qint64 seed = -1;
    int width = 512;
    int height = 512;
    int steps = 25;
    double guidanceScale = 7.0;
    QString negativePrompt;
};

// Paper 000 A.7: the hard captions (most negative along the direction), the easy ones (most
// positive) and the reference caption, each a prompt for a text-to-image model.
QVector<PlannedSample> planCaptionSamples(const ClassCaptionRanking &ranking, int captionsPerSide,
                                          const SampleSettings &settings);

// Paper 000 Sec. 2.2 / A.6: the reference caption's embedding rotated toward the hard (α < 0)
// or easy (α > 0) direction (difficultyVector), decoded by an embedding decoder. α = 0 is the
// reference itself. Throws Error for α outside [−1, 1] or mismatched sizes.
QVector<PlannedSample> planSlerpSamples(const QString &referenceCaption, const Eigen::VectorXf &reference,
                                        const Eigen::VectorXf &clipDirection, const QString &embeddingSpace,
                                        const QVector<double> &alphas, const SampleSettings &settings);

// For text-to-image servers, which cannot decode vectors: each slerp request becomes a prompt,
// the caption among `captions` (embedded as `captionEmbeddings`, captions × dim) whose
// embedding is nearest (cosine) to its vector. The vector and α stay with the sample.
void sendVectorsAsNearestCaptions(QVector<PlannedSample> &plan, const QStringList &captions,
                                  const std::vector<float> &captionEmbeddings);

// Prompts as given (a caption the user picked), all samples of `group`.
QVector<PlannedSample> planPromptSamples(const QStringList &prompts, const QString &group,
                                         const SampleSettings &settings);

// The request that makes a stored sample again: its prompt or vector, its own seed, one image,
// and the size, steps, guidance and negative prompt it was made with. Throws Error when the
// sample's stored parameters are not Faultline's (a hand-edited project).
PlannedSample planToMakeAgain(const GeneratedSample &sample);

// Paper 002 Sec. 4.3: "a photo of a <class> <background>" for the uncommon backgrounds the
// class's failures were matched to; these are hard samples by construction. The class's
// reference caption comes along as the reference group, so the check has a baseline.
QVector<PlannedSample> planBackgroundSamples(const QString &referenceCaption, const QStringList &backgroundPrompts,
                                             const SampleSettings &settings);

} // namespace faultline
