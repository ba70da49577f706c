#include "generation/RetrievalBackend.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "interpret/RunImages.h"

namespace faultline {

RetrievalBackend::RetrievalBackend(const RunClassImages &images, TextEncoder encodeText)
    : m_index(EmbeddingIndex::build(images.embeddings.data(), images.size(), images.dim, EmbeddingIndex::Precision::Float16,
                                    EmbeddingIndex::Approximation::Never)), // a few queries per class: exact
      m_paths(images.paths),
      m_dim(images.dim),
      m_encodeText(std::move(encodeText)),
      m_returned(size_t(images.size()), false)
{
}

QJsonObject RetrievalBackend::parameters() const
{
    return {{QStringLiteral("kind"), name()}, {QStringLiteral("images"), qint64(m_paths.size())}};
}

void RetrievalBackend::checkReachable(JobControl *)
{
    if (m_paths.isEmpty())
        throw Error(QStringLiteral("retrieval: the class has no embedded images to retrieve from"));
}

void RetrievalBackend::generate(const std::vector<GenerationRequest> &requests, JobControl *control,
                                const OutcomeHandler &onOutcome)
{
    for (size_t r = 0; r < requests.size(); ++r) {
        if (control)
            control->checkCancelled();
        const GenerationRequest &request = requests[r];
        GenerationOutcome outcome;
        Eigen::VectorXf query;
        if (!request.embedding.empty()) {
            query = Eigen::Map<const Eigen::VectorXf>(request.embedding.data(), Eigen::Index(request.embedding.size()));
        } else if (m_encodeText) {
            const std::vector<float> text = m_encodeText({request.prompt});
            query = Eigen::Map<const Eigen::VectorXf>(text.data(), Eigen::Index(text.size()));
        }
        if (query.size() != m_dim) {
            outcome.error = query.size() == 0
                ? QStringLiteral("retrieval needs a vector or a text encoder for prompts")
                : QStringLiteral("retrieval: the vector has %1 values but the images' embeddings have %2")
                      .arg(query.size()).arg(m_dim);
            onOutcome(int(r), outcome);
            continue;
        }
        // Ask for enough neighbours to skip those already returned.
        const qint64 returned = std::count(m_returned.begin(), m_returned.end(), true);
        std::vector<EmbeddingIndex::Neighbor> nearest;
        m_index.nearest(query, int(std::min<qint64>(m_paths.size(), returned + request.count)), nearest);
        for (const EmbeddingIndex::Neighbor &neighbor : nearest) {
            if (int(outcome.images.size()) == request.count)
                break;
            if (m_returned[size_t(neighbor.row)])
                continue;
            m_returned[size_t(neighbor.row)] = true;
            GeneratedImage image;
            image.seed = request.seed + qint64(outcome.images.size());
            image.sourcePath = m_paths[neighbor.row];
            image.info = QJsonObject{{QStringLiteral("cosine"), double(neighbor.cosine)}};
            outcome.images.push_back(image);
        }
        if (outcome.images.empty())
            outcome.error = QStringLiteral("retrieval: every image of the class was already returned");
        onOutcome(int(r), outcome);
        if (control)
            control->report(qint64(r + 1), qint64(requests.size()), QStringLiteral("generate"));
    }
}

} // namespace faultline
