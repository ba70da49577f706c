#pragma once

#include "generation/GenerationBackend.h"
#include "interpret/ClassCaptions.h" // TextEncoder
#include "retrieval/EmbeddingIndex.h"

#include <QStringList>

namespace faultline {

struct RunClassImages;

// The fallback that always works: instead of making new images it returns the real images of
// the class nearest (by cosine in CLIP space) to the request's vector, or to its prompt's text
// embedding when a TextEncoder is given. A request for n images gets the n nearest not yet
// returned by this backend, so the requests of one plan never share an image. Retrieval has no
// randomness: image i of a request just carries seed + i, so every sample has one.
class RetrievalBackend : public GenerationBackend
{
public:
    // `images`: the class's images with their embeddings (the slider's search space).
    RetrievalBackend(const RunClassImages &images, TextEncoder encodeText = {});

    QString name() const override { return QStringLiteral("retrieval"); }
    bool acceptsPrompts() const override { return bool(m_encodeText); }
    bool acceptsEmbeddings() const override { return true; }
    QJsonObject parameters() const override;
    void checkReachable(JobControl *control) override;
    void generate(const std::vector<GenerationRequest> &requests, JobControl *control,
                  const OutcomeHandler &onOutcome) override;

private:
    EmbeddingIndex m_index;
    QStringList m_paths;
    int m_dim = 0;
    TextEncoder m_encodeText;
    std::vector<bool> m_returned;
};

} // namespace faultline
