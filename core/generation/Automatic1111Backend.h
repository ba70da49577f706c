#pragma once

#include "generation/HttpGenerationBackend.h"

namespace faultline {

// Text-to-image through an AUTOMATIC1111-compatible server (stable-diffusion-webui started with
// --api, Forge, SD.Next): POST /sdapi/v1/txt2img, one call per request. See
// docs/GENERATION_PROTOCOL.md for the fields used.
class Automatic1111Backend : public HttpGenerationBackend
{
public:
    // `token`: "user:password" is sent as HTTP Basic (the server's --api-auth), anything else as
    // a bearer token (an authenticating proxy); empty for none. `sampler`: empty = server default.
    Automatic1111Backend(const QUrl &baseUrl, const QString &token, const QString &sampler,
                         const GenerationLimits &limits);

    QString name() const override;
    bool acceptsPrompts() const override { return true; }
    bool acceptsEmbeddings() const override { return false; }
    // commonParameters() + "sampler" and, once checkReachable ran, "server_model".
    QJsonObject parameters() const override;

    // GET /sdapi/v1/options; records the server's checkpoint (sd_model_checkpoint).
    void checkReachable(JobControl *control) override;
    // Requests need a prompt; a request without one gets an error outcome.
    void generate(const std::vector<GenerationRequest> &requests, JobControl *control,
                  const OutcomeHandler &onOutcome) override;

private:
    QJsonObject txt2imgBody(const GenerationRequest &request) const;
    static std::vector<GeneratedImage> readAnswer(const GenerationRequest &request, const QJsonObject &answer);

    QString m_sampler;
    QString m_serverModel;
};

} // namespace faultline
