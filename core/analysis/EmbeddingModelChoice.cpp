#include "analysis/EmbeddingModelChoice.h"

#include "store/ProjectStore.h"

namespace faultline {

EmbeddingModelChoice chooseEmbeddingModel(const ProjectStore &store)
{
    EmbeddingModelChoice choice;
    const QVector<EmbeddingModelInfo> models = store.embeddingModels(); // oldest first
    QVector<QPair<EmbeddingModelInfo, EmbeddingCoverage>> passed;
    for (auto it = models.crbegin(); it != models.crend(); ++it) {
        if (it->count == 0 || isClassifierFeatureModel(it->name))
            continue;
        const EmbeddingCoverage coverage = store.embeddingCoverage(it->id);
        if (coverage.complete()) {
            choice.model = *it;
            choice.coverage = coverage;
            choice.skipped = passed;
            return choice;
        }
        passed.push_back({*it, coverage});
    }
    // None covers everything: the most complete, newer ones before it skipped.
    qsizetype best = -1;
    for (qsizetype i = 0; i < passed.size(); ++i)
        if (best < 0 || passed[i].second.covered > passed[best].second.covered)
            best = i;
    if (best >= 0) {
        choice.model = passed[best].first;
        choice.coverage = passed[best].second;
        choice.skipped = passed.mid(0, best);
    }
    return choice;
}

QString EmbeddingModelChoice::describe() const
{
    if (!model)
        return QStringLiteral("embeddings: none stored");
    QString text = QStringLiteral("embeddings: '%1' (%2 of %3 images)").arg(model->name).arg(coverage.covered).arg(coverage.needed);
    if (!coverage.complete())
        text += QStringLiteral(": no stored model covers them all, the others are left out");
    for (const auto &[newer, newerCoverage] : skipped)
        text += QStringLiteral("; skipped the newer '%1': it covers only %2 of %3 images (e.g. an embed still"
                               " running or interrupted: run it again to finish it)")
                    .arg(newer.name).arg(newerCoverage.covered).arg(newerCoverage.needed);
    return text;
}

} // namespace faultline
