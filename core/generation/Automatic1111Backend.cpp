#include "generation/Automatic1111Backend.h"

#include "common/Error.h"
#include "generation/GenerationBackendConfig.h"
#include "generation/ServerImage.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace faultline {

namespace {

QByteArray authorizationFor(const QString &token)
{
    if (token.contains(QLatin1Char(':')))
        return "Basic " + token.toUtf8().toBase64();
    return bearerAuthorization(token);
}

// What of the server's "info" is kept with every image: enough to know how it was made.
QJsonObject imageInfo(const QJsonObject &info)
{
    QJsonObject kept;
    for (const char *key : {"sd_model_name", "sd_model_hash", "sampler_name", "scheduler", "cfg_scale", "steps",
                            "width", "height", "version"}) {
        const QJsonValue value = info.value(QLatin1String(key));
        if (!value.isUndefined() && !value.isNull())
            kept.insert(QLatin1String(key), value);
    }
    return kept;
}

} // namespace

Automatic1111Backend::Automatic1111Backend(const QUrl &baseUrl, const QString &token, const QString &sampler,
                                           const GenerationLimits &limits)
    : HttpGenerationBackend(baseUrl, limits, authorizationFor(token)), m_sampler(sampler)
{
}

QString Automatic1111Backend::name() const
{
    return GenerationBackendConfig::kAutomatic1111;
}

QJsonObject Automatic1111Backend::parameters() const
{
    QJsonObject parameters = commonParameters();
    parameters.insert(QStringLiteral("sampler"), m_sampler);
    if (!m_serverModel.isEmpty())
        parameters.insert(QStringLiteral("server_model"), m_serverModel);
    return parameters;
}

void Automatic1111Backend::checkReachable(JobControl *control)
{
    const HttpJsonReply reply = probe(QStringLiteral("/sdapi/v1/options"), control);
    if (!reply.ok()) {
        const QString hint = reply.httpStatus == 401 || reply.httpStatus == 403
                                 ? QStringLiteral("check the token (user:password of the server's --api-auth)")
                                 : QStringLiteral("start the server with --api (e.g. ./webui.sh --api --listen)");
        throw Error(QStringLiteral("AUTOMATIC1111 server at %1 is not reachable: %2; %3").arg(baseUrlText(), reply.error, hint));
    }
    m_serverModel = reply.json.value(QStringLiteral("sd_model_checkpoint")).toString();
    markReachable();
}

QJsonObject Automatic1111Backend::txt2imgBody(const GenerationRequest &request) const
{
    QJsonObject body{{QStringLiteral("prompt"), request.prompt},
                     {QStringLiteral("negative_prompt"), request.negativePrompt},
                     {QStringLiteral("steps"), request.steps},
                     {QStringLiteral("cfg_scale"), request.guidanceScale},
                     {QStringLiteral("seed"), request.seed},
                     {QStringLiteral("width"), request.width},
                     {QStringLiteral("height"), request.height},
                     {QStringLiteral("batch_size"), request.count},
                     {QStringLiteral("n_iter"), 1}};
    if (!m_sampler.isEmpty())
        body.insert(QStringLiteral("sampler_name"), m_sampler);
    return body;
}

std::vector<GeneratedImage> Automatic1111Backend::readAnswer(const GenerationRequest &request, const QJsonObject &answer)
{
    const QJsonArray images = answerImages(answer, request.count);
    // "info" is a JSON document in a string; its all_seeds are the seeds actually used.
    const QJsonObject info = QJsonDocument::fromJson(answer.value(QStringLiteral("info")).toString().toUtf8()).object();
    const QJsonArray allSeeds = info.value(QStringLiteral("all_seeds")).toArray();
    const QJsonObject kept = imageInfo(info);
    std::vector<GeneratedImage> generated;
    for (int i = 0; i < images.size(); ++i) {
        GeneratedImage image;
        image.png = pngFromBase64(images.at(i), i + 1, int(images.size()),
                                  servedImagePixelCap(request.width, request.height));
        image.seed = allSeeds.size() == images.size() ? allSeeds.at(i).toInteger(request.seed + i) : request.seed + i;
        image.info = kept;
        generated.push_back(std::move(image));
    }
    return generated;
}

void Automatic1111Backend::generate(const std::vector<GenerationRequest> &requests, JobControl *control,
                                    const OutcomeHandler &onOutcome)
{
    ensureReachable(control);
    const QUrl url = endpoint(QStringLiteral("/sdapi/v1/txt2img"));
    std::vector<PreparedCall> prepared;
    for (const GenerationRequest &request : requests) {
        PreparedCall call{{url, txt2imgBody(request)}, {}};
        if (request.prompt.trimmed().isEmpty())
            call.error = QStringLiteral("%1: AUTOMATIC1111 turns text prompts into images and this request has none; "
                                        "use an embedding decoder or retrieval for CLIP vectors")
                             .arg(baseUrlText());
        prepared.push_back(std::move(call));
    }
    runCalls(requests, prepared, control, &Automatic1111Backend::readAnswer, onOutcome);
}

} // namespace faultline
