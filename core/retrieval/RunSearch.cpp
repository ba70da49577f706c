#include "retrieval/RunSearch.h"

#include "common/Error.h"
#include "common/JobControl.h"
#include "interpret/RunImages.h"
#include "store/ProjectStore.h"

#include <algorithm>

namespace faultline {

std::shared_ptr<const RunSearchSpace> RunSearchSpace::load(const ProjectStore &store, qint64 runId,
                                                           const QString &className, JobControl *control)
{
    QStringList classes;
    if (!className.isEmpty()) {
        classes << className;
    } else {
        for (const RunClassRow &row : store.runClasses(runId))
            classes << row.className;
    }
    auto space = std::make_shared<RunSearchSpace>();
    space->m_runId = runId;
    space->m_className = className;
    std::vector<float> embeddings;
    int dim = 0;
    for (qsizetype c = 0; c < classes.size(); ++c) {
        if (control) {
            control->checkCancelled();
            control->report(c, classes.size(), QStringLiteral("search index"));
        }
        const RunClassImages images = loadRunClassImages(store, runId, classes[c]);
        dim = images.dim;
        embeddings.insert(embeddings.end(), images.embeddings.begin(), images.embeddings.end());
        for (qsizetype i = 0; i < images.size(); ++i) {
            SearchHit hit;
            hit.imageId = images.imageIds[size_t(i)];
            hit.path = images.paths[i];
            hit.className = images.className;
            hit.prediction = images.predictions.value(i);
            hit.split = images.splits[size_t(i)];
            hit.decisionValue = images.decisionValues[size_t(i)];
            space->m_hits.push_back(hit);
        }
    }
    if (space->m_hits.empty())
        throw Error(QStringLiteral("run %1 has no images to search").arg(runId));
    // float32: cosines as exact as the stored embeddings (fp16 would move them by ~1e-3, enough
    // to reorder near-ties that a user compares against the inspector's numbers). Exact: a
    // search is one query, typed; calibrating an approximate index would cost minutes.
    space->m_index = EmbeddingIndex::build(embeddings.data(), qint64(space->m_hits.size()), dim,
                                           EmbeddingIndex::Precision::Float32, EmbeddingIndex::Approximation::Never);
    if (control)
        control->report(classes.size(), classes.size(), QStringLiteral("search index"));
    return space;
}

std::vector<SearchHit> RunSearchSpace::search(const float *query, int k, qint64 skipRow) const
{
    k = std::max(0, std::min<int>(k, int(size())));
    std::vector<EmbeddingIndex::Neighbor> nearest;
    m_index.nearest(query, std::min<int>(int(size()), k + (skipRow >= 0 ? 1 : 0)), nearest);
    std::vector<SearchHit> hits;
    hits.reserve(size_t(k));
    for (const EmbeddingIndex::Neighbor &n : nearest) {
        if (n.row == skipRow || int(hits.size()) == k)
            continue;
        SearchHit hit = m_hits[size_t(n.row)];
        hit.cosine = n.cosine;
        hits.push_back(hit);
    }
    return hits;
}

std::vector<SearchHit> RunSearchSpace::nearest(const std::vector<float> &query, int k) const
{
    if (int(query.size()) != dim())
        throw Error(QStringLiteral("search: the query has %1 values but the run's embeddings have %2")
                        .arg(query.size()).arg(dim()));
    return search(query.data(), k, -1);
}

std::vector<SearchHit> RunSearchSpace::nearestToText(const QString &text, const TextEncoder &encode, int k) const
{
    if (text.trimmed().isEmpty())
        throw Error(QStringLiteral("search: the text is empty"));
    return nearest(encode({text.trimmed()}), k);
}

qint64 RunSearchSpace::rowOf(qint64 imageId) const
{
    const auto it = std::find_if(m_hits.begin(), m_hits.end(), [&](const SearchHit &h) { return h.imageId == imageId; });
    return it == m_hits.end() ? -1 : qint64(it - m_hits.begin());
}

std::vector<SearchHit> RunSearchSpace::moreLike(qint64 imageId, int k) const
{
    const qint64 row = rowOf(imageId);
    if (row < 0)
        throw Error(QStringLiteral("search: image %1 is not among the searched images").arg(imageId));
    const Eigen::VectorXf stored = m_index.storedRow(row);
    return search(stored.data(), k, row);
}

std::vector<SearchHit> RunSearchSpace::moreLike(const QString &path, int k) const
{
    const auto it = std::find_if(m_hits.begin(), m_hits.end(), [&](const SearchHit &h) { return h.path == path; });
    if (it == m_hits.end())
        throw Error(QStringLiteral("search: '%1' is not among the searched images (%2)")
                        .arg(path, m_className.isEmpty() ? QStringLiteral("every class of run %1").arg(m_runId)
                                                         : QStringLiteral("class '%1'").arg(m_className)));
    return moreLike(it->imageId, k);
}

} // namespace faultline
