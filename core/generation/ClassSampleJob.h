#pragma once

#include "generation/GenerationBackendConfig.h"
#include "generation/SamplePlan.h"
#include "interpret/ClassCaptions.h" // TextEncoder
#include "interpret/FailureBackgrounds.h"
#include "store/StoreTypes.h"

#include <QStringList>
#include <functional>

namespace faultline {

class JobControl;

// One "make new test images for this class" job, as the CLI's generate command and the
// workbench's Generate buttons ask for it.
struct ClassSampleJob
{
    enum class Source {
        Captions,    // the class's hard, easy and reference captions (paper 000 A.7)
        Slerp,       // the slider's vectors at `alphas` (Sec. 2.2, A.6)
        Backgrounds, // "<class> <background>" for its failures' backgrounds (paper 002 Sec. 4.3)
        Prompts,     // `prompts` as given, all in `promptGroup` (a caption the user picked)
        Again,       // the stored samples `againIds` (of this class), each made again from its seed
    };

    QString datasetRoot;
    QString projectPath;
    qint64 runId = 0;
    QString className;
    Source source = Source::Captions;
    QVector<double> alphas{-0.5, 0.0, 0.5};
    int captionsPerSide = 2;
    int backgrounds = 3;
    QStringList prompts;
    QString promptGroup = QStringLiteral("hard");
    QVector<qint64> againIds;
    QString vocabulary = QStringLiteral("generic"); // name or JSON file
    QString reference;                              // empty: the vocabulary's reference caption
    SampleSettings settings;
    GenerationBackendConfig backend;                 // kind retrieval (or no URL): nearest real images
    bool check = true;                               // the classifier's verdict on every new sample
    QString classifierPath;                          // empty: the project's (faultline-cli predict)
};

struct ClassSampleResult
{
    QVector<GeneratedSample> samples;     // as stored, verdicts included
    QStringList errors;                   // failed requests and unreadable samples, one line each
    QStringList notes;                    // what the user should know (fallbacks taken)
    QVector<BackgroundShare> backgrounds; // Source::Backgrounds: every background's share
    QString backend;                      // the backend's name
    int requests = 0;
    bool unchecked = false;               // new generated images have no verdict: the project has no classifier
};

// Plans, generates and checks. `encode` is the run's CLIP text tower and `embeddingSpace` its
// architecture (clipArchitectureName). Without a server the samples are retrieved real images,
// with a note saying so; for a text-to-image server the slider's vectors become the caption
// candidates nearest to them. Without a classifier, retrieved images keep the prediction the
// project has for them and generated ones stay unchecked (`unchecked`). Source::Again notes for
// each sample whether the new image is identical to the stored one. Every sample is stored
// as it arrives (onSample on the calling thread). Throws Error / JobCancelled.
ClassSampleResult runClassSampleJob(const ClassSampleJob &job, const TextEncoder &encode,
                                    const QString &embeddingSpace, JobControl *control,
                                    const std::function<void(const GeneratedSample &)> &onSample = {});

} // namespace faultline
