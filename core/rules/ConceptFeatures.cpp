#include "rules/ConceptFeatures.h"

#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "common/Error.h"
#include "store/ProjectStore.h"

#include <Eigen/Dense>
#include <QSet>
#include <cmath>

namespace faultline {

QStringList conceptTexts(const CaptionVocabulary *vocabulary, const QString &className, const QStringList &userConcepts)
{
    QStringList texts;
    QSet<QString> seen;
    const auto add = [&](const QString &text) {
        const QString t = text.simplified();
        if (!t.isEmpty() && !seen.contains(t)) {
            seen.insert(t);
            texts << t;
        }
    };
    if (vocabulary)
        for (const CaptionCandidate &candidate : captionCandidates(*vocabulary, className))
            add(candidate.text);
    for (QString concept : userConcepts)
        add(concept.replace(QLatin1String("{class}"), className));
    return texts;
}

void normaliseRows(float *values, size_t rows, int dim)
{
    for (size_t r = 0; r < rows; ++r) {
        float *row = values + r * size_t(dim);
        double norm = 0;
        for (int i = 0; i < dim; ++i)
            norm += double(row[i]) * row[i];
        norm = std::sqrt(norm);
        if (norm > 0)
            for (int i = 0; i < dim; ++i)
                row[i] = float(row[i] / norm);
    }
}

std::vector<float> conceptEmbeddings(ProjectStore &store, qint64 embeddingModelId, int dim, const QStringList &texts,
                                     const TextEncoder &encode)
{
    std::vector<float> vectors(size_t(texts.size()) * size_t(dim));
    const QStringList absent = store.loadConceptEmbeddings(embeddingModelId, texts, vectors.data(), dim);
    if (!absent.isEmpty()) {
        std::vector<float> fresh = encode(absent);
        if (fresh.size() != size_t(absent.size()) * size_t(dim))
            throw Error(QStringLiteral("the text tower gives %1 values per concept, the run's embeddings have %2")
                            .arg(absent.isEmpty() ? 0 : qsizetype(fresh.size()) / absent.size()).arg(dim));
        normaliseRows(fresh.data(), size_t(absent.size()), dim);
        store.storeConceptEmbeddings(embeddingModelId, absent, fresh.data(), dim);
        for (qsizetype i = 0; i < absent.size(); ++i)
            std::copy_n(fresh.begin() + i * dim, dim, vectors.begin() + texts.indexOf(absent[i]) * dim);
    }
    return vectors;
}

RuleFeatures conceptFeatures(const std::vector<float> &images, int dim, const QStringList &texts,
                             const std::vector<float> &unitConcepts)
{
    using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const int rows = int(images.size() / size_t(dim));
    RowMajor unitImages = Eigen::Map<const RowMajor>(images.data(), rows, dim);
    unitImages.rowwise().normalize();
    const Eigen::Map<const RowMajor> concepts(unitConcepts.data(), texts.size(), dim);

    RuleFeatures features;
    for (const QString &text : texts)
        features.names << QStringLiteral("cos(\"%1\")").arg(text);
    features.values.rows = rows;
    features.values.columns = int(texts.size());
    features.values.values.resize(size_t(rows) * size_t(texts.size()));
    // Column-major rows × concepts: the layout FeatureColumns reads.
    Eigen::Map<Eigen::MatrixXf>(features.values.values.data(), rows, texts.size()).noalias() =
        unitImages * concepts.transpose();
    return features;
}

} // namespace faultline
