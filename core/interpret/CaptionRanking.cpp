#include "interpret/CaptionRanking.h"

#include "common/Error.h"
#include "interpret/StoredFailureDirection.h"

#include <algorithm>

namespace faultline {

QVector<RankedCaption> rankCaptions(const StoredFailureDirection &direction, const QStringList &captions,
                                    const std::vector<float> &captionEmbeddings, const std::vector<float> &reference)
{
    const Eigen::Index dim = Eigen::Index(reference.size());
    if (dim == 0 || captionEmbeddings.size() != size_t(captions.size()) * size_t(dim))
        throw Error(QStringLiteral("caption ranking: %1 captions need %2 × %3 embedding values, got %4")
                        .arg(captions.size()).arg(captions.size()).arg(dim).arg(captionEmbeddings.size()));
    const Eigen::VectorXd t0 = Eigen::Map<const Eigen::VectorXf>(reference.data(), dim).cast<double>();
    QVector<RankedCaption> ranked;
    ranked.reserve(captions.size());
    for (qsizetype i = 0; i < captions.size(); ++i) {
        const Eigen::VectorXd ti =
            Eigen::Map<const Eigen::VectorXf>(captionEmbeddings.data() + i * dim, dim).cast<double>();
        ranked.push_back({captions[i], direction.decision(ti - t0)});
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const RankedCaption &a, const RankedCaption &b) { return a.score < b.score; });
    return ranked;
}

} // namespace faultline
