#include "interpret/ClassCaptions.h"

#include "captions/CaptionCandidates.h"
#include "captions/CaptionVocabulary.h"
#include "common/Error.h"
#include "common/JobControl.h"
#include "interpret/StoredFailureDirection.h"
#include "store/ProjectStore.h"

namespace faultline {

ClassCaptionRanking rankClassCaptions(ProjectStore &store, qint64 runId, const CaptionVocabulary &vocabulary,
                                      const QString &className, const TextEncoder &encode,
                                      CaptionScoreStorage storage, JobControl *control)
{
    QStringList texts;
    for (const CaptionCandidate &candidate : captionCandidates(vocabulary, className))
        texts << candidate.text;
    if (texts.isEmpty())
        throw Error(QStringLiteral("the vocabulary '%1' gives class '%2' no caption candidates")
                        .arg(vocabulary.name(), className));
    const StoredFailureDirection direction = StoredFailureDirection::load(store, runId, className);
    ClassCaptionRanking result;
    result.reference = referenceCaption(vocabulary, className);
    result.cvBalancedAccuracy = direction.cvBalancedAccuracy();
    if (control)
        control->checkCancelled();
    const std::vector<float> embeddings = encode(texts);
    if (control)
        control->checkCancelled();
    result.referenceEmbedding = encode({result.reference});
    result.ranked = rankCaptions(direction, texts, embeddings, result.referenceEmbedding);
    if (storage == CaptionScoreStorage::Store) {
        QVector<QPair<QString, double>> scores;
        for (const RankedCaption &r : result.ranked)
            scores.push_back({r.caption, r.score});
        store.storeCaptionScores(runId, className, vocabulary.name(), scores);
    }
    return result;
}

} // namespace faultline
