#include "interpret/FailureBackgrounds.h"

#include "captions/CaptionCandidates.h"
#include "common/Error.h"
#include "interpret/RunImages.h"

#include <Eigen/Core>
#include <algorithm>

namespace faultline {

QVector<BackgroundShare> rankFailureBackgrounds(const RunClassImages &images, const CaptionVocabulary &vocabulary,
                                                const TextEncoder &encode)
{
    const QStringList backgrounds = vocabulary.forClass(images.className).prepositions;
    if (backgrounds.isEmpty())
        throw Error(QStringLiteral("vocabulary '%1' gives class '%2' no background phrases")
                        .arg(vocabulary.name(), images.className));
    QVector<BackgroundShare> shares;
    QStringList prompts;
    for (const QString &background : backgrounds) {
        const QString prompt = composeCaption(vocabulary.article(), QString(), images.className, background);
        shares.push_back({background, prompt, 0, 0});
        prompts << prompt;
    }
    const std::vector<float> text = encode(prompts);
    if (text.size() != size_t(prompts.size()) * size_t(images.dim))
        throw Error(QStringLiteral("the text model's embeddings do not match the run's %1-d image embeddings").arg(images.dim));
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    RowMatrix textRows = Eigen::Map<const RowMatrix>(text.data(), prompts.size(), images.dim);
    textRows.rowwise().normalize(); // the image side needs no normalising for an argmax

    int failures = 0;
    for (qsizetype i = 0; i < images.size(); ++i) {
        if (images.correct[size_t(i)])
            continue;
        const Eigen::Map<const Eigen::VectorXf> image(images.embeddings.data() + i * images.dim, images.dim);
        Eigen::Index best = 0;
        (textRows * image).maxCoeff(&best);
        ++shares[int(best)].failures;
        ++failures;
    }
    if (failures == 0)
        throw Error(QStringLiteral("class '%1' has no misclassified images to match backgrounds to").arg(images.className));
    for (BackgroundShare &share : shares)
        share.share = double(share.failures) / failures;
    std::stable_sort(shares.begin(), shares.end(),
                     [](const BackgroundShare &a, const BackgroundShare &b) { return a.failures > b.failures; });
    return shares;
}

} // namespace faultline
