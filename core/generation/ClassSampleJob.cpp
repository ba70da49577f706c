#include "generation/ClassSampleJob.h"

#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "classify/ImageClassifier.h"
#include "classify/ProjectClassifier.h"
#include "common/Error.h"
#include "generation/RetrievalBackend.h"
#include "generation/SampleCheck.h"
#include "generation/SampleGenerator.h"
#include "interpret/RunImages.h"
#include "interpret/StoredFailureDirection.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <algorithm>
#include <functional>
#include <optional>

namespace faultline {

namespace {

Eigen::VectorXf asVector(const std::vector<float> &values)
{
    return Eigen::Map<const Eigen::VectorXf>(values.data(), Eigen::Index(values.size()));
}

using ClassImages = std::function<const RunClassImages &()>;

QVector<PlannedSample> planFor(const ClassSampleJob &job, ProjectStore &store, const CaptionVocabulary &vocabulary,
                               const QString &reference, const ClassImages &images, const GenerationBackend &backend,
                               const TextEncoder &encode, const QString &embeddingSpace, JobControl *control,
                               ClassSampleResult &result)
{
    switch (job.source) {
    case ClassSampleJob::Source::Captions: {
        const ClassCaptionRanking ranking = rankClassCaptions(store, job.runId, vocabulary, job.className, encode,
                                                              CaptionScoreStorage::Store, control);
        return planCaptionSamples(ranking, job.captionsPerSide, job.settings);
    }
    case ClassSampleJob::Source::Slerp: {
        const StoredFailureDirection direction = StoredFailureDirection::load(store, job.runId, job.className);
        QVector<PlannedSample> plan = planSlerpSamples(reference, asVector(encode({reference})),
                                                       direction.clipSpaceDirection(), embeddingSpace, job.alphas,
                                                       job.settings);
        if (!backend.acceptsEmbeddings()) {
            QStringList captions{reference};
            for (const CaptionCandidate &candidate : captionCandidates(vocabulary, job.className))
                captions << candidate.text;
            sendVectorsAsNearestCaptions(plan, captions, encode(captions));
            result.notes << QStringLiteral("%1 makes images from text, so each slider position was sent as the caption"
                                           " nearest to it").arg(backend.name());
        }
        return plan;
    }
    case ClassSampleJob::Source::Backgrounds: {
        result.backgrounds = rankFailureBackgrounds(images(), vocabulary, encode);
        QStringList prompts;
        for (const BackgroundShare &share : result.backgrounds)
            if (prompts.size() < job.backgrounds && share.failures > 0)
                prompts << share.prompt;
        return planBackgroundSamples(reference, prompts, job.settings);
    }
    case ClassSampleJob::Source::Prompts:
        return planPromptSamples(job.prompts, job.promptGroup, job.settings);
    case ClassSampleJob::Source::Again: {
        QVector<PlannedSample> plan;
        for (const GeneratedSample &sample : store.generatedSamples(job.againIds)) {
            if (sample.className != job.className)
                throw Error(QStringLiteral("sample %1 is of class '%2', not '%3'").arg(sample.id).arg(sample.className, job.className));
            plan << planToMakeAgain(sample);
        }
        if (plan.size() != job.againIds.size())
            throw Error(QStringLiteral("some of the samples to make again are not in the project"));
        return plan;
    }
    }
    return {};
}

// Without a classifier, a retrieved real image still has the verdict the project's predictions
// give it.
QVector<SampleVerdict> predictionsOfRetrieved(const QVector<GeneratedSample> &samples, const RunClassImages &images)
{
    QHash<QString, QString> predictionOf;
    for (qsizetype i = 0; i < images.size() && i < images.predictions.size(); ++i)
        predictionOf.insert(images.paths[i], images.predictions[i]);
    QVector<SampleVerdict> verdicts;
    for (const GeneratedSample &sample : samples) {
        const auto found = predictionOf.constFind(sample.sourceImage);
        if (!sample.sourceImage.isEmpty() && found != predictionOf.constEnd() && !found->isEmpty())
            verdicts.push_back({sample.id, *found, *found == sample.className ? 1.0 : 0.0, QStringLiteral("predictions")});
    }
    return verdicts;
}

QByteArray fileBytes(const QString &datasetRoot, const QString &file)
{
    QFile in(QDir(datasetRoot).filePath(file));
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

// Each sample made again is compared with the one it repeats (requests keep the plan's order,
// one image each): the same bytes mean the backend reproduced it from the stored seed.
void compareWithOriginals(const ProjectStore &store, const ClassSampleJob &job, const QVector<qint64> &newIds,
                          ClassSampleResult &result)
{
    const QVector<GeneratedSample> originals = store.generatedSamples(job.againIds);
    const QVector<GeneratedSample> made = store.generatedSamples(newIds);
    for (const GeneratedSample &again : made) {
        const auto original = std::find_if(originals.begin(), originals.end(), [&](const GeneratedSample &o) {
            return o.seed == again.seed && o.prompt == again.prompt && o.embedding == again.embedding;
        });
        if (original == originals.end())
            continue;
        const bool same = fileBytes(job.datasetRoot, original->file) == fileBytes(job.datasetRoot, again.file);
        result.notes << (same ? QStringLiteral("sample %1 made again as sample %2: identical image")
                              : QStringLiteral("sample %1 made again as sample %2: a different image (the backend is"
                                               " not deterministic for this seed, or its model changed)"))
                                .arg(original->id).arg(again.id);
    }
}

} // namespace

ClassSampleResult runClassSampleJob(const ClassSampleJob &job, const TextEncoder &encode, const QString &embeddingSpace,
                                    JobControl *control, const std::function<void(const GeneratedSample &)> &onSample)
{
    ClassSampleResult result;
    ProjectStore store(job.projectPath);
    const CaptionVocabulary vocabulary = CaptionVocabulary::open(job.vocabulary);
    const QString reference = job.reference.isEmpty() ? referenceCaption(vocabulary, job.className) : job.reference;
    // The class's images and embeddings are read only where they are needed (retrieval,
    // backgrounds, retrieved images' verdicts): a server job over a large class never loads them.
    std::optional<RunClassImages> loaded;
    const ClassImages images = [&]() -> const RunClassImages & {
        if (!loaded)
            loaded = loadRunClassImages(store, job.runId, job.className);
        return *loaded;
    };

    std::unique_ptr<GenerationBackend> backend;
    if (job.backend.usesRetrieval()) {
        backend = std::make_unique<RetrievalBackend>(images(), encode);
        result.notes << QStringLiteral("no generation server is set, so these are the class's real images nearest to"
                                       " each prompt or slider position (retrieval)");
    } else {
        backend = createHttpGenerationBackend(job.backend);
    }
    result.backend = backend->name();

    const QVector<PlannedSample> plan = planFor(job, store, vocabulary, reference, images, *backend, encode,
                                                embeddingSpace, control, result);
    result.requests = int(plan.size());
    const SampleGenerationResult generated = generateSamples(store, job.datasetRoot, *backend, job.className, job.runId,
                                                             plan, control, onSample);
    result.errors = generated.errors;
    if (job.source == ClassSampleJob::Source::Again)
        compareWithOriginals(store, job, generated.sampleIds, result);

    if (job.check && !generated.sampleIds.isEmpty()) {
        const QVector<GeneratedSample> samples = store.generatedSamples(generated.sampleIds);
        if (const auto classifier = loadProjectClassifier(store, job.classifierPath)) {
            result.errors << checkGeneratedSamples(store, job.datasetRoot, *classifier, samples, control).errors;
        } else if (result.backend == GenerationBackendConfig::kRetrieval) {
            store.storeSampleVerdicts(predictionsOfRetrieved(samples, images()));
        } else {
            result.unchecked = true;
        }
    }
    result.samples = store.generatedSamples(generated.sampleIds);
    return result;
}

} // namespace faultline
