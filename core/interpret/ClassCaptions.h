#pragma once

#include "interpret/CaptionRanking.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

namespace faultline {

class CaptionVocabulary;
class JobControl;
class ProjectStore;

// Embeds texts with the run's CLIP text tower: texts.size() × dim raw features, row-major. The
// CLI passes embedTexts() on its model; the workbench a cached, shared model.
using TextEncoder = std::function<std::vector<float>(const QStringList &texts)>;

// One class's caption candidates ranked along its stored failure direction (paper Sec. 2.2).
struct ClassCaptionRanking
{
    QString reference;                    // the reference caption t₀
    std::vector<float> referenceEmbedding;
    QVector<RankedCaption> ranked;        // most negative (hard) first
    double cvBalancedAccuracy = 0;
};

enum class CaptionScoreStorage { Store, DontStore };

// Candidates of `vocabulary` for `className` → text embeddings → reference embedding →
// rankCaptions. With CaptionScoreStorage::Store the scores are saved as the class's scores for
// the vocabulary (ProjectStore::captionScores). Throws Error when the vocabulary gives the class
// no candidates or the class has no failure direction in the run; polls `control` (may be null).
ClassCaptionRanking rankClassCaptions(ProjectStore &store, qint64 runId, const CaptionVocabulary &vocabulary,
                                      const QString &className, const TextEncoder &encode,
                                      CaptionScoreStorage storage, JobControl *control = nullptr);

} // namespace faultline
