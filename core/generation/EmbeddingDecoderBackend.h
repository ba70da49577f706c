#pragma once

#include "generation/HttpGenerationBackend.h"

namespace faultline {

// CLIP vectors to images through a server speaking faultline-embedding-decoder/1
// (docs/GENERATION_PROTOCOL.md; reference server in packaging/generation-server/): an unCLIP-style
// pipeline that decodes an image embedding, so the slider's rotated vector itself is rendered.
class EmbeddingDecoderBackend : public HttpGenerationBackend
{
public:
    static inline const QString kProtocol = QStringLiteral("faultline-embedding-decoder/1");

    // `token`: sent as "Authorization: Bearer <token>"; empty for none.
    EmbeddingDecoderBackend(const QUrl &baseUrl, const QString &token, const GenerationLimits &limits);

    QString name() const override;
    bool acceptsPrompts() const override { return false; } // a prompt only adds conditioning
    bool acceptsEmbeddings() const override { return true; }
    // commonParameters() + the server's clip_model, embedding_dim, max_count, pipeline, server.
    QJsonObject parameters() const override;

    // GET /v1/info: checks the protocol and records the server's CLIP model and dimension.
    void checkReachable(JobControl *control) override;
    // Calls checkReachable first if it has not succeeded yet. A request without an embedding, or
    // whose embedding is not of the server's CLIP model and dimension, gets an error outcome.
    void generate(const std::vector<GenerationRequest> &requests, JobControl *control,
                  const OutcomeHandler &onOutcome) override;

private:
    QString mismatch(const GenerationRequest &request) const;
    QJsonObject decodeBody(const GenerationRequest &request) const;
    static std::vector<GeneratedImage> readAnswer(const GenerationRequest &request, const QJsonObject &answer);

    QJsonObject m_info; // the server's /v1/info answer
    QString m_clipModel;
    int m_embeddingDim = 0;
};

// CLIP model names compared as people write them: "ViT-L/14" == "vit_l_14" == "ViTL14".
bool sameClipModel(const QString &a, const QString &b);

} // namespace faultline
