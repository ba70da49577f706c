#include "generation/EmbeddingDecoderBackend.h"

#include "common/Error.h"
#include "generation/GenerationBackendConfig.h"
#include "generation/ServerImage.h"

#include <QJsonArray>

namespace faultline {

namespace {

QString canonicalClipModel(const QString &name)
{
    QString canonical = name.toLower();
    canonical.remove(QLatin1Char('-')).remove(QLatin1Char('/')).remove(QLatin1Char('_'));
    return canonical;
}

} // namespace

bool sameClipModel(const QString &a, const QString &b)
{
    return canonicalClipModel(a) == canonicalClipModel(b);
}

EmbeddingDecoderBackend::EmbeddingDecoderBackend(const QUrl &baseUrl, const QString &token, const GenerationLimits &limits)
    : HttpGenerationBackend(baseUrl, limits, bearerAuthorization(token))
{
}

QString EmbeddingDecoderBackend::name() const
{
    return GenerationBackendConfig::kEmbeddingDecoder;
}

QJsonObject EmbeddingDecoderBackend::parameters() const
{
    QJsonObject parameters = commonParameters();
    for (const char *key : {"clip_model", "embedding_dim", "max_count", "pipeline", "server"}) {
        const QJsonValue value = m_info.value(QLatin1String(key));
        if (!value.isUndefined())
            parameters.insert(QLatin1String(key), value);
    }
    return parameters;
}

void EmbeddingDecoderBackend::checkReachable(JobControl *control)
{
    const HttpJsonReply reply = probe(QStringLiteral("/v1/info"), control);
    if (!reply.ok()) {
        const QString hint = reply.httpStatus == 401 ? QStringLiteral("check the token the server was started with")
                                                     : QStringLiteral("is the embedding decoder server running?");
        throw Error(QStringLiteral("embedding decoder at %1 is not reachable: %2; %3").arg(baseUrlText(), reply.error, hint));
    }
    const QString where = endpoint(QStringLiteral("/v1/info")).toDisplayString(QUrl::RemoveUserInfo);
    const QString protocol = reply.json.value(QStringLiteral("protocol")).toString();
    if (protocol != kProtocol)
        throw Error(QStringLiteral("%1: the server speaks \"%2\", not %3").arg(where, protocol, kProtocol));
    const QString clipModel = reply.json.value(QStringLiteral("clip_model")).toString();
    const int dim = reply.json.value(QStringLiteral("embedding_dim")).toInt();
    if (clipModel.isEmpty() || dim <= 0)
        throw Error(QStringLiteral("%1: the answer lacks \"clip_model\" or a positive \"embedding_dim\"").arg(where));
    m_info = reply.json;
    m_clipModel = clipModel;
    m_embeddingDim = dim;
    markReachable();
}

QString EmbeddingDecoderBackend::mismatch(const GenerationRequest &request) const
{
    if (request.embedding.empty())
        return QStringLiteral("%1 decodes CLIP vectors and this request has none; use a text-to-image backend for prompts")
            .arg(baseUrlText());
    if (int(request.embedding.size()) == m_embeddingDim && sameClipModel(request.embeddingSpace, m_clipModel))
        return QString();
    const QString space = request.embeddingSpace.isEmpty() ? QStringLiteral("of an unnamed CLIP model") : request.embeddingSpace;
    return QStringLiteral("this run's embeddings are %1 (%2-d) but %3 decodes %4 (%5-d) vectors; "
                          "analyse with %4 or use a text-to-image backend")
        .arg(space)
        .arg(request.embedding.size())
        .arg(baseUrlText(), m_clipModel)
        .arg(m_embeddingDim);
}

QJsonObject EmbeddingDecoderBackend::decodeBody(const GenerationRequest &request) const
{
    QJsonArray embedding;
    for (float value : request.embedding)
        embedding.append(double(value));
    return QJsonObject{{QStringLiteral("embedding"), embedding},
                       {QStringLiteral("clip_model"), m_clipModel},
                       {QStringLiteral("seed"), request.seed},
                       {QStringLiteral("count"), request.count},
                       {QStringLiteral("width"), request.width},
                       {QStringLiteral("height"), request.height},
                       {QStringLiteral("steps"), request.steps},
                       {QStringLiteral("guidance_scale"), request.guidanceScale},
                       {QStringLiteral("prompt"), request.prompt},
                       {QStringLiteral("negative_prompt"), request.negativePrompt}};
}

std::vector<GeneratedImage> EmbeddingDecoderBackend::readAnswer(const GenerationRequest &request, const QJsonObject &answer)
{
    const QJsonArray images = answerImages(answer, request.count);
    const QJsonObject info = answer.value(QStringLiteral("info")).toObject();
    std::vector<GeneratedImage> generated;
    for (int i = 0; i < images.size(); ++i) {
        const QJsonObject entry = images.at(i).toObject();
        GeneratedImage image;
        image.png = pngFromBase64(entry.value(QStringLiteral("png_base64")), i + 1, int(images.size()),
                                  servedImagePixelCap(request.width, request.height));
        image.seed = entry.value(QStringLiteral("seed")).toInteger(request.seed + i);
        image.info = info;
        generated.push_back(std::move(image));
    }
    return generated;
}

void EmbeddingDecoderBackend::generate(const std::vector<GenerationRequest> &requests, JobControl *control,
                                       const OutcomeHandler &onOutcome)
{
    ensureReachable(control);
    const QUrl url = endpoint(QStringLiteral("/v1/decode"));
    std::vector<PreparedCall> prepared;
    for (const GenerationRequest &request : requests) {
        PreparedCall call{{url, std::nullopt}, mismatch(request)};
        if (call.error.isEmpty())
            call.call.body = decodeBody(request);
        prepared.push_back(std::move(call));
    }
    runCalls(requests, prepared, control, &EmbeddingDecoderBackend::readAnswer, onOutcome);
}

} // namespace faultline
