#include "fix/InterventionSet.h"

#include "common/Error.h"

#include <QMap>

#include <algorithm>
#include <cmath>
#include <random>

namespace faultline {

namespace {

// Indices into `images` per class, in class-name order.
QMap<QString, std::vector<int>> byClass(const QVector<CandidateImage> &images)
{
    QMap<QString, std::vector<int>> classes;
    for (int i = 0; i < images.size(); ++i)
        classes[images[i].className].push_back(i);
    return classes;
}

// Sorts a class's indices hardest first by `key`, ties by image id.
void sortBy(std::vector<int> &indices, const QVector<CandidateImage> &images, double CandidateImage::*key)
{
    std::sort(indices.begin(), indices.end(), [&](int a, int b) {
        const double x = images[a].*key, y = images[b].*key;
        return x != y ? x < y : images[a].imageId < images[b].imageId;
    });
}

} // namespace

QString interventionName(Intervention intervention)
{
    switch (intervention) {
    case Intervention::FilterSvm: return QStringLiteral("filter-svm");
    case Intervention::FilterConfidence: return QStringLiteral("filter-confidence");
    case Intervention::FilterRandom: return QStringLiteral("filter-random");
    case Intervention::Upweight: return QStringLiteral("upweight");
    case Intervention::Synthetic: return QStringLiteral("synthetic");
    }
    return QString();
}

std::optional<Intervention> interventionFromName(const QString &name)
{
    for (Intervention i : {Intervention::FilterSvm, Intervention::FilterConfidence, Intervention::FilterRandom,
                           Intervention::Upweight, Intervention::Synthetic})
        if (interventionName(i) == name)
            return i;
    return std::nullopt;
}

QVector<qint64> chooseFilteredImages(const QVector<CandidateImage> &pool, Intervention arm, int k, quint64 seed)
{
    if (arm == Intervention::Upweight || arm == Intervention::Synthetic)
        throw Error(QStringLiteral("%1 is not a filtering intervention: it adds no pool images").arg(interventionName(arm)));
    if (k < 1)
        throw Error(QStringLiteral("K must be at least 1, got %1").arg(k));
    std::mt19937_64 random(seed);
    QVector<qint64> chosen;
    const QMap<QString, std::vector<int>> classes = byClass(pool);
    for (auto it = classes.cbegin(); it != classes.cend(); ++it) {
        std::vector<int> indices = it.value();
        if (int(indices.size()) < k)
            throw Error(QStringLiteral("class '%1' has %2 pool images, fewer than K = %3")
                            .arg(it.key()).arg(indices.size()).arg(k));
        switch (arm) {
        case Intervention::FilterSvm:
            sortBy(indices, pool, &CandidateImage::decisionValue);
            break;
        case Intervention::FilterConfidence:
            for (int i : indices)
                if (!std::isfinite(pool[i].confidence))
                    throw Error(QStringLiteral("class '%1': pool image %2 has no confidence; the confidence arm needs"
                                               " predictions with a confidence column (or made by predict)")
                                    .arg(it.key()).arg(pool[i].imageId));
            sortBy(indices, pool, &CandidateImage::confidence);
            break;
        case Intervention::FilterRandom:
            // Ordered by id first, so the draw depends on the seed only, not on the input order.
            std::sort(indices.begin(), indices.end(), [&](int a, int b) { return pool[a].imageId < pool[b].imageId; });
            std::shuffle(indices.begin(), indices.end(), random);
            break;
        case Intervention::Upweight:
        case Intervention::Synthetic:
            break;
        }
        for (int i = 0; i < k; ++i)
            chosen.push_back(pool[indices[size_t(i)]].imageId);
    }
    return chosen;
}

std::vector<float> upweightedTraining(const QVector<CandidateImage> &train, const HardFlag &flag, double factor)
{
    if (!std::isfinite(factor) || factor < 1)
        throw Error(QStringLiteral("the upweighting factor must be a number ≥ 1, got %1").arg(factor));
    if ((flag.perClass > 0) == flag.threshold.has_value())
        throw Error(QStringLiteral("upweighting needs exactly one of K per class and a threshold (got %1)")
                        .arg(flag.threshold ? QStringLiteral("both") : QStringLiteral("neither")));
    if (flag.threshold && !std::isfinite(*flag.threshold))
        throw Error(QStringLiteral("the threshold must be a finite number"));
    std::vector<float> weights(size_t(train.size()), 1.f);
    if (flag.threshold) {
        for (int i = 0; i < train.size(); ++i)
            if (train[i].decisionValue < *flag.threshold)
                weights[size_t(i)] = float(factor);
        return weights;
    }
    const QMap<QString, std::vector<int>> classes = byClass(train);
    for (auto it = classes.cbegin(); it != classes.cend(); ++it) {
        std::vector<int> indices = it.value();
        sortBy(indices, train, &CandidateImage::decisionValue);
        for (size_t i = 0; i < std::min(indices.size(), size_t(flag.perClass)); ++i)
            weights[size_t(indices[i])] = float(factor);
    }
    return weights;
}

} // namespace faultline
