#include "generation/SamplePlan.h"

#include "common/Error.h"
#include "interpret/ClassCaptions.h"
#include "retrieval/Slerp.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace faultline {

namespace {

// Fills in the shared settings and the request's own seed range, in plan order.
void finishPlan(QVector<PlannedSample> &plan, const SampleSettings &settings)
{
    if (settings.imagesPerRequest < 1)
        throw Error(QStringLiteral("images per request must be at least 1 (got %1)").arg(settings.imagesPerRequest));
    // Seeds stay below 2^31 because some servers (A1111 included) keep them in 32-bit ints.
    const qint64 base = settings.seed >= 0 ? settings.seed : qint64(QRandomGenerator::global()->bounded(1 << 30));
    for (int i = 0; i < plan.size(); ++i) {
        GenerationRequest &request = plan[i].request;
        request.seed = base + qint64(i) * settings.imagesPerRequest;
        request.count = settings.imagesPerRequest;
        request.width = settings.width;
        request.height = settings.height;
        request.steps = settings.steps;
        request.guidanceScale = settings.guidanceScale;
        request.negativePrompt = settings.negativePrompt;
    }
}

PlannedSample promptSample(const QString &prompt, const QString &group, const QString &origin)
{
    PlannedSample sample;
    sample.request.prompt = prompt;
    sample.group = group;
    sample.origin = origin;
    return sample;
}

} // namespace

QVector<PlannedSample> planCaptionSamples(const ClassCaptionRanking &ranking, int captionsPerSide,
                                          const SampleSettings &settings)
{
    if (captionsPerSide < 1)
        throw Error(QStringLiteral("captions per side must be at least 1 (got %1)").arg(captionsPerSide));
    QVector<PlannedSample> plan;
    // ranked is most negative (hard) first; with few captions the sides never overlap
    const int n = int(ranking.ranked.size());
    const int hard = std::min(captionsPerSide, (n + 1) / 2);
    const int easy = std::min(captionsPerSide, n - hard);
    for (int i = 0; i < hard; ++i)
        plan.push_back(promptSample(ranking.ranked[i].caption, QStringLiteral("hard"), QStringLiteral("caption")));
    for (int i = 0; i < easy; ++i)
        plan.push_back(promptSample(ranking.ranked[n - 1 - i].caption, QStringLiteral("easy"), QStringLiteral("caption")));
    plan.push_back(promptSample(ranking.reference, QStringLiteral("reference"), QStringLiteral("caption")));
    finishPlan(plan, settings);
    return plan;
}

QVector<PlannedSample> planSlerpSamples(const QString &referenceCaption, const Eigen::VectorXf &reference,
                                        const Eigen::VectorXf &clipDirection, const QString &embeddingSpace,
                                        const QVector<double> &alphas, const SampleSettings &settings)
{
    if (alphas.isEmpty())
        throw Error(QStringLiteral("no α values to generate at"));
    QVector<PlannedSample> plan;
    for (const double alpha : alphas) {
        const Eigen::VectorXf vector = difficultyVector(reference, clipDirection, alpha);
        PlannedSample sample;
        sample.request.prompt = referenceCaption;
        sample.request.embedding.assign(vector.data(), vector.data() + vector.size());
        sample.request.embeddingSpace = embeddingSpace;
        sample.vector = sample.request.embedding;
        sample.embeddingSpace = embeddingSpace;
        sample.group = alpha < 0 ? QStringLiteral("hard") : alpha > 0 ? QStringLiteral("easy") : QStringLiteral("reference");
        sample.origin = QStringLiteral("slerp");
        sample.alpha = alpha;
        plan.push_back(sample);
    }
    finishPlan(plan, settings);
    return plan;
}

void sendVectorsAsNearestCaptions(QVector<PlannedSample> &plan, const QStringList &captions,
                                  const std::vector<float> &captionEmbeddings)
{
    if (captions.isEmpty())
        throw Error(QStringLiteral("no captions to send the slider's vectors as"));
    const Eigen::Index dim = Eigen::Index(captionEmbeddings.size() / size_t(captions.size()));
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    RowMatrix rows = Eigen::Map<const RowMatrix>(captionEmbeddings.data(), captions.size(), dim);
    rows.rowwise().normalize();
    for (PlannedSample &sample : plan) {
        if (sample.request.embedding.empty())
            continue;
        if (Eigen::Index(sample.request.embedding.size()) != dim)
            throw Error(QStringLiteral("the captions' embeddings have %1 values but the slider's vector has %2")
                            .arg(dim).arg(sample.request.embedding.size()));
        Eigen::Index best = 0;
        (rows * Eigen::Map<const Eigen::VectorXf>(sample.request.embedding.data(), dim)).maxCoeff(&best);
        sample.request.prompt = captions[best];
        sample.request.embedding.clear();
        sample.request.embeddingSpace.clear();
    }
}

QVector<PlannedSample> planPromptSamples(const QStringList &prompts, const QString &group,
                                         const SampleSettings &settings)
{
    if (prompts.isEmpty())
        throw Error(QStringLiteral("no prompts to generate"));
    QVector<PlannedSample> plan;
    for (const QString &prompt : prompts)
        plan.push_back(promptSample(prompt, group, QStringLiteral("caption")));
    finishPlan(plan, settings);
    return plan;
}

PlannedSample planToMakeAgain(const GeneratedSample &sample)
{
    const QJsonObject request = QJsonDocument::fromJson(sample.parameters.toUtf8()).object()
                                    .value(QStringLiteral("request")).toObject();
    if (request.isEmpty())
        throw Error(QStringLiteral("sample %1 has no stored request to make it again").arg(sample.id));
    PlannedSample again;
    again.group = sample.group;
    again.origin = sample.origin;
    again.alpha = sample.alpha;
    again.vector = sample.embedding;
    again.embeddingSpace = sample.embeddingSpace;
    GenerationRequest &r = again.request;
    r.prompt = sample.prompt;
    if (request.value(QStringLiteral("input")).toString() == QLatin1String("vector")) {
        r.embedding = sample.embedding;
        r.embeddingSpace = sample.embeddingSpace;
    }
    r.negativePrompt = request.value(QStringLiteral("negative_prompt")).toString();
    r.seed = sample.seed;
    r.count = 1;
    r.width = request.value(QStringLiteral("width")).toInt(r.width);
    r.height = request.value(QStringLiteral("height")).toInt(r.height);
    r.steps = request.value(QStringLiteral("steps")).toInt(r.steps);
    r.guidanceScale = request.value(QStringLiteral("guidance_scale")).toDouble(r.guidanceScale);
    return again;
}

QVector<PlannedSample> planBackgroundSamples(const QString &referenceCaption, const QStringList &backgroundPrompts,
                                             const SampleSettings &settings)
{
    if (backgroundPrompts.isEmpty())
        throw Error(QStringLiteral("no backgrounds to generate"));
    QVector<PlannedSample> plan;
    for (const QString &prompt : backgroundPrompts)
        plan.push_back(promptSample(prompt, QStringLiteral("hard"), QStringLiteral("background")));
    plan.push_back(promptSample(referenceCaption, QStringLiteral("reference"), QStringLiteral("background")));
    finishPlan(plan, settings);
    return plan;
}

} // namespace faultline
