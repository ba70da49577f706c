#include "generation/SampleGenerator.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "generation/GenerationBackend.h"
#include "io/AtomicFileWriter.h"
#include "store/ProjectStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace faultline {

namespace {

// Content-named, so a sample made again from its seed lands on the same file.
QString writeSampleImage(const QString &datasetRoot, const QByteArray &png)
{
    const QString hash = QString::fromLatin1(QCryptographicHash::hash(png, QCryptographicHash::Sha256).toHex().left(24));
    const QString relative = generatedSamplesFolder() + QLatin1Char('/') + hash + QStringLiteral(".png");
    const QString path = QDir(datasetRoot).filePath(relative);
    if (!QFileInfo::exists(path)) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            throw Error(QStringLiteral("%1: cannot create the folder").arg(QFileInfo(path).absolutePath()));
        AtomicFileWriter writer(path);
        writer.write(png);
        writer.commit();
    }
    return relative;
}

QJsonObject requestJson(const GenerationRequest &request)
{
    QJsonObject json{{QStringLiteral("input"), request.embedding.empty() ? QStringLiteral("prompt") : QStringLiteral("vector")},
                     {QStringLiteral("count"), request.count},
                     {QStringLiteral("width"), request.width},
                     {QStringLiteral("height"), request.height},
                     {QStringLiteral("steps"), request.steps},
                     {QStringLiteral("guidance_scale"), request.guidanceScale}};
    if (!request.negativePrompt.isEmpty())
        json.insert(QStringLiteral("negative_prompt"), request.negativePrompt);
    return json;
}

void checkBackendTakes(const GenerationBackend &backend, const QVector<PlannedSample> &plan)
{
    for (const PlannedSample &planned : plan) {
        const bool wantsVector = !planned.request.embedding.empty();
        if (wantsVector && !backend.acceptsEmbeddings())
            throw Error(QStringLiteral("the %1 backend makes images from text; slider vectors need an embedding decoder"
                                       " (or retrieval)").arg(backend.name()));
        if (!wantsVector && !backend.acceptsPrompts())
            throw Error(QStringLiteral("the %1 backend decodes CLIP vectors; caption prompts need a text-to-image"
                                       " server (or retrieval)").arg(backend.name()));
    }
}

} // namespace

QString generatedSamplesFolder()
{
    return QStringLiteral(".faultline/generated");
}

SampleGenerationResult generateSamples(ProjectStore &store, const QString &datasetRoot, GenerationBackend &backend,
                                       const QString &className, qint64 runId, const QVector<PlannedSample> &plan,
                                       JobControl *control, const std::function<void(const GeneratedSample &)> &onSample)
{
    SampleGenerationResult result;
    result.requests = int(plan.size());
    if (plan.isEmpty())
        return result;
    checkBackendTakes(backend, plan);
    backend.checkReachable(control);

    std::vector<GenerationRequest> requests;
    requests.reserve(size_t(plan.size()));
    for (const PlannedSample &planned : plan)
        requests.push_back(planned.request);
    const QJsonObject backendParameters = backend.parameters();

    backend.generate(requests, control, [&](int index, const GenerationOutcome &outcome) {
        const PlannedSample &planned = plan[index];
        if (!outcome.ok()) {
            const QString what = planned.alpha ? QStringLiteral("α = %1").arg(*planned.alpha)
                                               : QStringLiteral("\"%1\"").arg(planned.request.prompt);
            result.errors << QStringLiteral("%1 (%2 sample, %3): %4").arg(className, planned.group, what, outcome.error);
            return;
        }
        for (const GeneratedImage &image : outcome.images) {
            GeneratedSample sample;
            sample.runId = runId;
            sample.className = className;
            sample.group = planned.group;
            sample.origin = planned.origin;
            sample.prompt = planned.request.prompt;
            sample.embedding = planned.vector;
            sample.embeddingSpace = planned.embeddingSpace;
            sample.alpha = planned.alpha;
            sample.seed = image.seed;
            sample.backend = backend.name();
            sample.parameters = QString::fromUtf8(QJsonDocument(QJsonObject{
                {QStringLiteral("request"), requestJson(planned.request)},
                {QStringLiteral("backend"), backendParameters},
                {QStringLiteral("image"), image.info}}).toJson(QJsonDocument::Compact));
            sample.sourceImage = image.sourcePath;
            sample.file = image.png.isEmpty() ? image.sourcePath : writeSampleImage(datasetRoot, image.png);
            if (sample.file.isEmpty())
                throw Error(QStringLiteral("the %1 backend returned an image with neither data nor a source").arg(backend.name()));
            sample.id = store.addGeneratedSample(sample);
            sample.created = QDateTime::currentDateTimeUtc();
            result.sampleIds.push_back(sample.id);
            if (onSample)
                onSample(sample);
        }
    });
    return result;
}

} // namespace faultline
